// The provider agent's market duties, on the market library and the one transaction pipeline:
// keep the plan's asks listed (again after a deal on one ends), bill open deals on a schedule, and
// close forward deals whose time is up. Everything is derived from chain state on each call, so a
// restarted agent neither duplicates an ask nor forgets a deal. The agent runs unattended (the
// operator started it), so transactions are confirmed by logging them.
//
// Each deal is billed on its own: one that fails never holds up the others. Every round, Bill is
// simulated (an eth_call, nothing sent) for each open deal; one whose Bill reverts is unfunded (the
// Market pulls the next period with transferFrom, which reverts when the renter's allowance is short):
// it is marked with the time and the reason, takes no new jobs, and once the agent's grace is over a
// spot deal whose CloseDeal would succeed is closed, so the provider is paid what the escrow covers.
// A deal whose Bill simulates again (the renter funded it) is billed at once and takes jobs again. A
// deal's failure is logged when it changes, not every round, and retried after a backoff that doubles.
import {type Address, type Hash, type LocalAccount} from 'viem'

import {type ChainClient} from '../chain/client.js'
import {mapLimit} from '../chain/map-limit.js'
import {type TransactOptions} from '../chain/transact.js'
import {formatDuration} from '../core/durations.js'
import {toNectarError} from '../core/to-nectar-error.js'
import {marketAbi} from '../contracts/generated/Market.js'
import {benchmarksToVector, netflagsToVector} from '../market/benchmarks.js'
import {billDeal, closeDeal} from '../market/deal-payments.js'
import {type Deal, getDeal, getOracleRate, listDeals} from '../market/deals.js'
import {type Order} from '../market/orders.js'
import {placeAsk} from '../market/place-order.js'
import {type OrderParams, loadPlans} from '../market/plan.js'
import {listProviderAsks} from '../market/provider.js'
import {type MarketDuties, type UnfundedDeal} from './agent.js'

export interface MarketDutiesOptions {
  account: LocalAccount
  /** Bill an open deal when its last bill is at least this old (seconds). */
  billIntervalSeconds: bigint
  client: ChainClient
  log: (message: string) => void
  market: Address
  /** Needed only for plan prices in SNM. */
  oracle?: Address
  /** A renter's job start on an unfunded deal checks it again at most this often (ms). Default 2 s. */
  recheckMs?: number
  /** A failing deal is retried after `min` ms, doubling per failure up to `max`. Default 15 s to 5 min. */
  retryMs?: {max: number; min: number}
}

/** How one duty of one deal fails: logged when `state` changes, retried at `retryAt` (ms). */
interface Trouble {
  failures: number
  retryAt: number
  state: string
}

type Duty = 'bill' | 'close'

export interface PlacedAsk {
  askId: bigint | undefined
  hash: Hash
}

export interface BilledDeal {
  dealId: bigint
  hash: Hash
  /** SNM wei paid, from the receipt's Billed events. */
  paid: bigint
}

export interface ClosedDeal {
  dealId: bigint
  hash: Hash
}

/** Everything that makes two asks the same offer (all PlaceOrder arguments). */
export function askShape(order: Pick<OrderParams, 'benchmarks' | 'blacklist' | 'counterparty' | 'duration' | 'identityLevel' | 'netflags' | 'price' | 'tag'>): string {
  return [order.counterparty.toLowerCase(), order.duration, order.price, order.netflags.join(','), order.identityLevel, order.blacklist.toLowerCase(), order.tag.toLowerCase(), order.benchmarks.join(',')].join('|')
}

const orderShape = (o: Order) => askShape({...o, benchmarks: benchmarksToVector(o.benchmarks), netflags: netflagsToVector(o.netflags)})

export class ChainMarketDuties implements MarketDuties {
  /** Deals seen closed: closed is final, so they are never read again. */
  private readonly closed = new Set<bigint>()

  /** The agent sends unattended (starting it is the consent): each transaction is logged instead of confirmed. */
  private readonly send: TransactOptions

