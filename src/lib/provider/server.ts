// The agent's HTTP API (node:http, or node:https with a certificate):
//   GET  /status                                  open
//   POST /deals/:id/jobs                          start a job (body: job spec JSON)
//   GET  /deals/:id/jobs                          list
//   GET  /deals/:id/jobs/:job                     status
//   POST /deals/:id/jobs/:job/stop                stop
//   GET  /deals/:id/jobs/:job/logs?after=SEQ&tail=N&since=MS&stream=stdout|stderr&follow=1
//   PUT  /deals/:id/uploads/:sha256               an archive for later jobs (body: tar; signed body hash = its sha256)
//   GET  /deals/:id/jobs/:job/results?path=P      the job's outputs as a tar archive (Range, If-Range, ETag = sha256)
// Every /deals request is signed by the deal's consumer (auth.ts). Nothing of a body is read before
// the request is known to be the renter's: the Content-Length is checked against the route's limit
// (413 at once; 411 without one), then the signature headers, the signer against the deal, and the
// signer's nonce; only then is the body read (never past its declared length) and its hash compared.
// A refused request's connection is closed, so its body is not read either. A client that sends
// `Expect: 100-continue` gets the 100 only once all that passed (and, for an upload, once it fits the
// provider's per-deal limit), so a refused upload's body is never sent at all. An upload streams to
// disk while its sha256 is computed; it is kept only when that is the signed hash, and a job that
// names it is started only after it was unpacked into the job's work dir. A job start on a deal whose
// Bill reverts (unfunded) is refused with 402 DEAL_UNFUNDED.
// Logs stream as NDJSON, one record per line written as soon as it is appended, heartbeats while idle,
// and a final record: {"end":true,...} when the job has ended, or {"eof":true,...} (no follow, job
// still running). A record of stream "agent" is a note by the agent (the log-quota marker); a log
// deleted by retention or the disk budget answers 410.
import {createReadStream} from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import {type AddressInfo} from 'node:net'
import {pipeline} from 'node:stream/promises'

import {type Address, isAddressEqual} from 'viem'

import {type Agent, jobExitStatus, type JobState, unfundedRefusal} from './agent.js'
import {AuthError, checkBody, checkReplay, readSignedHeaders, recoverSigner, ReplayCache} from './auth.js'
import {UnsafeArchiveError} from './archive.js'
import {type DealInfo, type DealSource} from './deals.js'
import {isDeclaredOutput, JobFilesError} from './job-files.js'
import {jobSpecProblem, type JobSpec} from './job-spec.js'
import {formatSize} from '../market/units.js'
import {type LogRecord, type LogStore, type StreamName} from './log-store.js'

export const AGENT_API_VERSION = 1
/** Most bytes of body per route: a job spec (with its files), an empty stop, nothing on GET. */
const BODY_LIMITS: Record<string, number> = {'GET job': 0, 'GET job/logs': 0, 'GET job/results': 0, 'GET jobs': 0, 'POST job/stop': 1024, 'POST jobs': 32 << 20, 'PUT upload': Number.MAX_SAFE_INTEGER}

export interface ServerOptions {
  agent: Agent
  dealSource: DealSource
  /** Idle time after which a follow stream gets a heartbeat line. Default 10 s. */
  heartbeatMs?: number
  host?: string
  port?: number
  replay?: ReplayCache
  /** Only deals whose supplier is this address are served. */
  supplier?: Address
  tls?: {cert: Buffer | string; key: Buffer | string}
}

