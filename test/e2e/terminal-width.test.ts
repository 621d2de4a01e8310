// What a person sees at 80 columns, in a real pseudo-terminal (test/setup/pty.ts), on one private devnet
// with a deal, an open proposal and a candidate controller: no line of any command's output is wider
// than the terminal, tables and pictures included, and colour shows only without NO_COLOR; --wide and
// --csv keep whole addresses, --columns picks columns, --sort orders rows.
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {DEVNET, DEVNET_CHAIN_ID} from '../../src/lib/config/networks.js'
import {writeConfig} from '../../src/lib/config/store.js'
import {DEV_ADDRESSES} from '../../src/lib/devnet/accounts.js'
import {profileContracts} from '../../src/lib/devnet/profile.js'
import {type PrivateChain, privateChain} from '../setup/chain.js'
import {cliEnv, runCli, stopAll} from '../setup/cli.js'
import {runInPty, screenLines, widestLine} from '../setup/pty.js'

let chain: PrivateChain
let tmp: string
let env: NodeJS.ProcessEnv
let candidate: string

/** Runs in a pty at 80 columns; the screen's lines (ANSI stripped) and the exit status. */
async function screen(args: string[], extra: NodeJS.ProcessEnv = {}): Promise<{lines: string[]; raw: string; status: null | number}> {
  const {raw, status} = await runInPty(args, {columns: 80, env: {...env, ...extra}}).done
  return {lines: screenLines(raw), raw, status}
}

beforeAll(async () => {
  chain = await privateChain()
  tmp = mkdtempSync(path.join(os.tmpdir(), 'nectar-width-e2e-'))
  const dirs = {configDir: path.join(tmp, 'config'), dataDir: path.join(tmp, 'data')}
  writeConfig(dirs.configDir, {network: DEVNET, networks: {[DEVNET]: {chainId: DEVNET_CHAIN_ID, contracts: profileContracts(chain.deployment), devnet: true, rpcUrl: chain.rpcUrl}}})
  env = cliEnv(dirs)
  const text = path.join(tmp, 'p.md')
  writeFileSync(text, 'Burn 1% of the vault.\n')
  const ok = async (args: string[]) => {
    const r = await runCli(args, {env, timeout: 30_000})
    if (r.status !== 0) throw new Error(`nectar ${args.join(' ')}: exit ${r.status}\n${r.stderr}`)
    return r
  }
  // A deal (dev1 rents dev6's ask 1), a proposal open for voting with a long title, a candidate controller.
  const [, , deployed] = await Promise.all([
    ok(['compute', 'order', '1', '--duration', '2h', '--account', 'dev1', '--yes']),
    ok(['gov', 'propose', '--title', 'Burn 1% of the vault, with a title long enough to need folding', '--text-file', text, '--duration', '10d', '--account', 'dev3', '--yes']).then(() =>
      ok(['gov', 'approve', '0', '--account', 'dev0', '--yes']),
    ),
    ok(['devnet', 'deploy-controller', '--account', 'dev2', '--json']),
  ])
  candidate = deployed.envelope.data.address
}, 60_000)

afterAll(async () => {
  await stopAll()
  rmSync(tmp, {force: true, recursive: true})
  await chain?.stop()
})

