// Reading the order book straight from the Market: ids are sequential (1..GetOrdersAmount()), so a full
// scan is GetOrdersAmount and then GetOrderInfo + GetOrderParams for every id, packed into deployless
// multicalls (no Multicall3 contract needed) in chunks, several chunks in flight at once.
import {type Address, zeroAddress} from 'viem'

import {type ChainClient} from '../chain/client.js'
import {usageError} from '../cli/errors.js'
import {marketAbi} from '../contracts/generated/Market.js'
import {type Benchmarks, benchmarksFromVector, type Netflags, netflagsFromVector} from './benchmarks.js'

export const ORDER_TYPE = {ASK: 2, BID: 1, UNKNOWN: 0} as const
export const ORDER_STATUS = {ACTIVE: 2, INACTIVE: 1, UNKNOWN: 0} as const
export const IDENTITY_LEVELS = ['unknown', 'anonymous', 'registered', 'identified', 'professional'] as const

export interface Order {
  author: Address
  benchmarks: Benchmarks
  blacklist: Address
  counterparty: Address
  dealId: bigint
  duration: bigint
  frozenSum: bigint
  id: bigint
  identityLevel: number
  netflags: Netflags
  price: bigint
  status: 'active' | 'inactive' | 'unknown'
  tag: `0x${string}`
  type: 'ask' | 'bid' | 'unknown'
}

const typeName = (t: number): Order['type'] => (t === ORDER_TYPE.ASK ? 'ask' : t === ORDER_TYPE.BID ? 'bid' : 'unknown')
const statusName = (s: number): Order['status'] => (s === ORDER_STATUS.ACTIVE ? 'active' : s === ORDER_STATUS.INACTIVE ? 'inactive' : 'unknown')

type OrderInfo = readonly [number, Address, Address, bigint, bigint, readonly boolean[], number, Address, `0x${string}`, readonly bigint[], bigint]

function toOrder(id: bigint, info: OrderInfo, params: readonly [number, bigint]): Order {
  const [type, author, counterparty, duration, price, netflags, identityLevel, blacklist, tag, benchmarks, frozenSum] = info
  return {
    author,
    benchmarks: benchmarksFromVector(benchmarks),
    blacklist,
    counterparty,
    dealId: params[1],
    duration,
    frozenSum,
    id,
    identityLevel,
    netflags: netflagsFromVector(netflags),
    price,
    status: statusName(params[0]),
    tag,
    type: typeName(type),
  }
}

export async function getOrdersAmount(client: ChainClient, market: Address): Promise<bigint> {
  return client.readContract({abi: marketAbi, address: market, functionName: 'GetOrdersAmount'})
}

/** One order, or undefined when the id was never used. */
export async function getOrder(client: ChainClient, market: Address, id: bigint): Promise<Order | undefined> {
  const [info, params] = await client.multicall({
    allowFailure: false,
    batchSize: 0,
    contracts: [
      {abi: marketAbi, address: market, args: [id], functionName: 'GetOrderInfo'},
      {abi: marketAbi, address: market, args: [id], functionName: 'GetOrderParams'},
    ],
    deployless: true,
  })
  const order = toOrder(id, info as unknown as OrderInfo, params as unknown as readonly [number, bigint])
  return order.type === 'unknown' ? undefined : order
}

/** An order that must exist, else a usage error naming the id. */
export async function requireOrder(client: ChainClient, market: Address, id: bigint): Promise<Order> {
  const order = id > 0n ? await getOrder(client, market, id) : undefined
  if (!order) {
    const amount = await getOrdersAmount(client, market)
    throw usageError('NO_SUCH_ORDER', `There is no order ${id} on this market (ids run 1..${amount}).`, {
      hint: 'List the offers with `nectar compute offers`.',
    })
  }
  return order
}

export interface ListOrdersOptions {
  /** Orders per multicall (two calls each). Default 20: a deployless multicall returns its results as the code of the contract it "creates", which EIP-170 caps at 24,576 bytes (~1.1 KB per order). */
  chunkSize?: number
  /** Multicalls in flight at once. Default 16 (the RPC agent keeps 16 sockets). */
  concurrency?: number
  /** First id to read (default 1). */
  fromId?: bigint
  market: Address
  onProgress?: (done: number, total: number) => void
  /** Keep only these (default: everything). */
  status?: Order['status']
  type?: Order['type']
}

/** Every order (or the ones of a type and status), read in chunked deployless multicalls in parallel. */
export async function listOrders(client: ChainClient, options: ListOrdersOptions): Promise<Order[]> {
  const {chunkSize = 20, concurrency = 16, market} = options
  const amount = await getOrdersAmount(client, market)
  const first = options.fromId ?? 1n
  const ids: bigint[] = []
  for (let id = first; id <= amount; id++) ids.push(id)
  const chunks: bigint[][] = []
  for (let i = 0; i < ids.length; i += chunkSize) chunks.push(ids.slice(i, i + chunkSize))
  const results: Order[][] = new Array(chunks.length)
  let next = 0
  let done = 0
  const worker = async () => {
    while (next < chunks.length) {
      const index = next++
      const chunk = chunks[index]
      const contracts = chunk.flatMap((id) => [
        {abi: marketAbi, address: market, args: [id], functionName: 'GetOrderInfo'} as const,
        {abi: marketAbi, address: market, args: [id], functionName: 'GetOrderParams'} as const,
      ])
      const raw = (await client.multicall({allowFailure: false, batchSize: 0, contracts, deployless: true})) as unknown[]
      const orders: Order[] = []
      for (let i = 0; i < chunk.length; i++) {
        const order = toOrder(chunk[i], raw[2 * i] as OrderInfo, raw[2 * i + 1] as readonly [number, bigint])
        if (options.type && order.type !== options.type) continue
        if (options.status && order.status !== options.status) continue
        orders.push(order)
      }
      results[index] = orders
      done += chunk.length
      options.onProgress?.(done, ids.length)
    }
  }
  await Promise.all(Array.from({length: Math.min(concurrency, chunks.length)}, worker))
  return results.flat()
}

/** The baseline the bench compares against: one pair of eth_calls per order, one order at a time. */
export async function listOrdersOneByOne(client: ChainClient, market: Address): Promise<Order[]> {
  const amount = await getOrdersAmount(client, market)
  const out: Order[] = []
  for (let id = 1n; id <= amount; id++) {
    const info = await client.readContract({abi: marketAbi, address: market, args: [id], functionName: 'GetOrderInfo'})
    const params = await client.readContract({abi: marketAbi, address: market, args: [id], functionName: 'GetOrderParams'})
    out.push(toOrder(id, info as unknown as OrderInfo, params as unknown as readonly [number, bigint]))
  }
  return out
}

export const isOpenTo = (order: Order, who?: Address): boolean =>
  order.counterparty === zeroAddress || (who !== undefined && order.counterparty.toLowerCase() === who.toLowerCase())
