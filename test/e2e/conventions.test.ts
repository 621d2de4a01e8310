// What a person meets first, through the built CLI: help in a real 80-column terminal (no line longer,
// no word cut), `help`/`-h` everywhere, did-you-mean for a help subject, the bash completion script
// sourced in a real bash, and RPC settings that say where they came from (ETH_RPC_URL exported for
// Foundry), against the test anvil.
import http from 'node:http'
import {type AddressInfo} from 'node:net'
import {execFileSync, spawnSync} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import path from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {cliEnv, runCli, stopAll} from '../setup/cli.js'
import {makeTestEnv, type TestEnv} from '../setup/env.js'
import {runInPty, screenLines, stripAnsi, widestLine} from '../setup/pty.js'

let env: TestEnv
let otherChain: http.Server
let otherChainUrl: string

beforeAll(async () => {
  env = makeTestEnv()
  // A node of another chain (chain id 1), as a Foundry user's ETH_RPC_URL would be.
  otherChain = http.createServer((req, res) => {
    let body = ''
    req.on('data', (c) => (body += c))
    req.on('end', () => {
      const {id} = JSON.parse(body) as {id: number}
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({id, jsonrpc: '2.0', result: '0x1'}))
    })
  })
  await new Promise<void>((resolve) => otherChain.listen(0, '127.0.0.1', () => resolve()))
  otherChainUrl = `http://127.0.0.1:${(otherChain.address() as AddressInfo).port}`
})

afterAll(async () => {
  await stopAll()
  otherChain?.close()
  env.cleanup()
})

const words = (text: string) => new Set(stripAnsi(text).split(/[\s\\]+/).filter(Boolean))

describe('help at 80 columns', () => {
  it('`-h`, `help TOPIC` and a long command fit 80 columns, and every word is whole', async () => {
    for (const args of [['-h'], ['help', 'compute'], ['compute', 'order', '-h']]) {
      const pty = runInPty(args, {columns: 80, env: cliEnv(env)})
      const {raw, status} = await pty.done
      expect(status, args.join(' ')).toBe(0)
      expect(widestLine(raw).width, widestLine(raw).line).toBeLessThanOrEqual(80)
      // The same help laid out at 250 columns has every word the 80-column one has: none was cut.
      const wide = await runCli(args, {env: cliEnv(env, {COLUMNS: '250'})})
      const full = words(wide.stdout)
      const cut = [...words(screenLines(raw).join('\n'))].filter((word) => !full.has(word))
      expect(cut, args.join(' ')).toEqual([])
    }
  })

  it('`nectar help`, `nectar -h`, `balance -h` and `help compute offers` show help; a misspelt subject gets a suggestion', async () => {
    const root = await runCli(['help'], {env: cliEnv(env)})
    expect(root.status).toBe(0)
    expect(root.stdout).toMatch(/^TOPICS$/m)
    expect((await runCli(['-h'], {env: cliEnv(env)})).stdout).toBe(root.stdout)
    const balance = await runCli(['balance', '-h'], {env: cliEnv(env)})
    expect(balance.status).toBe(0)
    expect(balance.stdout).toMatch(/^Show NEC balances/)
    expect(balance.stdout).toContain('-h, --help')
    const offers = await runCli(['help', 'compute', 'offers'], {env: cliEnv(env)})
    expect(offers.stdout).toContain('$ nectar compute offers')
    const typo = await runCli(['help', 'comptue', 'offers'], {env: cliEnv(env)})
    expect(typo.status).toBe(2)
    expect(typo.stderr).toContain('Did you mean `nectar compute offers`?')
  })

  it('`help --json` gives a command\'s arguments, flags and examples, and a topic\'s commands', async () => {
    const offers = await runCli(['help', 'compute', 'offers', '--json'], {env: cliEnv(env)})
    expect(offers.status).toBe(0)
    expect(offers.envelope.data).toMatchObject({command: 'compute offers', summary: expect.any(String)})
    expect(offers.envelope.data.flags.map((f: {name: string}) => f.name)).toEqual(expect.arrayContaining(['min-cores', 'max-price', 'json']))
    expect(offers.envelope.data.examples[0]).toBe('nectar compute offers')
    const topic = await runCli(['help', 'compute', '--json'], {env: cliEnv(env)})
    expect(topic.envelope.data.topic).toBe('compute')
    expect(topic.envelope.data.commands.map((c: {command: string}) => c.command)).toContain('compute order')
    expect(topic.envelope.data.commands.every((c: {command: string}) => c.command.startsWith('compute '))).toBe(true)
  })

  it('a mistyped flag names the flag meant', async () => {
    const r = await runCli(['balance', '--acount', 'dev1', '--json'], {env: cliEnv(env)})
    expect(r.status).toBe(2)
    expect(r.envelope.error).toMatchObject({code: 'USAGE', hint: expect.stringMatching(/^Did you mean `--account`\?/), message: 'Unknown flag: --acount.'})
  })
})

