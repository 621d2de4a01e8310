// The conventions every oclif CLI has, as pure logic: one suggestion function behind did-you-mean for
// commands, flags, config keys, network names and YAML fields; where the RPC URL came from; help text wrapped between words; and the checked-in
// oclif.manifest.json walked for a summary and examples on every command and a description on every topic.
import {readFileSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {describe, expect, it} from 'vitest'

import {unknownCommandError, unknownFlagsError} from '../../src/lib/cli/suggestions.js'
import {renderColumns, wrapText} from '../../src/lib/cli/wrap-text.js'
import {checkKey} from '../../src/lib/config/keys.js'
import {requireNetwork} from '../../src/lib/config/networks.js'
import {resolveSettings, rpcOverrideWarning, withRpcOrigin} from '../../src/lib/config/settings.js'
import {nectarError} from '../../src/lib/core/errors.js'
import {parsePlan} from '../../src/lib/market/plan.js'
import {parseJobSpec} from '../../src/lib/provider/job-spec.js'
import {failure} from '../setup/errors.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const manifest = JSON.parse(readFileSync(path.join(root, 'oclif.manifest.json'), 'utf8')) as {
  commands: Record<string, {description?: string; examples?: string[]; flags: Record<string, {helpGroup?: string}>; summary?: string}>
}
const topics = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {oclif: {topics: Record<string, {description?: string}>}}).oclif.topics
const ids = Object.keys(manifest.commands)

describe('did you mean', () => {
  it('a command or a topic, shown with spaces', () => {
    expect(unknownCommandError('balanc', ids, 'nectar').hint).toMatch(/^Did you mean `nectar balance`\?/)
    expect(unknownCommandError('comptue:offers', ids, 'nectar').hint).toMatch(/^Did you mean `nectar compute offers`\?/)
    expect(unknownCommandError('comptue', ids, 'nectar').hint).toMatch(/^Did you mean `nectar compute`\?/)
    // Arguments after a mistyped command stay with the suggestion.
    expect(unknownCommandError('balanc:0x70997970C51812dc3A010C7d01b50e0d17dc79C8', ids, 'nectar').hint).toMatch(/^Did you mean `nectar balance 0x70997970C51812dc3A010C7d01b50e0d17dc79C8`\?/)
    expect(unknownCommandError('comptue:deal:7', ids, 'nectar').hint).toMatch(/^Did you mean `nectar compute deal 7`\?/)
    expect(unknownCommandError('frobnicate', ids, 'nectar').hint).toBe('See `nectar --help` for the list.')
    expect(unknownCommandError('supply:extra', ids, 'nectar')).toMatchObject({code: 'USAGE', message: 'Unexpected argument "extra" for `nectar supply`.'})
  })

  it('a flag of the command', () => {
    const known = Object.keys(manifest.commands.balance.flags)
    const error = unknownFlagsError(['--acount'], known, 'balance', 'nectar')
    expect(error).toMatchObject({code: 'USAGE', exitCode: 2, message: 'Unknown flag: --acount.'})
    expect(error.hint).toBe('Did you mean `--account`? See `nectar balance --help` for its flags.')
    expect(unknownFlagsError(['--zzzzzz'], known, 'balance', 'nectar').hint).toBe('See `nectar balance --help` for its flags.')
  })

  it('a config key', () => {
    expect(failure(() => checkKey('netwrok')).hint).toMatch(/^Did you mean `network`\?/)
    expect(failure(() => checkKey('networks.mainnet.rpcurl')).hint).toMatch(/^Did you mean `networks\.mainnet\.rpcUrl`\?/)
    expect(failure(() => checkKey('networks.devnet.contracts.necc')).hint).toMatch(/^Did you mean `networks\.devnet\.contracts\.nec`\?/)
    expect(failure(() => checkKey('colour')).hint).toMatch(/^Keys: /)
  })

  it('a network name', () => {
    expect(failure(() => requireNetwork({}, 'mainet')).hint).toMatch(/^Did you mean `mainnet`\? Known networks: devnet, mainnet, sonm\./)
  })

  it('a field of a job spec or an ask plan', () => {
    expect(failure(() => parseJobSpec({command: 'sh', timelimit: '10m'}, 'job.yaml')).message).toBe('job.yaml: unknown field "timelimit" (did you mean "timeLimit"?).')
    expect(failure(() => parseJobSpec({command: 'sh', files: [{content: 'x', pth: 'a'}]}, 'job.yaml')).message).toMatch(/unknown field "pth" in \/files\/0 \(did you mean "path"\?\)/)
    const plan = 'duration: 2h\nprice: 0.5usd/h\nresources:\n  cpu:\n    cores: 4\n    sysbenchmulti: 10\n'
    expect(failure(() => parsePlan(plan, 'ask.yaml')).message).toBe('ask.yaml line 6: unknown field resources.cpu.sysbenchmulti (did you mean resources.cpu.sysbenchMulti?).')
    expect(failure(() => parsePlan('duraton: 2h\nprice: 0.5usd/h\nresources: {}\n', 'ask.yaml')).message).toMatch(/unknown field duraton \(did you mean duration\?\)/)
  })
})