describe('at 80 columns', () => {
  it('no line of any command is wider than the terminal; the list flags do what they say', async () => {
    const [dev1, dev2] = [DEV_ADDRESSES[1], DEV_ADDRESSES[2]]
    const commands = [
      ['compute', 'offers'],
      ['compute', 'deals', '--account', 'dev1'],
      ['compute', 'deal', '1'],
      ['provider', 'offer', 'list', '--account', 'dev6', '--all'],
      ['provider', 'doctor', '--engine-socket', path.join(tmp, 'no.sock')],
      ['whitelist', 'list'],
      ['whitelist', 'check', dev1, dev2],
      ['gov', 'list', '--account', 'dev3'],
      ['gov', 'show', '0', '--account', 'dev3'],
      ['wallet', 'list'],
      ['network', 'list'],
      ['network', 'show'],
      ['config', 'list'],
      ['balance', dev1, dev2, DEV_ADDRESSES[3]],
      ['rewards', 'simulate', '--fees', '500', '--share', '2', '--share', '5', '--chart'],
      ['rewards', 'curve', '--curve', 'both'],
      ['controller', 'inspect', candidate],
      ['devnet', 'status'],
      // The list flags.
      ['wallet', 'list', '--wide'],
      ['compute', 'offers', '--csv'],
      ['wallet', 'list', '--columns', 'address,name'],
      ['balance', DEV_ADDRESSES[5], dev1, dev2, '--sort', 'NEC:desc', '--csv'],
    ]
    // A few at a time: each is a node process in its own pseudo-terminal.
    const results: Array<{args: string[]; lines: string[]; raw: string; status: null | number; widest: {line: string; width: number}}> = []
    for (let i = 0; i < commands.length; i += 6) {
      const batch = await Promise.all(commands.slice(i, i + 6).map(async (args) => {
        // compute deal signs as the renter (NECTAR_ACCOUNT); the curve is drawn in colour, as on a terminal.
        const r = await screen(args, args[0] === 'rewards' && args[1] === 'curve' ? {NO_COLOR: undefined} : {NECTAR_ACCOUNT: 'dev1'})
        return {args, lines: r.lines, raw: r.raw, status: r.status, widest: widestLine(r.raw)}
      }))
      results.push(...batch)
    }
    const tooWide = results.filter((r) => r.widest.width > 80 && !r.args.includes('--wide') && !r.args.includes('--csv')).map((r) => `nectar ${r.args.join(' ')}: ${r.widest.width} columns:\n${r.widest.line}`)
    expect(tooWide).toEqual([])
    // They ran for real (doctor fails: there is no engine at that socket).
    const failed = results.filter((r) => r.status !== 0 && r.args[1] !== 'doctor').map((r) => `nectar ${r.args.join(' ')}: exit ${r.status}\n${r.lines.join('\n')}`)
    expect(failed).toEqual([])
    const run = (...args: string[]) => results.find((r) => r.args.join(' ') === args.join(' '))!
    const shown = (...args: string[]) => run(...args).lines.join('\n')
    expect(shown('compute', 'offers')).toMatch(/^id +provider/m)
    expect(shown('compute', 'offers')).toContain('0x976E…0aa9')
    expect(shown('compute', 'offers')).toMatch(/Hidden to fit 80 columns/)
    expect(shown('rewards', 'simulate', '--fees', '500', '--share', '2', '--share', '5', '--chart')).toContain('Your share 5% of maker volume:')
    expect(shown('rewards', 'curve', '--curve', 'both')).toContain('▲ live supply')
    expect(shown('gov', 'list', '--account', 'dev3')).toContain('folding')
    // No separator rules between rows: one rule under the header.
    expect(shown('wallet', 'list').split('\n').filter((l) => l.includes('──'))).toHaveLength(1)
    // Colour on a terminal (the curve's series), none under NO_COLOR (the simulation's charts).
    expect(run('rewards', 'curve', '--curve', 'both').raw).toContain('\u001B[36m*')
    expect(run('rewards', 'simulate', '--fees', '500', '--share', '2', '--share', '5', '--chart').raw).not.toMatch(new RegExp(String.raw`\u001B\[3\dm`))
    // --wide and --csv keep whole addresses, --columns picks and orders columns, --sort orders rows.
    const csv = run('compute', 'offers', '--csv').lines
    const columns = run('wallet', 'list', '--columns', 'address,name').lines
    const sorted = run('balance', DEV_ADDRESSES[5], dev1, dev2, '--sort', 'NEC:desc', '--csv').lines
    expect(shown('wallet', 'list', '--wide')).toContain(DEV_ADDRESSES[1])
    expect(csv[0]).toBe('id,provider,cores,ram,storage,gpu,net down/up,USD/h,SNM/h,duration,ID')
    expect(csv.join('\n')).toContain(`,${DEV_ADDRESSES[6]},`)
    expect(columns[0]).toMatch(/^address +name$/)
    expect(columns[2]).toMatch(/^0x[0-9a-fA-F]{4}…[0-9a-fA-F]{4} +dev0$/)
    const balances = sorted.filter((l) => l.startsWith('0x')).map((l) => BigInt(l.split(',')[1].split('.')[0]))
    expect(balances).toHaveLength(3)
    expect([...balances].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0))).toEqual(balances)
    expect(sorted[0]).toBe('address,NEC')
  }, 60_000)
})
