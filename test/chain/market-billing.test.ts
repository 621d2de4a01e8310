// Differential: what Bill pays on chain equals the CLI's bigint formula to the wei. Property: random
// sequences of orders, deals, bills, closes and oracle changes never create or destroy SNM; neither do
// long deals ordered, billed, funded and closed through the CLI's library, and none is left stuck.
import {type Abi, type Address, type Hex, parseEther, parseEventLogs, zeroAddress} from 'viem'
import {privateKeyToAccount} from 'viem/accounts'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {type ChainClient} from '../../src/lib/chain/client.js'
import {walletFor} from '../../src/lib/chain/transact.js'
import {marketAbi} from '../../src/lib/contracts/generated/Market.js'
import {oracleUSDAbi} from '../../src/lib/contracts/generated/OracleUSD.js'
import {snmAbi} from '../../src/lib/contracts/generated/SNM.js'
import {DEV_PRIVATE_KEYS as DEV_KEYS} from '../../src/lib/devnet/accounts.js'
import {type DevnetContracts} from '../../src/lib/devnet/deploy.js'
import {SONM_ORACLE_RATE} from '../../src/lib/devnet/deploy-market.js'
import {type FreshAccount, freshAccount, type PrivateChain, privateChain} from '../setup/chain.js'
import {billAmount, calculatePayment, lockedSum} from '../../src/lib/market/billing.js'
import {type TransactOptions} from '../../src/lib/chain/transact.js'
import {fundDeal} from '../../src/lib/market/deal-funding.js'
import {billDeal, closeDeal} from '../../src/lib/market/deal-payments.js'
import {getDeal, getOracleRate} from '../../src/lib/market/deals.js'
import {rentOffer} from '../../src/lib/market/rent-offer.js'

// Billing moves chain time, so this file has a chain of its own.
let chain: PrivateChain
let client: ChainClient
let deployment: Required<Pick<DevnetContracts, 'market' | 'oracle' | 'snm'>>
beforeAll(async () => {
  chain = await privateChain()
  client = chain.client
  const {market, oracle, snm} = chain.deployment.contracts
  deployment = {market: market!, oracle: oracle!, snm: snm!}
})
afterAll(async () => chain?.stop())

/** mulberry32: a small seeded PRNG, so failures replay. */
function prng(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {big: (lo: bigint, hi: bigint) => lo + (BigInt(Math.floor(next() * 2 ** 32)) * BigInt(Math.floor(next() * 2 ** 21))) % (hi - lo + 1n), int: (n: number) => Math.floor(next() * n), next}
}

async function send(key: Hex, address: Address, abi: Abi, functionName: string, args: readonly unknown[]) {
  const account = privateKeyToAccount(key)
  const hash = await walletFor(client, account).writeContract({abi, account, address, args, chain: client.chain, functionName, gas: 1_500_000n} as never)
  const receipt = await client.waitForTransactionReceipt({hash, pollingInterval: 20})
  if (receipt.status !== 'success') throw new Error(`${functionName} reverted`)
  return receipt
}

const setRate = (rate: bigint) => send(DEV_KEYS[0], deployment.oracle, oracleUSDAbi, 'setCurrentPrice', [rate])
const nextTimestamp = async (seconds: bigint) => {
  const block = await client.getBlock({blockTag: 'latest'})
  const ts = block.timestamp + seconds
  await client.request({method: 'evm_setNextBlockTimestamp' as never, params: [`0x${ts.toString(16)}`] as never})
  return ts
}
const bench12 = Array.from({length: 12}, () => 1n)

async function placeAsk(key: Hex, price: bigint, duration: bigint): Promise<bigint> {
  const receipt = await send(key, deployment.market, marketAbi, 'PlaceOrder', [2, zeroAddress, duration, price, [true, true, false], 1, zeroAddress, `0x${'0'.repeat(64)}`, bench12])
  return parseEventLogs({abi: marketAbi, eventName: 'OrderPlaced', logs: receipt.logs})[0].args.orderID
}

async function quickBuy(key: Hex, askId: bigint, duration: bigint): Promise<bigint> {
  await send(key, deployment.snm, snmAbi, 'approve', [deployment.market, parseEther('1000000')])
  const receipt = await send(key, deployment.market, marketAbi, 'QuickBuy', [askId, duration])
  return parseEventLogs({abi: marketAbi, eventName: 'DealOpened', logs: receipt.logs})[0].args.dealID
}

