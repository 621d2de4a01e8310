// Placing orders: a provider's ASK (offer) and a renter's BID, from the PlaceOrder arguments of a plan
// file (./plan.ts). A BID locks SNM, so its exact lock is approved first when the allowance is short.
import {type Address, type Hash} from 'viem'

import {type ChainClient} from '../chain/client.js'
import {transact, type TransactOptions, withDetails} from '../chain/transact.js'
import {displayAmount, formatAmount} from '../core/amounts.js'
import {marketAbi} from '../contracts/generated/Market.js'
import {approveLock} from './approve-lock.js'
import {BENCHMARK_NAMES} from './benchmarks.js'
import {lockedSum} from './billing.js'
import {getOracleRate, orderPlacedId} from './deals.js'
import {ORDER_TYPE} from './orders.js'
import {loadPlan, type OrderParams} from './plan.js'
import {checkFunds, type MarketAddresses} from './renter.js'
import {formatDealDuration, snmPerHourText, usdPerHourText} from './units.js'

const placeOrderArgs = (type: number, o: OrderParams) => [type, o.counterparty, o.duration, o.price, o.netflags, o.identityLevel, o.blacklist, o.tag, o.benchmarks] as const

/** A plan file of one order, with prices in SNM converted at the oracle's current rate. */
export async function readOrderPlan(client: ChainClient, oracle: Address, file: string): Promise<{order: OrderParams; rate: bigint}> {
  const rate = await getOracleRate(client, oracle)
  return {order: loadPlan(file, rate), rate}
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
  /** The approval sent first, or null when the allowance covered the lock. */
  approvalTx: Hash | null
  /** SNM the Market locked (1 hour for spot, the duration up to 1 day otherwise). */
  lock: bigint
}

/** PlaceOrder(BID, …): checks the renter can pay the lock, approves exactly it when needed, places the bid. */
export async function placeBid(client: ChainClient, {addresses, order, rate}: {addresses: MarketAddresses; order: OrderParams; rate: bigint}, send: TransactOptions): Promise<PlacedBid> {
  const lock = lockedSum(order.price, order.duration, rate)
  const funds = await checkFunds(client, addresses, send.account.address, lock, rate)
  const approvalTx = funds.needsApproval ? await approveLock(client, {addresses, amount: lock}, send) : null
  const result = await transact(
    client,
    `Place a BID at ${usdPerHourText(order.price)} USD/h for ${formatDealDuration(order.duration)}`,
    {abi: marketAbi, address: addresses.market, args: placeOrderArgs(ORDER_TYPE.BID, order), functionName: 'PlaceOrder'},
    withDetails(send, [['lock', `${formatAmount(lock)} SNM of ${displayAmount(funds.balance)}`]]),
  )
  return {approvalTx, blockNumber: result.blockNumber, lock, orderId: orderPlacedId(result.receipt), txHash: result.hash}
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
  bidId: bigint | null
  lock: bigint
  price: bigint
  txHash: Hash
}
