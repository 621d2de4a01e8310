// The agent's side of a job's inputs and results, on disk in the data dir:
//   deals/<deal>/uploads/<sha256>/          an upload, unpacked, kept once its hash checked, until a job takes it
//   deals/<deal>/jobs/<job>/work/          the job's work dir (the upload is unpacked there first)
//   deals/<deal>/jobs/<job>/results/<k>.tar  the job's outputs, packed once per set of paths
// An upload is unpacked (safely) into a staging directory while it arrives and is hashed; it is
// kept only when it is complete and its sha256 is the signed one, until the job that names it takes
// it over by a rename. An unsafe archive is refused while it arrives. A deal's waiting uploads stay
// under the provider's limit (the oldest unused ones make room). A job's outputs are packed once
// when it ends (or at the first pull, for another set of paths) and then served from the stored
// file, so a cut pull resumes with a Range request against the same bytes (the ETag is their
// sha256). Everything of a deal is deleted once it has been closed for longer than the retention.
import {createHash, randomBytes} from 'node:crypto'
import {createWriteStream, existsSync, mkdirSync, promises as fs, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {type Readable} from 'node:stream'
import {pipeline} from 'node:stream/promises'

import {discard, hashingMeter, packTar, type PackRoot, unpackingTee, type UnpackResult} from './archive.js'

export const DEFAULT_MAX_UPLOAD_BYTES = 2 * 2 ** 30
export const DEFAULT_RESULTS_RETENTION_MS = 7 * 24 * 3600 * 1000

/** A refusal the HTTP layer answers with its status and code. */
export class JobFilesError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

export interface ResultsArchive {
  bytes: number
  file: string
  files: number
  /** Output paths the job declared but did not leave behind. */
  missing: string[]
  sha256: string
}

const isSha256 = (text: string) => /^[0-9a-f]{64}$/.test(text)

/** Normalized output paths, dropping any inside another one (packed once). */
export function outputRoots(outputs: string[]): string[] {
  const norm = [...new Set(outputs.map((p) => path.posix.normalize(p).replace(/\/+$/, '')))].sort()
  return norm.filter((p) => !norm.some((q) => q !== p && p.startsWith(q + '/')))
}

/** Whether `p` is one of the declared outputs or inside one. */
export function isDeclaredOutput(outputs: string[], p: string): boolean {
  const want = path.posix.normalize(p).replace(/\/+$/, '')
  if (want === '.' || want === '..' || want.startsWith('../') || path.posix.isAbsolute(want)) return false
  return outputRoots(outputs).some((q) => want === q || want.startsWith(q + '/'))
}

export class JobFiles {
  /** Bytes being received now, per deal (counted against the limit with what is stored). */
  private readonly inFlight = new Map<string, number>()
  private readonly packing = new Map<string, Promise<ResultsArchive>>()

  constructor(
    private readonly dataDir: string,
    readonly maxUploadBytes: number = DEFAULT_MAX_UPLOAD_BYTES,
    private readonly log?: (message: string) => void,
  ) {}

  private uploadsDir(dealId: string): string {
    return path.join(this.dataDir, 'deals', dealId, 'uploads')
  }

  /** Where a checked upload waits, unpacked, for the job that names it (and its sizes beside it, .json). */
  uploadDir(dealId: string, sha256: string): string {
    if (!isSha256(sha256)) throw new JobFilesError(400, 'INVALID_UPLOAD', `${JSON.stringify(sha256)} is not a sha256 in hex.`)
    return path.join(this.uploadsDir(dealId), sha256)
  }

  hasUpload(dealId: string, sha256: string): boolean {
    const dir = this.uploadDir(dealId, sha256)
    return existsSync(`${dir}.json`) && existsSync(dir)
  }

  /** The uploads of a deal waiting for a job, oldest first, with their archive sizes. */
  private stored(dealId: string): Array<{bytes: number; dir: string; at: number}> {
    const dir = this.uploadsDir(dealId)
    if (!existsSync(dir)) return []
    return readdirSync(dir)
      .filter((name) => name.endsWith('.json'))
      .map((name) => {
        const file = path.join(dir, name)
        const bytes = Number((JSON.parse(readFileSync(file, 'utf8')) as {archiveBytes?: number}).archiveBytes) || 0
        return {at: statSync(file).mtimeMs, bytes, dir: file.slice(0, -'.json'.length)}
      })
      .sort((a, b) => a.at - b.at)
  }

  /**
   * Makes room for an upload of `length` bytes before its body is read: refused (413) when it alone
   * is over the limit, or when the uploads in flight leave no room; else the oldest uploads of the
   * deal still waiting for a job are deleted until it fits. Returns a release function (call it when
   * the upload ends).
   */
  reserve(dealId: string, length: number): () => void {
    const limit = this.maxUploadBytes
    if (length > limit) throw new JobFilesError(413, 'UPLOAD_TOO_LARGE', `The upload is ${length} bytes; this provider takes at most ${limit} bytes of uploads per deal.`)
    const flying = this.inFlight.get(dealId) ?? 0
    if (flying + length > limit) throw new JobFilesError(413, 'UPLOAD_TOO_LARGE', `Uploads of ${flying} bytes to this deal are still in progress; with this one (${length} bytes) they pass the provider's limit of ${limit} bytes per deal.`)
    let total = flying + length
    const stored = this.stored(dealId)
    for (const s of stored) total += s.bytes
    for (const s of stored) {
      if (total <= limit) break
      rmSync(`${s.dir}.json`, {force: true})
      rmSync(s.dir, {force: true, recursive: true})
      total -= s.bytes
      this.log?.(`Deleted upload ${path.basename(s.dir)} of deal ${dealId}, which no job took, to make room (per-deal limit ${limit} bytes).`)
    }
    this.inFlight.set(dealId, flying + length)
    let released = false
    return () => {
      if (released) return
      released = true
      const left = (this.inFlight.get(dealId) ?? length) - length
      if (left > 0) this.inFlight.set(dealId, left)
      else this.inFlight.delete(dealId)
    }
  }

  /**
   * Unpacks an upload's body as it arrives (unpackTar's checks: an unsafe entry stops it at once)
   * into a staging directory while hashing it; keeps it only when it has the declared length and the
   * signed sha256 (else 400 UPLOAD_HASH_MISMATCH, nothing kept). The archive itself is not stored:
   * writing it too would double the disk traffic of an upload.
   */
  async receiveUpload(dealId: string, sha256: string, length: number, body: Readable): Promise<{bytes: number}> {
    const dir = this.uploadDir(dealId, sha256)
    mkdirSync(path.dirname(dir), {mode: 0o700, recursive: true})
    const staging = `${dir}.part-${randomBytes(4).toString('hex')}`
    const meter = hashingMeter()
    const tee = unpackingTee(staging)
    try {
      await pipeline(body, meter.stream, tee.stream, discard())
      const counts = await tee.result
      const bytes = meter.bytes()
      if (bytes !== length) throw new JobFilesError(400, 'UPLOAD_INCOMPLETE', `The upload ended after ${bytes} of its ${length} bytes.`)
      const got = meter.sha256()
      if (got !== sha256) throw new JobFilesError(400, 'UPLOAD_HASH_MISMATCH', `The upload's sha256 is ${got}, not the ${sha256} it was signed with (did a file change while it was sent?); nothing was kept.`)
      rmSync(dir, {force: true, recursive: true})
      renameSync(staging, dir)
      writeFileSync(`${dir}.json`, JSON.stringify({...counts, archiveBytes: bytes}))
      return {bytes}
    } catch (error) {
      await tee.result.catch(() => {})
      rmSync(staging, {force: true, recursive: true})
      throw error
    }
  }

  /**
   * Gives a checked upload to a job: its unpacked files become the job's work dir (a rename). Each
   * upload serves one job; 409 UPLOAD_MISSING when the agent holds none (never sent, taken by an
   * earlier job, or deleted to make room): the renter's CLI sends it again for each job.
   */
  takeUpload(dealId: string, sha256: string, workDir: string): UnpackResult {
    const dir = this.uploadDir(dealId, sha256)
    if (!this.hasUpload(dealId, sha256)) throw new JobFilesError(409, 'UPLOAD_MISSING', `This agent holds no upload ${sha256} for deal ${dealId} (never sent, taken by an earlier job, or deleted to make room).`)
    const counts = JSON.parse(readFileSync(`${dir}.json`, 'utf8')) as UnpackResult
    rmSync(`${dir}.json`, {force: true})
    renameSync(dir, workDir)
    return {bytes: counts.bytes, files: counts.files}
  }

  /**
   * The job's outputs (all of them, or the given paths, each declared or inside one) as a stored tar
   * archive, packed on first use. Symlinks that lead out of the work dir are left out.
   */
  results(jobDir: string, outputs: string[], paths?: string[]): Promise<ResultsArchive> {
    const wanted = paths && paths.length > 0 ? outputRoots(paths) : outputRoots(outputs)
    const key = paths && paths.length > 0 ? createHash('sha256').update(JSON.stringify(wanted)).digest('hex').slice(0, 16) : 'all'
    const dir = path.join(jobDir, 'results')
    const file = path.join(dir, `${key}.tar`)
    const meta = `${file}.json`
    if (existsSync(meta) && existsSync(file)) return Promise.resolve({...(JSON.parse(readFileSync(meta, 'utf8')) as Omit<ResultsArchive, 'file'>), file})
    const id = `${jobDir}:${key}`
    let packing = this.packing.get(id)
    if (!packing) {
      packing = this.pack(path.join(jobDir, 'work'), wanted, dir, file, meta).finally(() => this.packing.delete(id))
      this.packing.set(id, packing)
    }
    return packing
  }

  private async pack(workDir: string, wanted: string[], dir: string, file: string, meta: string): Promise<ResultsArchive> {
    mkdirSync(dir, {mode: 0o700, recursive: true})
    const root = await fs.realpath(workDir).catch(() => undefined)
    const roots: PackRoot[] = []
    const missing: string[] = []
    for (const p of wanted) {
      const abs = path.join(workDir, p)
      // An output whose parent is a symlink (planted by the job) could lead anywhere on the host.
      const real = root ? await fs.realpath(path.dirname(abs)).catch(() => undefined) : undefined
      const exists = real !== undefined && (real === root || real.startsWith(root + path.sep)) && (await fs.lstat(abs).catch(() => undefined)) !== undefined
      if (exists) roots.push({abs, name: p})
      else missing.push(p)
    }
    const part = `${file}.part-${randomBytes(4).toString('hex')}`
    let files = 0
    const meter = hashingMeter()
    try {
      await pipeline(packTar(roots, {onFile: () => files++, outsideLinks: 'skip'}), meter.stream, createWriteStream(part, {mode: 0o600}))
    } catch (error) {
      rmSync(part, {force: true})
      throw error
    }
    renameSync(part, file)
    const result = {bytes: meter.bytes(), files, missing, sha256: meter.sha256()}
    writeFileSync(meta, JSON.stringify(result))
    return {...result, file}
  }

  /** Deletes a deal's uploads, and its jobs' work dirs and results (the deal ended past the retention). */
  pruneDeal(dealId: string, jobDirs: string[]): void {
    rmSync(this.uploadsDir(dealId), {force: true, recursive: true})
    for (const jobDir of jobDirs) {
      rmSync(path.join(jobDir, 'results'), {force: true, recursive: true})
      rmSync(path.join(jobDir, 'work'), {force: true, recursive: true})
    }
  }
}
