// A provider's agent URL, published where SONM's chain lets anyone publish: a self-issued
// ProfileRegistry attribute. Types below 1100 are self-signed (CreateCertificate(self, type, value));
// we use type 1001 ("agent URL"), one value per address. A renter reads it for the ask's author, then
// for its master (GetMaster on the Market), so a master can publish one URL for all its workers.
import {type Address, bytesToString, type Hash, type Hex, hexToBytes, stringToHex, zeroAddress} from 'viem'

import {type ChainClient} from '../chain/client.js'
import {abiWord, runDeployless} from '../chain/deployless.js'
import {transact, type TransactOptions} from '../chain/transact.js'
import {nectarError} from '../core/errors.js'
import {certificateReaderBytecode} from '../contracts/generated/CertificateReader.js'
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

/** A published value as a URL, or an error naming whose value it is (someone can write anything with CreateCertificate). */
function checkPublished(url: string, owner: Address, from: PublishedEndpointOf['from']): PublishedEndpointOf {
  try {
    return {from, owner, url: parseEndpoint(url)}
  } catch {
    throw nectarError('BAD_PUBLISHED_ENDPOINT', `The agent URL ${owner} published (ProfileRegistry attribute ${ENDPOINT_ATTRIBUTE}${from === 'master' ? ', as the provider\'s master' : ''}) is not an http(s) URL: ${JSON.stringify(url.slice(0, 200))}.`, {
      hint: `Ask ${owner} to publish a valid one (\`nectar provider register --endpoint URL\`), or pass --endpoint URL (or set networks.NAME.endpoints.${owner}).`,
    })
  }
}

/** The URL a provider (or else its master) published; undefined when neither did. A value that is not an http(s) URL is an error naming whose it is. */
export async function endpointOf(client: ChainClient, {market, profileRegistry}: {market: Address; profileRegistry: Address}, provider: Address): Promise<PublishedEndpointOf | undefined> {
  // Both at once, as plain calls: a value is anyone's to make huge, and a deployless multicall's
  // result is capped at 24 KiB.
  const [own, master] = await Promise.all([attribute(client, profileRegistry, provider), client.readContract({abi: marketAbi, address: market, args: [provider], functionName: 'GetMaster'})])
  if (own) return checkPublished(own, provider, 'provider')
  if (master === zeroAddress || master.toLowerCase() === provider.toLowerCase()) return undefined
  const inherited = await attribute(client, profileRegistry, master)
  return inherited ? checkPublished(inherited, master, 'master') : undefined
}

/** Certificate ids per eth_call of the CertificateReader (each GetCertificate costs about 10k gas: well inside a 30M call gas cap). */
const CERTIFICATE_RANGE = 1000
/** Ranges in flight at once. */
const CERTIFICATE_CONCURRENCY = 4

/**
 * Ids of `owner`'s live certificates of the endpoint type (normally one). CertificateCreated indexes
 * only the id, so every certificate is read back: the creation code of contracts/readers/
 * CertificateReader.sol runs in an eth_call over a range of ids, calls GetCertificate for each and
 * returns only the matching ids, until it meets an id never issued (ids run 1..n).
 */
export async function endpointCertificates(client: ChainClient, profileRegistry: Address, owner: Address, range = CERTIFICATE_RANGE): Promise<bigint[]> {
  const ids: bigint[] = []
  for (let from = 1n; ; from += BigInt(range * CERTIFICATE_CONCURRENCY)) {
    const ranges = await Promise.all(
      Array.from({length: CERTIFICATE_CONCURRENCY}, async (_, k) => {
        const start = from + BigInt(k * range)
        const data = (certificateReaderBytecode + abiWord(profileRegistry) + abiWord(owner) + abiWord(ENDPOINT_ATTRIBUTE.toString(16)) + abiWord(start.toString(16)) + abiWord(range.toString(16))) as Hex
        const hex = (await runDeployless(client, data)).slice(2)
        if (hex.length < 64 || hex.length % 64 !== 0) {
          throw nectarError('READ_FAILED', `Could not read the certificates of the ProfileRegistry at ${profileRegistry}.`, {hint: 'Check the profileRegistry address in the network profile.'})
        }
        const words = Array.from({length: hex.length / 64}, (_, i) => BigInt(`0x${hex.slice(i * 64, (i + 1) * 64)}`))
        return {ended: words[0] === 1n, ids: words.slice(1)}
      }),
    )
    for (const range of ranges) ids.push(...range.ids)
    if (ranges.some((range) => range.ended)) return ids
  }
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
    const ids = await endpointCertificates(client, profileRegistry, provider)
    if (ids.length === 0) {
      throw nectarError('CHAIN_ERROR', `${provider} publishes ${JSON.stringify(current.slice(0, 200))}, but no CertificateCreated log of it was found to remove it; nothing was sent.`, {
        hint: 'Use an RPC node that serves eth_getLogs from block 0 for the ProfileRegistry (--rpc-url).',
      })
    }
    for (const id of ids) {
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
