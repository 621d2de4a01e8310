// One deal as `compute deal` shows it: parties, resources, price at the oracle rate, time left, what
// has been paid, what a bill now would pay, how long it is funded, and where the provider's agent listens.
import {type Address} from 'viem'

import {type ChainClient} from '../chain/client.js'
import {formatAmount} from '../core/amounts.js'
import {formatDuration} from '../core/durations.js'
import {type DealFunding, dealFunding, type DealFundingJson, fundingJson, dealFundingLines, fundingWarning, fundsOf} from './deal-funding.js'
import {type Deal, type DealJson, dealJson, getOracleRate, listDeals, requireDeal} from './deals.js'
import {endpointOf} from './endpoints.js'
import {formatDealDuration, snmPerHourText, usdPerHourText} from './units.js'

export type DealDetailsJson = DealJson & {endpoint: string | null; funding: DealFundingJson | null}

export interface DealDetails {
  deal: Deal
  /** '' when the provider published none. */
  endpoint: string
  /** Why the published value is unusable (not an http(s) URL), when it is. */
  endpointError?: string
  /** Open deals only. */
  funding: DealFunding | null
  json: DealDetailsJson
  now: bigint
  rate: bigint
  /** When a bill now or at the next period would fail or close the deal. */
  warning?: string
}

export async function describeDeal(client: ChainClient, {addresses, dealId}: {addresses: {market: Address; oracle: Address; profileRegistry: Address; snm: Address}; dealId: bigint}): Promise<DealDetails> {
  const deal = await requireDeal(client, addresses.market, dealId)
  let endpointError: string | undefined
  // A garbage value on chain must not hide the rest of the deal: it is shown, not thrown.
  const published = endpointOf(client, addresses, deal.supplier).catch((error: {code?: string; message?: string}) => {
    if (error?.code !== 'BAD_PUBLISHED_ENDPOINT') throw error
    endpointError = error.message
    return undefined
  })
  const [rate, block, endpoint] = await Promise.all([getOracleRate(client, addresses.oracle), client.getBlock({blockTag: 'latest'}), published])
  let funding: DealFunding | null = null
  if (deal.status === 'accepted') {
    const [funds, renterDeals] = await Promise.all([fundsOf(client, addresses, [deal.consumer]), listDeals(client, {market: addresses.market, party: deal.consumer})])
    const others = renterDeals.filter((d) => d.id !== deal.id && d.status === 'accepted' && d.consumer.toLowerCase() === deal.consumer.toLowerCase()).length
    funding = dealFunding(deal, block.timestamp, rate, funds.get(deal.consumer.toLowerCase())!, others)
  }
  const json = {...dealJson(deal, block.timestamp, rate), endpoint: endpoint?.url ?? null, funding: funding ? fundingJson(block.timestamp, funding) : null}
  return {deal, endpoint: endpoint?.url ?? '', endpointError, funding, json, now: block.timestamp, rate, warning: funding ? fundingWarning(deal, funding) : undefined}
}

/** The key-value lines of `compute deal`. */
export function dealDetailsLines({deal, endpoint, endpointError, funding, json, now, rate}: DealDetails): Array<[string, string]> {
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
    ...(funding ? dealFundingLines(deal, now, funding) : []),
  ]
}
