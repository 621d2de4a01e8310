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
import {BENCHMARK_NAMES, type Benchmarks, benchmarksFromVector, NETFLAG_NAMES, type Netflags, netflagsFromVector} from './benchmarks.js'

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

const RECORD = 321
const RECORD_HEX = RECORD * 2

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
    const bytes = Buffer.from(hex, 'hex')
    const orders: Order[] = []
    for (let i = 0; i < count; i++) {
      const at = i * RECORD
      // Type and status are the record's first two bytes: orders filtered out are never decoded.
      if (options.type && typeName(bytes[at]) !== options.type) continue
      if (options.status && statusName(bytes[at + 1]) !== options.status) continue
      orders.push(decodeOrder(from + BigInt(i), bytes, at, hex, checksums))
    }
    done += count
    options.onProgress?.(done, total)
    return orders
  })
  return results.flat()
}

/**
 * The packed OrderReader record at byte `at` of `bytes` (`hex` is the same data as hex, for addresses
 * and the tag); addresses are checksummed once each via `checksums`. Numbers are read as binary: a
 * 32-byte word whose high 24 bytes are zero (nearly every one) costs one 64-bit read, not a hex parse.
 */
function decodeOrder(id: bigint, bytes: Buffer, at: number, hex: string, checksums: Map<string, Address>): Order {
  const address = (offset: number): Address => {
    const key = hex.slice((at + offset) * 2, (at + offset + 20) * 2)
    let out = checksums.get(key)
    if (!out) checksums.set(key, (out = getAddress(`0x${key}`)))
    return out
  }
  const word = (offset: number): bigint => {
    const start = at + offset
    if (bytes.readBigUInt64BE(start) === 0n && bytes.readBigUInt64BE(start + 8) === 0n && bytes.readBigUInt64BE(start + 16) === 0n) return bytes.readBigUInt64BE(start + 24)
    return BigInt(`0x${hex.slice(start * 2, (start + 32) * 2)}`)
  }
  const flags = bytes[at + 3]
  const benchmarkCount = bytes[at + 224]
  const benchmarks = {} as Benchmarks
  for (let k = 0; k < BENCHMARK_NAMES.length; k++) benchmarks[BENCHMARK_NAMES[k]] = k < benchmarkCount ? bytes.readBigUInt64BE(at + 225 + k * 8) : 0n
  const netflags = {} as Netflags
  for (let k = 0; k < NETFLAG_NAMES.length; k++) netflags[NETFLAG_NAMES[k]] = (flags & (1 << k)) !== 0
  return {
    author: address(4),
    benchmarks,
    blacklist: address(44),
    counterparty: address(24),
    dealId: word(160),
    duration: word(64),
    frozenSum: word(128),
    id,
    identityLevel: bytes[at + 2],
    netflags,
    price: word(96),
    status: statusName(bytes[at + 1]),
    tag: `0x${hex.slice((at + 192) * 2, (at + 224) * 2)}`,
    type: typeName(bytes[at]),
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