  constructor(private readonly options: MarketDutiesOptions) {
    const {account, log} = options
    this.send = {
      account,
      confirm: async (preview) => log(`Sending: ${preview.action} (${preview.call}, gas limit ${preview.gas}).`),
      onSent: (hash) => log(`Sent ${hash}.`),
    }
  }

  private get me(): Address {
    return this.options.account.address
  }

  /**
   * For each order of the plan, one ask of that shape is either active or taken by a deal that is
   * still open; a missing one is placed. Asks of other shapes are left alone.
   */
  async placeAsks(plan: string): Promise<PlacedAsk[]> {
    const {client, market, oracle} = this.options
    const rate = oracle ? await getOracleRate(client, oracle) : undefined
    const wanted = loadPlans(plan, rate)
    const mine = await listProviderAsks(client, market, this.me, true)
    const listed = new Map<string, number>()
    for (const ask of mine) {
      if (ask.status !== 'active' && !(ask.dealId > 0n && (await this.dealOpen(ask.dealId)))) continue
      const shape = orderShape(ask)
      listed.set(shape, (listed.get(shape) ?? 0) + 1)
    }
    const placed: PlacedAsk[] = []
    for (const order of wanted) {
      const shape = askShape(order)
      const have = listed.get(shape) ?? 0
      if (have > 0) {
        listed.set(shape, have - 1)
        continue
      }
      const {orderId: askId, txHash} = await placeAsk(client, {market, order}, this.send)
      this.options.log(`Placed ask ${askId} in ${txHash}.`)
      placed.push({askId, hash: txHash})
    }
    return placed
  }

  private async dealOpen(id: bigint): Promise<boolean> {
    if (this.closed.has(id)) return false
    const deal = await getDeal(this.options.client, this.options.market, id)
    if (deal?.status === 'accepted') return true
    this.closed.add(id)
    return false
  }

  private async openDeals(): Promise<{deals: Deal[]; now: bigint}> {
    const {client, market} = this.options
    const [deals, block] = await Promise.all([listDeals(client, {market, party: this.me}), client.getBlock({blockTag: 'latest'})])
    return {deals: deals.filter((d) => d.status === 'accepted' && d.supplier.toLowerCase() === this.me.toLowerCase()), now: block.timestamp}
  }

  /** Deals whose Bill reverts, by id. */
  private readonly unfunded = new Map<bigint, UnfundedDeal & {checkedAt: number}>()

  /** Deals funded again since their last check: billed in the next round, whenever their last bill was (the reserve is short). */
  private readonly billNow = new Set<bigint>()

  /** Deals whose duty failed, by `duty:id`. */
  private readonly troubles = new Map<string, Trouble>()

  private due(duty: Duty, id: bigint): boolean {
    const trouble = this.troubles.get(`${duty}:${id}`)
    return !trouble || Date.now() >= trouble.retryAt
  }

  /** Records a failure of one deal's duty: logged only when its state changes; retried after a growing backoff. */
  private failed(duty: Duty, id: bigint, state: string, message: string): void {
    const k = `${duty}:${id}`
    const before = this.troubles.get(k)
    const failures = before?.state === state ? before.failures + 1 : 1
    const {max, min} = this.options.retryMs ?? {max: 300_000, min: 15_000}
    const wait = Math.min(max, min * 2 ** Math.min(failures - 1, 30))
    this.troubles.set(k, {failures, retryAt: Date.now() + wait, state})
    if (before?.state !== state) this.options.log(`${message}. Checked again in ${formatDuration(BigInt(Math.ceil(wait / 1000)))}, then less often (up to every ${formatDuration(BigInt(Math.ceil(max / 1000)))}); logged again when this changes.`)
  }

  private cleared(duty: Duty, id: bigint): void {
    this.troubles.delete(`${duty}:${id}`)
  }

