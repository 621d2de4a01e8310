// The renter's funding on a Market of the test's own (on a private anvil: these tests move time).
// - billing.ts's replica of Bill and CloseDeal against the contract over random prices, durations,
//   rates, times, balances and allowances: success or revert, paid, pulled, refunded, escrow, closed.
// - deals ordered with the CLI's defaults (lib rentOffer) stay billable and closable: a spot deal
//   after 2 hours, a 2-day forward deal after 25 hours, and past its end.
// - every check before the first signature, and the honest error after an approval.
import {type Abi, type Address, parseEther, type TransactionReceipt, zeroAddress} from 'viem'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {type ChainClient} from '../../src/lib/chain/client.js'
import {type TransactOptions, walletFor} from '../../src/lib/chain/transact.js'
import {formatAmount} from '../../src/lib/core/amounts.js'
import {nectarError} from '../../src/lib/core/errors.js'
import {blacklistAbi} from '../../src/lib/contracts/generated/Blacklist.js'
import {marketAbi} from '../../src/lib/contracts/generated/Market.js'
import {oracleUSDAbi} from '../../src/lib/contracts/generated/OracleUSD.js'
import {snmAbi} from '../../src/lib/contracts/generated/SNM.js'
import {calculatePayment, DAY, forwardBudget, HOUR, lockedSum, simulateBill, simulateClose} from '../../src/lib/market/billing.js'
import {fundDeal} from '../../src/lib/market/deal-funding.js'
import {billDeal, closeDeal} from '../../src/lib/market/deal-payments.js'
import {getDeal, orderPlacedId} from '../../src/lib/market/deals.js'
import {placeBid} from '../../src/lib/market/place-order.js'
import {rentOffer} from '../../src/lib/market/rent-offer.js'
import {type FreshAccount, freshAccount, type PrivateChain, privateChain} from '../setup/chain.js'
import {deployTestMarket, placeAsk, type TestMarket} from '../setup/market.js'

let chain: PrivateChain
let client: ChainClient
let m: TestMarket
beforeAll(async () => {
  chain = await privateChain()
  client = chain.client
  m = await deployTestMarket(client)
})
afterAll(async () => chain?.stop())

const addresses = () => ({blacklist: m.blacklist, market: m.market, oracle: m.oracle, profileRegistry: m.profileRegistry, snm: m.snm})
const sendAs = (who: FreshAccount): TransactOptions => ({account: who.account, confirm: async () => {}})
const USD_PER_HOUR = 10n ** 18n / 3600n // 1 USD/h in USD/s x 1e18

/** mulberry32, so a failure replays. */
function prng(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {big: (lo: bigint, hi: bigint) => lo + (BigInt(Math.floor(next() * 2 ** 32)) * BigInt(Math.floor(next() * 2 ** 21))) % (hi - lo + 1n), int: (n: number) => Math.floor(next() * n)}
}

