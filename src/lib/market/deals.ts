// Deals on the Market, and the checks that must pass before Bill or CloseDeal is sent.
import {type Address, parseEventLogs, type TransactionReceipt} from 'viem'

import {type ChainClient} from '../chain/client.js'
import {nectarError} from '../core/errors.js'
import {marketAbi} from '../contracts/generated/Market.js'
import {oracleUSDAbi} from '../contracts/generated/OracleUSD.js'
import {type Benchmarks, benchmarksFromVector} from './benchmarks.js'
import {billAmount} from './billing.js'

export const DEAL_STATUS = {ACCEPTED: 1, CLOSED: 2, UNKNOWN: 0} as const
export const BLACKLIST = {MASTER: 2, NOBODY: 0, WORKER: 1} as const

export interface Deal {
  askId: bigint
  benchmarks: Benchmarks
  bidId: bigint
  blockedBalance: bigint
  /** The renter (bid author). */
  consumer: Address
  /** Seconds; 0 = spot. */
  duration: bigint
  /** 0 for an open spot deal; the close time once closed. */
  endTime: bigint
  id: bigint
  lastBillTS: bigint
  /** Receives the payouts: GetMaster(supplier) when the deal opened (the supplier itself unless it is a worker). */
  master: Address
  /** USD/s x 1e18 (the ask's price). */
  price: bigint
  startTime: bigint
  status: 'accepted' | 'closed' | 'unknown'
  /** The provider (ask author). */
  supplier: Address
  totalPayout: bigint
}

type DealInfo = readonly [readonly bigint[], Address, Address, Address, bigint, bigint, bigint]
type DealParams = readonly [bigint, bigint, bigint, number, bigint, bigint, bigint]

function toDeal(id: bigint, info: DealInfo, params: DealParams): Deal {
  const [benchmarks, supplier, consumer, master, askId, bidId, startTime] = info
  const [duration, price, endTime, status, blockedBalance, totalPayout, lastBillTS] = params
  return {
    askId,
    benchmarks: benchmarksFromVector(benchmarks),
    bidId,
    blockedBalance,
    consumer,
    duration,
    endTime,
    id,
    lastBillTS,
    master,
    price,
    startTime,
    status: status === DEAL_STATUS.ACCEPTED ? 'accepted' : status === DEAL_STATUS.CLOSED ? 'closed' : 'unknown',
    supplier,
    totalPayout,
  }
}

const dealCalls = (market: Address, id: bigint) =>
  [
    {abi: marketAbi, address: market, args: [id], functionName: 'GetDealInfo'},
    {abi: marketAbi, address: market, args: [id], functionName: 'GetDealParams'},
  ] as const

/** A deal, or undefined when the id was never used. */
export async function getDeal(client: ChainClient, market: Address, id: bigint): Promise<Deal | undefined> {
  if (id <= 0n) return undefined
  const [info, params] = await client.multicall({allowFailure: false, batchSize: 0, contracts: dealCalls(market, id), deployless: true})
  const deal = toDeal(id, info as unknown as DealInfo, params as unknown as DealParams)
  return deal.status === 'unknown' ? undefined : deal
}

/** A deal that must exist, else a usage error naming the id. */
export async function requireDeal(client: ChainClient, market: Address, id: bigint): Promise<Deal> {
  const deal = await getDeal(client, market, id)
  if (!deal) {
    const amount = await client.readContract({abi: marketAbi, address: market, functionName: 'GetDealsAmount'})
    throw nectarError('NO_SUCH_DEAL', `There is no deal ${id} on this market (ids run 1..${amount}).`, {hint: 'List your deals with `nectar compute deals`.'})
  }
  return deal
}

/** Every deal where `party` is supplier, consumer or master, newest first. */
export async function listDeals(client: ChainClient, {market, party, chunkSize = 40, concurrency = 16}: {chunkSize?: number; concurrency?: number; market: Address; party?: Address}): Promise<Deal[]> {
  const amount = await client.readContract({abi: marketAbi, address: market, functionName: 'GetDealsAmount'})
  const ids: bigint[] = []
  for (let id = amount; id >= 1n; id--) ids.push(id)
  const chunks: bigint[][] = []
  for (let i = 0; i < ids.length; i += chunkSize) chunks.push(ids.slice(i, i + chunkSize))
  const results: Deal[][] = new Array(chunks.length)
  let next = 0
  const who = party?.toLowerCase()
  const worker = async () => {
    while (next < chunks.length) {
      const index = next++
      const chunk = chunks[index]
      const raw = (await client.multicall({allowFailure: false, batchSize: 0, contracts: chunk.flatMap((id) => dealCalls(market, id)), deployless: true})) as unknown[]
      results[index] = chunk
        .map((id, i) => toDeal(id, raw[2 * i] as DealInfo, raw[2 * i + 1] as DealParams))
        .filter((d) => !who || [d.supplier, d.consumer, d.master].some((a) => a.toLowerCase() === who))
    }
  }
  await Promise.all(Array.from({length: Math.min(concurrency, chunks.length)}, worker))
  return results.flat()
}

