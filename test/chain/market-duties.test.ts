// The provider agent's market duties on a chain of their own (they move time): the plan's asks are
// placed at start, never twice (not across restarts either), placed again when a deal on one ends;
// billing pays what Bill pays; a forward deal past its end is closed.
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {type Address, maxUint256} from 'viem'
import {privateKeyToAccount} from 'viem/accounts'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {type ChainClient} from '../../src/lib/chain/client.js'
import {transact} from '../../src/lib/chain/transact.js'
import {marketAbi} from '../../src/lib/contracts/generated/Market.js'
import {snmAbi} from '../../src/lib/contracts/generated/SNM.js'
import {DEV_PRIVATE_KEYS} from '../../src/lib/devnet/accounts.js'
import {calculatePayment} from '../../src/lib/market/billing.js'
import {billedAmount, dealOpenedId, getDeal, getOracleRate} from '../../src/lib/market/deals.js'
import {listProviderAsks} from '../../src/lib/market/provider.js'
import {Agent} from '../../src/lib/provider/agent.js'
import {chainDealSource} from '../../src/lib/provider/deals.js'
import {ChainMarketDuties} from '../../src/lib/provider/market-duties.js'
import {ProcessExecutor} from '../../src/lib/provider/process-executor.js'
import {advanceTime, type FreshAccount, freshAccount, type PrivateChain, privateChain} from '../setup/chain.js'

let chain: PrivateChain
let client: ChainClient
let market: Address
let oracle: Address
let snm: Address
let provider: FreshAccount
let dir: string
let plan: string
const renter = privateKeyToAccount(DEV_PRIVATE_KEYS[8])
const logs: string[] = []
const agents: Agent[] = []

beforeAll(async () => {
  chain = await privateChain()
  client = chain.client
  ;({market, oracle, snm} = chain.deployment.contracts as {market: Address; oracle: Address; snm: Address})
  provider = await freshAccount(client)
  dir = mkdtempSync(path.join(os.tmpdir(), 'nectar-duties-'))
  plan = path.join(dir, 'asks.yaml')
  // Two asks: a forward one (1h) and a spot one.
  writeFileSync(plan, '- duration: 1h\n  price: 0.36usd/h\n  tag: forward\n  resources:\n    cpu: {cores: 2}\n- duration: 0\n  price: 3.6usd/h\n  tag: spot\n  resources:\n    cpu: {cores: 8}\n')
  // The renter lets the Market pull what billing reserves (the CLI approves exact amounts; this is the test's renter).
  await send(renter, snm, snmAbi, 'approve', [market, maxUint256])
})

afterAll(async () => {
  for (const agent of agents) await agent.shutdown()
  await chain?.stop()
  rmSync(dir, {force: true, recursive: true})
})

async function send(account: typeof renter, address: Address, abi: unknown, functionName: string, args: readonly unknown[]) {
  return transact(client, functionName, {abi: abi as never, address, args, functionName}, {account, confirm: async () => {}})
}

const duties = () => new ChainMarketDuties({account: provider.account, billIntervalSeconds: 3600n, client, log: (m) => logs.push(m), market, oracle})

/** An agent as `provider serve` makes it, with the duties due on every tick. */
function agent(): Agent {
  const a = Agent.open({dataDir: path.join(dir, 'agent'), dealPollMs: 60_000, dealSource: chainDealSource(client, market), executor: new ProcessExecutor(), log: (m) => logs.push(m), market: duties(), marketPollMs: 0, plan, supplier: provider.address})
  agents.push(a)
  return a
}

const asks = (all = false) => listProviderAsks(client, market, provider.address, all)
const tagged = async (tag: string, all = false) => (await asks(all)).filter((o) => Buffer.from(o.tag.slice(2), 'hex').toString().replace(/\0+$/, '') === tag)

async function quickBuy(askId: bigint, duration: bigint): Promise<bigint> {
  const result = await send(renter, market, marketAbi, 'QuickBuy', [askId, duration])
  return dealOpenedId(result.receipt)!
}