/** A raw transaction with a fixed gas limit: a revert is mined (status 'reverted'), not thrown. */
async function raw(who: FreshAccount, address: Address, abi: Abi, functionName: string, args: readonly unknown[]): Promise<TransactionReceipt> {
  const hash = await walletFor(client, who.account).writeContract({abi, account: who.account, address, args, chain: client.chain, functionName, gas: 2_000_000n} as never)
  return client.waitForTransactionReceipt({hash, pollingInterval: 20})
}
async function ok(who: FreshAccount, address: Address, abi: Abi, functionName: string, args: readonly unknown[]) {
  const receipt = await raw(who, address, abi, functionName, args)
  if (receipt.status !== 'success') throw new Error(`${functionName} reverted`)
  return receipt
}
const snmOf = (a: Address) => client.readContract({abi: snmAbi, address: m.snm, args: [a], functionName: 'balanceOf'})
const allowanceOf = (a: Address) => client.readContract({abi: snmAbi, address: m.snm, args: [a, m.market], functionName: 'allowance'})
const mint = (to: Address, amount: bigint) => ok(m.deployer, m.snm, snmAbi as Abi, 'mint', [to, amount])
const setRate = (rate: bigint) => ok(m.deployer, m.oracle, oracleUSDAbi as Abi, 'setCurrentPrice', [rate])
const rateNow = () => client.readContract({abi: oracleUSDAbi, address: m.oracle, functionName: 'getCurrentPrice'})
const nextTimestamp = async (seconds: bigint) => {
  const ts = (await client.getBlock({blockTag: 'latest'})).timestamp + seconds
  await client.request({method: 'evm_setNextBlockTimestamp' as never, params: [`0x${ts.toString(16)}`] as never})
  return ts
}
const advance = async (seconds: bigint) => {
  await client.request({method: 'evm_increaseTime' as never, params: [`0x${seconds.toString(16)}`] as never})
  await client.request({method: 'evm_mine' as never, params: [] as never})
}
async function renter(snm = parseEther('10000')): Promise<FreshAccount> {
  const r = await freshAccount(client)
  await mint(r.address, snm)
  return r
}
/** Sets a renter's balance and allowance exactly (the surplus goes to the deployer). */
async function setFunds(who: FreshAccount, balance: bigint, allowance: bigint) {
  const now = await snmOf(who.address)
  if (now > balance) await ok(who, m.snm, snmAbi as Abi, 'transfer', [m.deployer.address, now - balance])
  if (now < balance) await mint(who.address, balance - now)
  await ok(who, m.snm, snmAbi as Abi, 'approve', [m.market, allowance])
}

describe('billing.ts replicates Bill and CloseDeal', () => {
  it('agrees with the contract on success, payout, pull, refund, escrow and closing over 100+ random payments', async () => {
    const r = prng(2026)
    const counts = {closed: 0, closes: 0, ok: 0, reverts: 0}
    let cases = 0
    for (let d = 0; d < 80 && cases < 110; d++) {
      const price = r.big(10n ** 12n, 10n ** 16n)
      const duration = d % 3 === 0 ? 0n : r.big(HOUR, 5n * DAY)
      await setRate(r.big(10n ** 15n, 20n * 10n ** 18n))
      const provider = await freshAccount(client)
      const consumer = await renter(0n)
      const askId = await placeAsk(client, m.market, provider, duration, {price})
      await setFunds(consumer, lockedSum(price, duration, await rateNow()), lockedSum(price, duration, await rateNow()))
      const opened = await ok(consumer, m.market, marketAbi as Abi, 'QuickBuy', [askId, duration])
      expect(opened.status).toBe('success')
      const dealId = (await client.readContract({abi: marketAbi, address: m.market, functionName: 'GetDealsAmount'}))
      for (let step = 0; step < 12; step++) {
        const rate = r.big(10n ** 15n, 20n * 10n ** 18n)
        await setRate(rate)
        const deal = (await getDeal(client, m.market, dealId))!
        if (deal.status !== 'accepted') break
        const gap = r.big(1n, 2n * DAY)
        // Funds around what the payment may pull, so every branch (no pull, pull, revert, close) comes up.
        const scale = calculatePayment(price, gap + DAY, rate) + 1n
        const funds = {allowance: [0n, r.big(0n, scale), r.big(0n, scale * 2n), scale * 3n][r.int(4)], balance: [0n, r.big(0n, scale), r.big(0n, scale * 2n), scale * 3n][r.int(4)]}
        await setFunds(consumer, funds.balance, funds.allowance)
        const closing = r.int(5) === 0
        const ts = await nextTimestamp(gap)
        const predicted = (closing ? simulateClose : simulateBill)(deal, ts, rate, funds)
        const [providerBefore, consumerBefore] = await Promise.all([snmOf(provider.address), snmOf(consumer.address)])
        // CloseDeal before a forward deal's end is the consumer's; Bill by either party.
        const caller = closing || r.int(2) === 0 ? consumer : provider
        const receipt = await raw(caller, m.market, marketAbi as Abi, closing ? 'CloseDeal' : 'Bill', closing ? [dealId, 0] : [dealId])
        cases++
        if (predicted.kind === 'reverts') {
          expect(receipt.status, `case ${cases}`).toBe('reverted')
          expect(predicted.shortfall).toBeGreaterThan(0n)
          counts.reverts++
          continue
        }
        expect(receipt.status, `case ${cases}`).toBe('success')
        const after = (await getDeal(client, m.market, dealId))!
        const [providerAfter, consumerAfter] = await Promise.all([snmOf(provider.address), snmOf(consumer.address)])
        expect(providerAfter - providerBefore, `paid, case ${cases}`).toBe(predicted.paid)
        expect(consumerAfter - consumerBefore, `pulled/refund, case ${cases}`).toBe(predicted.refund - predicted.pulled)
        expect(after.blockedBalance).toBe(predicted.escrow)
        expect(after.status === 'closed').toBe(predicted.closed)
        if (closing) counts.closes++
        else if (predicted.closed) counts.closed++
        else counts.ok++
      }
    }
    expect(cases).toBeGreaterThanOrEqual(100)
    // Every branch came up.
    expect(counts.reverts).toBeGreaterThan(5)
    expect(counts.ok).toBeGreaterThan(5)
    expect(counts.closed).toBeGreaterThan(2)
    expect(counts.closes).toBeGreaterThan(2)
  }, 240_000)
})

