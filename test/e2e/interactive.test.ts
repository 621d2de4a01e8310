// People at a terminal (issue 13, parts 8 and 9), driven in a real pseudo-terminal with keystrokes: the
// guided flows (rewards simulate, compute order, provider offer create, init) end on the chain or in the
// config dir as their flags would have; `--watch` redraws one block in place and leaves on Ctrl-C with
// exit 0. Without a terminal the usage errors stay as they were, and `--watch` prints NDJSON.
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {privateKeyToAccount} from 'viem/accounts'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {writeConfig} from '../../src/lib/config/store.js'
import {DEV_PRIVATE_KEYS} from '../../src/lib/devnet/accounts.js'
import {profileContracts} from '../../src/lib/devnet/profile.js'
import {listDeals} from '../../src/lib/market/deals.js'
import {findOffers, offerQuery} from '../../src/lib/market/find-offers.js'
import {loadPlan} from '../../src/lib/market/plan.js'
import {listProviderAsks} from '../../src/lib/market/provider.js'
import {advanceTime, type PrivateChain, privateChain} from '../setup/chain.js'
import {cliEnv, runCli, startCli, stopAll} from '../setup/cli.js'
import {runInPty, screenLines, stripAnsi} from '../setup/pty.js'

const DOWN = '\u001B[B'
const UP = '\u001B[A'
const CTRL_C = '\u0003'
const dev = (i: number) => privateKeyToAccount(DEV_PRIVATE_KEYS[i]).address

/**
 * The command printed under "Same without questions:", its ` \`-continued lines joined as a shell
 * joins them (so a wrong word or a line wider than the 80-column terminal still fails).
 */
function sameWithoutQuestions(lines: string[]): string | undefined {
  const start = lines.indexOf('Same without questions:')
  if (start < 0) return undefined
  const parts: string[] = []
  for (const line of lines.slice(start + 1)) {
    expect(line.length).toBeLessThanOrEqual(80)
    parts.push(line.replace(/ \\$/, '').trim())
    if (!line.endsWith(' \\')) break
  }
  return parts.join(' ')
}

let chain: PrivateChain
let dir: string
let configDir: string
let env: NodeJS.ProcessEnv
let dealId: bigint

beforeAll(async () => {
  chain = await privateChain()
  dir = mkdtempSync(path.join(os.tmpdir(), 'nectar-interactive-'))
  configDir = path.join(dir, 'config')
  writeConfig(configDir, {network: 'devnet', networks: {devnet: {chainId: 31337, contracts: profileContracts(chain.deployment), devnet: true, rpcUrl: chain.rpcUrl}}})
  env = cliEnv({configDir, dataDir: path.join(dir, 'data')})
})

afterAll(async () => {
  await stopAll()
  await chain?.stop()
  rmSync(dir, {force: true, recursive: true})
})

const config = () => JSON.parse(readFileSync(path.join(configDir, 'config.json'), 'utf8'))

describe('without a terminal', () => {
  it('keeps the usage errors, refuses init with the commands to use, and --watch prints one envelope per refresh', async () => {
    const [order, create, simulate, init] = await Promise.all([
      runCli(['compute', 'order', '--json'], {env}),
      runCli(['provider', 'offer', 'create'], {env}),
      runCli(['rewards', 'simulate', '--json'], {env}),
      runCli(['init', '--json'], {env}),
    ])
    expect(order.status).toBe(2)
    // oclif adds a note on --upload (several values after one flag) below the missing argument.
    expect(order.envelope.error).toMatchObject({code: 'USAGE', message: 'Missing 1 required arg:'})
    expect(order.envelope.error.details[0]).toBe('ask  Id of the offer (ASK order) to take')
    expect(create.status).toBe(2)
    expect(create.stderr).toContain('Missing required flag plan')
    expect(simulate.envelope.error.code).toBe('MISSING_FEES')
    expect(init.status).toBe(2)
    expect(init.envelope.error).toMatchObject({code: 'NEEDS_TERMINAL', hint: expect.stringContaining('nectar network add NAME --rpc-url URL --use')})

    const watching = startCli(['supply', '--watch', '1', '--json'], {env})
    await waitUntil(() => watching.stdout().split('\n').length > 2)
    watching.kill('SIGINT')
    const r = await watching.done
    expect(r.status).toBe(0)
    expect(r.records.length).toBeGreaterThanOrEqual(2)
    for (const record of r.records) expect(record).toMatchObject({data: {window: expect.any(Number)}, ok: true})
  })
})