export interface RunningServer {
  close(): Promise<void>
  server: http.Server
  url: string
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

const utf8 = new TextDecoder('utf-8', {fatal: true, ignoreBOM: true})

/** One log record as an NDJSON line: UTF-8 text as is, anything else base64. */
export function encodeRecord(r: LogRecord): string {
  let data: string
  let encoding: 'base64' | 'utf8'
  try {
    data = utf8.decode(r.data)
    encoding = 'utf8'
  } catch {
    data = r.data.toString('base64')
    encoding = 'base64'
  }
  return `{"seq":${r.seq},"stream":"${r.stream}","ts":${r.ts},"encoding":"${encoding}","data":${JSON.stringify(data)}}\n`
}

export function endRecord(state: JobState, lastSeq: number) {
  return {end: true, ...(state.endedAt ? {endedAt: state.endedAt} : {}), exitCode: state.exitCode, exitStatus: jobExitStatus(state), jobId: state.id, lastSeq, reason: state.reason ?? null, signal: state.signal, startedAt: state.startedAt, status: state.status}
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const replay = options.replay ?? new ReplayCache()
  const heartbeatMs = options.heartbeatMs ?? 10_000
  const sockets = new Set<import('node:net').Socket>()
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    handle(req, res).catch((error) => {
      const e =
        error instanceof HttpError || error instanceof AuthError || error instanceof JobFilesError
          ? error
          : error instanceof UnsafeArchiveError
            ? new HttpError(400, 'UNSAFE_ARCHIVE', `The upload was refused: ${error.message}; the job did not start.`)
            : new HttpError(500, 'INTERNAL', (error as Error).message)
      // A body left unread is not read at all: the connection closes after the answer.
      if (!res.headersSent) sendJson(res, e.status, {error: {code: e.code, message: e.message}}, !req.complete)
      else res.destroy()
    })
  }
  const server = options.tls ? https.createServer({cert: options.tls.cert, key: options.tls.key}, handler) : http.createServer(handler)
  server.keepAliveTimeout = 5000
  // Expect: 100-continue comes here instead of 'request': the 100 is sent only once the request passed.
  server.on('checkContinue', handler)
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.setNoDelay(true)
    socket.on('close', () => sockets.delete(socket))
  })

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://agent')
    const method = req.method ?? 'GET'
    if (url.pathname === '/status' && method === 'GET') {
      sendJson(res, 200, {agent: 'nectar provider agent', apiVersion: AGENT_API_VERSION, chainId: options.dealSource.chainId, executor: options.agent.options.executor.name, jobsRunning: options.agent.runningCount, supplier: options.supplier ?? null})
      return
    }
    const match = /^\/deals\/(\d{1,78})\/(?:uploads\/([0-9a-f]{64})|jobs(?:\/(\d{1,12})(?:\/(stop|logs|results))?)?)\/?$/.exec(url.pathname)
    if (!match) throw new HttpError(404, 'NOT_FOUND', `No such endpoint: ${method} ${url.pathname}.`)
    const dealId = BigInt(match[1])
    const upload = match[2]
    const jobId = match[3]
    const action = match[4]
    const route = `${method} ${upload ? 'upload' : jobId ? (action ? `job/${action}` : 'job') : 'jobs'}`
    const limit = BODY_LIMITS[route]
    if (limit === undefined) throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed on ${url.pathname}.`)
    const length = declaredLength(req, limit)
    const {files} = options.agent
    if (upload && length > files.maxUploadBytes) throw new JobFilesError(413, 'UPLOAD_TOO_LARGE', `The upload is ${formatSize(BigInt(length))} (${length} bytes); this provider takes at most ${formatSize(BigInt(files.maxUploadBytes))} of uploads per deal.`)
    const signed = readSignedHeaders(req.headers, {bodyLength: length, dealId})
    const signer = await recoverSigner(signed, {chainId: options.dealSource.chainId, dealId, method, path: url.pathname + url.search})
    const deal = await options.dealSource.getDeal(dealId)
    authorize(deal, dealId, signer, method !== 'GET')
    // Only the renter's nonces are kept, so a stranger's valid signatures cannot crowd them out.
    checkReplay(replay, signer, signed.nonce)
    if (upload) {
      await receiveUpload(req, res, dealId, upload, length, signed.bodyHash)
      return
    }
    if (length > 0 && req.headers.expect?.toLowerCase() === '100-continue') res.writeContinue()
    const body = length > 0 ? await readBody(req, length) : new Uint8Array()
    checkBody(body, signed)

    if (route === 'POST jobs') {
      let spec: unknown
      try {
        spec = JSON.parse(Buffer.from(body).toString('utf8'))
      } catch {
        throw new HttpError(400, 'INVALID_JOB_SPEC', 'The job spec is not JSON.')
      }
      const problem = jobSpecProblem(spec)
      if (problem) throw new HttpError(400, 'INVALID_JOB_SPEC', `Invalid job spec: ${problem.message} (field ${problem.field || '/'}).`)
      const refusal = options.agent.options.executor.refuse(spec as JobSpec)
      if (refusal) throw new HttpError(400, 'UNSUPPORTED_JOB', refusal)
      const unfunded = await options.agent.unfunded(dealId)
      if (unfunded) throw new HttpError(402, 'DEAL_UNFUNDED', unfundedRefusal(unfunded))
      const state = options.agent.startJob(dealId, signer, spec as JobSpec, deal)
      sendJson(res, 201, {job: state})
      return
    }
    if (route === 'GET jobs') {
      sendJson(res, 200, {jobs: options.agent.listJobs(dealId).map((state) => ({...state, lastSeq: options.agent.lastSeqOf(dealId, state.id)}))})
      return
    }
    const job = options.agent.getJob(dealId, jobId!)
    if (!job) throw new HttpError(404, 'NO_SUCH_JOB', `Deal ${dealId} has no job ${jobId}.`)
    if (route === 'GET job') {
      sendJson(res, 200, {job: {...job.state, lastSeq: options.agent.lastSeqOf(dealId, jobId!)}})
      return
    }
    if (route === 'GET job/results') {
      await sendResults(req, res, url.searchParams, dealId, job.state)
      return
    }
    if (route === 'POST job/stop') {
      const stopped = options.agent.stopJob(dealId, jobId!, 'stopped by the renter')
      sendJson(res, 200, {job: job.state, stopping: stopped})
      return
    }
    const {store} = job
    if (!store) {
      const pruned = job.state.logPruned
      throw new HttpError(410, 'LOG_PRUNED', `The log of job ${jobId} of deal ${dealId} was deleted${pruned ? ` on ${pruned.at}: ${pruned.reason}` : ''}.`)
    }
    await streamLogs(res, url.searchParams, job.state, store)
  }

  /** An upload, once its sender is the renter: stored already (nothing read), refused over the limit, or streamed to disk and checked. */
  async function receiveUpload(req: http.IncomingMessage, res: http.ServerResponse, dealId: bigint, sha256: string, length: number, signedHash: string): Promise<void> {
    const {files} = options.agent
    // The signature covers the body's sha256 as its body hash; the path names the same hash.
    if (signedHash !== `0x${sha256}`) throw new HttpError(400, 'INVALID_UPLOAD', `The upload's signed body hash ${signedHash} is not the sha256 its path names (${sha256}).`)
    const deal = dealId.toString()
    if (files.hasUpload(deal, sha256)) {
      sendJson(res, 200, {upload: {sha256, size: length, stored: true}}, !req.complete)
      return
    }
    const release = files.reserve(deal, length)
    try {
      if (req.headers.expect?.toLowerCase() === '100-continue') res.writeContinue()
      const {bytes} = await files.receiveUpload(deal, sha256, length, req)
      options.agent.options.log?.(`Deal ${deal}: received upload ${sha256.slice(0, 12)}… (${formatSize(BigInt(bytes))}).`)
      sendJson(res, 201, {upload: {sha256, size: bytes, stored: false}})
    } finally {
      release()
    }
  }

  /** A job's outputs as a stored tar archive; `Range: bytes=N-` with a matching If-Range continues a cut download. */
  async function sendResults(req: http.IncomingMessage, res: http.ServerResponse, query: URLSearchParams, dealId: bigint, state: JobState): Promise<void> {
    if (state.status === 'running') throw new HttpError(409, 'JOB_RUNNING', `Job ${state.id} of deal ${dealId} is still running; its results can be pulled once it ends.`)
    if (state.filesPruned) throw new HttpError(410, 'RESULTS_PRUNED', `The results of job ${state.id} of deal ${dealId} were deleted on ${state.filesPruned.at}: ${state.filesPruned.reason}.`)
    const outputs = state.spec.outputs ?? []
    if (outputs.length === 0) throw new HttpError(400, 'NO_OUTPUTS', `Job ${state.id} of deal ${dealId} declared no outputs: there is nothing to pull.`)
    const paths = query.getAll('path')
    for (const p of paths) {
      if (!isDeclaredOutput(outputs, p)) throw new HttpError(400, 'PATH_NOT_DECLARED', `${JSON.stringify(p)} is not among the outputs job ${state.id} declared (${outputs.map((o) => JSON.stringify(o)).join(', ')}).`)
    }
    const archive = await options.agent.files.results(options.agent.jobDir(state.dealId, state.id), outputs, paths)
    const etag = `"${archive.sha256}"`
    const range = /^bytes=(\d{1,15})-$/.exec(String(req.headers.range ?? ''))
    const ifRange = req.headers['if-range']
    let start = range && (ifRange === undefined || ifRange === etag) ? Number(range[1]) : 0
    if (start >= archive.bytes) start = 0
    const headers: http.OutgoingHttpHeaders = {
      'accept-ranges': 'bytes',
      'cache-control': 'no-store',
      'content-length': archive.bytes - start,
      'content-type': 'application/x-tar',
      etag,
      'x-nectar-results-bytes': archive.bytes,
      'x-nectar-results-files': archive.files,
      'x-nectar-results-missing': encodeURIComponent(JSON.stringify(archive.missing)),
    }
    if (start > 0) headers['content-range'] = `bytes ${start}-${archive.bytes - 1}/${archive.bytes}`
    res.writeHead(start > 0 ? 206 : 200, headers)
    // A reader that goes away ends the stream; the next pull continues from what it kept.
    await pipeline(createReadStream(archive.file, {highWaterMark: 256 * 1024, start}), res).catch(() => res.destroy())
  }

  function authorize(deal: DealInfo | undefined, dealId: bigint, signer: Address, write: boolean): void {
    if (!deal) throw new HttpError(404, 'NO_SUCH_DEAL', `There is no deal ${dealId} on chain ${options.dealSource.chainId}.`)
    if (options.supplier && !isAddressEqual(deal.supplier, options.supplier)) throw new HttpError(403, 'NOT_THIS_PROVIDER', `Deal ${dealId} is with provider ${deal.supplier}, not this agent (${options.supplier}).`)
    if (!isAddressEqual(deal.consumer, signer)) throw new HttpError(403, 'NOT_CONSUMER', `The request is signed by ${signer}, but deal ${dealId} was rented by ${deal.consumer}; only the deal's renter may use it.`)
    // Logs and status stay readable after the deal closes; starting and stopping jobs does not.
    if (write && deal.status === 'closed') throw new HttpError(403, 'DEAL_CLOSED', `Deal ${dealId} is closed: it no longer runs jobs.`)
  }

  async function streamLogs(res: http.ServerResponse, query: URLSearchParams, state: JobState, store: LogStore): Promise<void> {
    const int = (name: string): number | undefined => {
      const text = query.get(name)
      if (text === null || text === '') return undefined
      if (!/^\d{1,15}$/.test(text)) throw new HttpError(400, 'INVALID_QUERY', `${name}=${text} is not a whole number.`)
      return Number(text)
    }
    const stream = query.get('stream') ?? undefined
    if (stream !== undefined && stream !== 'stdout' && stream !== 'stderr') throw new HttpError(400, 'INVALID_QUERY', `stream=${stream} must be stdout or stderr.`)
    const follow = ['1', 'true'].includes(query.get('follow') ?? '')
    const after = store.startAfter({after: int('after'), since: int('since'), stream: stream as StreamName | undefined, tail: int('tail')})
    res.writeHead(200, {'cache-control': 'no-store', 'content-type': 'application/x-ndjson', 'x-nectar-heartbeat-ms': String(heartbeatMs), 'x-nectar-last-seq': String(store.lastSeq)})
    res.flushHeaders()
    const abort = new AbortController()
    const onClose = () => abort.abort()
    res.on('close', onClose)
    let lastWrite = Date.now()
    const write = async (text: string) => {
      lastWrite = Date.now()
      if (!res.write(text)) await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done)
          res.off('close', done)
          resolve()
        }
        res.on('drain', done)
        res.on('close', done)
      })
    }
    const heartbeat = follow
      ? setInterval(() => {
          if (Date.now() - lastWrite >= heartbeatMs && !res.writableEnded && res.writableLength === 0) {
            lastWrite = Date.now()
            res.write(`{"heartbeat":true,"ts":${lastWrite}}\n`)
          }
        }, Math.max(10, Math.floor(heartbeatMs / 2)))
      : undefined
    try {
      // Without follow, up to the record that was last when the request came.
      for await (const batch of store.follow(after, {signal: abort.signal, stream: stream as StreamName | undefined, to: follow ? undefined : store.lastSeq})) {
        let text = ''
        for (const record of batch) text += encodeRecord(record)
        await write(text)
        if (abort.signal.aborted) return
      }
      if (abort.signal.aborted) return
      const final = state.status === 'running' ? {eof: true, jobId: state.id, lastSeq: store.lastSeq, status: state.status} : endRecord(state, store.lastSeq)
      res.end(JSON.stringify(final) + '\n')
    } finally {
      clearInterval(heartbeat)
      res.off('close', onClose)
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        for (const socket of sockets) socket.destroy()
      }),
    server,
    url: `${options.tls ? 'https' : 'http'}://${host}:${address.port}`,
  }
}