describe('deals ordered with the CLI defaults last', () => {
  const price = USD_PER_HOUR / 2n // 0.5 USD/h

  it('a spot deal after 2 hours: billed by the provider and by the renter, then closed by the provider; another closed by the renter', async () => {
    const provider = await freshAccount(client)
    const who = await renter()
    for (const closer of ['provider', 'renter'] as const) {
      const askId = await placeAsk(client, m.market, provider, 0n, {price})
      const allowanceBefore = await allowanceOf(who.address)
      const rented = await rentOffer(client, {addresses: addresses(), askId, duration: 0n}, sendAs(who))
      const rate = rented.plan.rate
      // The default budget: 24 hours of the ask's price, added to the allowance; the first hour is locked.
      expect(rented.plan.budget).toBe(calculatePayment(price, 24n * HOUR, rate))
      expect(await allowanceOf(who.address)).toBe(allowanceBefore + rented.plan.budget - rented.plan.lock)
      await advance(2n * HOUR)
      const byProvider = await billDeal(client, {dealId: rented.deal.id, market: m.market, oracle: m.oracle, snm: m.snm}, sendAs(provider))
      expect(byProvider.paid).toBeGreaterThanOrEqual(calculatePayment(price, 2n * HOUR, rate))
      await advance(600n)
      const byRenter = await billDeal(client, {dealId: rented.deal.id, market: m.market, oracle: m.oracle, snm: m.snm}, sendAs(who))
      expect(byRenter.paid).toBeGreaterThanOrEqual(calculatePayment(price, 600n, rate))
      await closeDeal(client, {dealId: rented.deal.id, market: m.market, oracle: m.oracle, snm: m.snm}, sendAs(closer === 'provider' ? provider : who))
      expect((await getDeal(client, m.market, rented.deal.id))!.status).toBe('closed')
    }
  })

  it('a 2-day forward deal after 25 hours: billed by either party, closed by the renter; the provider may close one only after its end', async () => {
    const provider = await freshAccount(client)
    const who = await renter()
    const open = async () => rentOffer(client, {addresses: addresses(), askId: await placeAsk(client, m.market, provider, 7n * DAY, {price}), duration: 2n * DAY}, sendAs(who))
    const first = await open()
    // The default: the whole 2 days at the oracle rate + 10%.
    expect(first.plan.budget).toBe(forwardBudget(price, 2n * DAY, first.plan.rate, 10n))
    const second = await open()
    const payments = {dealId: first.deal.id, market: m.market, oracle: m.oracle, snm: m.snm}
    await advance(25n * HOUR)
    // The rate rises 10%: still inside the margin.
    await setRate((first.plan.rate * 110n) / 100n)
    const byProvider = await billDeal(client, payments, sendAs(provider))
    expect(byProvider.paid).toBeGreaterThan(calculatePayment(price, 25n * HOUR, first.plan.rate))
    await advance(HOUR)
    await billDeal(client, payments, sendAs(who))
    // Before the end only the renter closes.
    await expect(closeDeal(client, {...payments, dealId: second.deal.id}, sendAs(provider))).rejects.toMatchObject({code: 'DEAL_NOT_ENDED'})
    await closeDeal(client, payments, sendAs(who))
    expect((await getDeal(client, m.market, first.deal.id))!.status).toBe('closed')
    // After its end the provider bills and closes the second one.
    await advance(DAY)
    await billDeal(client, {...payments, dealId: second.deal.id}, sendAs(provider))
    await closeDeal(client, {...payments, dealId: second.deal.id}, sendAs(provider))
    const closed = (await getDeal(client, m.market, second.deal.id))!
    expect(closed.status).toBe('closed')
    expect(closed.totalPayout).toBeGreaterThanOrEqual(calculatePayment(price, 2n * DAY, first.plan.rate))
  })

  it('a spot deal past its budget: the provider is refused before sending, the renter closes (approving exactly the shortfall), fund extends one', async () => {
    const provider = await freshAccount(client)
    const who = await renter()
    const open = async () => rentOffer(client, {addresses: addresses(), askId: await placeAsk(client, m.market, provider, 0n, {price}), duration: 0n, funding: {budget: '2h'}}, sendAs(who))
    const a = await open()
    const b = await open()
    const payments = {market: m.market, oracle: m.oracle, snm: m.snm}
    // Two 2-hour budgets minus two locks: the shared allowance covers 2 more hours in all.
    await advance(5n * HOUR)
    const nonce = await client.getTransactionCount({address: provider.address})
    await expect(billDeal(client, {...payments, dealId: a.deal.id}, sendAs(provider))).rejects.toMatchObject({code: 'RENTER_ALLOWANCE_SHORT'})
    await expect(closeDeal(client, {...payments, dealId: a.deal.id}, sendAs(provider))).rejects.toMatchObject({code: 'RENTER_ALLOWANCE_SHORT'})
    expect(await client.getTransactionCount({address: provider.address})).toBe(nonce)
    const steps: string[][] = []
    const closed = await closeDeal(client, {...payments, dealId: a.deal.id, onPlan: (lines) => steps.push(lines.map(([k]) => k))}, sendAs(who))
    expect(closed.approvalTx).toMatch(/^0x[0-9a-f]{64}$/)
    expect(steps[0]).toEqual(expect.arrayContaining(['step 1', 'step 2']))
    expect((await getDeal(client, m.market, a.deal.id))!.status).toBe('closed')
    // fund: 10 more hours for b; then the provider can bill it.
    const funded = await fundDeal(client, {addresses: addresses(), dealId: b.deal.id, hours: '10'}, sendAs(who))
    expect(funded.amount).toBe(calculatePayment(price, 10n * HOUR, await rateNow()))
    expect(funded.allowance.after).toBe(funded.allowance.before + funded.amount)
    await billDeal(client, {...payments, dealId: b.deal.id}, sendAs(provider))
    expect((await getDeal(client, m.market, b.deal.id))!.status).toBe('accepted')
  })
})