  /**
   * Would Bill (or CloseDeal) by this provider revert now? Simulated, nothing is sent: the revert
   * reason, or undefined when it would succeed. Other failures (the RPC) are thrown.
   */
  private async reverts(functionName: 'Bill' | 'CloseDeal', id: bigint): Promise<string | undefined> {
    const {account, client, market} = this.options
    try {
      if (functionName === 'Bill') await client.simulateContract({abi: marketAbi, account, address: market, args: [id], functionName})
      else await client.simulateContract({abi: marketAbi, account, address: market, args: [id, 0], functionName})
      return undefined
    } catch (error) {
      const e = toNectarError(error)
      if (e.code !== 'REVERTED') throw e
      return e.message.replace(/^The contract reverted: /, '').replace(/^The contract reverted without a reason\.$/, 'no reason given').replace(/\.$/, '')
    }
  }

  /** The deals whose Bill reverts, as of the last check of each. */
  unfundedDeals(): UnfundedDeal[] {
    return [...this.unfunded.values()].map(({checkedAt: _, ...u}) => u)
  }

  /**
   * Whether a deal is unfunded, checked again now if it was (a renter who just funded it is not
   * refused until the next round); at most one simulation per deal every `recheckMs`.
   */
  async recheckFunding(id: bigint): Promise<UnfundedDeal | undefined> {
    const known = this.unfunded.get(id)
    if (!known) return undefined
    if (Date.now() - known.checkedAt >= (this.options.recheckMs ?? 2000)) {
      known.checkedAt = Date.now()
      if ((await this.reverts('Bill', id).catch(() => 'unchecked')) === undefined) {
        this.funded(id)
        return undefined
      }
    }
    const {checkedAt: _, ...u} = known
    return u
  }

  /** The deal's Bill simulates again: it takes jobs again, and the next round bills it at once. */
  private funded(id: bigint): void {
    if (!this.unfunded.delete(id)) return
    this.billNow.add(id)
    this.cleared('bill', id)
    this.cleared('close', id)
    this.options.log(`Deal ${id} is funded again (its Bill succeeds): it takes jobs again.`)
  }

  /**
   * Checks every open deal of this provider (Bill simulated, nothing sent) and bills each one whose
   * last bill is at least the interval old, or which was unfunded and is funded again. A deal whose
   * Bill reverts is marked unfunded; a failure of one deal never stops the others. (A forward deal
   * past its end is left to closeEndedDeals.)
   */
  async billOpenDeals(): Promise<BilledDeal[]> {
    const {deals, now} = await this.openDeals()
    const open = new Set(deals.map((d) => d.id))
    for (const id of this.unfunded.keys()) {
      if (open.has(id)) continue
      // Closed (by the renter, by us, or by the Market): no longer anyone's concern.
      this.unfunded.delete(id)
      this.cleared('bill', id)
      this.cleared('close', id)
    }
    for (const id of this.billNow) if (!open.has(id)) this.billNow.delete(id)
    const checked = deals.filter((d) => !(d.duration > 0n && now >= d.startTime + d.duration) && this.due('bill', d.id))
    const verdicts = await mapLimit(checked, 8, async (deal) => {
      try {
        return {deal, reverted: await this.reverts('Bill', deal.id)}
      } catch (error) {
        return {deal, error: toNectarError(error)}
      }
    })
    const billed: BilledDeal[] = []
    for (const {deal, error, reverted} of verdicts) {
      const id = deal.id
      if (error) {
        this.failed('bill', id, `check ${error.code}`, `Checking deal ${id} failed: ${error.message}`)
        continue
      }
      if (reverted !== undefined) {
        const known = this.unfunded.get(id)
        if (known) known.checkedAt = Date.now()
        else this.unfunded.set(id, {checkedAt: Date.now(), dealId: id, reason: `Bill reverts (${reverted})`, since: Date.now(), spot: deal.duration === 0n})
        this.failed('bill', id, 'unfunded', `Deal ${id} is unfunded: Bill reverts (${reverted}), so the renter's SNM allowance to the Market does not cover the next period. It takes no new jobs; its running jobs stop after the grace period`)
        continue
      }
      this.funded(id)
      if (!this.billNow.has(id) && now - deal.lastBillTS < this.options.billIntervalSeconds) {
        this.cleared('bill', id)
        continue
      }
      try {
        const {paid, txHash} = await billDeal(this.options.client, {dealId: id, market: this.options.market}, this.send)
        this.cleared('bill', id)
        this.billNow.delete(id)
        this.options.log(`Billed deal ${id}: ${paid} SNM wei paid, in ${txHash}.`)
        billed.push({dealId: id, hash: txHash, paid})
      } catch (error_) {
        const e = toNectarError(error_)
        this.failed('bill', id, `send ${e.code}`, `Billing deal ${id} failed: ${e.message}`)
      }
    }
    return billed
  }

