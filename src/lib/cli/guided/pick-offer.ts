// `compute order` without an offer id, at a terminal: a list of the offers that `compute offers`
// would show (the same search, cheapest first), one line each, and the deal length when not given.
import {type Address} from 'viem'

import {type ChainClient} from '../../chain/client.js'
import {parseDurationSeconds} from '../../core/durations.js'
import {nectarError} from '../../core/errors.js'
import {findOffers, offerQuery, payeeOf} from '../../market/find-offers.js'
import {type Order} from '../../market/orders.js'
import {formatBitrate, formatDealDuration, formatSize, snmPerHourText, usdPerHourText} from '../../market/units.js'
import {type Ask, checkWith} from '../ask.js'
import {identityShort} from '../market-views.js'

export interface PickedOffer {
  askId: bigint
  duration: bigint
  /** The duration as typed, for the equivalent command line (undefined when it was given as a flag). */
  durationText?: string
}

/** Lets the person pick one of the active offers open to `renter` (lasting at least `duration` when given), then asks the deal length if missing. */
export async function pickOffer(ask: Ask, client: ChainClient, {addresses, duration, renter}: {addresses: {market: Address; oracle: Address}; duration?: bigint; renter?: Address}): Promise<PickedOffer> {
  const found = await findOffers(client, {addresses, query: offerQuery({duration, sort: 'price'}), renter})
  if (found.matches.length === 0) {
    throw nectarError('NO_SUCH_ORDER', `No offer to rent (${found.total} active${duration === undefined ? '' : `, none for ${formatDealDuration(duration)}`}).`, {hint: 'See `nectar compute offers`, or ask again later.'})
  }
  // What tells offers apart goes on the line, the rest below the list for the highlighted one, so a line fits 80 columns.
  const short = (a: Address) => `${a.slice(0, 8)}…${a.slice(-4)}`
  const name = (o: Order) => [`#${o.id}  ${o.benchmarks.cpuCores} cores`, `${formatSize(o.benchmarks.ramSize)} RAM`, ...(o.benchmarks.gpuCount > 0n ? [`GPU ${o.benchmarks.gpuCount} × ${formatSize(o.benchmarks.gpuMem)}`] : []), `${usdPerHourText(o.price)} USD/h`, o.duration === 0n ? 'spot' : `≤ ${formatDealDuration(o.duration)}`].join(' · ')
  const description = (o: Order) => {
    const payee = payeeOf(found, o)
    return [`by ${short(o.author)}${payee === o.author ? '' : ` (pays ${short(payee)})`}`, `${snmPerHourText(o.price, found.rate)} SNM/h`, `${formatSize(o.benchmarks.storageSize)} disk`, `net ${formatBitrate(o.benchmarks.netDownload)} / ${formatBitrate(o.benchmarks.netUpload)}`, ...(o.identityLevel === 1 ? [] : [`identity ${identityShort(o.identityLevel)}`])].join(' · ')
  }
  const askId = await ask.select(
    `Pick an offer (${found.matches.length} of ${found.total} active, cheapest first):`,
    found.matches.map((o) => ({description: description(o), name: name(o), value: o.id})),
  )
  if (duration !== undefined) return {askId, duration}
  return {askId, ...(await askDealLength(ask, found.matches.find((o) => o.id === askId)!.duration))}
}

/** The deal length, for an offer of at most `longest` seconds (0: spot). */
export async function askDealLength(ask: Ask, longest?: bigint): Promise<{duration: bigint; durationText: string}> {
  const parse = (a: string) => parseDurationSeconds(a, {allowZero: true, label: 'deal length'})
  const limit = longest === undefined ? '0 for spot' : longest === 0n ? 'a spot offer: 0' : `at most ${formatDealDuration(longest)}`
  const initial = longest === undefined ? '1h' : longest === 0n ? '0' : longest >= 3600n ? '1h' : formatDealDuration(longest)
  const durationText = await ask.input(`Deal length (2h, 1h30m, 1d; ${limit}):`, {check: checkWith(parse), initial})
  return {duration: parse(durationText), durationText}
}
