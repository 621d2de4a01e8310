// The chain-facing side of the provider agent and the renter's job commands, behind two small
// interfaces: who rented a deal and whether it is open (DealSource), and where a provider's agent
// listens (EndpointSource). The implementations here call the market's own getters by name
// (Market.GetDealInfo / GetDealParams, ProviderRegistry.endpointOf); at merge they can be swapped for
// the market library's getDeal without touching the agent.
import {type Address, getAddress} from 'viem'

import {type ChainClient} from '../chain/client.js'
import {marketAbi} from '../contracts/generated/Market.js'
import {benchmarksFromVector, netflagsFromVector} from '../market/benchmarks.js'

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

// The two getters' signatures exactly as in contracts/market/Market.sol (SONM's names and order).
const dealGettersAbi = [
  {
    inputs: [{name: 'dealID', type: 'uint256'}],
    name: 'GetDealInfo',
    outputs: [
      {name: 'benchmarks', type: 'uint64[]'},
      {name: 'supplierID', type: 'address'},
      {name: 'consumerID', type: 'address'},
      {name: 'masterID', type: 'address'},
      {name: 'askID', type: 'uint256'},
      {name: 'bidID', type: 'uint256'},
      {name: 'startTime', type: 'uint256'},
    ],
    stateMutability: 'view',
    type: 'function',
  },
  {
    inputs: [{name: 'dealID', type: 'uint256'}],
    name: 'GetDealParams',
    outputs: [
      {name: 'duration', type: 'uint256'},
      {name: 'price', type: 'uint256'},
      {name: 'endTime', type: 'uint256'},
      {name: 'status', type: 'uint8'},
      {name: 'blockedBalance', type: 'uint256'},
      {name: 'totalPayout', type: 'uint256'},
      {name: 'lastBillTS', type: 'uint256'},
    ],
    stateMutability: 'view',
    type: 'function',
  },
] as const

const registryAbi = [
  {inputs: [{name: 'provider', type: 'address'}], name: 'endpointOf', outputs: [{name: '', type: 'string'}], stateMutability: 'view', type: 'function'},
] as const

const STATUS_ACCEPTED = 1
const STATUS_CLOSED = 2

/** A DealSource over the Market contract at `market`. */
export function chainDealSource(client: ChainClient, market: Address): DealSource {
  // An order's netflags never change: read each ask once.
  const netflagsOfAsk = new Map<bigint, Promise<Record<string, boolean>>>()
  const askNetflags = (askId: bigint) => {
    let hit = netflagsOfAsk.get(askId)
    if (!hit) {
      hit = client.readContract({abi: marketAbi, address: market, args: [askId], functionName: 'GetOrderInfo'}).then((info) => netflagsFromVector((info as unknown as readonly unknown[])[5] as boolean[]))
      hit.catch(() => netflagsOfAsk.delete(askId))
      netflagsOfAsk.set(askId, hit)
    }
    return hit
  }
  return {
    chainId: client.chain!.id,
    async getDeal(id: bigint): Promise<DealInfo | undefined> {
      if (id <= 0n) return undefined
      const [info, params] = await Promise.all([
        client.readContract({abi: dealGettersAbi, address: market, args: [id], functionName: 'GetDealInfo'}),
        client.readContract({abi: dealGettersAbi, address: market, args: [id], functionName: 'GetDealParams'}),
      ])
      const [benchmarks, supplier, consumer, , askId, , startTime] = info
      const [, , endTime, status] = params
      if (status !== STATUS_ACCEPTED && status !== STATUS_CLOSED) return undefined
      const netflags = await askNetflags(askId)
      return {askId, benchmarks: benchmarksFromVector(benchmarks), consumer: getAddress(consumer), endTime, id, netflags, startTime, status: status === STATUS_ACCEPTED ? 'accepted' : 'closed', supplier: getAddress(supplier)}
    },
  }
}

/** An EndpointSource over the ProviderRegistry at `registry`. */
export function chainEndpointSource(client: ChainClient, registry: Address): EndpointSource {
  return {
    async endpointOf(provider: Address): Promise<string | undefined> {
      const url = await client.readContract({abi: registryAbi, address: registry, args: [provider], functionName: 'endpointOf'})
      return url || undefined
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
