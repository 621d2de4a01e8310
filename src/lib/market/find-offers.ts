// `compute offers`: the filter as typed (human units, netflag names, a price ceiling in USD or SNM),
// the active asks read from the Market, matched, sorted, and shown as a table or JSON.
import {type Address} from 'viem'

import {type ChainClient} from '../chain/client.js'
import {type NameResolver, parseAddress} from '../core/addresses.js'
import {nectarError} from '../core/errors.js'
import {type BenchmarkName, NETFLAG_NAMES, type NetflagName} from './benchmarks.js'
import {getOracleRate} from './deals.js'
import {type JsonText} from '../core/json-text.js'
import {type Miss, type OfferFilter, type OfferJson, offerJson, offersJsonText, type OfferSearch, type OfferSort, searchOffers} from './offers.js'
import {listOrders, type Order} from './orders.js'
import {parseBitrate, parsePrice, parseSize} from './units.js'
import {mastersOf} from './workers.js'

/** The flags of `compute offers`, as parsed. */
export interface OfferFlags {
  duration?: bigint
  gpu?: number
  limit?: number
  'max-price'?: string
  'min-cores'?: number
  'min-gpu-mem'?: string
  'min-net-down'?: string
  'min-net-up'?: string
  'min-ram'?: string
  'min-storage'?: string
  netflags?: string
  provider?: string
  sort: string
}

export interface OfferQuery {
  filter: Omit<OfferFilter, 'maxPrice' | 'renter'>
  limit?: number
  /** The ceiling as typed: a price in SNM needs the oracle rate. */
  maxPrice?: string
  sort: OfferSort
}

/** Parses the filter flags (usage errors name the flag), before anything is read from the chain. */
export function offerQuery(flags: OfferFlags, names?: NameResolver): OfferQuery {
  const minimums: Partial<Record<BenchmarkName, bigint>> = {}
  if (flags['min-cores'] !== undefined) minimums.cpuCores = BigInt(flags['min-cores'])
  if (flags['min-ram'] !== undefined) minimums.ramSize = parseSize(flags['min-ram'], '--min-ram')
  if (flags['min-storage'] !== undefined) minimums.storageSize = parseSize(flags['min-storage'], '--min-storage')
  if (flags.gpu !== undefined) minimums.gpuCount = BigInt(flags.gpu)
  if (flags['min-gpu-mem'] !== undefined) minimums.gpuMem = parseSize(flags['min-gpu-mem'], '--min-gpu-mem')
  if (flags['min-net-down'] !== undefined) minimums.netDownload = parseBitrate(flags['min-net-down'], '--min-net-down')
  if (flags['min-net-up'] !== undefined) minimums.netUpload = parseBitrate(flags['min-net-up'], '--min-net-up')
  const netflags = flags.netflags === undefined ? [] : flags.netflags.split(',').map((s) => s.trim()).filter(Boolean)
  for (const flag of netflags) {
    if (!(NETFLAG_NAMES as readonly string[]).includes(flag)) throw nectarError('INVALID_NETFLAG', `Unknown netflag ${JSON.stringify(flag)}.`, {hint: `Use ${NETFLAG_NAMES.join(', ')}.`})
  }
  const provider = flags.provider === undefined ? undefined : parseAddress(flags.provider, '--provider', {names})
  return {filter: {duration: flags.duration, minimums, netflags: netflags as NetflagName[], provider}, limit: flags.limit, maxPrice: flags['max-price'], sort: flags.sort as OfferSort}
}

export interface FoundOffers extends OfferSearch {
  /** Who a deal on each author's asks pays (GetMaster), by lower-case author. */
  payees: Map<string, Address>
  rate: bigint
}

/** Who a deal on the offer pays. */
export const payeeOf = (found: Pick<FoundOffers, 'payees'>, order: Order): Address => found.payees.get(order.author.toLowerCase()) ?? order.author

/** The active asks that match the query, for `renter` (asks reserved for someone else are left out). */
export async function findOffers(client: ChainClient, {addresses, query, renter}: {addresses: {market: Address; oracle: Address}; query: OfferQuery; renter?: Address}): Promise<FoundOffers> {
  const [rate, asks] = await Promise.all([getOracleRate(client, addresses.oracle), listOrders(client, {market: addresses.market, status: 'active', type: 'ask'})])
  const maxPrice = query.maxPrice === undefined ? undefined : parsePrice(query.maxPrice, rate, '--max-price').price
  const search = searchOffers(asks, {...query.filter, maxPrice, renter}, query.sort, query.limit)
  const payees = await mastersOf(client, addresses.market, [...search.matches, ...search.nearest.map((n) => n.order)].map((o) => o.author))
  return {...search, payees, rate}
}

/** When nothing matches: one line per nearest offer with what it misses. */
export function nearestLines({nearest}: FoundOffers): string[] {
  return nearest.map((near) => `  offer ${near.order.id}: misses ${near.misses.map((m) => `${m.criterion} (has ${m.have}, want ${m.want})`).join('; ')}`)
}

/** `compute offers`'s result. */
export interface OffersReport {
  count: number
  nearest: Array<{misses: Miss[]; offer: OfferJson}>
  offers: JsonText<OfferJson[]>
  oracleRate: bigint
  totalActive: number
}

export function offersReport(found: FoundOffers): OffersReport {
  return {
    count: found.matches.length,
    nearest: found.nearest.map((n) => ({misses: n.misses, offer: offerJson(n.order, found.rate, payeeOf(found, n.order))})),
    offers: offersJsonText(found.matches, found.rate, (o) => payeeOf(found, o)),
    oracleRate: found.rate,
    totalActive: found.total,
  }
}
