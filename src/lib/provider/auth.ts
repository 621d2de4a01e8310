// Request signing between a renter's CLI and a provider's agent. The renter signs an EIP-712 message
// over the method, the path (with its query), the keccak256 of the body, the deal id, the chain id, a
// timestamp and a random nonce, and sends the body's hash in a header too. The agent checks all that
// before it reads a body: it recovers the signer, refuses stale timestamps (±60 s), checks the signer
// against the deal's consumer on chain, refuses nonces that signer already used, and only then reads
// the body and compares its hash.
import {type Address, type Hex, isHex, keccak256, type LocalAccount, recoverTypedDataAddress} from 'viem'
import {randomBytes} from 'node:crypto'

export const AUTH_HEADERS = {
  /** keccak256 of the body, so the signature can be checked before the body is read. */
  bodyHash: 'x-nectar-body-hash',
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
  request: {body?: Uint8Array | string; bodyHash?: Hex; chainId: number; dealId: bigint; method: string; now?: number; path: string},
): Promise<Record<string, string>> {
  const fields: SignedRequestFields = {
    // A streamed body (an upload) is signed by the hash its sender computed first (its sha256).
    bodyHash: request.bodyHash ?? bodyHash(request.body ?? ''),
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
    [AUTH_HEADERS.bodyHash]: fields.bodyHash,
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

/**
 * Nonces seen in the last window, kept per signer: only requests that passed the deal's renter check
 * are recorded, so a stranger's valid signatures take no room from the renter's. Bounded per signer,
 * so a flood by one renter fills only that renter's share.
 */
export class ReplayCache {
  private adds = 0
  private readonly bySigner = new Map<string, Map<string, number>>()
  constructor(
    private readonly maxPerSigner = 10_000,
    private readonly ttlMs = 2 * MAX_SKEW_SECONDS * 1000 + 5000,
  ) {}

  /** Records the signer's nonce; 'replayed' when it was seen, 'full' when the signer's share is full of live nonces. */
  add(signer: string, nonce: string, now = Date.now()): 'ok' | 'replayed' | 'full' {
    const who = signer.toLowerCase()
    let seen = this.bySigner.get(who)
    if (!seen) this.bySigner.set(who, (seen = new Map()))
    if (seen.has(nonce)) return 'replayed'
    if (seen.size >= this.maxPerSigner) prune(seen, now)
    if (seen.size >= this.maxPerSigner) return 'full'
    seen.set(nonce, now + this.ttlMs)
    // Now and then, drop the expired nonces of signers who went quiet.
    if (++this.adds % 1000 === 0) {
      for (const [other, nonces] of this.bySigner) {
        prune(nonces, now)
        if (nonces.size === 0) this.bySigner.delete(other)
      }
    }
    return 'ok'
  }

  get size(): number {
    let n = 0
    for (const nonces of this.bySigner.values()) n += nonces.size
    return n
  }
}

function prune(seen: Map<string, number>, now: number): void {
  // Insertion order is expiry order (constant ttl), so expired entries are at the front.
  for (const [nonce, expires] of seen) {
    if (expires > now) break
    seen.delete(nonce)
  }
}

export interface SignedHeaders {
  bodyHash: Hex
  nonce: Hex
  signature: Hex
  timestamp: bigint
}

/**
 * Reads the signature headers of a request before its body: present, well formed, for this deal, and
 * fresh (±60 s). A request with a body must carry the body's hash (which the signature covers); the
 * body is checked against it once read. Throws AuthError(401).
 */
export function readSignedHeaders(headers: Record<string, string | string[] | undefined>, request: {bodyLength: number; dealId: bigint}, now = Date.now()): SignedHeaders {
  const header = (name: string) => {
    const value = headers[name]
    return Array.isArray(value) ? value[0] : value
  }
  const signature = header(AUTH_HEADERS.signature)
  const timestampText = header(AUTH_HEADERS.timestamp)
  const nonce = header(AUTH_HEADERS.nonce)
  const dealText = header(AUTH_HEADERS.deal)
  const hashText = header(AUTH_HEADERS.bodyHash)
  if (!signature || !timestampText || !nonce || !dealText) {
    throw new AuthError(401, 'UNSIGNED', `This request is not signed: it needs the ${[AUTH_HEADERS.deal, AUTH_HEADERS.nonce, AUTH_HEADERS.signature, AUTH_HEADERS.timestamp].join(', ')} headers (nectar compute … signs them with the deal's renter key).`)
  }
  if (hashText === undefined && request.bodyLength > 0) {
    throw new AuthError(401, 'UNSIGNED', `This request has a body but no ${AUTH_HEADERS.bodyHash} header: the agent checks the signature before it reads a body (update nectar on the renter's side).`)
  }
  const hashOk = hashText === undefined || /^0x[0-9a-fA-F]{64}$/.test(hashText)
  if (!isHex(signature) || !/^0x[0-9a-fA-F]{64}$/.test(nonce) || !/^\d{1,20}$/.test(timestampText) || !/^\d{1,78}$/.test(dealText) || !hashOk) {
    throw new AuthError(401, 'MALFORMED_SIGNATURE', 'The signature headers are malformed.')
  }
  if (BigInt(dealText) !== request.dealId) throw new AuthError(401, 'DEAL_MISMATCH', `The request was signed for deal ${dealText}, not deal ${request.dealId}.`)
  const timestamp = BigInt(timestampText)
  const skew = Number(timestamp) - now / 1000
  if (Math.abs(skew) > MAX_SKEW_SECONDS) {
    throw new AuthError(401, 'STALE_SIGNATURE', `The request's timestamp is ${Math.round(Math.abs(skew))} s ${skew < 0 ? 'old' : 'in the future'}; the agent accepts ±${MAX_SKEW_SECONDS} s. Check the clock of the signing machine.`)
  }
  return {bodyHash: hashText === undefined ? EMPTY_BODY_HASH : (hashText.toLowerCase() as Hex), nonce: nonce.toLowerCase() as Hex, signature: signature as Hex, timestamp}
}

const EMPTY_BODY_HASH = bodyHash('')

/**
 * The address that signed the request (over the method, path, body hash, deal, chain, timestamp and
 * nonce). A signature over other fields recovers to some unrelated address, so a tampered request
 * fails the renter check (403) rather than here; that is still a refusal, and it names the signer.
 */
export async function recoverSigner(signed: SignedHeaders, request: {chainId: number; dealId: bigint; method: string; path: string}): Promise<Address> {
  try {
    return await recoverTypedDataAddress({
      domain: requestDomain(request.chainId),
      message: {bodyHash: signed.bodyHash, chainId: BigInt(request.chainId), dealId: request.dealId, method: request.method.toUpperCase(), nonce: signed.nonce, path: request.path, timestamp: signed.timestamp},
      primaryType: 'Request',
      signature: signed.signature,
      types: requestTypes,
    })
  } catch {
    throw new AuthError(401, 'BAD_SIGNATURE', 'The request signature does not verify.')
  }
}

/** Records the signer's nonce (call once the signer is known to be allowed); throws AuthError(401) on a replay. */
export function checkReplay(replay: ReplayCache, signer: Address, nonce: Hex, now = Date.now()): void {
  const recorded = replay.add(signer, nonce, now)
  if (recorded === 'replayed') throw new AuthError(401, 'REPLAYED', 'This request was already received once (its nonce was seen): replays are refused.')
  if (recorded === 'full') throw new AuthError(401, 'BUSY', 'The agent has seen too many requests from this key in the last two minutes; try again shortly.')
}

/** Checks a body, once read, against the hash its signature covers; throws AuthError(401). */
export function checkBody(body: Uint8Array, signed: SignedHeaders): void {
  if (bodyHash(body) !== signed.bodyHash) throw new AuthError(401, 'BAD_SIGNATURE', 'The request body does not match the hash it was signed with.')
}
