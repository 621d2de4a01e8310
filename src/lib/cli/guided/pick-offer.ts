// `compute order` without an offer id, at a terminal: a list of the offers that `compute offers`
// would show (the same search, cheapest first), one line each, and the deal length when not given.
import {type Address} from 'viem'

import {type ChainClient} from '../../chain/client.js'
import {parseDurationSeconds} from '../../core/durations.js'
import {nectarError} from '../../core/errors.js'
import {findOffers, offerQuery, offerRows} from '../../market/find-offers.js'
import {formatDealDuration} from '../../market/units.js'
import {type Ask, checkWith} from '../ask.js'

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
  const rows = offerRows(found)
  // The columns of `compute offers` (id, provider, cores, ram, storage, gpu, net, USD/h, SNM/h, duration, ID): what tells
  // offers apart on the line, the rest below the list for the highlighted one, so a line fits 80 columns.
  const name = (r: string[]) => [`#${r[0]}  ${r[2]} cores`, `${r[3]} RAM`, ...(r[5] === '-' ? [] : [`GPU ${r[5]}`]), `${r[7]} USD/h`, r[9]].join(' · ')
  const description = (r: string[]) => [`by ${r[1]}`, `${r[8]} SNM/h`, `${r[4]} disk`, `net ${r[6]}`, ...(r[10] === 'anon' ? [] : [`identity ${r[10]}`])].join(' · ')
  const askId = await ask.select(
    `Pick an offer (${found.matches.length} of ${found.total} active, cheapest first):`,
    found.matches.map((o, i) => ({description: description(rows[i]), name: name(rows[i]), value: o.id})),
  )
  if (duration !== undefined) return {askId, duration}
  return {askId, ...(await askDealLength(ask, found.matches.find((o) => o.id === askId)!.duration))}
}

/** The deal length, for an offer of at most `longest` seconds (0: spot). */
export async function askDealLength(ask: Ask, longest?: bigint): Promise<{duration: bigint; durationText: string}> {
  const parse = (a: string) => parseDurationSeconds(a, {allowZero: true, label: 'the deal length'})
  const limit = longest === undefined ? '0 for spot' : longest === 0n ? 'a spot offer: 0' : `at most ${formatDealDuration(longest)}`
  const initial = longest === undefined ? '1h' : longest === 0n ? '0' : longest >= 3600n ? '1h' : formatDealDuration(longest)
  const durationText = await ask.input(`Deal length (2h, 1h30m, 1d; ${limit}):`, {check: checkWith(parse), initial})
  return {duration: parse(durationText), durationText}
}
