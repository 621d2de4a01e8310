// The renter's side of the agent API: signed requests, job start/list/stop, and a log follower that
// reconnects (with backoff) after a dropped connection or an agent restart and resumes after the last
// sequence number it delivered, so no record is lost or repeated.
import http from 'node:http'
import https from 'node:https'

import {type Address, type LocalAccount} from 'viem'

import {isErrorCode} from '../core/error-codes.js'
import {type ErrorCode, nectarError} from '../core/errors.js'
import {type JobState} from './agent.js'
import {signRequest} from './auth.js'
import {type DealSource, type EndpointSource} from './deals.js'
import {type JobSpec} from './job-spec.js'
import {type RecordStream, type StreamName} from './log-store.js'

export interface AgentTarget {
  account: Pick<LocalAccount, 'address' | 'signTypedData'>
  chainId: number
  dealId: bigint
  endpoint: string
}

export interface WireRecord {
  data: string
  encoding: 'base64' | 'utf8'
  seq: number
  /** 'agent': a note by the provider's agent (e.g. the log quota was reached), shown as a plain line. */
  stream: RecordStream
  ts: number
}

export interface EndRecord {
  end: true
  /** When the job ended and started (ISO 8601; from agents that send them). */
  endedAt?: string
  exitCode: number | null
  exitStatus: number
  jobId: string
  lastSeq: number
  reason: string | null
  signal: string | null
  startedAt?: string
  status: JobState['status']
}

export type JobView = JobState & {lastSeq: number}

export function recordBytes(record: WireRecord): Buffer {
  return Buffer.from(record.data, record.encoding === 'base64' ? 'base64' : 'utf8')
}

/** The agent URL for a deal: the override, or the deal's supplier's endpoint on chain. */
export async function resolveEndpoint(deals: DealSource, endpoints: EndpointSource, dealId: bigint, override?: string): Promise<{endpoint: string; supplier?: Address}> {
  if (override) return {endpoint: checkEndpoint(override, '--endpoint')}
  const deal = await deals.getDeal(dealId)
  if (!deal) throw nectarError('NO_SUCH_DEAL', `There is no deal ${dealId} on this market.`, {hint: 'List your deals with `nectar compute deals`.'})
  const endpoint = await endpoints.endpointOf(deal.supplier)
  if (!endpoint) {
    throw nectarError('NO_PROVIDER_ENDPOINT', `The provider of deal ${dealId} (${deal.supplier}) has published no agent endpoint.`, {
      hint: 'Ask the provider to run `nectar provider register --endpoint URL`, or pass --endpoint URL if you know it.',
    })
  }
  return {endpoint: checkEndpoint(endpoint, `the endpoint of ${deal.supplier}`), supplier: deal.supplier}
}

function checkEndpoint(text: string, what: string): string {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw nectarError('INVALID_ENDPOINT', `${what} (${JSON.stringify(text)}) is not a URL.`, {hint: 'An agent endpoint looks like http://host:port or https://host:port.'})
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw nectarError('INVALID_ENDPOINT', `${what} (${text}) must be http:// or https://.`, {hint: 'An agent endpoint looks like http://host:port or https://host:port.'})
  return text.replace(/\/+$/, '')
}

export const unreachableHint = (endpoint: string) =>
  `Check that the provider runs \`nectar provider serve\` and that ${endpoint} is reachable from here; pass --endpoint URL to try another address.`

interface Opened {
  response: http.IncomingMessage
  request: http.ClientRequest
}