describe('compute bid budgets the deal its BID opens', () => {
  it('a forward bid approves its whole cost + margin, a spot bid its budget; OpenDeal then bills from the shared allowance', async () => {
    const who = await renter()
    const provider = await freshAccount(client)
    const order = (duration: bigint) => ({benchmarks: [1n], blacklist: zeroAddress, counterparty: zeroAddress, duration, identityLevel: 1, netflags: [false, true, false], price: USD_PER_HOUR, priceUnit: 'usd/h' as const, tag: `0x${'0'.repeat(64)}` as const})
    const rate = await rateNow()
    const before = await allowanceOf(who.address)
    const forward = await placeBid(client, {addresses: addresses(), funding: {rateMargin: 20n}, order: order(2n * DAY)}, sendAs(who))
    expect(forward.funding.budget).toBe(forwardBudget(USD_PER_HOUR, 2n * DAY, rate, 20n))
    expect(await allowanceOf(who.address)).toBe(before + forward.funding.budget - forward.lock)
    const spot = await placeBid(client, {addresses: addresses(), funding: {budget: '5h'}, order: order(0n)}, sendAs(who))
    expect(spot.funding.budget).toBe(calculatePayment(USD_PER_HOUR, 5n * HOUR, rate))
    await expect(placeBid(client, {addresses: addresses(), funding: {budget: '30m'}, order: order(0n)}, sendAs(who))).rejects.toMatchObject({code: 'BUDGET_TOO_SMALL'})
    // A matching ask fills the forward bid; a day and an hour later the provider bills it from the allowance.
    const askId = await placeAsk(client, m.market, provider, 3n * DAY, {price: USD_PER_HOUR})
    await ok(provider, m.market, marketAbi as Abi, 'OpenDeal', [askId, forward.orderId!])
    const dealId = await client.readContract({abi: marketAbi, address: m.market, functionName: 'GetDealsAmount'})
    await advance(DAY + HOUR)
    const billed = await billDeal(client, {dealId, market: m.market, oracle: m.oracle, snm: m.snm}, sendAs(provider))
    expect(billed.paid).toBe(calculatePayment(USD_PER_HOUR, (await getDeal(client, m.market, dealId))!.lastBillTS - (await getDeal(client, m.market, dealId))!.startTime, rate))
  })
})

