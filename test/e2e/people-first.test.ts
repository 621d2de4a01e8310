// What a person sees, in a real pseudo-terminal at 80 columns (test/setup/pty.ts), against a devnet of
// this file's own: account names where addresses go, the password asked only to sign and only after
// the checks and the confirmation, a declined prompt that says what was sent and exits 1, a spinner
// and a progress bar with its rate, and a followed job: its stderr marked, one status line while the
// agent is gone, how to reattach on Ctrl-C, and the end in plain words.
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {writeConfig} from '../../src/lib/config/store.js'
import {DEV_PRIVATE_KEYS} from '../../src/lib/devnet/accounts.js'
import {freePort} from '../../src/lib/devnet/anvil.js'
import {profileContracts} from '../../src/lib/devnet/profile.js'
import {listProviderAsks} from '../../src/lib/market/provider.js'
import {encryptKeystore} from '../../src/lib/wallet/keystore.js'
import {saveKeystore} from '../../src/lib/wallet/store.js'
import {type FreshAccount, freshAccount, type PrivateChain, privateChain} from '../setup/chain.js'
import {cliEnv, type CliProcess, runCli, startCli, stopAll} from '../setup/cli.js'
import {runInPty, screenLines, stripAnsi} from '../setup/pty.js'

const CHEAP = {n: 1024, p: 1, r: 8}
const DEV1 = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
const DEV2 = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC'
let chain: PrivateChain
let dir: string
let env: NodeJS.ProcessEnv
let provider: FreshAccount
let agent: CliProcess | undefined
let port: number

const nectar = (args: string[], extra: Record<string, string> = {}) => runCli(args, {env: {...env, ...extra}, timeout: 60_000})
/** The pty's environment: colour on (no NO_COLOR), as a person's terminal. */
const ptyEnv = (extra: Record<string, string> = {}) => {
  const e: NodeJS.ProcessEnv = {...env, ...extra}
  delete e.NO_COLOR
  return e
}

beforeAll(async () => {
  chain = await privateChain()
  provider = await freshAccount(chain.client)
  dir = mkdtempSync(path.join(os.tmpdir(), 'nectar-people-first-'))
  const configDir = path.join(dir, 'config')
  writeConfig(configDir, {network: 'devnet', networks: {devnet: {chainId: 31337, contracts: profileContracts(chain.deployment), devnet: true, rpcUrl: chain.rpcUrl}}})
  env = cliEnv({configDir, dataDir: path.join(dir, 'data')})
  // "maker" holds dev1's key (NEC, registered); "empty" a key with nothing. Both behind a password.
  saveKeystore(configDir, 'maker', await encryptKeystore(DEV_PRIVATE_KEYS[1], 'pw-maker', {kdfParams: CHEAP}))
  saveKeystore(configDir, 'empty', await encryptKeystore((await freshAccount(chain.client)).privateKey, 'pw-empty', {kdfParams: CHEAP}))
  port = await freePort()
})

afterAll(async () => {
  if (agent) {
    agent.kill('SIGKILL')
    await agent.done
  }
  await stopAll()
  await chain?.stop()
  rmSync(dir, {force: true, recursive: true})
})

describe('accounts by name', () => {
  it('a keystore or dev account name works where an address does, with no password asked', async () => {
    const r = await nectar(['balance', 'maker', 'dev2', '--json'])
    expect(r.status, r.stderr).toBe(0)
    expect(r.envelope.data.balances.map((b: {address: string}) => b.address)).toEqual([DEV1, DEV2])
    const check = await nectar(['whitelist', 'check', 'dev1', '--json'])
    expect(check.status, check.stderr).toBe(0)
    const unknown = await nectar(['transfer', 'nobody', '1', '--account', 'dev1', '--yes', '--json'])
    expect(unknown.status).toBe(2)
    expect(unknown.envelope.error).toMatchObject({code: 'INVALID_ADDRESS', message: expect.stringContaining('neither an address nor an account name')})
  })

  it('a transfer that cannot go through refuses before any password prompt', async () => {
    const pty = runInPty(['transfer', 'dev2', '1', '--account', 'empty'], {env: ptyEnv()})
    const r = await pty.done
    expect(stripAnsi(r.raw).replaceAll(/\s+/g, ' ')).toMatch(/holds 0 NEC, less than the 1 NEC to send/)
    expect(stripAnsi(r.raw)).not.toMatch(/Password/)
    expect(r.status).toBe(1)
  })

  it('asks the password after the preview and the confirmation, then sends', async () => {
    const pty = runInPty(['transfer', 'dev2', '1', '--account', 'maker'], {env: ptyEnv()})
    await pty.waitFor('Send this transaction?')
    expect(stripAnsi(pty.output())).not.toMatch(/Password/)
    pty.type('y\r')
    await pty.waitFor('Password for the keystore maker')
    pty.type('pw-maker\r')
    const r = await pty.done
    expect(stripAnsi(r.raw)).toMatch(/Transferred 1 NEC to 0x3C44/)
    expect(r.status).toBe(0)
  })
})

