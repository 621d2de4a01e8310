// The provider agent bills each deal on its own and handles unfunded ones, on an anvil of its own (it
// moves time) with a market of its own and a real agent (HTTP server, child processes). Three deals,
// newest first as the agent lists them: C forward (2 days) and B spot, whose renters set their SNM
// allowance to 0 after opening, and A spot, healthy. A is billed although B and C fail before it; B and
// C are marked unfunded (logged once), refuse new jobs with DEAL_UNFUNDED, and after the grace their
// jobs stop; B (spot) is closed and its escrow pays the provider; C's renter approves again and C is
// billed and takes jobs again.
import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {type Address, parseEther} from 'viem'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {type ChainClient, createChainClient} from '../../src/lib/chain/client.js'
import {transact} from '../../src/lib/chain/transact.js'
import {DEVNET_CHAIN_ID} from '../../src/lib/config/networks.js'
import {type NectarError} from '../../src/lib/core/errors.js'
import {snmAbi} from '../../src/lib/contracts/generated/SNM.js'
import {startTestAnvil, type TestAnvil} from '../../src/lib/devnet/anvil.js'
import {getDeal} from '../../src/lib/market/deals.js'
import {Agent} from '../../src/lib/provider/agent.js'
import {type AgentTarget, getJob, startJob} from '../../src/lib/provider/client.js'
import {chainDealSource} from '../../src/lib/provider/deals.js'
import {ChainMarketDuties} from '../../src/lib/provider/market-duties.js'
import {ProcessExecutor} from '../../src/lib/provider/process-executor.js'
import {type RunningServer, startServer} from '../../src/lib/provider/server.js'
import {advanceTime} from '../setup/chain.js'
import {deployTestMarket, type FreshAccount, freshAccount, openDeal, type TestMarket} from '../setup/market.js'

const GRACE_MS = 1500
let anvil: TestAnvil
let client: ChainClient
let m: TestMarket
let supplier: FreshAccount
let r1: FreshAccount
let r2: FreshAccount
let r3: FreshAccount
let dealA: bigint
let dealB: bigint
let dealC: bigint
let agent: Agent
let duties: ChainMarketDuties
let server: RunningServer
let dir: string
const logs: string[] = []
const jobs: Record<string, string> = {}
const node = process.execPath
const forever = {args: ['-e', 'setInterval(() => {}, 1000)'], command: node}

const target = (who: FreshAccount, dealId: bigint): AgentTarget => ({account: who.account, chainId: DEVNET_CHAIN_ID, dealId, endpoint: server.url})
const approve = (who: FreshAccount, amount: bigint) =>
  transact(client, 'approve', {abi: snmAbi, address: m.snm, args: [m.market, amount], functionName: 'approve'}, {account: who.account, confirm: async () => {}})
const snmOf = (who: Address) => client.readContract({abi: snmAbi, address: m.snm, args: [who], functionName: 'balanceOf'})
const count = (pattern: RegExp) => logs.filter((l) => pattern.test(l)).length
const unfundedIds = () => duties.unfundedDeals().map((u) => u.dealId)

async function ended(dealId: bigint, jobId: string) {
  for (let i = 0; i < 200; i++) {
    const job = agent.getJob(dealId, jobId)!.state
    if (job.status !== 'running') return job
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`job ${dealId}/${jobId} still running`)
}