describe('Bill pays price x seconds x rate / 1e18, to the wei', () => {
  it('matches the CLI formula over 120 prices, durations and oracle rates', async () => {
    const r = prng(42)
    const provider = DEV_KEYS[6]
    const renter = DEV_KEYS[3]
    let cases = 0
    for (let deal = 0; deal < 10; deal++) {
      // Prices from 1e9 to ~1e16 USD/s x 1e18 (tiny to ~36 USD/h); forward deals of up to 30 days, or spot.
      const price = r.big(1_000_000_000n, 10_000_000_000_000_000n)
      const duration = deal % 3 === 0 ? 0n : r.big(3600n, 30n * 86_400n)
      const rate = r.big(10n ** 15n, 20n * 10n ** 18n)
      await setRate(rate)
      const askId = await placeAsk(provider, price, duration)
      const dealId = await quickBuy(renter, askId, duration)
      for (let bill = 0; bill < 12; bill++) {
        const rateNow = r.big(10n ** 15n, 20n * 10n ** 18n)
        await setRate(rateNow)
        const before = (await getDeal(client, deployment.market, dealId))!
        if (before.status !== 'accepted') break
        const ts = await nextTimestamp(r.big(1n, 2n * 86_400n))
        const expected = billAmount(before, ts, rateNow)
        expect(expected).toBe(calculatePayment(before.price, (before.duration > 0n && ts > before.endTime ? before.endTime : ts) - before.lastBillTS < 0n ? 0n : (before.duration > 0n && ts > before.endTime ? before.endTime : ts) - before.lastBillTS, rateNow))
        const receipt = await send(bill % 2 === 0 ? provider : renter, deployment.market, marketAbi, 'Bill', [dealId])
        const billed = parseEventLogs({abi: marketAbi, eventName: 'Billed', logs: receipt.logs})
        const paid = billed[0]?.args.paidAmount ?? 0n
        if (before.duration > 0n && before.lastBillTS >= before.endTime) expect(billed.length).toBe(0)
        else expect(paid).toBe(expected)
        cases++
      }
    }
    expect(cases).toBeGreaterThanOrEqual(100)
  })

  it('locks exactly what lockedSum says', async () => {
    const r = prng(7)
    for (let i = 0; i < 5; i++) {
      const rate = r.big(10n ** 15n, 20n * 10n ** 18n)
      await setRate(rate)
      const price = r.big(10n ** 9n, 10n ** 16n)
      const duration = [0n, 1800n, 86_399n, 86_400n, 10n * 86_400n][i]
      const askId = await placeAsk(DEV_KEYS[7], price, duration)
      const dealId = await quickBuy(DEV_KEYS[4], askId, duration)
      expect((await getDeal(client, deployment.market, dealId))!.blockedBalance).toBe(lockedSum(price, duration, rate))
    }
  })
})

