// The provider agent's market duties, on the market library and the one transaction pipeline:
// keep the plan's asks listed (again after a deal on one ends), bill open deals on a schedule, and
// close forward deals whose time is up. Everything is derived from chain state on each call, so a
// restarted agent neither duplicates an ask nor forgets a deal. The agent runs unattended (the
// operator started it), so transactions are confirmed by logging them.
import {type Address, type Hash, type LocalAccount} from 'viem'

import {type ChainClient} from '../chain/client.js'
import {type TransactOptions} from '../chain/transact.js'
import {benchmarksToVector, netflagsToVector} from '../market/benchmarks.js'
import {billDeal, closeDeal} from '../market/deal-payments.js'
import {type Deal, getDeal, getOracleRate, listDeals} from '../market/deals.js'
import {type Order} from '../market/orders.js'
import {placeAsk} from '../market/place-order.js'
import {type OrderParams, loadPlans} from '../market/plan.js'
import {listProviderAsks} from '../market/provider.js'
import {type MarketDuties} from './agent.js'

export interface MarketDutiesOptions {
  account: LocalAccount
  /** Bill an open deal when its last bill is at least this old (seconds). */
  billIntervalSeconds: bigint
  client: ChainClient
  log: (message: string) => void
  market: Address
  /** Needed only for plan prices in SNM. */
  oracle?: Address
}

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

  /** Bills each open deal whose last bill is at least the interval old (a forward deal past its end is closed instead). */
  async billOpenDeals(): Promise<BilledDeal[]> {
    const {deals, now} = await this.openDeals()
    const billed: BilledDeal[] = []
    for (const deal of deals) {
      if (deal.duration > 0n && now >= deal.startTime + deal.duration) continue
      if (now - deal.lastBillTS < this.options.billIntervalSeconds) continue
      const {paid, txHash} = await billDeal(this.options.client, {dealId: deal.id, market: this.options.market}, this.send)
      this.options.log(`Billed deal ${deal.id}: ${paid} SNM wei paid, in ${txHash}.`)
      billed.push({dealId: deal.id, hash: txHash, paid})
    }
    return billed
  }

  /** Closes each forward deal of this provider whose end has passed (CloseDeal bills the rest). */
  async closeEndedDeals(): Promise<ClosedDeal[]> {
    const {deals, now} = await this.openDeals()
    const closed: ClosedDeal[] = []
    for (const deal of deals) {
      if (deal.duration === 0n || now < deal.startTime + deal.duration) continue
      const {txHash} = await closeDeal(this.options.client, {dealId: deal.id, market: this.options.market}, this.send)
      this.closed.add(deal.id)
      this.options.log(`Closed deal ${deal.id} (ended ${new Date(Number(deal.startTime + deal.duration) * 1000).toISOString()}) in ${txHash}.`)
      closed.push({dealId: deal.id, hash: txHash})
    }
    return closed
  }
}