function open(target: AgentTarget, method: string, path: string, headers: Record<string, string>, body?: string, timeoutMs = 30_000): Promise<Opened> {
  const url = new URL(target.endpoint + path)
  const transport = url.protocol === 'https:' ? https : http
  return new Promise((resolve, reject) => {
    const request = transport.request(url, {agent: false, headers: {...headers, ...(body === undefined ? {} : {'content-length': Buffer.byteLength(body), 'content-type': 'application/json'})}, method, timeout: timeoutMs}, (response) => resolve({request, response}))
    request.on('timeout', () => request.destroy(Object.assign(new Error('timed out'), {code: 'ETIMEDOUT'})))
    request.on('error', (error: NodeJS.ErrnoException) =>
      reject(nectarError('AGENT_UNREACHABLE', `The provider agent at ${target.endpoint} did not answer (${error.code ?? error.message}).`, {cause: error, hint: unreachableHint(target.endpoint)})),
    )
    request.setNoDelay(true)
    request.end(body)
  })
}

export async function readAll(response: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of response) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

const FILE_CODES = new Set<ErrorCode>(['INVALID_UPLOAD', 'JOB_RUNNING', 'NO_OUTPUTS', 'PATH_NOT_DECLARED', 'RESULTS_PRUNED', 'UNSAFE_ARCHIVE', 'UPLOAD_HASH_MISMATCH', 'UPLOAD_INCOMPLETE', 'UPLOAD_MISSING', 'UPLOAD_TOO_LARGE'])

/** Turns an agent's error answer into a NectarError with the agent's own reason. */
export function agentError(target: AgentTarget, status: number, text: string) {
  let remote = 'AGENT_ERROR'
  let message = text.slice(0, 300)
  try {
    const parsed = JSON.parse(text) as {error?: {code?: string; message?: string}}
    if (parsed.error?.code) remote = parsed.error.code
    if (parsed.error?.message) message = parsed.error.message
  } catch {}
  // The agent's own code when it is one we know (agents of this version answer with catalogue codes).
  const code: ErrorCode = isErrorCode(remote) ? remote : 'AGENT_ERROR'
  const prefix = `The provider agent refused (HTTP ${status} ${remote}): ${message}`
  // Upload and results refusals carry their own fix (the catalogue's hint).
  if (FILE_CODES.has(code)) return nectarError(code, prefix)
  if (code === 'DEAL_UNFUNDED') return nectarError(code, prefix, {hint: `Fund the deal with \`nectar compute fund ${target.dealId} --hours N\` (it raises your SNM allowance to the Market), then start the job again.`})
  if (status === 400) return nectarError(code, prefix, {hint: 'Fix the job spec and run again.'})
  if (status === 404) return nectarError(code, prefix, {hint: 'List the deal’s jobs with `nectar compute jobs DEAL_ID`.'})
  if (status === 401) return nectarError(code, prefix, {hint: 'Check this machine’s clock and run again; each request is signed once.'})
  if (status === 410 || status === 411 || status === 413) return nectarError(code, prefix)
  if (status === 403) return nectarError(code, prefix, {hint: `Use the account that rented deal ${target.dealId} (--account), and check the deal is open with \`nectar compute deal ${target.dealId}\`.`})
  return nectarError(code, prefix, {hint: 'Try again; if it persists, ask the provider to check the agent’s log.'})
}

/** One signed request with a JSON answer. */
export async function agentRequest<T>(target: AgentTarget, method: 'GET' | 'POST', path: string, body?: unknown, timeoutMs?: number): Promise<T> {
  const text = body === undefined ? undefined : JSON.stringify(body)
  const headers = await signRequest(target.account, {body: text ?? '', chainId: target.chainId, dealId: target.dealId, method, path})
  const {response} = await open(target, method, path, headers, text ?? (method === 'POST' ? '' : undefined), timeoutMs)
  const answer = await readAll(response)
  if ((response.statusCode ?? 500) >= 300) throw agentError(target, response.statusCode ?? 500, answer)
  try {
    return JSON.parse(answer) as T
  } catch {
    throw nectarError('AGENT_BAD_RESPONSE', `The agent at ${target.endpoint} did not answer with JSON.`, {hint: unreachableHint(target.endpoint)})
  }
}

