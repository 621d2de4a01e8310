// Tar archives for a job's inputs and results, streamed both ways (never held in memory).
// Packing is deterministic (entries sorted, owner 0, the files' own mtimes), so packing the same
// files twice gives the same bytes: the renter hashes an upload in one pass and sends it in a second.
// Symlinks are stored as links, never followed (a job's output symlink to /etc/shadow must not pack
// the host's file). Unpacking refuses, before writing anything for it, an entry that is absolute,
// has a `..` component, is a device or a fifo, is a symlink or hard link pointing outside the
// directory, or would be written through a symlink; files are opened with O_NOFOLLOW.
import {createHash} from 'node:crypto'
import {constants, createReadStream, promises as fs} from 'node:fs'
import path from 'node:path'
import {PassThrough, type Readable, Transform, Writable} from 'node:stream'
import {pipeline} from 'node:stream/promises'

import * as tar from 'tar-stream'

/** A file or directory to pack, and its name in the archive. */
export interface PackRoot {
  abs: string
  name: string
}

/** Why an archive was refused (the caller maps it to its own error). */
export class UnsafeArchiveError extends Error {}

/** The problem with an archive entry name, or undefined; names are relative, `/`-separated, no `..`. */
export function entryNameProblem(name: string): string | undefined {
  if (name === '' || name.includes('\0')) return `entry ${JSON.stringify(name)} has an empty name or a NUL`
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return `entry ${JSON.stringify(name)} is an absolute path`
  if (name.split('/').includes('..')) return `entry ${JSON.stringify(name)} has a .. component`
  return undefined
}

const clean = (name: string) => path.posix.normalize(name.replace(/^(\.\/)+/, '')).replace(/\/+$/, '')

/** A symlink's target, relative to the archive root, or undefined when it leaves the root or is absolute. */
function linkTargetInside(entry: string, target: string): string | undefined {
  if (!target || target.includes('\0') || path.posix.isAbsolute(target)) return undefined
  const joined = path.posix.normalize(path.posix.join(path.posix.dirname(entry), target))
  if (joined === '..' || joined.startsWith('../')) return undefined
  return joined
}

interface WalkEntry {
  abs: string
  name: string
  stat: import('node:fs').Stats
}

/** The entries under each root, depth first, sorted by name (lstat: symlinks are not followed). */
async function* walk(roots: PackRoot[]): AsyncGenerator<WalkEntry> {
  for (const root of [...roots].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const stat = await fs.lstat(root.abs)
    yield {abs: root.abs, name: root.name, stat}
    if (stat.isDirectory()) {
      const names = (await fs.readdir(root.abs)).sort()
      yield* walk(names.map((n) => ({abs: path.join(root.abs, n), name: `${root.name}/${n}`})))
    }
  }
}

export interface PackOptions {
  /** Called for each regular file packed. */
  onFile?: () => void
  /** Symlinks that point outside the archive: refuse (default, names the link) or leave out. */
  outsideLinks?: 'refuse' | 'skip'
}

/**
 * A tar stream of the roots (files, directories, symlinks; other kinds are left out). Backpressure:
 * a file is read only as fast as the stream is consumed.
 */
export function packTar(roots: PackRoot[], options: PackOptions = {}): Readable {
  const pack = tar.pack()
  const run = async () => {
    for await (const entry of walk(roots)) {
      const {stat} = entry
      const base = {gid: 0, gname: '', mode: stat.mode & 0o777, mtime: new Date(Math.floor(stat.mtimeMs / 1000) * 1000), name: entry.name, uid: 0, uname: ''}
      if (stat.isDirectory()) await add(pack, {...base, type: 'directory'})
      else if (stat.isSymbolicLink()) {
        const target = await fs.readlink(entry.abs)
        if (linkTargetInside(entry.name, target) === undefined) {
          if (options.outsideLinks === 'skip') continue
          throw new UnsafeArchiveError(`${entry.abs} is a symlink to ${target}, outside what is packed`)
        }
        await add(pack, {...base, linkname: target, type: 'symlink'})
      } else if (stat.isFile()) {
        options.onFile?.()
        await new Promise<void>((resolve, reject) => {
          const sink = pack.entry({...base, size: stat.size, type: 'file'}, (error) => (error ? reject(error) : resolve()))
          pipeline(createReadStream(entry.abs, {highWaterMark: 256 * 1024}), sink).catch(reject)
        })
      }
    }
    pack.finalize()
  }
  run().catch((error: Error) => pack.destroy(error))
  return pack
}