describe('checks before the first signature', () => {
  const price = USD_PER_HOUR
  const refused = async (who: FreshAccount, run: () => Promise<unknown>, code: string, message?: RegExp) => {
    const nonce = await client.getTransactionCount({address: who.address})
    const error = await run().then(() => undefined, (e: unknown) => e)
    expect(error).toMatchObject({code})
    if (message) expect((error as Error).message).toMatch(message)
    expect(await client.getTransactionCount({address: who.address})).toBe(nonce)
  }

  it('an ask that does not exist, an identity level too low, a budget under an hour', async () => {
    const provider = await freshAccount(client)
    const who = await renter()
    const rent = (askId: bigint, extra: object = {}) => () => rentOffer(client, {addresses: addresses(), askId, duration: 0n, ...extra}, sendAs(who))
    await refused(who, rent(10_000n), 'NO_SUCH_ORDER')
    const registered = orderPlacedId(await ok(provider, m.market, marketAbi as Abi, 'PlaceOrder', [2, zeroAddress, 0n, price, [false, true, false], 2, zeroAddress, `0x${'0'.repeat(64)}`, [1n]]))!
    await refused(who, rent(registered), 'IDENTITY_TOO_LOW', /requires the identity level registered; 0x[0-9a-fA-F]{40} is anonymous/)
    const askId = await placeAsk(client, m.market, provider, 0n, {price})
    await refused(who, rent(askId, {funding: {budget: '59m'}}), 'BUDGET_TOO_SMALL')
    await refused(who, rent(askId, {funding: {budget: '0.0001snm'}}), 'BUDGET_TOO_SMALL')
  })

  it('a blacklisted pair, both ways', async () => {
    const provider = await freshAccount(client)
    const who = await renter()
    // The renter blacklists the provider when closing a deal with it (CloseDeal's BLACKLIST_WORKER).
    const first = await rentOffer(client, {addresses: addresses(), askId: await placeAsk(client, m.market, provider, 0n, {price}), duration: 0n}, sendAs(who))
    await closeDeal(client, {blacklist: true, dealId: first.deal.id, market: m.market, oracle: m.oracle, snm: m.snm}, sendAs(who))
    const askId = await placeAsk(client, m.market, provider, 0n, {price})
    await refused(who, () => rentOffer(client, {addresses: addresses(), askId, duration: 0n}, sendAs(who)), 'BLACKLISTED', /^You blacklisted the provider 0x/)
    // A provider the Blacklist's owner made a master blacklists a renter.
    const other = await renter()
    await ok(m.deployer, m.blacklist, blacklistAbi as Abi, 'AddMaster', [provider.address])
    await ok(provider, m.blacklist, blacklistAbi as Abi, 'Add', [provider.address, other.address])
    await refused(other, () => rentOffer(client, {addresses: addresses(), askId, duration: 0n}, sendAs(other)), 'BLACKLISTED', /^The provider 0x[0-9a-fA-F]{40} blacklisted you/)
  })

  it('a paused Market, and an ask reserved for a master: its worker may take it, anyone else is refused', async () => {
    const provider = await freshAccount(client)
    const who = await renter()
    const askId = await placeAsk(client, m.market, provider, 0n, {price})
    await ok(m.deployer, m.market, marketAbi as Abi, 'pause', [])
    await refused(who, () => rentOffer(client, {addresses: addresses(), askId, duration: 0n}, sendAs(who)), 'MARKET_PAUSED')
    await ok(m.deployer, m.market, marketAbi as Abi, 'unpause', [])
    // SONM compares the ask's counterparty with GetMaster(buyer).
    const master = await renter()
    const worker = await renter()
    await ok(worker, m.market, marketAbi as Abi, 'RegisterWorker', [master.address])
    await ok(master, m.market, marketAbi as Abi, 'ConfirmWorker', [worker.address])
    const reserved = orderPlacedId(await ok(provider, m.market, marketAbi as Abi, 'PlaceOrder', [2, master.address, 0n, price, [false, true, false], 1, zeroAddress, `0x${'0'.repeat(64)}`, [1n]]))!
    await refused(who, () => rentOffer(client, {addresses: addresses(), askId: reserved, duration: 0n}, sendAs(who)), 'ASK_RESERVED')
    const rented = await rentOffer(client, {addresses: addresses(), askId: reserved, duration: 0n}, sendAs(worker))
    expect(rented.deal.consumer).toBe(worker.address)
  })

  it('fund refuses a closed deal and a signer who is not the renter', async () => {
    const provider = await freshAccount(client)
    const who = await renter()
    const rented = await rentOffer(client, {addresses: addresses(), askId: await placeAsk(client, m.market, provider, 0n, {price}), duration: 0n}, sendAs(who))
    await refused(provider, () => fundDeal(client, {addresses: addresses(), dealId: rented.deal.id, hours: '1'}, sendAs(provider)), 'NOT_CONSUMER')
    await closeDeal(client, {dealId: rented.deal.id, market: m.market, oracle: m.oracle, snm: m.snm}, sendAs(who))
    await refused(who, () => fundDeal(client, {addresses: addresses(), dealId: rented.deal.id, hours: '1'}, sendAs(who)), 'DEAL_CLOSED')
  })

  it('declining QuickBuy after the approval says what was sent: the approval and the allowance now', async () => {
    const provider = await freshAccount(client)
    const who = await renter()
    const askId = await placeAsk(client, m.market, provider, 0n, {price})
    let confirmations = 0
    const send: TransactOptions = {account: who.account, confirm: async () => {
      if (++confirmations === 2) throw nectarError('DECLINED', 'Declined; nothing was sent.')
    }}
    const error = (await rentOffer(client, {addresses: addresses(), askId, duration: 0n}, send).catch((e: unknown) => e)) as Error & {code: string; hint?: string}
    expect(error.code).toBe('DECLINED')
    expect(error.message).not.toMatch(/nothing was sent/i)
    expect(error.hint).not.toMatch(/nothing was sent/i)
    const allowance = await allowanceOf(who.address)
    expect(allowance).toBe(calculatePayment(price, 24n * HOUR, await rateNow()))
    expect(error.message).toMatch(/Only the approval 0x[0-9a-f]{64} was sent/)
    expect(error.message).toContain(`the Market's allowance is now ${formatAmount(allowance)} SNM`)
  })
})