beforeAll(async () => {
  anvil = await startTestAnvil()
  client = createChainClient(anvil.rpcUrl, DEVNET_CHAIN_ID, 'devnet')
  m = await deployTestMarket(client)
  ;[supplier, r1, r2, r3] = await Promise.all([freshAccount(client), freshAccount(client), freshAccount(client), freshAccount(client)])
  dealA = await openDeal(m, supplier, r1, 0n)
  dealB = await openDeal(m, supplier, r2, 0n)
  dealC = await openDeal(m, supplier, r3, 2n * 86_400n)
  // B's and C's renters take back their allowance: the next period can no longer be pulled.
  await approve(r2, 0n)
  await approve(r3, 0n)
  dir = mkdtempSync(path.join(os.tmpdir(), 'nectar-agent-billing-'))
  const dealSource = chainDealSource(client, m.market)
  duties = new ChainMarketDuties({account: supplier.account, billIntervalSeconds: 30n, client, log: (l) => logs.push(l), market: m.market, recheckMs: 0, retryMs: {max: 0, min: 0}})
  // No timer: each test runs the agent's rounds itself (tick), with the market duties due every round.
  agent = Agent.open({dataDir: dir, dealPollMs: 60_000, dealSource, executor: new ProcessExecutor({killGraceMs: 500}), log: (l) => logs.push(l), market: duties, marketPollMs: 0, supplier: supplier.address, unfundedGraceMs: GRACE_MS})
  server = await startServer({agent, dealSource, supplier: supplier.address})
  // One running job on each deal before anything is known.
  for (const [who, id] of [[r1, dealA], [r2, dealB], [r3, dealC]] as const) jobs[id.toString()] = (await startJob(target(who, id), forever)).id
  await advanceTime(client, 60)
}, 120_000)

afterAll(async () => {
  await agent?.shutdown()
  await server?.close()
  await anvil?.stop()
  if (dir) rmSync(dir, {force: true, recursive: true})
})

