// Offers are the active ASK orders. Filtering mirrors the Market's matching rules (OpenDeal): the ask
// must meet every minimum, carry every netflag asked for, cost no more than the ceiling, allow the
// duration, and be open to the renter (counterparty 0 or the renter).
import {type Address, zeroAddress} from 'viem'

import {JsonText} from '../core/json-text.js'
import {BENCHMARK_NAMES, type BenchmarkName, NETFLAG_NAMES, type NetflagName} from './benchmarks.js'
import {identityName, type Order} from './orders.js'
import {formatBitrate, formatDealDuration, formatSize, snmPerHour, usdPerHour, usdPerHourText} from './units.js'

export interface OfferFilter {
  /** Deal duration wanted, seconds (0 = spot): the ask's duration must be at least this. */
  duration?: bigint
  /** Ceiling in USD/s x 1e18. */
  maxPrice?: bigint
  minimums?: Partial<Record<BenchmarkName, bigint>>
  netflags?: NetflagName[]
  provider?: Address
  /** The renter: asks reserved for someone else are left out. */
  renter?: Address
}

export type OfferSort = 'cores' | 'duration' | 'gpu' | 'price' | 'ram'

export interface Miss {
  criterion: string
  have: string
  want: string
}

const show = (name: BenchmarkName, v: bigint): string =>
  name === 'ramSize' || name === 'storageSize' || name === 'gpuMem' ? formatSize(v) : name === 'netDownload' || name === 'netUpload' ? formatBitrate(v) : v.toString()

/** Everything an ask lacks for the filter (empty when it matches). */
export function missesOf(order: Order, filter: OfferFilter): Miss[] {
  const misses: Miss[] = []
  for (const [name, want] of Object.entries(filter.minimums ?? {}) as Array<[BenchmarkName, bigint]>) {
    if (want !== undefined && order.benchmarks[name] < want) misses.push({criterion: name, have: show(name, order.benchmarks[name]), want: `>= ${show(name, want)}`})
  }
  for (const flag of filter.netflags ?? []) if (!order.netflags[flag]) misses.push({criterion: `netflag ${flag}`, have: 'no', want: 'yes'})
  if (filter.maxPrice !== undefined && order.price > filter.maxPrice) {
    misses.push({criterion: 'price', have: `${usdPerHourText(order.price)} USD/h`, want: `<= ${usdPerHourText(filter.maxPrice)} USD/h`})
  }
  if (filter.duration !== undefined && order.duration < filter.duration) {
    misses.push({criterion: 'duration', have: order.duration === 0n ? 'spot only' : `up to ${formatDealDuration(order.duration)}`, want: filter.duration === 0n ? 'spot' : formatDealDuration(filter.duration)})
  }
  if (filter.provider && order.author.toLowerCase() !== filter.provider.toLowerCase()) misses.push({criterion: 'provider', have: order.author, want: filter.provider})
  if (order.counterparty !== zeroAddress && (!filter.renter || order.counterparty.toLowerCase() !== filter.renter.toLowerCase())) {
    misses.push({criterion: 'counterparty', have: `reserved for ${order.counterparty}`, want: filter.renter ?? 'anyone'})
  }
  return misses
}

const sortKeys: Record<OfferSort, (o: Order) => bigint> = {
  cores: (o) => o.benchmarks.cpuCores,
  duration: (o) => o.duration,
  gpu: (o) => o.benchmarks.gpuCount,
  price: (o) => o.price,
  ram: (o) => o.benchmarks.ramSize,
}

/** Cheapest first for price; largest first for resources and duration; ties by id. */
export function sortOffers(offers: Order[], by: OfferSort): Order[] {
  const key = sortKeys[by]
  const ascending = by === 'price'
  return [...offers].sort((a, b) => {
    const ka = key(a)
    const kb = key(b)
    if (ka !== kb) return (ka < kb ? -1 : 1) * (ascending ? 1 : -1)
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
  })
}

export interface OfferSearch {
  matches: Order[]
  /** When nothing matches: the asks that come closest (fewest misses, then cheapest) and what they miss. */
  nearest: Array<{misses: Miss[]; order: Order}>
  total: number
}

export function searchOffers(asks: Order[], filter: OfferFilter, sort: OfferSort = 'price', limit?: number, nearestCount = 3): OfferSearch {
  const active = asks.filter((o) => o.type === 'ask' && o.status === 'active')
  const matches: Order[] = []
  const rejected: Array<{misses: Miss[]; order: Order}> = []
  for (const order of active) {
    const misses = missesOf(order, filter)
    if (misses.length === 0) matches.push(order)
    else rejected.push({misses, order})
  }
  const sorted = sortOffers(matches, sort)
  const nearest =
    sorted.length > 0
      ? []
      : rejected
          .sort((a, b) => a.misses.length - b.misses.length || (a.order.price < b.order.price ? -1 : a.order.price > b.order.price ? 1 : 0))
          .slice(0, nearestCount)
  return {matches: limit === undefined ? sorted : sorted.slice(0, limit), nearest, total: active.length}
}

export type OfferJson = ReturnType<typeof offerJson>

/** The benchmarks as decimal strings (a plain loop: this runs for each of 10,000 offers). */
function benchmarkStrings(benchmarks: Order['benchmarks']): Record<string, string> {
  const out: Record<string, string> = {}
  for (const name in benchmarks) out[name] = benchmarks[name as keyof typeof benchmarks].toString()
  return out
}

/** An offer as `--json` shows it; `payee` is who a deal on it pays (GetMaster of its author: the author unless it is a worker). */
export function offerJson(order: Order, rate: bigint, payee: Address = order.author) {
  return {
    benchmarks: benchmarkStrings(order.benchmarks),
    counterparty: order.counterparty,
    duration: order.duration.toString(),
    id: order.id.toString(),
    /** The identity level the ask requires of a renter (anonymous, registered, identified, professional). */
    identityLevel: identityName(order.identityLevel),
    netflags: order.netflags,
    payee,
    price: order.price.toString(),
    provider: order.author,
    snmPerHour: snmPerHour(order.price, rate),
    tag: order.tag,
    usdPerHour: usdPerHour(order.price),
  }
}

/**
 * Offers as `--json` shows them (each exactly as offerJson writes it), built as text: 10,000 offers
 * would otherwise be 10,000 objects of 13 fields and 12 benchmark strings each, made only to be
 * stringified (~40% of the command's time after the read).
 */
export function offersJsonText(orders: readonly Order[], rate: bigint, payeeOf: (order: Order) => Address): JsonText<OfferJson[]> {
  const parts: string[] = []
  for (const order of orders) {
    let benchmarks = ''
    for (const name of BENCHMARK_NAMES) benchmarks += `,"${name}":"${order.benchmarks[name]}"`
    let netflags = ''
    for (const name of NETFLAG_NAMES) netflags += `,"${name}":${order.netflags[name]}`
    parts.push(
      `{"benchmarks":{${benchmarks.slice(1)}},"counterparty":"${order.counterparty}","duration":"${order.duration}","id":"${order.id}",` +
        `"identityLevel":${JSON.stringify(identityName(order.identityLevel))},"netflags":{${netflags.slice(1)}},"payee":"${payeeOf(order)}",` +
        `"price":"${order.price}","provider":"${order.author}","snmPerHour":"${snmPerHour(order.price, rate)}","tag":"${order.tag}","usdPerHour":"${usdPerHour(order.price)}"}`,
    )
  }
  return new JsonText(`[${parts.join(',')}]`)
}