describe('where the RPC URL comes from', () => {
  const config = {network: 'mainnet', networks: {mainnet: {chainId: 1, rpcUrl: 'https://eth.example.org'}}}
  const dead = (url: string) => nectarError('RPC_UNREACHABLE', `The RPC endpoint ${url} did not answer (ECONNREFUSED).`)

  it('names the variable, the flag or the profile, and says how to change it', () => {
    const fromEnv = resolveSettings({}, {NECTAR_RPC_URL: 'http://127.0.0.1:1'}, config)
    expect(withRpcOrigin(dead('http://127.0.0.1:1'), fromEnv)).toMatchObject({
      hint: "NECTAR_RPC_URL is set in your environment and takes the place of the mainnet profile's URL: unset it, or pass --rpc-url.",
      message: 'The RPC endpoint http://127.0.0.1:1 did not answer (ECONNREFUSED); the URL comes from NECTAR_RPC_URL.',
    })
    const fromProfile = resolveSettings({}, {}, config)
    expect(withRpcOrigin(dead('https://eth.example.org'), fromProfile)).toMatchObject({
      hint: "Change the mainnet profile's URL with `nectar network add mainnet --rpc-url URL`, or pass --rpc-url.",
      message: expect.stringMatching(/; the URL comes from the mainnet profile\.$/),
    })
    // An error about another URL (a provider's agent, say) is left alone.
    expect(withRpcOrigin(dead('http://10.0.0.9:8701'), fromProfile).message).not.toContain('comes from')
  })

  it('warns only when ETH_RPC_URL replaces a different profile URL', () => {
    expect(rpcOverrideWarning(resolveSettings({}, {ETH_RPC_URL: 'http://127.0.0.1:8545'}, config))).toBe(
      "ETH_RPC_URL (http://127.0.0.1:8545) overrides the mainnet profile's RPC URL (https://eth.example.org); unset it or pass --rpc-url to choose.",
    )
    expect(rpcOverrideWarning(resolveSettings({}, {ETH_RPC_URL: 'https://eth.example.org'}, config))).toBeUndefined()
    expect(rpcOverrideWarning(resolveSettings({'rpc-url': 'http://127.0.0.1:8545'}, {ETH_RPC_URL: 'http://127.0.0.1:8545'}, config))).toBeUndefined()
    expect(rpcOverrideWarning(resolveSettings({network: 'sonm'}, {ETH_RPC_URL: 'http://127.0.0.1:8545'}, config))).toBeUndefined()
  })
})

