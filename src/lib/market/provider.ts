// The provider's side: the published endpoint and its own asks.
import {type Address} from 'viem'

import {type ChainClient} from '../chain/client.js'
import {nectarError} from '../core/errors.js'
import {getOracleRate} from './deals.js'
import {type OfferJson, offerJson} from './offers.js'
import {listOrders, type Order} from './orders.js'
import {confirmedWorkers, mastersOf} from './workers.js'

/** http(s) URLs only, with a host; returns the normalised URL. */
export function parseEndpoint(text: string): string {
  let url: URL
  try {
    url = new URL(String(text).trim())
  } catch {
    throw nectarError('INVALID_ENDPOINT', `The endpoint ${JSON.stringify(text)} is not a URL.`, {hint: 'Give an http(s) URL such as https://agent.example.org:8080.'})
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw nectarError('INVALID_ENDPOINT', `The endpoint ${JSON.stringify(text)} uses ${url.protocol.replace(':', '')}; only http and https are allowed.`, {
      hint: 'Give an http(s) URL such as https://agent.example.org:8080.',
    })
  }
  if (!url.hostname) throw nectarError('INVALID_ENDPOINT', `The endpoint ${JSON.stringify(text)} has no host.`, {hint: 'Give an http(s) URL such as https://agent.example.org:8080.'})
  return url.toString().replace(/\/$/, '')
}

/** The ASK orders of a provider (or of several: a master and its workers), active first, then newest. */
export async function listProviderAsks(client: ChainClient, market: Address, provider: Address | readonly Address[], includeInactive = false): Promise<Order[]> {
  const authors = new Set((typeof provider === 'string' ? [provider] : provider).map((a) => a.toLowerCase()))
  const asks = await listOrders(client, {market, type: 'ask'})
  return asks
    .filter((o) => authors.has(o.author.toLowerCase()) && (includeInactive || o.status === 'active'))
    .sort((a, b) => (a.status === b.status ? (a.id > b.id ? -1 : 1) : a.status === 'active' ? -1 : 1))
}

/** `provider offer list`'s result. */
export interface ProviderOffersReport {
  /** `worker`: the confirmed worker whose ask it is (null for the provider's own). `payee`: who a deal on it pays. */
  offers: Array<OfferJson & {dealId: string; status: Order['status']; worker: Address | null}>
  provider: Address
  /** The provider's own master when it is a worker (its deals pay that master), else null. */
  payee: Address | null
  /** Its confirmed workers, whose asks are listed with its own. */
  workers: Address[]
}

/** A provider's offers (active, or all) with its confirmed workers' offers, each with who a deal on it pays. */
export async function providerOffers(client: ChainClient, {all = false, market, oracle, provider}: {all?: boolean; market: Address; oracle: Address; provider: Address}): Promise<{asks: Order[]; report: ProviderOffersReport}> {
  const [workers, rate, masters] = await Promise.all([confirmedWorkers(client, {market, master: provider}), getOracleRate(client, oracle), mastersOf(client, market, [provider])])
  const asks = await listProviderAsks(client, market, [provider, ...workers], all)
  const own = masters.get(provider.toLowerCase())!
  const payee = (o: Order) => (o.author.toLowerCase() === provider.toLowerCase() ? own : provider) // a worker's ask pays its master: the provider
  const worker = (o: Order) => (o.author.toLowerCase() === provider.toLowerCase() ? null : o.author)
  return {
    asks,
    report: {
      offers: asks.map((o) => ({...offerJson(o, rate, payee(o)), dealId: o.dealId.toString(), status: o.status, worker: worker(o)})),
      payee: own.toLowerCase() === provider.toLowerCase() ? null : own,
      provider,
      workers,
    },
  }
}