describe('provider agent: each deal billed on its own, unfunded deals', () => {
  it('bills the healthy deal although the two listed before it fail, and marks those unfunded, each logged once', async () => {
    expect(dealC > dealB && dealB > dealA).toBe(true) // listed newest first: the failing ones come first
    const before = (await getDeal(client, m.market, dealA))!
    const earned = await snmOf(supplier.address)
    await agent.tick()
    const after = (await getDeal(client, m.market, dealA))!
    expect(after.lastBillTS).toBeGreaterThan(before.lastBillTS)
    expect(after.totalPayout).toBeGreaterThan(0n)
    expect((await snmOf(supplier.address)) - earned).toBe(after.totalPayout)
    expect(count(new RegExp(`^Billed deal ${dealA}:`))).toBe(1)
    expect(unfundedIds().sort()).toEqual([dealB, dealC].sort())
    const b = duties.unfundedDeals().find((u) => u.dealId === dealB)!
    expect(b).toMatchObject({spot: true})
    expect(b.reason).toMatch(/Bill reverts \(.*allowance/)
    expect(duties.unfundedDeals().find((u) => u.dealId === dealC)!.spot).toBe(false)
    // Another round (retry backoff 0 here): still unfunded, not logged again, nothing sent for them.
    await agent.tick()
    expect(count(new RegExp(`^Deal ${dealB} is unfunded`))).toBe(1)
    expect(count(new RegExp(`^Deal ${dealC} is unfunded`))).toBe(1)
    expect(count(/^Billed deal/)).toBe(1)
    // Within the grace the jobs that were running keep running.
    expect(agent.getJob(dealB, jobs[dealB.toString()])!.state.status).toBe('running')
  })

  it('refuses a new job on an unfunded deal with DEAL_UNFUNDED naming `nectar compute fund`, and still runs jobs on the healthy one', async () => {
    const refused = (await startJob(target(r2, dealB), forever).catch((error: NectarError) => error)) as NectarError
    expect(refused.code).toBe('DEAL_UNFUNDED')
    expect(refused.message).toContain(`HTTP 402 DEAL_UNFUNDED`)
    expect(refused.message).toContain(`nectar compute fund ${dealB}`)
    expect(refused.message).not.toContain('\n')
    expect(refused.hint).toContain(`nectar compute fund ${dealB} --hours N`)
    expect(agent.listJobs(dealB)).toHaveLength(1) // nothing was started
    const ok = await startJob(target(r1, dealA), {args: ['-e', ''], command: node})
    expect((await getJob(target(r1, dealA), ok.id)).dealId).toBe(dealA.toString())
  })

  it('after the grace stops the unfunded deals’ jobs ("deal N unfunded"), closes the spot one (its escrow pays), leaves the forward one open', async () => {
    const since = Math.max(...duties.unfundedDeals().map((u) => u.since))
    await new Promise((r) => setTimeout(r, Math.max(0, since + GRACE_MS + 50 - Date.now())))
    const earned = await snmOf(supplier.address)
    const refundedBefore = await snmOf(r2.address)
    const b = (await getDeal(client, m.market, dealB))!
    await agent.tick()
    const jobB = await ended(dealB, jobs[dealB.toString()])
    const jobC = await ended(dealC, jobs[dealC.toString()])
    expect(jobB.status).toBe('killed')
    expect(jobB.reason).toMatch(new RegExp(`^deal ${dealB} unfunded since .*Bill reverts`))
    expect(jobC.reason).toMatch(new RegExp(`^deal ${dealC} unfunded`))
    expect(agent.getJob(dealA, jobs[dealA.toString()])!.state.status).toBe('running')
    const closedB = (await getDeal(client, m.market, dealB))!
    expect(closedB.status).toBe('closed')
    expect(closedB.blockedBalance).toBe(0n)
    const paid = closedB.totalPayout - b.totalPayout
    expect(paid).toBeGreaterThan(0n)
    expect((await snmOf(supplier.address)) - earned).toBe(paid)
    expect((await snmOf(r2.address)) - refundedBefore).toBe(b.blockedBalance - paid) // the rest of the escrow went back
    expect(count(new RegExp(`^Closed unfunded deal ${dealB} after the grace period: ${paid} SNM wei`))).toBe(1)
    expect((await getDeal(client, m.market, dealC))!.status).toBe('accepted')
    expect(unfundedIds()).toEqual([dealC])
    await agent.tick()
    expect(count(new RegExp(`^Deal ${dealC} is a forward deal unfunded past the grace period`))).toBe(1)
  })

  it('a renter who approves again makes the deal billable: it is billed and takes jobs again', async () => {
    await approve(r3, parseEther('1000'))
    // The job start checks the deal again at once (no waiting for the next round).
    const job = await startJob(target(r3, dealC), {args: ['-e', 'console.log("funded")'], command: node})
    expect(job.status).toBe('running')
    expect(count(new RegExp(`^Deal ${dealC} is funded again`))).toBe(1)
    expect(unfundedIds()).toEqual([])
    const before = (await getDeal(client, m.market, dealC))!
    await agent.tick()
    const after = (await getDeal(client, m.market, dealC))!
    expect(count(new RegExp(`^Billed deal ${dealC}:`))).toBe(1)
    expect(after.lastBillTS).toBeGreaterThan(before.lastBillTS)
    expect(after.totalPayout).toBeGreaterThan(before.totalPayout)
  })

  it('retries a failing deal only after its backoff, while a job start checks it again at once', async () => {
    const probe = new ChainMarketDuties({account: supplier.account, billIntervalSeconds: 86_400n, client, log: (l) => logs.push(l), market: m.market, recheckMs: 0, retryMs: {max: 60_000, min: 60_000}})
    await approve(r3, 0n)
    await advanceTime(client, 60)
    expect(await probe.billOpenDeals()).toEqual([])
    expect(probe.unfundedDeals().map((u) => u.dealId)).toEqual([dealC])
    await approve(r3, parseEther('1000'))
    // Within the backoff the deal is not checked again: still unfunded, not billed.
    expect(await probe.billOpenDeals()).toEqual([])
    expect(probe.unfundedDeals().map((u) => u.dealId)).toEqual([dealC])
    expect(await probe.recheckFunding(dealC)).toBeUndefined()
    expect((await probe.billOpenDeals()).map((b) => b.dealId)).toEqual([dealC]) // funded again: billed at once
  })
})