/** Starts a job; one with an upload waits while the agent unpacks it (minutes for many GiB). */
export const startJob = async (target: AgentTarget, spec: JobSpec): Promise<JobState> => (await agentRequest<{job: JobState}>(target, 'POST', `/deals/${target.dealId}/jobs`, spec, spec.upload ? 30 * 60_000 : undefined)).job
export const listJobs = async (target: AgentTarget): Promise<JobView[]> => (await agentRequest<{jobs: JobView[]}>(target, 'GET', `/deals/${target.dealId}/jobs`)).jobs
export const getJob = async (target: AgentTarget, jobId: string): Promise<JobView> => (await agentRequest<{job: JobView}>(target, 'GET', `/deals/${target.dealId}/jobs/${jobId}`)).job
export const stopJob = async (target: AgentTarget, jobId: string): Promise<{job: JobState; stopping: boolean}> => agentRequest(target, 'POST', `/deals/${target.dealId}/jobs/${jobId}/stop`)

export interface FollowOptions {
  /** Records after this sequence number (resume point). */
  after?: number
  follow?: boolean
  /** How long without a byte (heartbeats included) before the connection counts as dead. Default 3 × the agent's heartbeat. */
  idleTimeoutMs?: number
  jobId: string
  /** Called with each batch of records, in order; the stream pauses until a returned promise settles. */
  onRecords(records: WireRecord[]): Promise<void> | void
  /** Called before each reconnect (follow only), with how long the connection has been lost. */
  onReconnect?(attempt: number, reason: string, afterSeq: number, lostForMs: number): void
  /** Called when a connection is back after reconnects (follow only). */
  onReconnected?(): void
  /** Give up after this long without a working connection. Default 5 min. */
  reconnectForMs?: number
  since?: number
  stream?: StreamName
  tail?: number
}

export interface FollowResult {
  end?: EndRecord
  /** The job was still running when a non-follow read reached the end of its log. */
  eof?: boolean
  lastSeq: number
  reconnects: number
}

class StreamBroke extends Error {}

/**
 * Reads a job's log. With `follow`, waits for new records until the job ends, reconnecting after a
 * drop and resuming after the last delivered sequence number; a first connection that fails is an
 * error at once (so a wrong endpoint is reported, not retried for minutes).
 */
