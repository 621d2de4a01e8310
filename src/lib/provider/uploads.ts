// The renter's side of a job's inputs: the files and directories of --upload and the spec's `inputs:`
// packed into one tar archive and sent to the deal's agent before the job starts.
// The archive is packed twice rather than spooled to a temporary file: once to learn its sha256 and
// size (which the request signature covers, so the agent can refuse it before reading a byte), then
// again while it is sent. Packing is deterministic, so both passes give the same bytes unless a file
// changes in between: a changed size stops the upload here, a changed content is refused by the
// agent's hash check (nothing kept). This costs a second read of the files (from the page cache, for most), never a
// second copy of several GiB on the renter's disk, and memory stays at a few buffers either way.
// The request says `Expect: 100-continue`: an agent that refuses it (over its limit, wrong signer,
// closed deal) or already holds that archive answers before a byte of the body is sent.
import {existsSync, lstatSync} from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import path from 'node:path'
import {type Readable, Transform} from 'node:stream'
import {pipeline} from 'node:stream/promises'

import {nectarError} from '../core/errors.js'
import {hashStream, packTar, type PackRoot, UnsafeArchiveError} from './archive.js'
import {signRequest} from './auth.js'
import {type AgentTarget, agentError, readAll, unreachableHint} from './client.js'
import {type JobSpec} from './job-spec.js'

export interface PreparedUpload {
  bytes: number
  roots: PackRoot[]
  sha256: string
}

/**
 * The upload's roots: the spec's `inputs:` (relative to the spec file's directory), then `--upload`
 * paths (relative to the current directory), each landing in the work dir under its base name.
 */
export function uploadRoots(spec: JobSpec, specFile: string | undefined, uploads: string[] = []): PackRoot[] {
  const specDir = specFile ? path.dirname(path.resolve(specFile)) : process.cwd()
  const all = [...(spec.inputs ?? []).map((p) => ({from: 'inputs: of the spec', p: path.resolve(specDir, p)})), ...uploads.map((p) => ({from: '--upload', p: path.resolve(p)}))]
  const roots: PackRoot[] = []
  const names = new Map<string, string>()
  for (const {from, p} of all) {
    if (!existsSync(p) && !isLink(p)) throw nectarError('UPLOAD_NOT_FOUND', `${p} (from ${from}) does not exist.`)
    const stat = lstatSync(p)
    if (!stat.isFile() && !stat.isDirectory()) throw nectarError('INVALID_UPLOAD', `${p} (from ${from}) is neither a file nor a directory.`, {hint: 'Upload files and directories (a symlink is sent as a link; upload what it points to instead).'})
    const name = path.basename(p)
    if (!name || name === '.' || name === '..' || name === '/') throw nectarError('INVALID_UPLOAD', `${p} has no name to give it in the job's work dir.`, {hint: 'Upload a named file or directory (e.g. ./data rather than /).'})
    const twin = names.get(name)
    if (twin !== undefined && twin !== p) throw nectarError('INVALID_UPLOAD', `${twin} and ${p} would both land in the work dir as ${name}.`, {hint: 'Upload them from one parent directory, or rename one.'})
    if (twin === undefined) roots.push({abs: p, name})
    names.set(name, p)
  }
  return roots
}

function isLink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink()
  } catch {
    return false
  }
}

/** The first pass: the archive's sha256 and size, without writing anything. */
export async function prepareUpload(roots: PackRoot[]): Promise<PreparedUpload> {
  try {
    const {bytes, sha256} = await hashStream(packTar(roots))
    return {bytes, roots, sha256}
  } catch (error) {
    throw archiveError(error)
  }
}

function archiveError(error: unknown) {
  if (error instanceof UnsafeArchiveError) return nectarError('UNSAFE_ARCHIVE', `Cannot upload: ${error.message}.`, {hint: 'Upload the files the link points to, or remove the link.'})
  const e = error as NodeJS.ErrnoException
  if (e.code === 'ENOENT' || e.code === 'EACCES') return nectarError('UPLOAD_NOT_FOUND', `Cannot read ${e.path ?? 'an uploaded file'} (${e.code}).`)
  return error
}

export interface SendUploadOptions {
  /** The archive's bytes, when they are not packed from `roots` (tests send archives the CLI never makes). */
  body?: () => Readable
  onProgress?: (bytes: number, total: number) => void
  signal?: AbortSignal
}

/**
 * The second pass: streams the archive to the deal's agent (PUT /deals/:id/uploads/:sha256), signed
 * over its sha256. `stored`: the agent already had it (nothing was sent).
 */
export async function sendUpload(target: AgentTarget, upload: PreparedUpload, options: SendUploadOptions = {}): Promise<{sent: number; stored: boolean}> {
  const p = `/deals/${target.dealId}/uploads/${upload.sha256}`
  const headers = await signRequest(target.account, {bodyHash: `0x${upload.sha256}`, chainId: target.chainId, dealId: target.dealId, method: 'PUT', path: p})
  const url = new URL(target.endpoint + p)
  const transport = url.protocol === 'https:' ? https : http
  let sent = 0
  let changed = false
  return new Promise((resolve, reject) => {
    let settled = false
    const fail = (error: unknown) => {
      if (settled) return
      settled = true
      request.destroy()
      reject(error)
    }
    const request = transport.request(url, {
      agent: false,
      headers: {...headers, 'content-length': upload.bytes, 'content-type': 'application/x-tar', expect: '100-continue'},
      method: 'PUT',
      signal: options.signal,
      timeout: 60_000,
    })
    request.on('timeout', () => fail(nectarError('AGENT_UNREACHABLE', `The provider agent at ${target.endpoint} stopped answering during the upload.`, {hint: unreachableHint(target.endpoint)})))
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (error.name === 'AbortError') fail(nectarError('INTERRUPTED', 'The upload was interrupted.'))
      else fail(nectarError('AGENT_UNREACHABLE', `The provider agent at ${target.endpoint} did not take the upload (${error.code ?? error.message}).`, {cause: error, hint: unreachableHint(target.endpoint)}))
    })
    request.on('continue', () => {
      const meter = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          sent += chunk.length
          options.onProgress?.(sent, upload.bytes)
          cb(null, chunk)
        },
        flush(cb) {
          // A file grew or shrank since the first pass: stop before the agent gets a wrong archive.
          if (sent !== upload.bytes) {
            changed = true
            cb(new Error('changed'))
          } else cb()
        },
      })
      pipeline(options.body?.() ?? packTar(upload.roots), meter, request).catch((error) => {
        if (changed || /size mismatch/.test((error as Error).message)) fail(nectarError('UPLOAD_CHANGED', 'The uploaded files changed while they were sent (the archive no longer has the hash it was signed with); nothing was kept.'))
        else if (!settled) fail(archiveError(error))
      })
    })
    request.on('response', (response) => {
      readAll(response).then((text) => {
        if (settled) return
        const status = response.statusCode ?? 500
        if (status >= 300) return fail(agentError(target, status, text))
        settled = true
        // An answer before the 100 (already stored): the body was never sent.
        if (!request.writableFinished) request.destroy()
        resolve({sent, stored: status === 200})
      }, fail)
    })
    request.flushHeaders()
  })
}
