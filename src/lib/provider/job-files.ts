// The agent's side of a job's inputs and results, on disk in the data dir:
//   deals/<deal>/uploads/<sha256>.tar      an upload, kept once its hash checked (reused by later jobs)
//   deals/<deal>/jobs/<job>/work/          the job's work dir (the upload is unpacked there first)
//   deals/<deal>/jobs/<job>/results/<k>.tar  the job's outputs, packed once per set of paths
// An upload streams to a part file while it is hashed; only a complete file whose sha256 is the
// signed one is kept. A deal's uploads together stay under the provider's limit (the oldest unused
// ones make room). Results are packed on the first pull after the job ends and then served from the
// stored file, so a cut pull resumes with a Range request against the same bytes (the ETag is their
// sha256). Everything of a deal is deleted once it has been closed for longer than the retention.
import {createHash, randomBytes} from 'node:crypto'
import {createReadStream, createWriteStream, existsSync, mkdirSync, promises as fs, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {type Readable, Transform} from 'node:stream'
import {pipeline} from 'node:stream/promises'

import {packTar, type PackRoot, unpackTar, type UnpackResult} from './archive.js'

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

  uploadFile(dealId: string, sha256: string): string {
    if (!isSha256(sha256)) throw new JobFilesError(400, 'INVALID_UPLOAD', `${JSON.stringify(sha256)} is not a sha256 in hex.`)
    return path.join(this.uploadsDir(dealId), `${sha256}.tar`)
  }

  hasUpload(dealId: string, sha256: string): boolean {
    return existsSync(this.uploadFile(dealId, sha256))
  }

  /** The stored uploads of a deal, oldest use first. */
  private stored(dealId: string): Array<{bytes: number; file: string; usedAt: number}> {
    const dir = this.uploadsDir(dealId)
    if (!existsSync(dir)) return []
    return readdirSync(dir)
      .filter((name) => name.endsWith('.tar'))
      .map((name) => {
        const stat = statSync(path.join(dir, name))
        return {bytes: stat.size, file: path.join(dir, name), usedAt: stat.mtimeMs}
      })
      .sort((a, b) => a.usedAt - b.usedAt)
  }

  /**
   * Makes room for an upload of `length` bytes before its body is read: refused (413) when it alone
   * is over the limit, or when the uploads in flight leave no room; else the oldest stored uploads of
   * the deal are deleted until it fits. Returns a release function (call it when the upload ends).
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
      rmSync(s.file, {force: true})
      total -= s.bytes
      this.log?.(`Deleted upload ${path.basename(s.file)} of deal ${dealId} to make room (per-deal limit ${limit} bytes).`)
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
   * Streams an upload's body to a part file while hashing it; keeps it only when it has the declared
   * length and the signed sha256 (else 400 UPLOAD_HASH_MISMATCH, nothing kept).
   */
  async receiveUpload(dealId: string, sha256: string, length: number, body: Readable): Promise<{bytes: number}> {
    const file = this.uploadFile(dealId, sha256)
    mkdirSync(path.dirname(file), {mode: 0o700, recursive: true})
    const part = `${file}.part-${randomBytes(4).toString('hex')}`
    const hash = createHash('sha256')
    let bytes = 0
    const meter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        hash.update(chunk)
        bytes += chunk.length
        cb(null, chunk)
      },
    })
    try {
      await pipeline(body, meter, createWriteStream(part, {mode: 0o600}))
      if (bytes !== length) throw new JobFilesError(400, 'UPLOAD_INCOMPLETE', `The upload ended after ${bytes} of its ${length} bytes.`)
      const got = hash.digest('hex')
      if (got !== sha256) throw new JobFilesError(400, 'UPLOAD_HASH_MISMATCH', `The upload's sha256 is ${got}, not the ${sha256} it was signed with; nothing was kept.`)
      renameSync(part, file)
      return {bytes}
    } catch (error) {
      rmSync(part, {force: true})
      throw error
    }
  }

  /** Unpacks a stored upload into a job's work dir (refusing unsafe entries); 409 when it is not stored. */
  async unpackUpload(dealId: string, sha256: string, workDir: string): Promise<UnpackResult> {
    const file = this.uploadFile(dealId, sha256)
    if (!existsSync(file)) throw new JobFilesError(409, 'UPLOAD_MISSING', `This agent holds no upload ${sha256} for deal ${dealId} (never sent, or deleted to make room).`)
    const now = new Date()
    await fs.utimes(file, now, now) // the most recently used stays longest
    return unpackTar(createReadStream(file, {highWaterMark: 1 << 20}), workDir)
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
    const hash = createHash('sha256')
    let bytes = 0
    let files = 0
    const meter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        hash.update(chunk)
        bytes += chunk.length
        cb(null, chunk)
      },
    })
    try {
      await pipeline(packTar(roots, {onFile: () => files++, outsideLinks: 'skip'}), meter, createWriteStream(part, {mode: 0o600}))
    } catch (error) {
      rmSync(part, {force: true})
      throw error
    }
    renameSync(part, file)
    const result = {bytes, files, missing, sha256: hash.digest('hex')}
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
