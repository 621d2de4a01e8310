// The chain-facing side of the provider agent and the renter's job commands, behind two small
// interfaces: who rented a deal and whether it is open (DealSource), and where a provider's agent
// listens (EndpointSource). The chain implementations are the market library's getDeal and endpointOf
// (one ABI: the generated one); tests and other sources plug in behind the same interfaces.
import {type Address, getAddress} from 'viem'

import {type ChainClient} from '../chain/client.js'
import {marketAbi} from '../contracts/generated/Market.js'
import {getDeal} from '../market/deals.js'
import {endpointOf} from '../market/endpoints.js'
import {getOrder} from '../market/orders.js'

export interface DealInfo {
  id: bigint
  consumer: Address
  supplier: Address
  status: 'accepted' | 'closed'
  askId: bigint
  startTime: bigint
  /** 0 = spot (open-ended). */
  endTime: bigint
  benchmarks?: Record<string, bigint>
  /** The ask's network flags (outbound lets a container job reach the network). */
  netflags?: Record<string, boolean>
}

export interface DealSource {
  /** The deal, or undefined when the id was never used. */
  getDeal(id: bigint): Promise<DealInfo | undefined>
  chainId: number
}

export interface EndpointSource {
  /** The provider's agent URL as published on chain, or undefined when it published none. */
  endpointOf(provider: Address): Promise<string | undefined>
}

/** A DealSource over the Market contract at `market` (the market library's getDeal). */
export function chainDealSource(client: ChainClient, market: Address): DealSource {
  // An order's netflags never change: read each ask once.
  const netflagsOfAsk = new Map<bigint, Promise<Record<string, boolean>>>()
  const askNetflags = (askId: bigint) => {
    let hit = netflagsOfAsk.get(askId)
    if (!hit) {
      hit = getOrder(client, market, askId).then((ask) => ({...ask?.netflags}))
      hit.catch(() => netflagsOfAsk.delete(askId))
      netflagsOfAsk.set(askId, hit)
    }
    return hit
  }
  return {
    chainId: client.chain!.id,
    async getDeal(id: bigint): Promise<DealInfo | undefined> {
      const deal = await getDeal(client, market, id)
      if (!deal) return undefined
      const {askId, benchmarks, consumer, endTime, startTime, status, supplier} = deal
      // The container executor needs the ask's netflags: no network unless it has outbound.
      const netflags = await askNetflags(askId)
      return {askId, benchmarks, consumer: getAddress(consumer), endTime, id, netflags, startTime, status: status === 'accepted' ? 'accepted' : 'closed', supplier: getAddress(supplier)}
    },
  }
}

/**
 * An EndpointSource over the ProfileRegistry attribute (the provider's, else its master's; the market
 * library's endpointOf). `configured` (the profile's `endpoints`, by lower-case address) comes first:
 * the provider's entry, else its master's, else the chain.
 */
export function chainEndpointSource(client: ChainClient, addresses: {market: Address; profileRegistry: Address}, configured: Record<string, string> = {}): EndpointSource {
  const entry = (who: Address) => (Object.hasOwn(configured, who.toLowerCase()) ? configured[who.toLowerCase()] : undefined)
  return {
    async endpointOf(provider: Address): Promise<string | undefined> {
      const own = entry(provider)
      if (own) return own
      if (Object.keys(configured).length > 0) {
        const master = await client.readContract({abi: marketAbi, address: addresses.market, args: [provider], functionName: 'GetMaster'})
        const inherited = entry(master)
        if (inherited) return inherited
      }
      return (await endpointOf(client, addresses, provider))?.url
    },
  }
}

/** Wraps a DealSource with a short cache, so a burst of requests (20 followers attaching) costs one lookup. */
export function cachedDealSource(source: DealSource, ttlMs = 1000): DealSource & {invalidate(id: bigint): void} {
  const cache = new Map<bigint, {at: number; value: Promise<DealInfo | undefined>}>()
  return {
    chainId: source.chainId,
    getDeal(id) {
      const hit = cache.get(id)
      const now = Date.now()
      if (hit && now - hit.at < ttlMs) return hit.value
      const value = source.getDeal(id)
      cache.set(id, {at: now, value})
      value.catch(() => cache.delete(id))
      if (cache.size > 10_000) cache.delete(cache.keys().next().value!)
      return value
    },
    invalidate(id) {
      cache.delete(id)
    },
  }
}