describe('provider agent market duties', () => {
  let forwardDeal: bigint
  let spotDeal: bigint

  it('places the plan’s asks at start, and a second tick or a restarted agent places nothing more', async () => {
    await agent().tick()
    expect((await tagged('forward')).length).toBe(1)
    expect((await tagged('spot')).length).toBe(1)
    const before = (await asks(true)).length
    expect(before).toBe(2)
    await agents[0].tick()
    await agents[0].shutdown()
    await agent().tick() // a restart: a new agent, new duties, the same data dir
    expect((await asks(true)).length).toBe(2)
  })

  it('does not place again while a deal on the ask is open, and places again once that deal ends', async () => {
    const [ask] = await tagged('forward')
    forwardDeal = await quickBuy(ask.id, 3600n)
    await agents.at(-1)!.tick()
    expect(await tagged('forward')).toEqual([]) // taken, no active one: capacity is rented
    expect((await asks(true)).length).toBe(2)
    await send(renter, market, marketAbi, 'CloseDeal', [forwardDeal, 0])
    await agents.at(-1)!.tick()
    const again = await tagged('forward')
    expect(again.length).toBe(1)
    expect(again[0].id).not.toBe(ask.id)
    expect((await asks(true)).length).toBe(3)
    await agents.at(-1)!.tick()
    expect((await asks(true)).length).toBe(3)
  })

  it('bills an open deal when its last bill is older than the interval, paying exactly what Bill pays', async () => {
    const [ask] = await tagged('spot')
    spotDeal = await quickBuy(ask.id, 0n)
    const m = duties()
    expect(await m.billOpenDeals()).toEqual([]) // just opened: not due
    await advanceTime(client, 2 * 3600)
    const deal = (await getDeal(client, market, spotDeal))!
    const balance = () => client.readContract({abi: snmAbi, address: snm, args: [provider.address], functionName: 'balanceOf'})
    const [before, rate] = await Promise.all([balance(), getOracleRate(client, oracle)])
    const billed = await m.billOpenDeals()
    expect(billed.map((b) => b.dealId)).toEqual([spotDeal])
    const receipt = await client.getTransactionReceipt({hash: billed[0].hash})
    const block = await client.getBlock({blockNumber: receipt.blockNumber})
    expect(billed[0].paid).toBe(billedAmount(receipt))
    expect(billed[0].paid).toBe(calculatePayment(deal.price, block.timestamp - deal.lastBillTS, rate))
    expect(billed[0].paid).toBeGreaterThan(0n)
    expect((await balance()) - before).toBe(billed[0].paid)
    expect((await getDeal(client, market, spotDeal))!.lastBillTS).toBe(block.timestamp)
    expect(await m.billOpenDeals()).toEqual([]) // billed just now: not due again
    expect(logs.some((l) => l.startsWith(`Billed deal ${spotDeal}`))).toBe(true)
  })

  it('closes a forward deal whose end has passed (and only that one), then lists the ask again', async () => {
    const [ask] = await tagged('forward')
    forwardDeal = await quickBuy(ask.id, 3600n)
    const m = duties()
    expect(await m.closeEndedDeals()).toEqual([])
    await advanceTime(client, 3601)
    const closed = await m.closeEndedDeals()
    expect(closed.map((c) => c.dealId)).toEqual([forwardDeal])
    expect((await getDeal(client, market, forwardDeal))!.status).toBe('closed')
    expect((await getDeal(client, market, spotDeal))!.status).toBe('accepted')
    await agents.at(-1)!.tick()
    expect((await tagged('forward')).length).toBe(1)
  })

  it('logs a failing duty and keeps going', async () => {
    writeFileSync(plan, 'duration: 1h\nprice: lots\nresources: {}\n')
    const a = agents.at(-1)!
    await a.tick()
    expect(logs.at(-1)).toMatch(/^Placing asks failed \(retried next round\): .*line 2: price/)
  })
})
