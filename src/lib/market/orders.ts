// Reading the order book straight from the Market: ids are sequential (1..GetOrdersAmount()), so a full
// scan is GetOrdersAmount and then GetOrderInfo + GetOrderParams for every id, read in ranges by a
// deployless reader contract, several ranges in flight at once.
import {type Address, getAddress, type Hex} from 'viem'

import {type ChainClient} from '../chain/client.js'
import {abiWord, runDeployless} from '../chain/deployless.js'
import {mapLimit} from '../chain/map-limit.js'
import {nectarError} from '../core/errors.js'
import {marketAbi} from '../contracts/generated/Market.js'
import {orderReaderBytecode} from '../contracts/generated/OrderReader.js'
import {type Benchmarks, benchmarksFromVector, type Netflags, NETFLAGS_QUANTITY, netflagsFromVector} from './benchmarks.js'

export const ORDER_TYPE = {ASK: 2, BID: 1, UNKNOWN: 0} as const
export const ORDER_STATUS = {ACTIVE: 2, INACTIVE: 1, UNKNOWN: 0} as const

/** SONM's IdentityLevel enum, by value. */
const IDENTITY_LEVELS = ['unknown', 'anonymous', 'registered', 'identified', 'professional'] as const

/** An identity level's name (anonymous, registered, identified, professional). */
export const identityName = (level: number): string => IDENTITY_LEVELS[level] ?? `level ${level}`

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
    throw nectarError('NO_SUCH_ORDER', `There is no order ${id} on this market (ids run 1..${amount}).`, {
      hint: 'List the offers with `nectar compute offers`.',
    })
  }
  return order
}

export interface ListOrdersOptions {
  /** Orders per eth_call of the OrderReader (default 400: about 40k gas each, well inside a 30M call gas cap). */
  chunkSize?: number
  /** Calls in flight at once (default 4). */
  concurrency?: number
  /** First id to read (default 1). */
  fromId?: bigint
  market: Address
  onProgress?: (done: number, total: number) => void
  /** Keep only these (default: everything). */
  status?: Order['status']
  type?: Order['type']
}

const RECORD_HEX = 321 * 2

/**
 * Every order (or the ones of a type and status). Each eth_call runs the creation code of
 * contracts/readers/OrderReader.sol, which calls GetOrderInfo and GetOrderParams for a range of ids and
 * returns the orders packed (321 bytes each): no Multicall3 needed, no ABI decoding of nested arrays.
 */
export async function listOrders(client: ChainClient, options: ListOrdersOptions): Promise<Order[]> {
  const {chunkSize = 400, concurrency = 4, market} = options
  const amount = await getOrdersAmount(client, market)
  const first = options.fromId ?? 1n
  const total = amount >= first ? Number(amount - first + 1n) : 0
  const ranges: Array<[bigint, number]> = []
  for (let i = 0; i < total; i += chunkSize) ranges.push([first + BigInt(i), Math.min(chunkSize, total - i)])
  const checksums = new Map<string, Address>()
  let done = 0
  const results = await mapLimit(ranges, concurrency, async ([from, count]) => {
    const data = (orderReaderBytecode + abiWord(market) + abiWord(from.toString(16)) + abiWord(count.toString(16))) as Hex
    const hex = (await runDeployless(client, data)).slice(2)
    if (hex.length !== count * RECORD_HEX) {
      throw nectarError('READ_FAILED', `Could not read orders from the market at ${market}.`, {hint: 'Check the market address in the network profile.'})
    }
    const orders: Order[] = []
    for (let i = 0; i < count; i++) {
      const order = decodeOrder(from + BigInt(i), hex.slice(i * RECORD_HEX, (i + 1) * RECORD_HEX), checksums)
      if (options.type && order.type !== options.type) continue
      if (options.status && order.status !== options.status) continue
      orders.push(order)
    }
    done += count
    options.onProgress?.(done, total)
    return orders
  })
  return results.flat()
}

/** One packed OrderReader record (hex without 0x); addresses are checksummed once each via `checksums`. */
function decodeOrder(id: bigint, r: string, checksums: Map<string, Address>): Order {
  const address = (hex: string): Address => {
    let out = checksums.get(hex)
    if (!out) checksums.set(hex, (out = getAddress(`0x${hex}`)))
    return out
  }
  const byte = (at: number) => Number.parseInt(r.slice(at * 2, at * 2 + 2), 16)
  const uint = (at: number, bytes: number) => BigInt(`0x${r.slice(at * 2, (at + bytes) * 2)}`)
  const flags = byte(3)
  const benchmarkCount = byte(224)
  const benchmarks = Array.from({length: benchmarkCount}, (_, k) => uint(225 + k * 8, 8))
  return {
    author: address(r.slice(8, 48)),
    benchmarks: benchmarksFromVector(benchmarks),
    blacklist: address(r.slice(88, 128)),
    counterparty: address(r.slice(48, 88)),
    dealId: uint(160, 32),
    duration: uint(64, 32),
    frozenSum: uint(128, 32),
    id,
    identityLevel: byte(2),
    netflags: netflagsFromVector(Array.from({length: NETFLAGS_QUANTITY}, (_, k) => (flags & (1 << k)) !== 0)),
    price: uint(96, 32),
    status: statusName(byte(1)),
    tag: `0x${r.slice(384, 448)}`,
    type: typeName(byte(0)),
  }
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