describe('in a terminal', () => {
  it('rewards simulate asks for fees, share and periods, then prints the projection and the flags that do the same', async () => {
    const pty = runInPty(['rewards', 'simulate', '--offline'], {env})
    await pty.waitFor('Maker fees per 30-day period')
    pty.type('\r')
    await pty.waitFor('Maker fees per period, ETH')
    pty.type('abc\r')
    await pty.waitFor('is not') // refused by the flag's own parser, asked again
    pty.type('\u007F\u007F\u007F500\r')
    await pty.waitFor('Your share')
    pty.type('2\r')
    await pty.waitFor('Number of 30-day periods')
    pty.type('\u007F\u007F3\r')
    const r = await pty.done
    expect(r.status, stripAnsi(r.raw)).toBe(0)
    const screen = screenLines(r.raw).join('\n')
    expect(sameWithoutQuestions(screenLines(r.raw)), screen).toBe('nectar rewards simulate --offline --fees 500 --share 2 --periods 3')
    // At the terminal's 80 columns, as the pty drew it (into a pipe the two tables are one, wider).
    const same = await runCli(['rewards', 'simulate', '--offline', '--fees', '500', '--share', '2', '--periods', '3'], {env: {...env, COLUMNS: '80'}})
    expect(screen).toContain(same.stdout.trim().split('\n').at(-2)) // a period's row, as the flags print it
  })

  it('compute order without an id lets you pick an offer, asks the length, confirms and opens the deal', async () => {
    const renter = dev(8)
    const offers = await findOffers(chain.client, {addresses: {market: chain.deployment.contracts.market!, oracle: chain.deployment.contracts.oracle!}, query: offerQuery({sort: 'price'}), renter})
    const pty = runInPty(['compute', 'order', '--account', 'dev8'], {env})
    await pty.waitFor('Pick an offer')
    pty.type(DOWN + '\r')
    await pty.waitFor('Deal length')
    pty.type('\r')
    for (let i = 0; i < 2; i++) {
      await pty.waitFor(i === 0 ? /\?.*\(y\/N\)/ : /\(y\/N\)[\s\S]*\(y\/N\)/, 30_000)
      pty.type('y\r')
    }
    const r = await pty.done
    const screen = screenLines(r.raw).join('\n')
    expect(r.status, screen).toBe(0)
    const picked = /^nectar compute order --account dev8 (\d+) --duration 1h$/.exec(sameWithoutQuestions(screenLines(r.raw)) ?? '')
    expect(picked, screen).not.toBeNull()
    expect(picked![1]).toBe(String(offers.matches[1].id)) // the second line of the list, as `compute offers` sorts it
    const deals = await listDeals(chain.client, {market: chain.deployment.contracts.market!, party: renter})
    const deal = deals.find((d) => d.askId === BigInt(picked![1]))
    expect(deal).toMatchObject({duration: 3600n, status: 'accepted'})
    dealId = deal!.id
  })

  it('provider offer create without --plan builds the plan by questions, saves it as a file --plan takes, and places the ask', async () => {
    const file = path.join(dir, 'my-ask.yaml')
    const pty = runInPty(['provider', 'offer', 'create', '--account', 'dev5'], {env})
    const answers: Array<[string, string]> = [
      ['CPU cores', '\u007F4\r'],
      ['RAM', '\r'],
      ['Storage', '100GiB\r'],
      ['GPUs', '\r'],
      ['Download', '\r'],
      ['Upload', '\r'],
      ['Price', '\r'],
      ['Longest deal', '\u007F\u007F3h\r'],
      ['Network', `${DOWN}${DOWN} \r`], // outbound is ticked; tick incoming too
      ['Save this plan', '\r'],
      ['File:', `${'\u007F'.repeat(8)}${file}\r`],
    ]
    for (const [prompt, keys] of answers) {
      await pty.waitFor(prompt)
      pty.type(keys)
    }
    await pty.waitFor(/Send this transaction\?/, 30_000)
    pty.type('y\r')
    const r = await pty.done
    const screen = screenLines(r.raw).join('\n')
    expect(r.status, screen).toBe(0)
    expect(sameWithoutQuestions(screenLines(r.raw)), screen).toBe(`nectar provider offer create --account dev5 --plan ${file}`)
    const plan = loadPlan(file)
    expect(plan.netflags).toEqual([false, true, true])
    expect(plan.duration).toBe(3n * 3600n)
    const asks = await listProviderAsks(chain.client, chain.deployment.contracts.market!, dev(5))
    expect(asks.map((a) => [a.duration, a.benchmarks.cpuCores, a.netflags])).toContainEqual([3n * 3600n, 4n, {incoming: true, outbound: true, overlay: false}])
  })

  it('compute deal --watch shows the time left going down as the chain moves; compute deals --watch into a pipe prints NDJSON', async () => {
    const pty = runInPty(['compute', 'deal', String(dealId), '--watch', '1'], {env})
    await pty.waitFor('time left')
    const left = () => screenLines(pty.output()).filter((l) => l.startsWith('time left'))
    const before = left()[0]
    await advanceTime(chain.client, 600)
    await waitUntil(() => left()[0] !== before, 10_000, () => screenLines(pty.output()).join('\n'))
    expect(left()).toHaveLength(1)
    pty.type(CTRL_C)
    expect((await pty.done).status).toBe(0)

    // Into a pipe (no terminal, no --json): one envelope per line per refresh, never escape codes.
    const piped = startCli(['compute', 'deals', '--watch', '1', '--account', 'dev8'], {env})
    await waitUntil(() => piped.stdout().split('\n').length > 2)
    piped.kill('SIGINT')
    const r = await piped.done
    expect(r.status).toBe(0)
    expect(r.stdout).not.toContain('\u001B')
    expect(r.records[0].data.deals.map((d: {id: string}) => d.id)).toContain(String(dealId))
  })

  it('supply --watch redraws one block in place, counts the window down in chain time, and leaves on Ctrl-C with exit 0', async () => {
    const pty = runInPty(['supply', '--watch', '1'], {env})
    await pty.waitFor('ends in')
    const endsIn = () => screenLines(pty.output()).filter((l) => l.includes('ends in'))
    const before = endsIn()[0]
    await advanceTime(chain.client, 3 * 86_400)
    await waitUntil(() => endsIn()[0] !== before, 10_000, () => screenLines(pty.output()).join('\n'))
    pty.type(CTRL_C)
    const r = await pty.done
    expect(r.status).toBe(0)
    const lines = screenLines(r.raw)
    expect(lines.filter((l) => l.includes('total supply'))).toHaveLength(1) // redrawn, not appended
    expect(endsIn()).toHaveLength(1)
    expect(r.raw.lastIndexOf('\u001B[?25h')).toBeGreaterThan(r.raw.lastIndexOf('\u001B[?25l')) // the cursor is back
    expect(stripAnsi(r.raw)).not.toContain('Error')
  })

  it('init walks through a new network (its chain id read) and an imported key, saved as the defaults', async () => {
    const key = DEV_PRIVATE_KEYS[4]
    const pty = runInPty(['init'], {env: {...env, NECTAR_PASSWORD: 'correct horse'}})
    await pty.waitFor('Which network?')
    pty.type(UP + '\r') // up from the active devnet wraps to the last choice: a new network
    await pty.waitFor('A name for it')
    pty.type('local\r')
    await pty.waitFor('RPC URL (http')
    pty.type(`${chain.rpcUrl}\r`)
    await pty.waitFor('Which account?')
    pty.type(DOWN + '\r') // import
    await pty.waitFor('A name for the wallet')
    pty.type('alice\r')
    await pty.waitFor('Private key')
    pty.type(`${key}\r`)
    const r = await pty.done
    const screen = screenLines(r.raw).join('\n')
    expect(r.status, screen).toBe(0)
    expect(stripAnsi(r.raw)).toContain('answers: chain id 31337. Saved as local.')
    expect(r.raw).not.toContain(key.slice(2, 20)) // the key was masked
    expect(config()).toMatchObject({account: 'alice', network: 'local', networks: {local: {chainId: 31337, rpcUrl: chain.rpcUrl}}})
    expect(existsSync(path.join(configDir, 'keystores', 'alice.json'))).toBe(true)
    const address = await runCli(['wallet', 'address', '--json'], {env})
    expect(address.envelope.data.address.toLowerCase()).toBe(dev(4).toLowerCase())
  })

  it('init on the devnet takes a dev account', async () => {
    const pty = runInPty(['init'], {env})
    await pty.waitFor('Which network?')
    pty.type(UP + '\r') // from the active network (local, second) up to the devnet
    await pty.waitFor('Keep alice (the default now)')
    pty.type(DOWN.repeat(3) + '\r') // past keep, create and import to the dev accounts
    await pty.waitFor('Which dev account?')
    pty.type(DOWN.repeat(3) + '\r')
    const r = await pty.done
    expect(r.status, screenLines(r.raw).join('\n')).toBe(0)
    expect(config()).toMatchObject({account: 'dev3', network: 'devnet'})
  })
})

async function waitUntil(check: () => boolean, ms = 15_000, shown?: () => string): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out${shown ? `; the screen:\n${shown()}` : ''}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}
