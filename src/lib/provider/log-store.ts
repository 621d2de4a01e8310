// An append-only log of one job's output: every line (or 64 KiB piece of a longer line, or the partial
// line a read ended on) becomes a record with a sequence number (1, 2, …), its stream and a timestamp.
// Records are written to the file with one write(2) per append, before anyone is told about them, so
// what a follower was served survives a SIGKILL of the agent; reopening the file continues numbering.
//
// File format: an 8-byte magic, then records of [u32 length][u8 stream][3 zero bytes][f64 ts ms][payload].
// A torn last record (the agent died inside a write) is cut off on reopen.
import {EventEmitter} from 'node:events'
import {closeSync, fstatSync, ftruncateSync, mkdirSync, openSync, readSync, writeSync} from 'node:fs'
import path from 'node:path'

export type StreamName = 'stdout' | 'stderr'

export interface LogRecord {
  data: Buffer
  seq: number
  stream: StreamName
  /** Milliseconds since the epoch; never decreases within a log. */
  ts: number
}

export interface LogSelection {
  /** Only records after this sequence number. */
  after?: number
  /** Only records at or after this time (ms since the epoch). */
  since?: number
  stream?: StreamName
  /** Only the last N records (of the selected stream). */
  tail?: number
}

export const MAX_RECORD_BYTES = 64 * 1024
const MAGIC = Buffer.from('NECLOG1\n')
const HEADER = 16
const STREAM_CODES: Record<StreamName, number> = {stderr: 2, stdout: 1}
const STREAM_NAMES: Record<number, StreamName> = {1: 'stdout', 2: 'stderr'}

class GrowingIndex {
  count = 0
  lengths = new Uint32Array(1024)
  offsets = new Float64Array(1024)
  streams = new Uint8Array(1024)
  times = new Float64Array(1024)

  push(offset: number, length: number, stream: number, ts: number): void {
    if (this.count === this.offsets.length) {
      const size = this.count * 2
      const grow = <A extends Float64Array | Uint32Array | Uint8Array>(a: A, make: (n: number) => A): A => {
        const b = make(size)
        b.set(a)
        return b
      }
      this.offsets = grow(this.offsets, (n) => new Float64Array(n))
      this.lengths = grow(this.lengths, (n) => new Uint32Array(n))
      this.streams = grow(this.streams, (n) => new Uint8Array(n))
      this.times = grow(this.times, (n) => new Float64Array(n))
    }
    this.offsets[this.count] = offset
    this.lengths[this.count] = length
    this.streams[this.count] = stream
    this.times[this.count] = ts
    this.count++
  }
}

export class LogStore {
  private closed = false
  private readonly events = new EventEmitter()
  private ended = false
  private readonly fd: number
  private readonly index = new GrowingIndex()
  private lastTs = 0
  private size: number

  private constructor(readonly file: string) {
    mkdirSync(path.dirname(file), {recursive: true})
    this.fd = openSync(file, 'a+')
    this.events.setMaxListeners(0)
    this.size = this.load()
  }

  /** Opens (or creates) the log at `file`, rebuilding the index and cutting off a torn last record. */
  static open(file: string): LogStore {
    return new LogStore(file)
  }

  get lastSeq(): number {
    return this.index.count
  }

  get bytes(): number {
    return this.size
  }

  /** Payload bytes kept per stream: how far into each stream of the job's output this log reaches. */
  streamBytes(): Record<StreamName, number> {
    const out: Record<StreamName, number> = {stderr: 0, stdout: 0}
    for (let i = 0; i < this.index.count; i++) out[STREAM_NAMES[this.index.streams[i]]] += this.index.lengths[i]
    return out
  }

  get isEnded(): boolean {
    return this.ended
  }

  private load(): number {
    const {size} = fstatSync(this.fd)
    if (size === 0) {
      writeSync(this.fd, MAGIC)
      return MAGIC.length
    }
    const magic = Buffer.alloc(MAGIC.length)
    readSync(this.fd, magic, 0, MAGIC.length, 0)
    if (!magic.equals(MAGIC)) throw new Error(`${this.file} is not a nectar job log`)
    let offset = MAGIC.length
    const header = Buffer.alloc(HEADER)
    while (offset + HEADER <= size) {
      readSync(this.fd, header, 0, HEADER, offset)
      const length = header.readUInt32LE(0)
      const stream = header[4]
      if ((stream !== 1 && stream !== 2) || offset + HEADER + length > size) break
      const ts = header.readDoubleLE(8)
      this.index.push(offset, length, stream, ts)
      this.lastTs = Math.max(this.lastTs, ts)
      offset += HEADER + length
    }
    if (offset !== size) ftruncateSync(this.fd, offset)
    return offset
  }

