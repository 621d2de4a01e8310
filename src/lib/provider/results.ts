// The renter's side of a job's results: the agent serves the job's outputs as one stored tar archive
// (ETag = its sha256); the pull keeps what it received in a part file in the output directory and,
// after a cut connection, asks for the rest with `Range: bytes=N-` + `If-Range: ETAG` (here, a few
// times with backoff; and on the next run of the same pull). Only a complete archive whose sha256 is
// the ETag is unpacked, safely (archive.ts), into the output directory. A download that runs through
// in one go is hashed and unpacked (into a staging directory) as it arrives, and moved in place once
// its hash checks; a resumed one is hashed and unpacked from the part file at the end.
import {createHash} from 'node:crypto'
import {createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import path from 'node:path'
import {pipeline} from 'node:stream/promises'

import {nectarError} from '../core/errors.js'
import {hashingMeter, hashStream, moveInto, UnsafeArchiveError, unpackingTee, unpackTar} from './archive.js'
import {signRequest} from './auth.js'
import {type AgentTarget, agentError, readAll, unreachableHint} from './client.js'

export interface PullOptions {
  outDir: string
  /** Declared outputs (or paths inside them) to pull; default all the job's outputs. */
  paths?: string[]
  signal?: AbortSignal
  /** Archive bytes received so far (those of an earlier, cut pull included) and the archive's size. */
  onProgress?: (bytes: number, total?: number) => void
  /** Reconnects after a cut connection before giving up (the next run resumes anyway). Default 5. */
  retries?: number
}

export interface PullResult {
  /** Bytes of the files unpacked. */
  bytes: number
  files: number
}

class Broke extends Error {}

/** Where a pull keeps what it received so far, and the archive's ETag. */
function partFiles(target: AgentTarget, jobId: string, outDir: string, paths: string[]) {
  const key = paths.length === 0 ? 'all' : createHash('sha256').update(JSON.stringify([...paths].sort())).digest('hex').slice(0, 12)
  const base = path.join(outDir, `.nectar-pull-${target.dealId}-${jobId}-${key}`)
  return {meta: `${base}.json`, part: `${base}.tar.part`, staging: `${base}.d`}
}

/** A download that ran through in one go: its hash, and its files unpacked in the staging dir. */
interface Streamed {
  sha256: string
  unpacked: PullResult
}

/**
 * Pulls a job's outputs into `outDir` (created if need be), resuming a pull that was cut (in this run
 * or an earlier one). Byte-exact: the archive's sha256 is checked before anything is unpacked.
 */
export async function pullResults(target: AgentTarget, jobId: string, options: PullOptions): Promise<PullResult> {
  const paths = options.paths ?? []
  const outDir = path.resolve(options.outDir)
  mkdirSync(outDir, {recursive: true})
  const {meta, part, staging} = partFiles(target, jobId, outDir, paths)
  const query = new URLSearchParams()
  for (const p of paths) query.append('path', p)
  const urlPath = `/deals/${target.dealId}/jobs/${jobId}/results${query.size > 0 ? `?${query}` : ''}`
  /** The archive's ETag and size, kept beside the part file (written before its first byte). */
  const known = (): {etag?: string; total?: number} => {
    try {
      return existsSync(part) ? (JSON.parse(readFileSync(meta, 'utf8')) as {etag: string; total: number}) : {}
    } catch {
      return {}
    }
  }
  const retries = options.retries ?? 5
  let failures = 0
  let delay = 200
  let etag: string | undefined
  let streamed: Streamed | undefined
  for (;;) {
    const {etag: tag, total} = known()
    etag = tag
    const have = etag ? statSync(part).size : 0
    if (etag && total !== undefined && have === total) break
    try {
      streamed = await fetchRange(target, urlPath, have, etag, options, part, staging)
      failures = 0
      delay = 200
    } catch (error) {
      if (!(error instanceof Broke)) throw error
      if (++failures > retries) throw nectarError('PULL_BROKE', `The results download from ${target.endpoint} broke ${failures} times (${error.message}); ${existsSync(part) ? statSync(part).size : 0} bytes are kept.`)
      await new Promise((r) => setTimeout(r, delay))
      delay = Math.min(delay * 2, 5000)
    }
  }
  // Byte-exact or nothing: a wrong archive is discarded before a file of it is put in place.
  const sha256 = streamed?.sha256 ?? (await fileSha256(part))
  try {
    if (`"${sha256}"` !== etag) throw nectarError('RESULTS_HASH_MISMATCH', `The results archive's sha256 is ${sha256}, not the ${etag} the agent announced; it was discarded.`)
    if (streamed) {
      await moveInto(staging, outDir)
      return streamed.unpacked
    }
    return await unpackTar(createReadStream(part, {highWaterMark: 1 << 20}), outDir)
  } catch (error) {
    throw unsafe(error, outDir)
  } finally {
    rmSync(part, {force: true})
    rmSync(meta, {force: true})
    rmSync(staging, {force: true, recursive: true})
  }
}

function unsafe(error: unknown, outDir: string) {
  if (error instanceof UnsafeArchiveError) return nectarError('UNSAFE_ARCHIVE', `The results archive was refused: ${error.message}; nothing was written outside ${outDir}.`)
  return error
}

async function fileSha256(file: string): Promise<string> {
  return (await hashStream(createReadStream(file, {highWaterMark: 1 << 20}))).sha256
}

/** One request: the archive from `have` on (or from 0 when the agent's archive changed), appended to `part`. */
async function fetchRange(target: AgentTarget, urlPath: string, have: number, etag: string | undefined, options: PullOptions, part: string, staging: string): Promise<Streamed | undefined> {
  const headers: Record<string, string> = await signRequest(target.account, {body: '', chainId: target.chainId, dealId: target.dealId, method: 'GET', path: urlPath})
  if (have > 0 && etag) {
    headers.range = `bytes=${have}-`
    headers['if-range'] = etag
  }
  const url = new URL(target.endpoint + urlPath)
  const transport = url.protocol === 'https:' ? https : http
  const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
    // No timeout while the agent packs the outputs (first pull of a big job); an idle one once they flow.
    const request = transport.request(url, {agent: false, headers, method: 'GET', signal: options.signal}, resolve)
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (error.name === 'AbortError') reject(nectarError('INTERRUPTED', 'The pull was interrupted; run it again to continue.'))
      else if (have > 0 || etag) reject(new Broke(error.code ?? error.message))
      else reject(nectarError('AGENT_UNREACHABLE', `The provider agent at ${target.endpoint} did not answer (${error.code ?? error.message}).`, {cause: error, hint: unreachableHint(target.endpoint)}))
    })
    request.end()
  })
  const status = response.statusCode ?? 500
  if (status >= 500) throw new Broke(`HTTP ${status}`)
  if (status !== 200 && status !== 206) throw agentError(target, status, await readAll(response))
  const newTag = String(response.headers.etag ?? '')
  const total = Number(response.headers['x-nectar-results-bytes'])
  if (!/^"[0-9a-f]{64}"$/.test(newTag) || !Number.isSafeInteger(total)) throw nectarError('AGENT_BAD_RESPONSE', `The agent at ${target.endpoint} sent results without their hash and size.`, {hint: 'Ask the provider to update nectar.'})
  const resumed = status === 206
  if (resumed && !String(response.headers['content-range'] ?? '').startsWith(`bytes ${have}-`)) throw nectarError('AGENT_BAD_RESPONSE', `The agent at ${target.endpoint} answered a different range than asked for.`)
  let received = resumed ? have : 0
  options.onProgress?.(received, total)
  // From the first byte: hashed and unpacked on the way (into the staging dir, moved in place once checked).
  const from = received
  const meter = hashingMeter({
    hash: !resumed,
    onBytes(n) {
      received = from + n
      options.onProgress?.(received, total)
    },
  })
  // The tag goes with the bytes: written before the first byte lands in the part file.
  if (!resumed || newTag !== etag) {
    writeFileSync(part, '')
    writeFileSync(part.replace(/\.tar\.part$/, '.json'), JSON.stringify({etag: newTag, total}))
  }
  rmSync(staging, {force: true, recursive: true})
  const tee = resumed ? undefined : unpackingTee(staging)
  const file = createWriteStream(part, {flags: 'a', highWaterMark: 1 << 20})
  try {
    await (tee ? pipeline(response, meter.stream, tee.stream, file) : pipeline(response, meter.stream, file))
  } catch (error) {
    await tee?.result.catch(() => {})
    rmSync(staging, {force: true, recursive: true})
    if (error instanceof UnsafeArchiveError) {
      rmSync(part, {force: true})
      rmSync(part.replace(/\.tar\.part$/, '.json'), {force: true})
      throw unsafe(error, path.dirname(part))
    }
    if ((error as Error).name === 'AbortError' || options.signal?.aborted) throw nectarError('INTERRUPTED', 'The pull was interrupted; run it again to continue.')
    throw new Broke((error as NodeJS.ErrnoException).code ?? (error as Error).message)
  }
  if (received !== total) throw new Broke(`the connection closed after ${received} of ${total} bytes`)
  if (!tee) return undefined
  const unpacked = await tee.result
  return {sha256: meter.sha256(), unpacked}
}
