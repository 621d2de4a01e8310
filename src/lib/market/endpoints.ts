// A provider's agent URL, published where SONM's chain lets anyone publish: a self-issued
// ProfileRegistry attribute. Types below 1100 are self-signed (CreateCertificate(self, type, value));
// we use type 1001 ("agent URL"), one value per address. A renter reads it for the ask's author, then
// for its master (GetMaster on the Market), so a master can publish one URL for all its workers.
import {type Address, bytesToString, type Hash, hexToBytes, stringToHex, zeroAddress} from 'viem'

import {type ChainClient} from '../chain/client.js'
import {transact, type TransactOptions} from '../chain/transact.js'
import {nectarError} from '../core/errors.js'
import {marketAbi} from '../contracts/generated/Market.js'
import {profileRegistryAbi} from '../contracts/generated/ProfileRegistry.js'
import {parseEndpoint} from './provider.js'

/** The ProfileRegistry attribute type holding an agent URL (below 1100: self-issued, no validator). */
export const ENDPOINT_ATTRIBUTE = 1001n

export interface PublishedEndpointOf {
  /** Whose attribute it is: the provider's own, or its master's. */
  from: 'master' | 'provider'
  owner: Address
  url: string
}

async function attribute(client: ChainClient, profileRegistry: Address, owner: Address): Promise<string> {
  const value = await client.readContract({abi: profileRegistryAbi, address: profileRegistry, args: [owner, ENDPOINT_ATTRIBUTE], functionName: 'GetAttributeValue'})
  return value === '0x' ? '' : bytesToString(hexToBytes(value))
}

/** The URL a provider (or else its master) published; undefined when neither did. A value that is not an http(s) URL is an error naming whose it is. */
export async function endpointOf(client: ChainClient, {market, profileRegistry}: {market: Address; profileRegistry: Address}, provider: Address): Promise<PublishedEndpointOf | undefined> {
  const check = (url: string, owner: Address, from: PublishedEndpointOf['from']): PublishedEndpointOf => {
    try {
      return {from, owner, url: parseEndpoint(url)}
    } catch {
      throw nectarError('INVALID_ENDPOINT', `The agent URL ${owner} published (ProfileRegistry attribute ${ENDPOINT_ATTRIBUTE}) is not an http(s) URL: ${JSON.stringify(url.slice(0, 200))}.`, {
        hint: 'Ask the provider to publish a valid one (`nectar provider register --endpoint URL`), or pass --endpoint URL.',
      })
    }
  }
  const own = await attribute(client, profileRegistry, provider)
  if (own) return check(own, provider, 'provider')
  const master = await client.readContract({abi: marketAbi, address: market, args: [provider], functionName: 'GetMaster'})
  if (master === zeroAddress || master.toLowerCase() === provider.toLowerCase()) return undefined
  const inherited = await attribute(client, profileRegistry, master)
  return inherited ? check(inherited, master, 'master') : undefined
}

/** Ids of `owner`'s live certificates of the endpoint type (normally one), from the CertificateCreated log. */
async function endpointCertificates(client: ChainClient, profileRegistry: Address, owner: Address): Promise<bigint[]> {
  const logs = await client.getContractEvents({abi: profileRegistryAbi, address: profileRegistry, eventName: 'CertificateCreated', fromBlock: 0n, strict: true})
  const ids: bigint[] = []
  for (const log of logs) {
    const [, to, type, value] = await client.readContract({abi: profileRegistryAbi, address: profileRegistry, args: [log.args.id], functionName: 'GetCertificate'})
    if (to.toLowerCase() === owner.toLowerCase() && type === ENDPOINT_ATTRIBUTE && value !== '0x') ids.push(log.args.id)
  }
  return ids
}

export interface PublishedEndpoint {
  /** The URL as published (normalised by parseEndpoint). */
  endpoint: string
  provider: Address
  /** RemoveCertificate transactions of the URL it replaced (none the first time). */
  removed: Hash[]
  /** null when the same URL was already published: nothing was sent. */
  txHash: Hash | null
}

/**
 * Publishes an http(s) URL as the signer's agent endpoint. The attribute holds one value, so a
 * different URL replaces the old certificate (RemoveCertificate, then CreateCertificate); the same URL
 * again sends nothing.
 */
export async function publishEndpoint(client: ChainClient, {endpoint, profileRegistry}: {endpoint: string; profileRegistry: Address}, send: TransactOptions): Promise<PublishedEndpoint> {
  const url = parseEndpoint(endpoint)
  const provider = send.account.address
  const current = await attribute(client, profileRegistry, provider)
  if (current === url) return {endpoint: url, provider, removed: [], txHash: null}
  const removed: Hash[] = []
  if (current) {
    for (const id of await endpointCertificates(client, profileRegistry, provider)) {
      const result = await transact(client, `Remove the old agent URL ${current} (certificate ${id})`, {abi: profileRegistryAbi, address: profileRegistry, args: [id], functionName: 'RemoveCertificate'}, send)
      removed.push(result.hash)
    }
  }
  const result = await transact(
    client,
    `Publish agent URL ${url}`,
    {abi: profileRegistryAbi, address: profileRegistry, args: [provider, ENDPOINT_ATTRIBUTE, stringToHex(url)], functionName: 'CreateCertificate'},
    send,
  )
  return {endpoint: url, provider, removed, txHash: result.hash}
}
