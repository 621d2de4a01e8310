// The agent's endpoint on chain: setEndpoint in the ProviderRegistry, so a renter finds the agent of
// a deal from the deal alone (../market/deals.ts endpointOf).
import {type Address, type Hash} from 'viem'

import {type ChainClient} from '../chain/client.js'
import {transact, type TransactOptions} from '../chain/transact.js'
import {providerRegistryAbi} from '../contracts/generated/ProviderRegistry.js'
import {parseEndpoint} from '../market/provider.js'

export interface PublishedEndpoint {
  /** The URL as published (normalised by parseEndpoint). */
  endpoint: string
  provider: Address
  txHash: Hash
}

/** Publishes an http(s) URL as the signer's endpoint (checked and normalised first). */
export async function publishEndpoint(client: ChainClient, {endpoint, registry}: {endpoint: string; registry: Address}, send: TransactOptions): Promise<PublishedEndpoint> {
  const url = parseEndpoint(endpoint)
  const result = await transact(client, `Publish endpoint ${url}`, {abi: providerRegistryAbi, address: registry, args: [url], functionName: 'setEndpoint'}, send)
  return {endpoint: url, provider: send.account.address, txHash: result.hash}
}