describe('help text wrapping', () => {
  const prose = 'Rent an offer in two steps, both shown before the first confirmation: approve, then QuickBuy. Every check the Market makes runs before anything is signed.'
  const words = (text: string) => text.split(/\s+/).filter(Boolean)

  it('breaks between words only, keeps the indent, and no line passes the width', () => {
    const wrapped = wrapText(`  ${prose}`, 40)
    for (const line of wrapped.split('\n')) {
      expect(line.length).toBeLessThanOrEqual(40)
      expect(line.startsWith('  ')).toBe(true)
    }
    expect(words(wrapped)).toEqual(words(prose))
  })

  it('continues a `left  right` row under its right column, and an example command with ` \\`', () => {
    const row = wrapText(`  compute order  ${prose}`, 60, {columns: true}).split('\n')
    expect(row[0].startsWith('  compute order  Rent')).toBe(true)
    for (const line of row.slice(1)) expect(line).toMatch(/^ {17}\S/)
    const example = wrapText('  $ nectar transfer 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 0.000000000000000001 --account alice --yes --json', 80, {columns: true}).split('\n')
    expect(example.length).toBe(2)
    expect(example[0].endsWith(' \\')).toBe(true)
    expect(Math.max(...example.map((l) => l.length))).toBeLessThanOrEqual(80)
  })

  it('continues a command to copy between shell words, never inside quotes', () => {
    const command = "nectar gov propose --title 'List token X' --text-file proposal.md --duration 14d"
    const lines = wrapText(command, 30, {shell: true}).split('\n')
    expect(lines).toEqual(['nectar gov propose --title \\', "    'List token X' \\", '    --text-file proposal.md \\', '    --duration 14d'])
    expect(lines.map((l) => l.replace(/ \\$/, '').trim()).join(' ')).toBe(command)
  })

  it('lays out two columns, or one under the other when the left is too wide', () => {
    const side = renderColumns([['--min-ram=<value>', 'Minimum RAM (8GiB)'], ['--netflags=<value>', prose]], 60).split('\n')
    expect(side[0]).toBe('--min-ram=<value>   Minimum RAM (8GiB)')
    expect(Math.max(...side.map((l) => l.length))).toBeLessThanOrEqual(60)
    const stacked = renderColumns([['x'.repeat(45), prose]], 60).split('\n')
    expect(stacked[0]).toBe('x'.repeat(45))
    expect(stacked[1].startsWith('    Rent')).toBe(true)
    expect(Math.max(...stacked.map((l) => l.length))).toBeLessThanOrEqual(60)
  })
})

describe('oclif.manifest.json', () => {
  it('every command has a one-line summary and at least one example', () => {
    const problems = ids.flatMap((id) => {
      const {examples, summary} = manifest.commands[id]
      return [
        ...(!summary || summary.includes('\n') || summary.length > 60 ? [`${id}: summary ${JSON.stringify(summary)} (one line, at most 60 characters)`] : []),
        ...(!examples?.length ? [`${id}: no examples`] : []),
      ]
    })
    expect(problems).toEqual([])
  })

  it('every topic has a description of its own in package.json oclif.topics', () => {
    const topicNames = [...new Set(ids.flatMap((id) => id.split(':').slice(0, -1).map((_, i, words) => words.slice(0, i + 1).join(':'))))]
    expect(topicNames.length).toBeGreaterThan(10)
    expect(topicNames.filter((name) => !topics[name]?.description)).toEqual([])
  })

  it('a read-only command shows no transaction flags', () => {
    // Commands whose names say they only read: they must not offer --yes, --nonce or fees.
    const readers = ids.filter((id) => /(^|:)(list|show|status|check|inspect|deal|deals|offers|jobs|logs|curve|simulate|get|path|address|verify)$/.test(id) || ['balance', 'supply'].includes(id))
    expect(readers.length).toBeGreaterThan(20)
    const withTx = readers.filter((id) => Object.values(manifest.commands[id].flags).some((f) => f.helpGroup === 'TRANSACTION'))
    expect(withTx).toEqual([])
  })
})
