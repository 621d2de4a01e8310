// The provider's side: the published endpoint and its own asks.
import {type Address} from 'viem'

import {type ChainClient} from '../chain/client.js'
import {nectarError} from '../core/errors.js'
import {type OfferJson} from './offers.js'
import {listOrders, type Order} from './orders.js'

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

/** A provider's ASK orders (active first, then newest). */
export async function listProviderAsks(client: ChainClient, market: Address, provider: Address, includeInactive = false): Promise<Order[]> {
  const asks = await listOrders(client, {market, type: 'ask'})
  return asks
    .filter((o) => o.author.toLowerCase() === provider.toLowerCase() && (includeInactive || o.status === 'active'))
    .sort((a, b) => (a.status === b.status ? (a.id > b.id ? -1 : 1) : a.status === 'active' ? -1 : 1))
}

/** `provider offer list`'s result. */
export interface ProviderOffersReport {
  offers: Array<OfferJson & {dealId: string; status: Order['status']}>
  provider: Address
}
