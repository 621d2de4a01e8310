// Command tests against the BUILT dist (npm run build first), on the shared test anvil's seeded market
// (no other test file uses that market). Each test places the asks it needs, so the tests pass in any
// order (vitest --sequence.shuffle) and on a market that earlier tests or runs have changed.
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {type Address, type Hex} from 'viem'
import {privateKeyToAccount} from 'viem/accounts'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {marketAbi} from '../../src/lib/contracts/generated/Market.js'
import {oracleUSDAbi} from '../../src/lib/contracts/generated/OracleUSD.js'
import {snmAbi} from '../../src/lib/contracts/generated/SNM.js'
import {DEV_PRIVATE_KEYS as DEV_KEYS} from '../../src/lib/devnet/accounts.js'
import {forwardBudget} from '../../src/lib/market/billing.js'
import {type FreshAccount, freshAccount, sharedClient} from '../setup/chain.js'
import {makeTestEnv, type TestEnv} from '../setup/env.js'
import {cancelOrder, placeAsk, type TestAsk} from '../setup/market.js'
import {runJson} from '../setup/run-json.js'

const client = sharedClient()
let env: TestEnv
let market: Address
let snm: Address
let supplier: FreshAccount
const RENTER = DEV_KEYS[8] // holds seeded SNM; only this file sends from it on the shared anvil
const renter = privateKeyToAccount(RENTER).address
const POOR = `0x${'11'.repeat(32)}` as Hex // a key with no ETH and no SNM, that never sends
const tmp = mkdtempSync(path.join(os.tmpdir(), 'nectar-market-cmd-'))

beforeAll(async () => {
  env = makeTestEnv()
  market = env.deployment.contracts.market!
  snm = env.deployment.contracts.snm!
  delete process.env.NECTAR_PRIVATE_KEY
  supplier = await freshAccount(client)
})
afterAll(() => {
  env.cleanup()
  rmSync(tmp, {force: true, recursive: true})
})

const nonce = (address: Address) => client.getTransactionCount({address})
const usdPerHour = (usd: number) => (BigInt(Math.round(usd * 1e4)) * 10n ** 14n) / 3600n // -> USD/s x 1e18
/** A fresh ask of the test's own on the seeded market: 1 core, no GPU, outbound only. */
const ask = (duration: bigint, usd: number, extra: TestAsk = {}) => placeAsk(client, market, supplier, duration, {benchmarks: [1000n, 1000n, 1n], price: usdPerHour(usd), ...extra})

/** The ids of the active asks, read order by order from the Market itself. */
async function activeAskIds(): Promise<string[]> {
  const amount = await client.readContract({abi: marketAbi, address: market, functionName: 'GetOrdersAmount'})
  const ids = Array.from({length: Number(amount)}, (_, i) => BigInt(i + 1))
  const orders = await Promise.all(ids.map(async (id) => {
    const [info, params] = await Promise.all([
      client.readContract({abi: marketAbi, address: market, args: [id], functionName: 'GetOrderInfo'}),
      client.readContract({abi: marketAbi, address: market, args: [id], functionName: 'GetOrderParams'}),
    ])
    return {active: (info as unknown as readonly unknown[])[0] === 2 && (params as unknown as readonly unknown[])[0] === 2, id: id.toString()}
  }))
  return orders.filter((o) => o.active).map((o) => o.id)
}