/** The body's declared length, checked against the route's limit before any of it is read. */
function declaredLength(req: http.IncomingMessage, limit: number): number {
  const text = req.headers['content-length']
  // A body must say its length up front: a chunked one could only be measured by reading it.
  if (req.headers['transfer-encoding'] !== undefined || (text === undefined && req.method === 'POST')) {
    throw new HttpError(411, 'LENGTH_REQUIRED', 'The request must give its body’s Content-Length (chunked bodies are refused).')
  }
  const length = text === undefined ? 0 : Number(text)
  if (length > limit) {
    throw new HttpError(413, 'BODY_TOO_LARGE', limit === 0 ? `${req.method} takes no body here (Content-Length ${length}).` : `The request body (Content-Length ${length}) is over the ${limit >> 20 ? `${limit >> 20} MiB` : `${limit} bytes`} this endpoint takes.`)
  }
  return length
}

/** Reads exactly the declared body (the HTTP parser never delivers more of this request). */
function readBody(req: http.IncomingMessage, length: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const body = Buffer.allocUnsafe(length)
    let size = 0
    req.on('data', (chunk: Buffer) => {
      const take = Math.min(chunk.length, length - size)
      chunk.copy(body, size, 0, take)
      size += take
    })
    // A short body fails the hash check.
    req.on('end', () => resolve(body.subarray(0, size)))
    req.on('error', reject)
  })
}

function sendJson(res: http.ServerResponse, status: number, value: unknown, close = false): void {
  const text = JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))
  res.writeHead(status, {'content-length': Buffer.byteLength(text), 'content-type': 'application/json', ...(close ? {connection: 'close'} : {})})
  res.end(text)
}