describe('autocomplete', () => {
  it('the bash script completes commands, topics and the flags of a command', async () => {
    const r = await runCli(['autocomplete', 'bash'], {env: cliEnv(env)})
    expect(r.status).toBe(0)
    const script = path.join(path.dirname(env.dataDir), 'nectar.bash')
    writeFileSync(script, r.stdout)
    const complete = (...line: string[]) =>
      execFileSync('bash', ['-c', `source "$0"; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _nectar; printf '%s\\n' "\${COMPREPLY[@]}"`, script, ...line], {encoding: 'utf8'})
        .split('\n')
        .filter(Boolean)
    expect(complete('nectar', 'comp')).toEqual(['compute'])
    expect(complete('nectar', 'compute', 'offers', '--min-')).toEqual(['--min-cores', '--min-gpu-mem', '--min-net-down', '--min-net-up', '--min-ram', '--min-storage'])
    expect(complete('nectar', 'provider', 'offer', '')).toEqual(['cancel', 'create', 'list'])
    expect(complete('nectar', 'help', 'provider', 'off')).toEqual(['offer'])
    expect(complete('nectar', 'compute', 'offers', '--sort', 'r')).toEqual(['ram'])
    // After an argument, the command's flags still complete.
    expect(complete('nectar', 'balance', '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', '--bl')).toEqual(['--block'])
  })

  // zsh's completion system needs an interactive shell; its functions are stubbed to print what they are given.
  it.skipIf(spawnSync('zsh', ['-c', 'true']).status !== 0)('the zsh script completes the same', async () => {
    const r = await runCli(['autocomplete', 'zsh'], {env: cliEnv(env)})
    expect(r.stdout).toMatch(/^#compdef nectar/)
    const script = path.join(path.dirname(env.dataDir), '_nectar')
    writeFileSync(script, r.stdout)
    const stubs = `compdef() { :; }; _describe() { print -l -- "\${(@P)\${@[-1]}}" | cut -d: -f1 | grep -- "^$PREFIX"; }; compadd() { print -l -- "\${(@P)2}" | grep -- "^$PREFIX"; }; _files() { print FILES; }`
    const complete = (...line: string[]) =>
      execFileSync('zsh', ['-c', `${stubs}; source "$1"; shift; words=("$@"); CURRENT=$#; PREFIX=\${words[-1]}; _nectar`, 'zsh', script, ...line], {encoding: 'utf8'}).split('\n').filter(Boolean)
    expect(complete('nectar', 'comp')).toEqual(['compute'])
    expect(complete('nectar', 'compute', 'offers', '--min-r')).toEqual(['--min-ram'])
    expect(complete('nectar', 'compute', 'offers', '--sort', 'r')).toEqual(['ram'])
  })
})

describe('where the RPC URL comes from', () => {
  it('ETH_RPC_URL that overrides the profile is warned about, on stderr and in the envelope', async () => {
    // The same anvil under another name: the command works, and says whose URL it used.
    const elsewhere = env.rpcUrl.replace('127.0.0.1', 'localhost')
    const json = await runCli(['supply', '--json'], {env: cliEnv(env, {ETH_RPC_URL: elsewhere})})
    expect(json.status).toBe(0)
    expect(json.envelope.warnings).toEqual([`ETH_RPC_URL (${elsewhere}) overrides the devnet profile's RPC URL (${env.rpcUrl}); unset it or pass --rpc-url to choose.`])
    const human = await runCli(['supply'], {env: cliEnv(env, {ETH_RPC_URL: elsewhere})})
    expect(human.status).toBe(0)
    expect(human.stderr.trim().split('\n')).toEqual([`Warning: ETH_RPC_URL (${elsewhere}) overrides the devnet profile's RPC URL (${env.rpcUrl}); unset it or pass --rpc-url to choose.`])
    // Without ETH_RPC_URL, nothing to warn about.
    expect((await runCli(['supply', '--json'], {env: cliEnv(env)})).envelope.warnings).toBeUndefined()
  })

  it('a dead URL and a wrong chain name ETH_RPC_URL; a dead --rpc-url names the flag', async () => {
    const dead = await runCli(['supply', '--json'], {env: cliEnv(env, {ETH_RPC_URL: 'http://127.0.0.1:1'})})
    expect(dead.status).toBe(1)
    expect(dead.envelope.error).toMatchObject({code: 'RPC_UNREACHABLE', hint: expect.stringContaining('ETH_RPC_URL is set in your environment'), message: expect.stringMatching(/the URL comes from ETH_RPC_URL\.$/)})
    expect(dead.envelope.warnings[0]).toMatch(/^ETH_RPC_URL \(http:\/\/127\.0\.0\.1:1\) overrides/)
    const wrong = await runCli(['balance', env.deployment.makers[0].address], {env: cliEnv(env, {ETH_RPC_URL: otherChainUrl})})
    expect(wrong.status).toBe(1)
    expect(wrong.stderr).toContain(`Error: The RPC endpoint serves chain id 1, but network devnet expects 31337; the URL comes from ETH_RPC_URL.`)
    const flag = await runCli(['supply', '--rpc-url', 'http://127.0.0.1:1', '--json'], {env: cliEnv(env, {ETH_RPC_URL: otherChainUrl})})
    expect(flag.envelope.error.message).toMatch(/the URL comes from --rpc-url\.$/)
    expect(flag.envelope.warnings).toBeUndefined()
  })
})
