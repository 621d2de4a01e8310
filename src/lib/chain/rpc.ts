import http from 'node:http'
import {createRequire} from 'node:module'

import {nectarError} from '../core/errors.js'
import {maskUrl} from '../core/urls.js'

const httpAgent = new http.Agent({keepAlive: true, maxSockets: 16})
// node:https (and tls under it) costs ~12 ms to load, so it is loaded at the first https RPC, not at start-up.
let secure: undefined | {agent: import('node:https').Agent; https: typeof import('node:https')}
function secureTransport(): NonNullable<typeof secure> {
  if (!secure) {
    const https = createRequire(import.meta.url)('node:https') as typeof import('node:https')
    secure = {agent: new https.Agent({keepAlive: true, maxSockets: 16}), https}
  }
  return secure
}

export interface RpcRequest {
  method: string
  params?: unknown
}

/** A JSON-RPC error answered by the node, shaped so viem can map it (code 3 = revert with data). */
export class RpcResponseError extends Error {
  code: number
  data?: unknown
  constructor(error: {code: number; data?: unknown; message: string}) {
    super(error.message)
    this.name = 'RpcResponseError'
    this.code = error.code
    this.data = error.data
  }
}

let nextId = 1

/**
 * JSON-RPC over node:http with a keep-alive agent. Node 20's global fetch costs ~100 ms on its first
 * use (it loads undici); this costs nothing.
 */
export async function rpcCall(url: string, body: RpcRequest | RpcRequest[], timeoutMs = 30_000): Promise<unknown> {
  const payload = Array.isArray(body)
    ? body.map((b) => ({id: nextId++, jsonrpc: '2.0', method: b.method, params: b.params ?? []}))
    : {id: nextId++, jsonrpc: '2.0', method: body.method, params: body.params ?? []}
  const text = await post(url, JSON.stringify(payload), timeoutMs)
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw nectarError('RPC_BAD_RESPONSE', `The RPC endpoint ${maskUrl(url)} did not answer with JSON.`, {
      details: [text.slice(0, 200)],
      hint: 'Check that the URL points at an Ethereum JSON-RPC node.',
    })
  }
  if (Array.isArray(payload)) {
    if (!Array.isArray(parsed)) throw badResponse(url, 'a batch', parsed)
    const byId = new Map((parsed as Array<{id: number}>).map((r) => [r?.id, r]))
    return payload.map((p) => unwrap(byId.get(p.id), p.method, url))
  }
  return unwrap(parsed, payload.method, url)
}

const QUANTITY = /^0x[0-9a-fA-F]{1,64}$/
// Hex digits, then an even count: a regex repeating a group per byte is 2-3x slower on the 250 KB
// answers of the order reader.
const HEX = /^0x[0-9a-fA-F]*$/
const isData = (r: unknown) => typeof r === 'string' && r.length % 2 === 0 && HEX.test(r)
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * What each method's answer must look like before viem formats it: a junk answer (a proxy's error
 * page as a result, a missing field) becomes RPC_BAD_RESPONSE, never "Cannot convert undefined to a BigInt".
 */
const SHAPES: Record<string, (result: unknown) => boolean> = {
  eth_blockNumber: (r) => typeof r === 'string' && QUANTITY.test(r),
  eth_call: isData,
  eth_chainId: (r) => typeof r === 'string' && QUANTITY.test(r),
  eth_estimateGas: (r) => typeof r === 'string' && QUANTITY.test(r),
  eth_gasPrice: (r) => typeof r === 'string' && QUANTITY.test(r),
  eth_getBalance: (r) => typeof r === 'string' && QUANTITY.test(r),
  eth_getBlockByNumber: (r) => r === null || (isObject(r) && typeof r.number === 'string' && QUANTITY.test(r.number) && typeof r.timestamp === 'string' && QUANTITY.test(r.timestamp)),
  eth_getCode: isData,
  eth_getTransactionByHash: (r) => r === null || (isObject(r) && typeof r.hash === 'string' && typeof r.nonce === 'string' && QUANTITY.test(r.nonce)),
  eth_getTransactionCount: (r) => typeof r === 'string' && QUANTITY.test(r),
  eth_getTransactionReceipt: (r) => r === null || (isObject(r) && typeof r.blockNumber === 'string' && QUANTITY.test(r.blockNumber) && typeof r.status === 'string'),
  eth_maxPriorityFeePerGas: (r) => typeof r === 'string' && QUANTITY.test(r),
  eth_sendRawTransaction: (r) => typeof r === 'string' && /^0x[0-9a-fA-F]{64}$/.test(r),
}

function badResponse(url: string, what: string, answer: unknown) {
  let shown: string
  try {
    shown = JSON.stringify(answer) ?? String(answer)
  } catch {
    shown = String(answer)
  }
  return nectarError('RPC_BAD_RESPONSE', `The RPC endpoint ${maskUrl(url)} answered ${what} with something that is not a JSON-RPC answer.`, {
    details: [shown.length > 200 ? `${shown.slice(0, 200)}…` : shown],
    hint: 'Check that the URL points at an Ethereum JSON-RPC node (not a web page or a proxy error).',
  })
}

function unwrap(response: unknown, method: string, url: string): unknown {
  if (!isObject(response) || !('result' in response || 'error' in response)) throw badResponse(url, method, response)
  const r = response as {error?: {code: number; data?: unknown; message: string}; result?: unknown}
  if (r.error !== undefined) {
    if (!isObject(r.error) || typeof r.error.message !== 'string') throw badResponse(url, method, response)
    throw new RpcResponseError(r.error)
  }
  const shape = SHAPES[method]
  if (shape && !shape(r.result)) throw badResponse(url, method, r.result)
  return r.result
}

function post(url: string, body: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let target: URL
    try {
      target = new URL(url)
    } catch {
      reject(nectarError('INVALID_RPC_URL', `The RPC URL ${JSON.stringify(maskUrl(url))} is not a URL.`, {hint: 'Pass --rpc-url http://HOST:PORT.'}))
      return
    }
    const tls = target.protocol === 'https:' ? secureTransport() : undefined
    const request = (tls ? tls.https : http).request(
      target,
      {
        agent: tls ? tls.agent : httpAgent,
        headers: {'content-length': Buffer.byteLength(body), 'content-type': 'application/json'},
        method: 'POST',
        timeout: timeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = []
        response.on('data', (c: Buffer) => chunks.push(c))
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          if ((response.statusCode ?? 500) >= 400 && !text.startsWith('{') && !text.startsWith('[')) {
            reject(nectarError('RPC_HTTP_ERROR', `The RPC endpoint ${maskUrl(url)} answered HTTP ${response.statusCode}.`, {
              details: [text.slice(0, 200)],
              hint: 'Check the URL and any API key in it.',
            }))
          } else resolve(text)
        })
        response.on('error', reject)
      },
    )
    request.on('timeout', () => request.destroy(Object.assign(new Error('timed out'), {code: 'ETIMEDOUT'})))
    request.on('error', (error: NodeJS.ErrnoException) => {
      reject(nectarError('RPC_UNREACHABLE', `The RPC endpoint ${maskUrl(url)} did not answer (${error.code ?? error.message}).`, {
        cause: error,
        hint: 'Start the devnet with `nectar devnet up`, or pass a working --rpc-url.',
      }))
    })
    request.end(body)
  })
}

/** Lets the process exit while keep-alive sockets are idle. */
export function closeRpcAgents(): void {
  httpAgent.destroy()
  secure?.agent.destroy()
}
