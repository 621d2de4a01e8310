// Request signing between a renter's CLI and a provider's agent. The renter signs an EIP-712 message
// over the method, the path (with its query), the keccak256 of the body, the deal id, the chain id, a
// timestamp and a random nonce; the agent recovers the signer, refuses stale timestamps (±60 s) and
// nonces it has seen, then checks the signer against the deal's consumer on chain.
import {type Address, type Hex, isHex, keccak256, type LocalAccount, recoverTypedDataAddress} from 'viem'
import {randomBytes} from 'node:crypto'

export const AUTH_HEADERS = {
  deal: 'x-nectar-deal',
  nonce: 'x-nectar-nonce',
  signature: 'x-nectar-signature',
  timestamp: 'x-nectar-timestamp',
} as const

export const MAX_SKEW_SECONDS = 60

export const requestTypes = {
  Request: [
    {name: 'method', type: 'string'},
    {name: 'path', type: 'string'},
    {name: 'bodyHash', type: 'bytes32'},
    {name: 'dealId', type: 'uint256'},
    {name: 'chainId', type: 'uint256'},
    {name: 'timestamp', type: 'uint64'},
    {name: 'nonce', type: 'bytes32'},
  ],
} as const

export const requestDomain = (chainId: number) => ({chainId, name: 'nectar provider agent', version: '1'}) as const

export interface SignedRequestFields {
  bodyHash: Hex
  chainId: number
  dealId: bigint
  method: string
  nonce: Hex
  path: string
  timestamp: bigint
}

export const bodyHash = (body: Uint8Array | string): Hex => keccak256(typeof body === 'string' ? new TextEncoder().encode(body) : body)

/** Signs one request; returns the headers to send with it. */
export async function signRequest(
  account: Pick<LocalAccount, 'signTypedData'>,
  request: {body?: Uint8Array | string; chainId: number; dealId: bigint; method: string; now?: number; path: string},
): Promise<Record<string, string>> {
  const fields: SignedRequestFields = {
    bodyHash: bodyHash(request.body ?? ''),
    chainId: request.chainId,
    dealId: request.dealId,
    method: request.method.toUpperCase(),
    nonce: `0x${randomBytes(32).toString('hex')}`,
    path: request.path,
    timestamp: BigInt(Math.floor((request.now ?? Date.now()) / 1000)),
  }
  const signature = await account.signTypedData({
    domain: requestDomain(request.chainId),
    message: {...fields, chainId: BigInt(fields.chainId)},
    primaryType: 'Request',
    types: requestTypes,
  })
  return {
    [AUTH_HEADERS.deal]: request.dealId.toString(),
    [AUTH_HEADERS.nonce]: fields.nonce,
    [AUTH_HEADERS.signature]: signature,
    [AUTH_HEADERS.timestamp]: fields.timestamp.toString(),
  }
}

/** Why a request was refused: 401 = who signed is unknown or the signature is stale/replayed; 403 = not allowed. */
export class AuthError extends Error {
  constructor(
    readonly status: 401 | 403 | 404,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

/** Nonces seen in the last window; bounded, so a flood cannot grow it without limit. */
export class ReplayCache {
  private readonly seen = new Map<string, number>()
  constructor(
    private readonly maxEntries = 100_000,
    private readonly ttlMs = 2 * MAX_SKEW_SECONDS * 1000 + 5000,
  ) {}

  /** Records the nonce; false when it was already seen (a replay) or the cache is full of live nonces. */
  add(nonce: string, now = Date.now()): 'ok' | 'replayed' | 'full' {
    if (this.seen.has(nonce)) return 'replayed'
    if (this.seen.size >= this.maxEntries) this.prune(now)
    if (this.seen.size >= this.maxEntries) return 'full'
    this.seen.set(nonce, now + this.ttlMs)
    return 'ok'
  }

  private prune(now: number): void {
    // Insertion order is expiry order (constant ttl), so expired entries are at the front.
    for (const [nonce, expires] of this.seen) {
      if (expires > now) break
      this.seen.delete(nonce)
    }
  }

  get size(): number {
    return this.seen.size
  }
}

/**
 * Checks the signature headers of a request and returns the signer. Throws AuthError(401) when they
 * are missing, malformed, stale (outside ±60 s), replayed or do not match the request.
 */
export async function verifyRequest(
  headers: Record<string, string | string[] | undefined>,
  request: {body: Uint8Array; chainId: number; dealId: bigint; method: string; path: string},
  replay: ReplayCache,
  now = Date.now(),
): Promise<Address> {
  const header = (name: string) => {
    const value = headers[name]
    return Array.isArray(value) ? value[0] : value
  }
  const signature = header(AUTH_HEADERS.signature)
  const timestampText = header(AUTH_HEADERS.timestamp)
  const nonce = header(AUTH_HEADERS.nonce)
  const dealText = header(AUTH_HEADERS.deal)
  if (!signature || !timestampText || !nonce || !dealText) {
    throw new AuthError(401, 'UNSIGNED', `This request is not signed: it needs the ${Object.values(AUTH_HEADERS).join(', ')} headers (nectar compute … signs them with the deal's renter key).`)
  }
  if (!isHex(signature) || !/^0x[0-9a-fA-F]{64}$/.test(nonce) || !/^\d{1,20}$/.test(timestampText) || !/^\d{1,78}$/.test(dealText)) {
    throw new AuthError(401, 'MALFORMED_SIGNATURE', 'The signature headers are malformed.')
  }
  if (BigInt(dealText) !== request.dealId) throw new AuthError(401, 'DEAL_MISMATCH', `The request was signed for deal ${dealText}, not deal ${request.dealId}.`)
  const timestamp = BigInt(timestampText)
  const skew = Number(timestamp) - now / 1000
  if (Math.abs(skew) > MAX_SKEW_SECONDS) {
    throw new AuthError(401, 'STALE_SIGNATURE', `The request's timestamp is ${Math.round(Math.abs(skew))} s ${skew < 0 ? 'old' : 'in the future'}; the agent accepts ±${MAX_SKEW_SECONDS} s. Check the clock of the signing machine.`)
  }
  let signer: Address
  try {
    signer = await recoverTypedDataAddress({
      domain: requestDomain(request.chainId),
      message: {
        bodyHash: bodyHash(request.body),
        chainId: BigInt(request.chainId),
        dealId: request.dealId,
        method: request.method.toUpperCase(),
        nonce: nonce as Hex,
        path: request.path,
        timestamp,
      },
      primaryType: 'Request',
      signature: signature as Hex,
      types: requestTypes,
    })
  } catch {
    throw new AuthError(401, 'BAD_SIGNATURE', 'The request signature does not verify.')
  }
  // A signature over other fields recovers to some unrelated address, so a tampered request fails the
  // consumer check below (403) rather than here; that is still a refusal, and it names the signer.
  const recorded = replay.add(nonce.toLowerCase(), now)
  if (recorded === 'replayed') throw new AuthError(401, 'REPLAYED', 'This request was already received once (its nonce was seen): replays are refused.')
  if (recorded === 'full') throw new AuthError(401, 'BUSY', 'The agent has seen too many requests in the last two minutes; try again shortly.')
  return signer
}