function add(pack: tar.Pack, header: tar.Headers): Promise<void> {
  return new Promise((resolve, reject) => pack.entry(header, (error) => (error ? reject(error) : resolve())))
}

/** A pass-through that counts the bytes flowing through it and hashes them (sha256, unless `hash` is false). */
export function hashingMeter({hash = true, onBytes}: {hash?: boolean; onBytes?: (total: number) => void} = {}): {bytes: () => number; sha256: () => string; stream: Transform} {
  const digest = hash ? createHash('sha256') : undefined
  let bytes = 0
  const stream = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      digest?.update(chunk)
      bytes += chunk.length
      onBytes?.(bytes)
      cb(null, chunk)
    },
  })
  return {bytes: () => bytes, sha256: () => digest!.digest('hex'), stream}
}

/** Takes whatever reaches it: the end of a pipeline that is read only for what passed through it. */
export const discard = (): Writable => new Writable({write: (_chunk, _enc, cb) => cb()})

/** sha256 (hex) and size of a stream's bytes, read to the end. */
export async function hashStream(source: Readable): Promise<{bytes: number; sha256: string}> {
  const meter = hashingMeter()
  await pipeline(source, meter.stream, discard())
  return {bytes: meter.bytes(), sha256: meter.sha256()}
}

export interface UnpackResult {
  bytes: number
  files: number
}

/**
 * Unpacks a tar stream into `dir` (created if need be). Throws UnsafeArchiveError at the first entry
 * that is unsafe, before writing anything for it; nothing is ever written outside `dir`.
 */
export async function unpackTar(source: Readable, dir: string): Promise<UnpackResult> {
  await fs.mkdir(dir, {recursive: true})
  const root = await fs.realpath(dir)
  const extract = tar.extract()
  /** Directories known to be real directories inside root (created or checked). */
  const safeDirs = new Set<string>([''])
  const files = new Set<string>()
  const links: string[] = []
  let bytes = 0

  /** Makes the entry's parent directories, refusing to pass through a symlink or a file. */
  async function parentOf(name: string): Promise<void> {
    const parts = name.split('/').slice(0, -1)
    let rel = ''
    for (const part of parts) {
      rel = rel ? `${rel}/${part}` : part
      if (safeDirs.has(rel)) continue
      const abs = path.join(root, rel)
      const stat = await fs.lstat(abs).catch(() => undefined)
      if (!stat) await fs.mkdir(abs, {mode: 0o755})
      else if (!stat.isDirectory()) throw new UnsafeArchiveError(`entry ${JSON.stringify(name)} would be written through ${stat.isSymbolicLink() ? 'the symlink' : 'the file'} ${JSON.stringify(rel)}`)
      safeDirs.add(rel)
    }
  }

  /** Removes what is at abs (a file or symlink) so it can be replaced; a directory is kept only for a directory. */
  async function clear(abs: string, name: string, forDir: boolean): Promise<void> {
    const stat = await fs.lstat(abs).catch(() => undefined)
    if (!stat) return
    if (stat.isDirectory()) {
      if (forDir) return
      throw new UnsafeArchiveError(`entry ${JSON.stringify(name)} would replace a directory`)
    }
    await fs.unlink(abs)
  }

  async function onEntry(header: tar.Headers, stream: Readable): Promise<void> {
    const problem = entryNameProblem(header.name)
    if (problem) throw new UnsafeArchiveError(problem)
    const name = clean(header.name)
    if (name === '.' || name === '') {
      stream.resume()
      return
    }
    const abs = path.join(root, name)
    const mode = (header.mode ?? 0o644) & 0o777
    switch (header.type) {
      case 'directory': {
        await parentOf(name)
        await clear(abs, name, true)
        await fs.mkdir(abs, {mode: mode | 0o700}).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'EEXIST') throw error
        })
        await fs.chmod(abs, mode | 0o700)
        safeDirs.add(name)
        stream.resume()
        return
      }
      case 'file':
      case 'contiguous-file': {
        await parentOf(name)
        await clear(abs, name, false)
        const handle = await fs.open(abs, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, mode | 0o600)
        const out = handle.createWriteStream({highWaterMark: 1 << 20})
        let n = 0
        const count = new Transform({
          transform(chunk: Buffer, _enc, cb) {
            n += chunk.length
            cb(null, chunk)
          },
        })
        await pipeline(stream, count, out)
        bytes += n
        files.add(name)
        safeDirs.delete(name)
        return
      }
      case 'symlink': {
        const target = header.linkname ?? ''
        if (linkTargetInside(name, target) === undefined) throw new UnsafeArchiveError(`entry ${JSON.stringify(name)} is a symlink to ${JSON.stringify(target)}, outside the directory`)
        await parentOf(name)
        await clear(abs, name, false)
        await fs.symlink(target, abs)
        links.push(name)
        stream.resume()
        return
      }
      case 'link': {
        const target = header.linkname ?? ''
        const targetProblem = entryNameProblem(target)
        const targetName = targetProblem ? undefined : clean(target)
        if (!targetName || !files.has(targetName)) throw new UnsafeArchiveError(`entry ${JSON.stringify(name)} is a hard link to ${JSON.stringify(target)}, which is not a file of this archive`)
        await parentOf(name)
        await clear(abs, name, false)
        await fs.link(path.join(root, targetName), abs)
        files.add(name)
        stream.resume()
        return
      }
      default:
        throw new UnsafeArchiveError(`entry ${JSON.stringify(name)} is a ${header.type ?? 'special file'}, which an archive here may not hold (files, directories and links only)`)
    }
  }

  await new Promise<void>((resolve, reject) => {
    let failed = false
    const fail = (error: unknown) => {
      if (failed) return
      failed = true
      source.unpipe(extract)
      source.destroy()
      extract.destroy()
      reject(error)
    }
    extract.on('entry', (header, stream, next) => {
      onEntry(header, stream).then(() => next(), (error) => {
        stream.resume()
        fail(error)
      })
    })
    extract.on('finish', () => {
      if (!failed) resolve()
    })
    extract.on('error', fail)
    source.on('error', fail)
    source.pipe(extract)
  })
  // A chain of links each inside can still lead out once resolved (a -> b/.., b -> ..): check the result.
  for (const name of links) {
    const real = await fs.realpath(path.join(root, name)).catch(() => undefined)
    if (real !== undefined && real !== root && !real.startsWith(root + path.sep)) {
      await fs.unlink(path.join(root, name))
      throw new UnsafeArchiveError(`entry ${JSON.stringify(name)} is a symlink that resolves outside the directory`)
    }
  }
  return {bytes, files: files.size}
}

