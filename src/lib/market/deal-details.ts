// One deal as `compute deal` shows it: parties, resources, price at the oracle rate, time left, what
// has been paid, what a bill now would pay, and where the provider's agent listens.
import {type Address} from 'viem'

import {type ChainClient} from '../chain/client.js'
import {formatAmount} from '../core/amounts.js'
import {formatDuration} from '../core/durations.js'
import {type Deal, type DealJson, dealJson, getOracleRate, requireDeal} from './deals.js'
import {endpointOf} from './endpoints.js'
import {formatDealDuration, snmPerHourText, usdPerHourText} from './units.js'

export type DealDetailsJson = DealJson & {endpoint: string | null}

export interface DealDetails {
  deal: Deal
  /** '' when the provider published none. */
  endpoint: string
  /** Why the published value is unusable (not an http(s) URL), when it is. */
  endpointError?: string
  json: DealDetailsJson
  rate: bigint
}

export async function describeDeal(client: ChainClient, {addresses, dealId}: {addresses: {market: Address; oracle: Address; profileRegistry: Address}; dealId: bigint}): Promise<DealDetails> {
  const deal = await requireDeal(client, addresses.market, dealId)
  let endpointError: string | undefined
  // A garbage value on chain must not hide the rest of the deal: it is shown, not thrown.
  const published = endpointOf(client, addresses, deal.supplier).catch((error: {code?: string; message?: string}) => {
    if (error?.code !== 'BAD_PUBLISHED_ENDPOINT') throw error
    endpointError = error.message
    return undefined
  })
  const [rate, block, endpoint] = await Promise.all([getOracleRate(client, addresses.oracle), client.getBlock({blockTag: 'latest'}), published])
  return {deal, endpoint: endpoint?.url ?? '', endpointError, json: {...dealJson(deal, block.timestamp, rate), endpoint: endpoint?.url ?? null}, rate}
}

/** The key-value lines of `compute deal`. */
export function dealDetailsLines({deal, endpoint, endpointError, json, rate}: DealDetails): Array<[string, string]> {
  return [
    ['deal', json.id],
    ['status', deal.status],
    ['provider', deal.supplier],
    ['paid to', deal.master.toLowerCase() === deal.supplier.toLowerCase() ? deal.master : `${deal.master} (the provider's master)`],
    ['renter', deal.consumer],
    ['endpoint', endpoint || (endpointError ? '(the published value is not an http(s) URL)' : '(none published)')],
    ['price', `${usdPerHourText(deal.price)} USD/h = ${snmPerHourText(deal.price, rate)} SNM/h now`],
    ['duration', formatDealDuration(deal.duration)],
    ['time left', json.secondsLeft === null ? '-' : formatDuration(BigInt(json.secondsLeft))],
    ['paid', `${formatAmount(deal.totalPayout)} SNM`],
    ['escrow', `${formatAmount(deal.blockedBalance)} SNM`],
    ['unbilled', `${formatAmount(BigInt(json.unbilled))} SNM`],
  ]
}