export async function getOracleRate(client: ChainClient, oracle: Address): Promise<bigint> {
  return client.readContract({abi: oracleUSDAbi, address: oracle, functionName: 'getCurrentPrice'})
}


export interface DealView {
  /** Seconds until endTime for a forward deal; null for spot or closed. */
  secondsLeft: bigint | null
  /** What a Bill now would pay at the current rate. */
  unbilled: bigint
}

export function dealView(deal: Deal, now: bigint, rate: bigint): DealView {
  const open = deal.status === 'accepted'
  return {
    secondsLeft: open && deal.duration > 0n ? (deal.endTime > now ? deal.endTime - now : 0n) : null,
    unbilled: open ? billAmount(deal, now, rate) : 0n,
  }
}

const isParty = (deal: Deal, who: Address) => [deal.supplier, deal.consumer, deal.master].some((a) => a.toLowerCase() === who.toLowerCase())

/** Bill's preconditions: the deal is open and the caller is a party. */
export async function checkBill(client: ChainClient, market: Address, id: bigint, caller: Address): Promise<Deal> {
  const deal = await requireDeal(client, market, id)
  if (deal.status !== 'accepted') throw nectarError('DEAL_CLOSED', `Deal ${id} is already closed.`, {hint: 'Only open deals can be billed.'})
  if (!isParty(deal, caller)) throw nectarError('NOT_A_PARTY', `${caller} is neither the provider nor the renter of deal ${id}.`, {hint: 'Bill with the account of the provider or the renter (--account).'})
  return deal
}

/** CloseDeal's preconditions: open, a party, only the renter before a forward deal's end, only the renter blacklists. */
export async function checkClose(client: ChainClient, market: Address, id: bigint, caller: Address, blacklist: boolean): Promise<Deal> {
  const deal = await checkBill(client, market, id, caller)
  const block = await client.getBlock({blockTag: 'latest'})
  const isConsumer = deal.consumer.toLowerCase() === caller.toLowerCase()
  // The close lands in a later block, whose timestamp may equal this one's (anvil mines several blocks in
  // the same second): CloseDeal refuses a non-consumer while block.timestamp <= startTime + duration.
  if (!isConsumer && block.timestamp <= deal.startTime + deal.duration) {
    throw nectarError('DEAL_NOT_ENDED', `Deal ${id} runs until ${new Date(Number(deal.startTime + deal.duration) * 1000).toISOString()}; before then only the renter may close it.`, {
      hint: 'Wait for the end, or ask the renter to close it.',
    })
  }
  if (blacklist && !isConsumer) throw nectarError('BLACKLIST_NOT_ALLOWED', 'Only the renter can blacklist the provider when closing.', {hint: 'Drop --blacklist.'})
  return deal
}

/** The deal id from a receipt's DealOpened event. */
export function dealOpenedId(receipt: TransactionReceipt): bigint | undefined {
  const logs = parseEventLogs({abi: marketAbi, eventName: 'DealOpened', logs: receipt.logs})
  return logs[0]?.args.dealID
}

/** The order id from a receipt's OrderPlaced event. */
export function orderPlacedId(receipt: TransactionReceipt): bigint | undefined {
  const logs = parseEventLogs({abi: marketAbi, eventName: 'OrderPlaced', logs: receipt.logs})
  return logs.at(-1)?.args.orderID
}

/** SNM paid by the Billed events of a receipt. */
export function billedAmount(receipt: TransactionReceipt): bigint {
  return parseEventLogs({abi: marketAbi, eventName: 'Billed', logs: receipt.logs}).reduce((s, l) => s + l.args.paidAmount, 0n)
}

export type DealJson = ReturnType<typeof dealJson>

/** `compute deals`'s result. */
export interface DealsReport {
  account: Address
  /** Each deal with how long it is funded (null when closed): see ./deal-funding.ts. */
  deals: Array<DealJson & {funding: unknown}>
}

/** A deal as `--json` shows it. */
export function dealJson(deal: Deal, now: bigint, rate: bigint) {
  const view = dealView(deal, now, rate)
  return {
    askId: deal.askId.toString(),
    benchmarks: Object.fromEntries(Object.entries(deal.benchmarks).map(([k, v]) => [k, v.toString()])),
    bidId: deal.bidId.toString(),
    blockedBalance: deal.blockedBalance.toString(),
    consumer: deal.consumer,
    duration: deal.duration.toString(),
    endTime: deal.endTime.toString(),
    id: deal.id.toString(),
    lastBillTS: deal.lastBillTS.toString(),
    master: deal.master,
    paid: deal.totalPayout.toString(),
    price: deal.price.toString(),
    secondsLeft: view.secondsLeft?.toString() ?? null,
    startTime: deal.startTime.toString(),
    status: deal.status,
    supplier: deal.supplier,
    unbilled: view.unbilled.toString(),
  }
}