/**
 * A pass-through stream that also unpacks what flows through it into `dir` (unpackTar's checks), at
 * the pace of the slower of the two. `result` settles once the stream ended and the unpacker
 * finished; an unsafe entry fails the stream too, with the UnsafeArchiveError.
 */
export function unpackingTee(dir: string): {result: Promise<UnpackResult>; stream: Transform} {
  const feed = new PassThrough({highWaterMark: 1 << 20})
  const stream = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      if (feed.write(chunk)) cb(null, chunk)
      else feed.once('drain', () => cb(null, chunk))
    },
    flush(cb) {
      feed.end()
      cb()
    },
  })
  const result = unpackTar(feed, dir)
  result.catch((error: Error) => stream.destroy(error))
  stream.on('close', () => {
    if (!stream.writableFinished) feed.destroy(new Error('the archive was cut short'))
  })
  return {result, stream}
}

/**
 * Moves what the directory `from` holds into the directory `to`, entry by entry: a file or link
 * replaces what is there (never followed), a directory merges into a directory, and nothing is
 * moved through a symlink. Used to put a checked download in place.
 */
export async function moveInto(from: string, to: string): Promise<void> {
  for (const name of await fs.readdir(from)) {
    const src = path.join(from, name)
    const dst = path.join(to, name)
    const [s, d] = await Promise.all([fs.lstat(src), fs.lstat(dst).catch(() => undefined)])
    if (s.isDirectory() && d?.isDirectory()) {
      await moveInto(src, dst)
      continue
    }
    if (d?.isDirectory()) throw new UnsafeArchiveError(`entry ${JSON.stringify(name)} would replace the directory ${dst}`)
    if (s.isDirectory() && d) await fs.unlink(dst)
    await fs.rename(src, dst)
  }
}