describe('SNM is conserved', () => {
  it('renters + providers + market escrow stays constant over 150 random steps', async () => {
    const r = prng(1234)
    const providers = [DEV_KEYS[6], DEV_KEYS[7]]
    const renters = [DEV_KEYS[1], DEV_KEYS[2], DEV_KEYS[5]]
    const holders = [...providers, ...renters].map((k) => privateKeyToAccount(k).address)
    const total = async () => {
      const balances = await client.multicall({allowFailure: false, contracts: [...holders, deployment.market].map((a) => ({abi: snmAbi, address: deployment.snm, args: [a], functionName: 'balanceOf'}) as const), deployless: true})
      return (balances as bigint[]).reduce((s, b) => s + b, 0n)
    }
    for (const k of renters) await send(k, deployment.snm, snmAbi, 'approve', [deployment.market, parseEther('1000000')])
    const start = await total()
    const asks: Array<{id: bigint; key: Hex}> = []
    const deals: Array<{id: bigint; provider: Hex; renter: Hex}> = []
    const counts: Record<string, number> = {}
    for (let step = 0; step < 150; step++) {
      const op = r.int(7)
      const tally = (name: string) => (counts[name] = (counts[name] ?? 0) + 1)
      try {
        if (op === 0 || asks.length === 0) {
          const key = providers[r.int(2)]
          asks.push({id: await placeAsk(key, r.big(10n ** 12n, 10n ** 17n), [0n, 3600n, 86_400n, 3n * 86_400n][r.int(4)]), key})
          tally('ask')
        } else if (op === 1) {
          const a = asks.splice(r.int(asks.length), 1)[0]
          const renter = renters[r.int(3)]
          const duration = [0n, 600n, 7200n, 2n * 86_400n][r.int(4)]
          const receipt = await send(renter, deployment.market, marketAbi, 'QuickBuy', [a.id, duration]).catch(() => undefined)
          if (receipt) deals.push({id: parseEventLogs({abi: marketAbi, eventName: 'DealOpened', logs: receipt.logs})[0].args.dealID, provider: a.key, renter})
          tally('quickbuy')
        } else if (op === 2 && deals.length > 0) {
          const d = deals[r.int(deals.length)]
          await nextTimestamp(r.big(1n, 3n * 86_400n))
          await send(r.int(2) ? d.provider : d.renter, deployment.market, marketAbi, 'Bill', [d.id]).catch(() => undefined)
          tally('bill')
        } else if (op === 3 && deals.length > 0) {
          const i = r.int(deals.length)
          await send(deals[i].renter, deployment.market, marketAbi, 'CloseDeal', [deals[i].id, r.int(3) === 0 ? 1 : 0]).catch(() => undefined)
          deals.splice(i, 1)
          tally('close')
        } else if (op === 4) {
          await setRate(r.big(10n ** 15n, 50n * 10n ** 18n))
          tally('oracle')
        } else if (op === 5 && asks.length > 0) {
          const a = asks.splice(r.int(asks.length), 1)[0]
          await send(a.key, deployment.market, marketAbi, 'CancelOrder', [a.id])
          tally('cancel')
        } else if (op === 6) {
          // A BID placed directly, then filled by a matching ask with OpenDeal.
          const renter = renters[r.int(3)]
          const price = r.big(10n ** 12n, 10n ** 16n)
          const bidReceipt = await send(renter, deployment.market, marketAbi, 'PlaceOrder', [1, zeroAddress, 3600n, price, [false, true, false], 1, zeroAddress, `0x${'0'.repeat(64)}`, bench12])
          const bidId = parseEventLogs({abi: marketAbi, eventName: 'OrderPlaced', logs: bidReceipt.logs})[0].args.orderID
          const provider = providers[r.int(2)]
          const askId = await placeAsk(provider, price / 2n, 86_400n)
          // Reverts when the renter blacklisted this provider earlier; the bid's lock stays in escrow.
          const receipt = await send(provider, deployment.market, marketAbi, 'OpenDeal', [askId, bidId]).catch(() => undefined)
          if (receipt) deals.push({id: parseEventLogs({abi: marketAbi, eventName: 'DealOpened', logs: receipt.logs})[0].args.dealID, provider, renter})
          tally('bid+opendeal')
        }
      } finally {
        expect(await total()).toBe(start)
      }
    }
    expect(Object.keys(counts).length).toBeGreaterThanOrEqual(6)
  })
})