describe('compute offers', () => {
  it('lists every active ask, the seeded ones among them, cheapest first, with the JSON shape', async () => {
    const {envelope, exitCode} = await runJson(['compute', 'offers'])
    expect(exitCode).toBe(0)
    expect(envelope.ok).toBe(true)
    const ids = envelope.data.offers.map((o: {id: string}) => o.id)
    expect(new Set(ids)).toEqual(new Set(await activeAskIds()))
    expect(ids).toEqual(expect.arrayContaining(['1', '3', '4', '5', '6'])) // seeded; no test buys or cancels them
    const offer = envelope.data.offers[0]
    expect(Object.keys(offer)).toEqual(expect.arrayContaining(['id', 'provider', 'price', 'usdPerHour', 'snmPerHour', 'duration', 'benchmarks', 'identityLevel']))
    expect(['anonymous', 'registered', 'identified', 'professional']).toContain(offer.identityLevel)
    expect(offer.price).toMatch(/^\d+$/)
    expect(Object.keys(offer.benchmarks)).toHaveLength(12)
    const prices = envelope.data.offers.map((o: {price: string}) => BigInt(o.price))
    expect([...prices].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(prices)
  })

  it('filters by resources, gpu, netflags and price', async () => {
    const {envelope, exitCode} = await runJson(['compute', 'offers', '--gpu', '1', '--min-ram', '32GiB', '--netflags', 'incoming', '--max-price', '3usd/h'])
    expect(exitCode).toBe(0)
    expect(envelope.data.offers.map((o: {id: string}) => o.id)).toEqual(['4'])
    expect(envelope.data.offers[0].benchmarks.gpuCount).toBe('1')
  })

  it('shows the nearest offers and what they miss when nothing matches', async () => {
    const {envelope, exitCode} = await runJson(['compute', 'offers', '--min-cores', '64'])
    expect(exitCode).toBe(0)
    expect(envelope.data.offers).toEqual([])
    expect(envelope.data.nearest.length).toBeGreaterThan(0)
    expect(envelope.data.nearest[0].misses[0].criterion).toBe('cpuCores')
  })

  it('rejects a bad unit with exit 2', async () => {
    // No space in the value: runCommand splits its arguments on spaces, and '8 parsecs' would fail as an
    // unexpected argument, never reaching the unit parser.
    const {envelope, exitCode} = await runJson(['compute', 'offers', '--min-ram', '8parsecs'])
    expect(envelope.ok).toBe(false)
    expect(envelope.error.code).toBe('INVALID_UNIT')
    expect(exitCode).toBe(2)
  })
})

describe('compute order', () => {
  it('approves the deal\'s budget on top of the allowance and opens the deal', async () => {
    const askId = await ask(7n * 86_400n, 0.6)
    const allowance = () => client.readContract({abi: snmAbi, address: snm, args: [renter, market], functionName: 'allowance'})
    const [before, allowanceBefore] = await Promise.all([client.readContract({abi: snmAbi, address: snm, args: [renter], functionName: 'balanceOf'}), allowance()])
    const {envelope, exitCode} = await runJson(['compute', 'order', String(askId), '--duration', '2h', '--private-key', RENTER, '--yes'])
    expect(exitCode).toBe(0)
    expect(envelope.ok).toBe(true)
    // A forward deal budgets its whole cost at the oracle rate + 10%: 2 hours at 0.6 USD/h, more than the lock.
    const rate = await client.readContract({abi: oracleUSDAbi, address: env.deployment.contracts.oracle!, functionName: 'getCurrentPrice'})
    expect(BigInt(envelope.data.budget)).toBe(forwardBudget(usdPerHour(0.6), 7200n, rate, 10n))
    expect(envelope.data.approved).toBe(envelope.data.budget)
    expect(envelope.data.approvalTx).toMatch(/^0x[0-9a-f]{64}$/)
    expect(envelope.data.deal.askId).toBe(String(askId))
    expect(envelope.data.deal.consumer).toBe(renter)
    expect(envelope.data.deal.status).toBe('accepted')
    expect(envelope.data.deal.blockedBalance).toBe(envelope.data.lock)
    const after = await client.readContract({abi: snmAbi, address: snm, args: [renter], functionName: 'balanceOf'})
    expect(before - after).toBe(BigInt(envelope.data.lock))
    // The allowance is shared by the renter's deals: raised by the budget, less the lock the Market took.
    expect(await allowance()).toBe(allowanceBefore + BigInt(envelope.data.budget) - BigInt(envelope.data.lock))
  })

  // Each case makes the ask it needs and returns the command's arguments.
  const bad: Array<[string, () => Promise<string[]>, number, string]> = [
    ['missing ask', async () => ['compute', 'order', String((await client.readContract({abi: marketAbi, address: market, functionName: 'GetOrdersAmount'})) + 1000n), '--duration', '1h'], 2, 'NO_SUCH_ORDER'],
    ['inactive ask', async () => {
      const id = await ask(86_400n, 0.3)
      await cancelOrder(client, market, supplier, id)
      return ['compute', 'order', String(id), '--duration', '1h']
    }, 1, 'ORDER_INACTIVE'],
    ['duration the ask does not allow', async () => ['compute', 'order', String(await ask(0n, 0.15)), '--duration', '2h'], 2, 'DURATION_NOT_ALLOWED'],
    ['price ceiling below the ask', async () => ['compute', 'order', String(await ask(86_400n, 1.2)), '--duration', '1h', '--max-price', '1usd/h'], 2, 'PRICE_ABOVE_CEILING'],
    ['bad duration', async () => ['compute', 'order', String(await ask(86_400n, 1.2)), '--duration', 'soon'], 2, 'INVALID_DURATION'],
    ['an identity level below the ask\'s', async () => ['compute', 'order', String(await ask(86_400n, 0.2, {identityLevel: 3})), '--duration', '1h'], 1, 'IDENTITY_TOO_LOW'],
    ['a spot budget under one hour', async () => ['compute', 'order', String(await ask(0n, 0.2)), '--duration', '0', '--budget', '30m'], 2, 'BUDGET_TOO_SMALL'],
    ['a spot budget in SNM under one hour', async () => ['compute', 'order', String(await ask(0n, 0.2)), '--duration', '0', '--budget', '0.000001snm'], 2, 'BUDGET_TOO_SMALL'],
  ]
  for (const [name, makeArgs, exit, code] of bad) {
    it(`refuses ${name} with exit ${exit} and sends nothing`, async () => {
      const args = await makeArgs()
      const n = await nonce(renter)
      const {envelope, exitCode} = await runJson([...args, '--private-key', RENTER, '--yes'])
      expect(envelope.ok).toBe(false)
      expect(envelope.error.code).toBe(code)
      expect(exitCode).toBe(exit)
      expect(await nonce(renter)).toBe(n)
    })
  }

  it('refuses too little SNM with exit 1 and sends nothing', async () => {
    const poor = privateKeyToAccount(POOR).address
    const askId = await ask(86_400n, 1.2)
    const {envelope, exitCode} = await runJson(['compute', 'order', String(askId), '--duration', '1h', '--private-key', POOR, '--yes'])
    expect(envelope.error.code).toBe('INSUFFICIENT_SNM')
    expect(exitCode).toBe(1)
    expect(await nonce(poor)).toBe(0)
  })
})

describe('compute fund, deals, deal and close on a spot deal', () => {
  it('shows how long it is funded, refuses fund by someone else and on a closed deal (exit 1, nothing sent)', async () => {
    const askId = await ask(0n, 0.4)
    const ordered = await runJson(['compute', 'order', String(askId), '--duration', '0', '--budget', '3h', '--private-key', RENTER, '--yes'])
    expect(ordered.exitCode).toBe(0)
    const dealId = ordered.envelope.data.deal.id
    const listed = await runJson(['compute', 'deals', '--account', renter])
    const row = listed.envelope.data.deals.find((d: {id: string}) => d.id === dealId)
    // Escrow (1 hour) plus an allowance of at least the 2 budgeted hours left: at least ~3 hours from the open.
    expect(Number(row.funding.fundedSeconds)).toBeGreaterThan(2 * 3600)
    expect(row.funding.billNow).toBe('ok')
    expect(row.funding.nextBill).toBe('ok')
    // The renter's balance and allowance, as the chain has them.
    expect(BigInt(row.funding.balance)).toBe(await client.readContract({abi: snmAbi, address: snm, args: [renter], functionName: 'balanceOf'}))
    expect(BigInt(row.funding.allowance)).toBe(await client.readContract({abi: snmAbi, address: snm, args: [renter, market], functionName: 'allowance'}))
    const shown = await runJson(['compute', 'deal', dealId])
    expect(shown.envelope.data.funding.fundedUntil).toBe(row.funding.fundedUntil)
    const supplierNonce = await nonce(supplier.address)
    const byOther = await runJson(['compute', 'fund', dealId, '--hours', '2', '--private-key', supplier.privateKey, '--yes'])
    expect(byOther.envelope.error.code).toBe('NOT_CONSUMER')
    expect(byOther.exitCode).toBe(1)
    expect(await nonce(supplier.address)).toBe(supplierNonce)
    const funded = await runJson(['compute', 'fund', dealId, '--hours', '2', '--private-key', RENTER, '--yes'])
    expect(funded.exitCode).toBe(0)
    expect(BigInt(funded.envelope.data.fundedUntil)).toBeGreaterThan(BigInt(row.funding.fundedUntil))
    const closed = await runJson(['compute', 'close', dealId, '--private-key', RENTER, '--yes'])
    expect(closed.exitCode).toBe(0)
    expect(closed.envelope.data.approvalTx).toBeNull() // the allowance covered the time used
    const renterNonce = await nonce(renter)
    const late = await runJson(['compute', 'fund', dealId, '--amount', '1', '--private-key', RENTER, '--yes'])
    expect(late.envelope.error.code).toBe('DEAL_CLOSED')
    expect(late.exitCode).toBe(1)
    expect(await nonce(renter)).toBe(renterNonce)
  })
})

describe('provider', () => {
  const PROVIDER = DEV_KEYS[6]
  const provider = privateKeyToAccount(PROVIDER).address

  it('refuses a non-http endpoint with exit 2', async () => {
    const n = await nonce(provider)
    const {envelope, exitCode} = await runJson(['provider', 'register', '--endpoint', 'ftp://example.org', '--private-key', PROVIDER, '--yes'])
    expect(envelope.error.code).toBe('INVALID_ENDPOINT')
    expect(exitCode).toBe(2)
    expect(await nonce(provider)).toBe(n)
  })

  it('names the field and the line of a wrong unit', async () => {
    const plan = path.join(tmp, 'bad-unit.yaml')
    writeFileSync(plan, 'duration: 2h\nprice: 0.5usd/h\nresources:\n  cpu:\n    cores: 4\n  ram:\n    size: 8 parsecs\n')
    const n = await nonce(provider)
    const {envelope, exitCode} = await runJson(['provider', 'offer', 'create', '--plan', plan, '--private-key', PROVIDER, '--yes'])
    expect(envelope.error.code).toBe('INVALID_PLAN')
    expect(envelope.error.message).toContain('line 7')
    expect(envelope.error.message).toContain('resources.ram.size')
    expect(exitCode).toBe(2)
    expect(await nonce(provider)).toBe(n)
  })

  it('names a missing field and its line', async () => {
    const plan = path.join(tmp, 'missing.yaml')
    writeFileSync(plan, '# no price\nduration: 2h\nresources:\n  cpu:\n    cores: 4\n  gpu:\n    mem: 8GiB\n')
    const n = await nonce(provider)
    const {envelope, exitCode} = await runJson(['provider', 'offer', 'create', '--plan', plan, '--private-key', PROVIDER, '--yes'])
    expect(envelope.error.code).toBe('INVALID_PLAN')
    expect(envelope.error.message).toMatch(/line \d+: the field (price|resources\.gpu\.count) is missing/)
    expect(exitCode).toBe(2)
    expect(await nonce(provider)).toBe(n)
  })

  it('places an ask from a plan, lists it and cancels it', async () => {
    const plan = path.join(tmp, 'ask.yaml')
    writeFileSync(plan, 'duration: 1d\nprice: 0.75usd/h\nnetflags: {outbound: true}\nresources:\n  cpu: {cores: 12}\n  ram: {size: 24GiB}\n  network:\n    download: 300Mbit/s\n')
    const created = await runJson(['provider', 'offer', 'create', '--plan', plan, '--private-key', PROVIDER, '--yes'])
    expect(created.exitCode).toBe(0)
    expect(created.envelope.ok).toBe(true)
    const id = created.envelope.data.askId
    const found = await runJson(['compute', 'offers', '--min-cores', '12', '--min-net-down', '300Mbit/s', '--max-price', '0.75usd/h'])
    expect(found.envelope.data.offers.map((o: {id: string}) => o.id)).toContain(id)
    const listed = await runJson(['provider', 'offer', 'list', '--account', privateKeyToAccount(PROVIDER).address])
    expect(listed.envelope.data.offers.map((o: {id: string}) => o.id)).toContain(id)
    const cancelled = await runJson(['provider', 'offer', 'cancel', id, '--private-key', PROVIDER, '--yes'])
    expect(cancelled.exitCode).toBe(0)
    expect(cancelled.envelope.ok).toBe(true)
    expect(await activeAskIds()).not.toContain(id)
  })
})
