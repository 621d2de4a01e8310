// Placing orders: a provider's ASK (offer) and a renter's BID, from the PlaceOrder arguments of a plan
// file (./plan.ts). A BID locks SNM and its deal bills more later, so its budget is approved first.
import {type Address, type Hash} from 'viem'

import {type ChainClient} from '../chain/client.js'
import {transact, type TransactOptions, withDetails} from '../chain/transact.js'
import {displayAmount, formatAmount} from '../core/amounts.js'
import {marketAbi} from '../contracts/generated/Market.js'
import {approveAllowance, stoppedAfterApproval} from './approve-lock.js'
import {BENCHMARK_NAMES} from './benchmarks.js'
import {getOracleRate, orderPlacedId} from './deals.js'
import {ORDER_TYPE} from './orders.js'
import {loadPlan, type OrderParams, parsePlan} from './plan.js'
import {type Funding, type FundingOptions, fundingLines, type MarketAddresses, planBidFunding} from './renter.js'
import {formatDealDuration, snmPerHourText, usdPerHourText} from './units.js'

const placeOrderArgs = (type: number, o: OrderParams) => [type, o.counterparty, o.duration, o.price, o.netflags, o.identityLevel, o.blacklist, o.tag, o.benchmarks] as const

/** A plan file of one order (or its text, named `name` in errors), with prices in SNM converted at the oracle's current rate. */
export async function readOrderPlan(client: ChainClient, oracle: Address, plan: string | {name: string; text: string}): Promise<{order: OrderParams; rate: bigint}> {
  const rate = await getOracleRate(client, oracle)
  return {order: typeof plan === 'string' ? loadPlan(plan, rate) : parsePlan(plan.text, plan.name, rate), rate}
}

export interface PlacedOrder {
  blockNumber: bigint
  /** From the receipt's OrderPlaced event. */
  orderId: bigint | undefined
  txHash: Hash
}

/** PlaceOrder(ASK, …): lists an offer. */
export async function placeAsk(client: ChainClient, {market, order}: {market: Address; order: OrderParams}, send: TransactOptions): Promise<PlacedOrder> {
  const result = await transact(
    client,
    `Place an ASK at ${usdPerHourText(order.price)} USD/h, ${formatDealDuration(order.duration)}`,
    {abi: marketAbi, address: market, args: placeOrderArgs(ORDER_TYPE.ASK, order), functionName: 'PlaceOrder'},
    send,
  )
  return {blockNumber: result.blockNumber, orderId: orderPlacedId(result.receipt), txHash: result.hash}
}

export interface PlacedBid extends PlacedOrder {
  /** The approval sent first, or null when the allowance is already unlimited. */
  approvalTx: Hash | null
  funding: Funding
  /** SNM the Market locked (1 hour for spot, the duration up to 1 day otherwise). */
  lock: bigint
}

/**
 * PlaceOrder(BID, …) in two steps: approve (the allowance raised by the budget of the deal the bid
 * will open: see ./renter.ts), then the bid. `onPlan` shows both before the first confirmation.
 */
export async function placeBid(
  client: ChainClient,
  {addresses, funding: options, onPlan, order}: {addresses: MarketAddresses; funding?: FundingOptions; onPlan?: (lines: Array<[string, string]>) => void; order: OrderParams},
  send: TransactOptions,
): Promise<PlacedBid> {
  const owner = send.account.address
  const funding = await planBidFunding(client, addresses, {buyer: owner, duration: order.duration, funding: options, price: order.price})
  const place = `Place a BID at ${usdPerHourText(order.price)} USD/h for ${formatDealDuration(order.duration)}`
  onPlan?.([
    ...fundingLines(funding, order.price, order.duration),
    ...(funding.needsApproval ? ([['step 1', `approve(Market, ${formatAmount(funding.newAllowance)} SNM)`], ['step 2', `${place}, locking ${formatAmount(funding.lock)} SNM`]] as Array<[string, string]>) : ([['step 1', place]] as Array<[string, string]>)),
  ])
  const approvalTx = funding.needsApproval ? await approveAllowance(client, {addresses, from: funding.allowance, purpose: 'budget of a BID; step 1 of 2, then the BID', to: funding.newAllowance}, send) : null
  try {
    const result = await transact(
      client,
      place,
      {abi: marketAbi, address: addresses.market, args: placeOrderArgs(ORDER_TYPE.BID, order), functionName: 'PlaceOrder'},
      withDetails(send, [['lock', `${formatAmount(funding.lock)} SNM of ${displayAmount(funding.balance)}`]]),
    )
    return {approvalTx, blockNumber: result.blockNumber, funding, lock: funding.lock, orderId: orderPlacedId(result.receipt), txHash: result.hash}
  } catch (error) {
    if (!approvalTx) throw error
    throw await stoppedAfterApproval(client, error, {addresses, approvalTx, owner, step: place})
  }
}

/** An ask as `provider offer create` shows it (and `--dry-run` prints it). */
export function askSummary(order: OrderParams, rate: bigint) {
  return {
    benchmarks: Object.fromEntries(BENCHMARK_NAMES.map((n, i) => [n, order.benchmarks[i].toString()])),
    counterparty: order.counterparty,
    duration: order.duration.toString(),
    netflags: order.netflags,
    price: order.price.toString(),
    snmPerHour: snmPerHourText(order.price, rate),
    usdPerHour: usdPerHourText(order.price),
  }
}

export type AskSummary = ReturnType<typeof askSummary>

/** `provider offer create`'s result: the ask placed, or with --dry-run only what would be placed. */
export type OfferCreateReport = {askId: bigint | null; order: AskSummary; txHash: Hash} | {dryRun: true; order: AskSummary}

/** `compute bid`'s result. */
export interface BidReport {
  approvalTx: Hash | null
  bidId: bigint | null
  budget: bigint
  lock: bigint
  price: bigint
  txHash: Hash
}