describe('honest prompts', () => {
  it('declining says nothing was sent and exits 1, without an error; Ctrl-C at the prompt exits 130', async () => {
    const pty = runInPty(['transfer', 'dev2', '1', '--account', 'dev1'], {env: ptyEnv()})
    await pty.waitFor('Send this transaction?')
    pty.type('n\r')
    const r = await pty.done
    const screen = stripAnsi(r.raw)
    expect(screen).toContain('Cancelled; nothing was sent.')
    expect(screen).not.toContain('Error')
    expect(r.status).toBe(1)
    // Ctrl-C at the prompt: the same words, and the exit code of an interrupt.
    const interrupted = runInPty(['transfer', 'dev2', '1', '--account', 'dev1'], {env: ptyEnv()})
    await interrupted.waitFor('Send this transaction?')
    interrupted.type('\u0003')
    const i = await interrupted.done
    expect(stripAnsi(i.raw)).toContain('Cancelled; nothing was sent.')
    expect(i.status).toBe(130)
  })

  it('compute order shows both steps before the first prompt; declining the second names the approval already sent', async () => {
    const pty = runInPty(['compute', 'order', '1', '--duration', '1h', '--account', 'dev8'], {env: ptyEnv()})
    await pty.waitFor('Send this transaction?')
    const first = stripAnsi(pty.output())
    expect(first).toMatch(/step 1 +approve\(Market/)
    expect(first).toMatch(/step 2 +QuickBuy\(1,/)
    pty.type('y\r')
    await pty.waitFor(/Send this transaction\?[\s\S]*Send this transaction\?/)
    pty.type('n\r')
    const r = await pty.done
    const screen = stripAnsi(r.raw).replaceAll('\r\n', '\n')
    expect(screen).toMatch(/Cancelled\. Already sent:\n {2}0x[0-9a-f]{64}\n {4}Raise the Market's SNM allowance by [\d.]+ SNM\n/)
    expect(screen).not.toContain('nothing was sent')
    expect(r.status).toBe(1)
  })
})

describe('feedback', () => {
  it('a spinner while a long address file is read, then a bar with its rate; gas in ETH in a batch preview', async () => {
    const file = path.join(dir, 'holders.txt')
    // Lower case: no checksum to compute here, while nectar still checks each one.
    const hex = () => Array.from({length: 40}, () => '0123456789abcdef'[Math.floor(Math.random() * 16)]).join('')
    writeFileSync(file, Array.from({length: 20_000}, () => `0x${hex()}`).join('\n'))
    const pty = runInPty(['balance', '--file', file], {env: ptyEnv()})
    const r = await pty.done
    expect(r.status, r.raw).toBe(0)
    expect(r.raw).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] Reading .*holders\.txt…/)
    expect(stripAnsi(r.raw)).toMatch(/Reading balances \[#+\] 20,000\/20,000 [\d,]+\/s in \d+s/)

    // The bar's clock starts when the prompt is answered: 3 s spent reading the preview are not counted.
    const list = path.join(dir, 'register.txt')
    writeFileSync(list, Array.from({length: 300}, () => `0x${hex()}`).join('\n'))
    const add = runInPty(['whitelist', 'add', '--file', list, '--account', 'dev0', '--batch-size', '30'], {env: ptyEnv()})
    await add.waitFor(/Send \d+ transaction/)
    expect(stripAnsi(add.output())).toMatch(/gas +[\d,]+ \(≈[\d.]+ ETH at [\d.]+ gwei\)/)
    await new Promise((resolve) => setTimeout(resolve, 3000))
    add.type('y\r')
    const added = await add.done
    expect(added.status, added.raw).toBe(0)
    const bar = screenLines(added.raw).find((line) => line.startsWith('Registering ['))
    expect(bar).toMatch(/300\/300 [\d,]+\/s in [0-2]s$/)
  })
})

describe('follow mode', () => {
  async function listedAsk(): Promise<bigint> {
    const end = Date.now() + 20_000
    for (;;) {
      const [ask] = await listProviderAsks(chain.client, chain.deployment.contracts.market!, provider.address)
      if (ask) return ask.id
      if (Date.now() > end) throw new Error(`the agent placed no ask: ${agent?.stderr()}`)
      await new Promise((r) => setTimeout(r, 100))
    }
  }

  it('marks stderr, labels streams with --prefix, ends in plain words; one status line while the agent is gone; Ctrl-C says how to reattach', async () => {
    writeFileSync(path.join(dir, 'ask.yaml'), '- duration: 2h\n  price: 0.5usd/h\n  resources:\n    cpu: {cores: 1}\n    ram: {size: 1GiB}\n')
    const asProvider = {NECTAR_PRIVATE_KEY: provider.privateKey}
    const registered = await nectar(['provider', 'register', '--endpoint', `http://127.0.0.1:${port}`, '--yes', '--json'], asProvider)
    expect(registered.status, registered.stderr).toBe(0)
    agent = startCli(['provider', 'serve', '--plan', path.join(dir, 'ask.yaml'), '--port', String(port), '--poll', '200', '--market-poll', '200', '--json'], {env: {...env, ...asProvider}})
    await agent.firstRecord()
    const askId = await listedAsk()
    const quick = path.join(dir, 'quick.json')
    writeFileSync(quick, JSON.stringify({args: ['-e', 'console.log("hello"); console.error("a warning"); process.exitCode = 3'], command: process.execPath}))
    const order = await nectar(['compute', 'order', String(askId), '--duration', '1h', '--job', quick, '--follow', '--prefix', '--account', 'dev8', '--yes'])
    expect(order.stdout).toBe('out| hello\n')
    expect(order.stderr).toContain('err| a warning\n')
    expect(order.stderr).toMatch(/Job \d+ exited with code 3 after \d+ s\./)
    expect(order.status).toBe(3)
    const dealId = /Deal (\d+) opened/.exec(order.stderr)![1]

    // In a terminal: the job's stderr in colour.
    const shown = runInPty(['compute', 'logs', dealId, '--account', 'dev8'], {env: ptyEnv()})
    const logs = await shown.done
    expect(logs.raw).toContain('\u001B[33ma warning\u001B[39m')

    const slow = path.join(dir, 'slow.json')
    writeFileSync(slow, JSON.stringify({args: ['-e', 'console.log("started"); setTimeout(() => {}, 60_000)'], command: process.execPath}))
    const started = await nectar(['compute', 'run', dealId, '--job', slow, '--account', 'dev8', '--json'])
    expect(started.status, started.stderr).toBe(0)
    const jobId = started.envelope.data.job.id
    const follow = runInPty(['compute', 'logs', dealId, jobId, '--follow', '--account', 'dev8'], {env: ptyEnv()})
    await follow.waitFor('started')
    agent.kill('SIGKILL')
    await agent.done
    agent = undefined
    await follow.waitFor(/Reconnecting \(attempt 4\)/, 20_000)
    const status = screenLines(follow.output()).filter((line) => /Reconnecting/.test(line))
    expect(status).toHaveLength(1)
    follow.type('\u0003')
    const r = await follow.done
    const screen = stripAnsi(r.raw)
    expect(screen).toContain(`Reattach: nectar compute logs ${dealId} ${jobId} --follow`)
    expect(screen).toContain(`Stop it:  nectar compute stop ${dealId} ${jobId}`)
    expect(r.status).toBe(130)
  })
})