describe('SNM is conserved over long deals with top-ups, and no deal gets stuck', () => {
  it('renters + providers + market stay constant over 150 random steps through the CLI library, and the renter closes every deal left', async () => {
    const r = prng(4321)
    const {blacklist, profileRegistry} = chain.deployment.contracts
    const addresses = {...deployment, blacklist: blacklist!, profileRegistry: profileRegistry!}
    const payments = {market: deployment.market, oracle: deployment.oracle, snm: deployment.snm}
    const bank = DEV_KEYS[9]
    // From the seeded rate whatever the tests before left, so the sequence is the same alone or in the file.
    await setRate(SONM_ORACLE_RATE)
    const baseRate = await getOracleRate(client, deployment.oracle)
    const providers = await Promise.all([0, 1].map(() => freshAccount(client)))
    const renters = await Promise.all([0, 1, 2].map(() => freshAccount(client)))
    for (const who of renters) await send(bank, deployment.snm, snmAbi, 'transfer', [who.address, parseEther('5000')])
    const holders = [...providers, ...renters].map((a) => a.address)
    const total = async () => {
      const balances = await client.multicall({allowFailure: false, contracts: [...holders, deployment.market].map((a) => ({abi: snmAbi, address: deployment.snm, args: [a], functionName: 'balanceOf'}) as const), deployless: true})
      return (balances as bigint[]).reduce((s, b) => s + b, 0n)
    }
    const as = (who: FreshAccount): TransactOptions => ({account: who.account, confirm: async () => {}})
    const advance = async (seconds: bigint) => {
      await client.request({method: 'evm_increaseTime' as never, params: [`0x${seconds.toString(16)}`] as never})
      await client.request({method: 'evm_mine' as never, params: [] as never})
    }
    // Refusals before sending are expected (a provider's close before the end, a bill the allowance cannot
    // pay, a closed deal); anything else fails the test.
    const expected = new Set(['DEAL_CLOSED', 'DEAL_NOT_ENDED', 'RENTER_ALLOWANCE_SHORT', 'INSUFFICIENT_SNM'])
    const tolerate = async (run: () => Promise<unknown>) => {
      try {
        await run()
        return true
      } catch (error) {
        if (!expected.has((error as {code?: string}).code ?? '')) throw error
        return false
      }
    }
    const start = await total()
    const deals: Array<{id: bigint; provider: FreshAccount; renter: FreshAccount}> = []
    const counts: Record<string, number> = {}
    const tally = (name: string) => (counts[name] = (counts[name] ?? 0) + 1)
    for (let step = 0; step < 150; step++) {
      const op = deals.length === 0 ? 0 : r.int(7)
      if (op === 0) {
        const provider = providers[r.int(2)]
        const renter = renters[r.int(3)]
        const duration = [0n, 0n, 0n, 0n, 2n * 3600n, 86_400n + 3600n, 3n * 86_400n][r.int(7)]
        const askId = await placeAsk(provider.privateKey, r.big(10n ** 14n, 10n ** 15n), duration === 0n ? 0n : 4n * 86_400n)
        const funding = duration === 0n ? {budget: ['1h', '2h', '4h', '24h', '1snm'][r.int(5)]} : {}
        await tolerate(async () => {
          const rented = await rentOffer(client, {addresses, askId, duration, funding}, as(renter))
          deals.push({id: rented.deal.id, provider, renter})
          tally('order')
        }).catch((error: {code?: string}) => {
          if (error.code !== 'BUDGET_TOO_SMALL') throw error
        })
      } else if (op === 1) {
        await advance(r.big(600n, 30n * 3600n))
        tally('time')
      } else if (op === 2) {
        const d = deals[r.int(deals.length)]
        tally((await tolerate(() => billDeal(client, {...payments, dealId: d.id}, as(r.int(2) ? d.provider : d.renter)))) ? 'bill' : 'bill refused')
      } else if (op === 3 && r.int(2) === 0) {
        const d = deals[r.int(deals.length)]
        if (await tolerate(() => fundDeal(client, {addresses, dealId: d.id, hours: String(1 + r.int(24))}, as(d.renter)))) tally('fund')
      } else if (op === 4) {
        // The oracle moves within the 10% margin of where it started.
        await setRate((baseRate * r.big(90n, 110n)) / 100n)
        tally('oracle')
      } else {
        const i = r.int(deals.length)
        const d = deals[i]
        const closer = r.int(2) ? d.provider : d.renter
        const closeBy = async (who: FreshAccount) => {
          const closed = await closeDeal(client, {...payments, dealId: d.id}, as(who))
          if (closed.approvalTx) tally('close after approving the shortfall')
        }
        const closed = await tolerate(() => closeBy(closer))
        // The provider may be refused; the renter's close (which approves a shortfall first) never is, unless the Market already closed it.
        if (!closed && closer === d.provider) await tolerate(() => closeBy(d.renter))
        deals.splice(i, 1)
        tally(closer === d.provider ? 'close by provider' : 'close by renter')
      }
      expect(await total()).toBe(start)
    }
    // No deal is left that nobody can close: the renter closes each one that is still open.
    await advance(2n * 86_400n)
    for (const d of deals) {
      const deal = await getDeal(client, deployment.market, d.id)
      if (deal?.status === 'accepted' && (await closeDeal(client, {...payments, dealId: d.id}, as(d.renter))).approvalTx) tally('close after approving the shortfall')
      expect((await getDeal(client, deployment.market, d.id))!.status).toBe('closed')
    }
    expect(await total()).toBe(start)
    const kinds = JSON.stringify(counts)
    for (const kind of ['order', 'time', 'bill', 'fund', 'oracle', 'close by provider', 'close by renter', 'close after approving the shortfall']) expect(counts[kind] ?? 0, kinds).toBeGreaterThan(0)
  }, 240_000)
})