  /**
   * Appends output of one stream: split into lines, pieces of at most 64 KiB, and the trailing partial
   * line; written with one write before followers wake. Returns the last sequence number.
   */
  append(stream: StreamName, bytes: Buffer, now = Date.now()): number {
    if (this.closed) throw new Error('log store is closed')
    if (bytes.length === 0) return this.lastSeq
    const ts = (this.lastTs = Math.max(this.lastTs, now))
    const code = STREAM_CODES[stream]
    const pieces: Array<[number, number]> = []
    let start = 0
    while (start < bytes.length) {
      const newline = bytes.indexOf(10, start)
      let end = newline === -1 ? bytes.length : newline + 1
      if (end - start > MAX_RECORD_BYTES) end = start + MAX_RECORD_BYTES
      pieces.push([start, end])
      start = end
    }
    const out = Buffer.allocUnsafe(bytes.length + pieces.length * HEADER)
    let at = 0
    for (const [s, e] of pieces) {
      out.writeUInt32LE(e - s, at)
      out[at + 4] = code
      out[at + 5] = 0
      out[at + 6] = 0
      out[at + 7] = 0
      out.writeDoubleLE(ts, at + 8)
      bytes.copy(out, at + HEADER, s, e)
      at += HEADER + e - s
    }
    let written = 0
    while (written < out.length) written += writeSync(this.fd, out, written, out.length - written)
    let offset = this.size
    for (const [s, e] of pieces) {
      this.index.push(offset, e - s, code, ts)
      offset += HEADER + e - s
    }
    this.size = offset
    this.events.emit('append', this.lastSeq)
    return this.lastSeq
  }

  /** The sequence number to read after for a selection (after, tail, since and stream combined). */
  startAfter(selection: LogSelection = {}): number {
    let after = Math.max(0, Math.min(selection.after ?? 0, this.lastSeq))
    const {index} = this
    if (selection.since !== undefined) {
      // First record with ts >= since (times never decrease).
      let lo = after
      let hi = index.count
      while (lo < hi) {
        const mid = (lo + hi) >>> 1
        if (index.times[mid] < selection.since) lo = mid + 1
        else hi = mid
      }
      after = Math.max(after, lo)
    }
    if (selection.tail !== undefined) {
      if (selection.tail <= 0) return index.count
      const code = selection.stream ? STREAM_CODES[selection.stream] : 0
      let kept = 0
      let i = index.count - 1
      for (; i >= after; i--) {
        if (code && index.streams[i] !== code) continue
        if (++kept === selection.tail) break
      }
      after = Math.max(after, i)
    }
    return after
  }

  /** Records after `after` (of one stream, if given), up to about `maxBytes` of payload. */
  readAfter(after: number, options: {maxBytes?: number; stream?: StreamName} = {}): LogRecord[] {
    const {index} = this
    const maxBytes = options.maxBytes ?? 1 << 20
    const code = options.stream ? STREAM_CODES[options.stream] : 0
    let first = Math.max(0, after)
    if (code) while (first < index.count && index.streams[first] !== code) first++
    if (first >= index.count) return []
    let last = first
    let bytes = 0
    while (last < index.count && (last === first || bytes + index.lengths[last] <= maxBytes)) bytes += index.lengths[last++]
    const from = index.offsets[first]
    const to = index.offsets[last - 1] + HEADER + index.lengths[last - 1]
    const buffer = Buffer.allocUnsafe(to - from)
    let got = 0
    while (got < buffer.length) {
      const n = readSync(this.fd, buffer, got, buffer.length - got, from + got)
      if (n === 0) throw new Error(`${this.file} is shorter than its index`)
      got += n
    }
    const records: LogRecord[] = []
    for (let i = first; i < last; i++) {
      if (code && index.streams[i] !== code) continue
      const at = index.offsets[i] - from + HEADER
      records.push({data: buffer.subarray(at, at + index.lengths[i]), seq: i + 1, stream: STREAM_NAMES[index.streams[i]], ts: index.times[i]})
    }
    return records
  }

  /** Every record of a selection (for tests and small logs). */
  read(selection: LogSelection = {}): LogRecord[] {
    const out: LogRecord[] = []
    let after = this.startAfter(selection)
    for (;;) {
      const batch = this.readAfter(after, {stream: selection.stream})
      if (batch.length === 0) return out
      out.push(...batch)
      after = batch.at(-1)!.seq
    }
  }

  /**
   * Batches of records after `after`, as they are appended, until the log is ended (and read to its
   * end), closed, or `signal` aborts. An empty batch is never yielded.
   */
  async *follow(after: number, options: {maxBytes?: number; signal?: AbortSignal; stream?: StreamName} = {}): AsyncGenerator<LogRecord[]> {
    let position = after
    for (;;) {
      if (options.signal?.aborted || this.closed) return
      const batch = this.readAfter(position, options)
      if (batch.length > 0) {
        // Skip past filtered-out records too, so the next read starts after them.
        position = batch.at(-1)!.seq
        yield batch
        continue
      }
      position = Math.max(position, this.lastSeq)
      if (this.ended) return
      await this.waitForAppend(options.signal)
    }
  }

  /** Resolves at the next append, end, close or abort. */
  waitForAppend(signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.events.off('append', done)
        this.events.off('end', done)
        signal?.removeEventListener('abort', done)
        resolve()
      }
      this.events.on('append', done)
      this.events.on('end', done)
      signal?.addEventListener('abort', done)
    })
  }

  /** No more output will come: followers finish once they have read everything. */
  end(): void {
    this.ended = true
    this.events.emit('end')
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    this.events.emit('end')
    closeSync(this.fd)
  }
}