  /**
   * For each deal unfunded longer than `graceMs`: a spot deal whose CloseDeal would succeed (the escrow
   * covers the time since the last bill) is closed, which pays the provider and refunds the rest; a
   * forward deal can be closed only by its renter before its end, which is logged once.
   */
  async closeUnfundedDeals(graceMs: number): Promise<ClosedDeal[]> {
    const closed: ClosedDeal[] = []
    for (const u of [...this.unfunded.values()]) {
      const id = u.dealId
      if (Date.now() - u.since < graceMs || !this.due('close', id)) continue
      if (!u.spot) {
        this.failed('close', id, 'forward', `Deal ${id} is a forward deal unfunded past the grace period: its jobs are stopped; before its end only the renter can close it`)
        continue
      }
      let reverted: string | undefined
      try {
        reverted = await this.reverts('CloseDeal', id)
      } catch (error) {
        const e = toNectarError(error)
        this.failed('close', id, `check ${e.code}`, `Checking whether unfunded deal ${id} can be closed failed: ${e.message}`)
        continue
      }
      if (reverted !== undefined) {
        this.failed('close', id, 'reverts', `Unfunded deal ${id} cannot be closed: CloseDeal reverts (${reverted}); the escrow no longer covers the time since its last bill, so it waits for the renter to fund it`)
        continue
      }
      try {
        const {paid, txHash} = await closeDeal(this.options.client, {dealId: id, market: this.options.market}, this.send)
        this.closed.add(id)
        this.unfunded.delete(id)
        this.billNow.delete(id)
        this.cleared('bill', id)
        this.cleared('close', id)
        this.options.log(`Closed unfunded deal ${id} after the grace period: ${paid} SNM wei paid from the escrow, in ${txHash}.`)
        closed.push({dealId: id, hash: txHash})
      } catch (error) {
        const e = toNectarError(error)
        this.failed('close', id, `send ${e.code}`, `Closing unfunded deal ${id} failed: ${e.message}`)
      }
    }
    return closed
  }

  /** Closes each forward deal of this provider whose end has passed (CloseDeal bills the rest); one failing deal never stops the others. */
  async closeEndedDeals(): Promise<ClosedDeal[]> {
    const {deals, now} = await this.openDeals()
    const closed: ClosedDeal[] = []
    for (const deal of deals) {
      if (deal.duration === 0n || now < deal.startTime + deal.duration || !this.due('close', deal.id)) continue
      try {
        const {txHash} = await closeDeal(this.options.client, {dealId: deal.id, market: this.options.market}, this.send)
        this.closed.add(deal.id)
        this.cleared('close', deal.id)
        this.options.log(`Closed deal ${deal.id} (ended ${new Date(Number(deal.startTime + deal.duration) * 1000).toISOString()}) in ${txHash}.`)
        closed.push({dealId: deal.id, hash: txHash})
      } catch (error) {
        const e = toNectarError(error)
        this.failed('close', deal.id, `${e.code} ${e.message}`, `Closing ended deal ${deal.id} failed: ${e.message}`)
      }
    }
    return closed
  }
}