export async function followLogs(target: AgentTarget, options: FollowOptions): Promise<FollowResult> {
  let lastSeq = options.after ?? 0
  let connected = false
  let reconnects = 0
  let brokeAt = 0
  let delay = 100
  for (;;) {
    const query = new URLSearchParams()
    if (connected || options.after !== undefined) query.set('after', String(lastSeq))
    if (!connected) {
      if (options.tail !== undefined) query.set('tail', String(options.tail))
      if (options.since !== undefined) query.set('since', String(Math.floor(options.since)))
    }
    if (options.stream) query.set('stream', options.stream)
    if (options.follow) query.set('follow', '1')
    // An empty query is sent (and signed) as no query at all: the agent verifies pathname + search.
    const path = `/deals/${target.dealId}/jobs/${options.jobId}/logs${query.size > 0 ? `?${query}` : ''}`
    try {
      const result = await readOnce(target, path, options, (seq) => {
        lastSeq = seq
        connected = true
        delay = 100
      }, () => {
        if (reconnects > 0 && brokeAt) options.onReconnected?.()
        connected = true
        delay = 100
      }, lastSeq)
      return {...result, lastSeq: result.end ? Math.max(lastSeq, 0) : lastSeq, reconnects}
    } catch (error) {
      const retryable = options.follow && connected && (error instanceof StreamBroke || (error as {code?: string}).code === 'AGENT_UNREACHABLE' || (error as {code?: string}).code === 'INTERNAL')
      if (!retryable) throw error instanceof StreamBroke ? nectarError('LOG_STREAM_BROKE', `The log stream from ${target.endpoint} broke: ${error.message}.`, {hint: 'Run again with --follow to resume after the last line.'}) : error
      if (!brokeAt) brokeAt = Date.now()
      if (Date.now() - brokeAt > (options.reconnectForMs ?? 300_000)) {
        throw nectarError('AGENT_UNREACHABLE', `Lost the provider agent at ${target.endpoint} and could not reconnect for ${Math.round((Date.now() - brokeAt) / 1000)} s.`, {hint: `${unreachableHint(target.endpoint)} Resume with --follow; it continues after line ${lastSeq}.`})
      }
      reconnects++
      options.onReconnect?.(reconnects, (error as Error).message, lastSeq, Date.now() - brokeAt)
      await new Promise((r) => setTimeout(r, delay))
      delay = Math.min(delay * 2, 5000)
    }
  }

  async function readOnce(target: AgentTarget, path: string, options: FollowOptions, delivered: (seq: number) => void, ok: () => void, after: number): Promise<{end?: EndRecord; eof?: boolean}> {
    const headers = await signRequest(target.account, {body: '', chainId: target.chainId, dealId: target.dealId, method: 'GET', path})
    const {request, response} = await open(target, 'GET', path, headers, undefined, 0)
    if ((response.statusCode ?? 500) >= 300) {
      const text = await readAll(response)
      const error = agentError(target, response.statusCode ?? 500, text)
      if ((response.statusCode ?? 500) >= 500) throw new StreamBroke(error.message)
      throw error
    }
    ok()
    brokeAt = 0
    const heartbeat = Number(response.headers['x-nectar-heartbeat-ms']) || 10_000
    const idleMs = options.idleTimeoutMs ?? heartbeat * 3 + 1000
    let seen = after
    let pending = ''
    let final: {end?: EndRecord; eof?: boolean} | undefined
    response.setEncoding('utf8')
    const idle = () => request.destroy(new StreamBroke(`nothing received for ${idleMs} ms`))
    let timer = setTimeout(idle, idleMs)
    try {
      for await (const chunk of response as AsyncIterable<string>) {
        clearTimeout(timer)
        pending += chunk
        const cut = pending.lastIndexOf('\n')
        if (cut !== -1) {
          const lines = pending.slice(0, cut).split('\n')
          pending = pending.slice(cut + 1)
          const records: WireRecord[] = []
          for (const line of lines) {
            if (!line) continue
            const value = JSON.parse(line) as Partial<EndRecord> & Partial<WireRecord> & {eof?: boolean; heartbeat?: boolean}
            if (value.heartbeat) continue
            if (value.end) final = {end: value as EndRecord}
            else if (value.eof) final = {eof: true}
            // A record we already delivered (should not happen; the resume point is exclusive) is skipped.
            else if (typeof value.seq === 'number' && value.seq > seen) {
              records.push(value as WireRecord)
              seen = value.seq
            }
          }
          if (records.length > 0) {
            await options.onRecords(records)
            delivered(seen)
          }
        }
        if (final) return final
        timer = setTimeout(idle, idleMs)
      }
    } catch (error) {
      if (error instanceof StreamBroke) throw error
      if (error instanceof SyntaxError) throw new StreamBroke(`the agent sent a line that is not JSON`)
      throw new StreamBroke((error as Error).message || 'connection lost')
    } finally {
      clearTimeout(timer)
    }
    if (final) return final
    throw new StreamBroke('the connection closed before the end of the log')
  }
}

export interface SubmitAndFollowOptions {
  follow: boolean
  onRecords?: FollowOptions['onRecords']
  onReconnect?: FollowOptions['onReconnect']
  onReconnected?: FollowOptions['onReconnected']
  onStarted?(job: JobState): void
  spec: JobSpec
}

/** Starts a job and, with `follow`, streams its log to the end; what `compute run` and `compute order --job` call. */
export async function submitAndFollow(target: AgentTarget, options: SubmitAndFollowOptions): Promise<{job: JobState; logs?: FollowResult}> {
  const job = await startJob(target, options.spec)
  options.onStarted?.(job)
  if (!options.follow) return {job}
  const logs = await followLogs(target, {follow: true, jobId: job.id, onReconnect: options.onReconnect, onReconnected: options.onReconnected, onRecords: options.onRecords ?? (() => {})})
  return {job, logs}
}
