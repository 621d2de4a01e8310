// An append-only log of one job's output: every line (or 64 KiB piece of a longer line, or the partial
// line a read ended on) becomes a record with a sequence number (1, 2, …), its stream and a timestamp.
// Records are written to the file with one write(2) per append, before anyone is told about them, so
// what a follower was served survives a SIGKILL of the agent; reopening the file continues numbering.
//
// Memory stays flat whatever the log's size: nothing per record is kept in memory. A sparse index
// beside the log (<log>.idx) holds one checkpoint per 1024 records (offset, time, per-stream counts
// before it), so a record is found by one index read and a walk of at most one block, `since` and a
// stream-filtered `tail` by a binary search of the index, and reopening reads the last checkpoint and
// walks its block only (a log without an index, from an older agent, is indexed once).
//
// A quota (maxBytes, records and index together) is enforced at append: output that would pass it is
// dropped, and one marker record (stream 'agent') says so; it is always the log's last record.
//
// Log format: an 8-byte magic, then records of [u32 length][u8 stream][3 zero bytes][f64 ts ms][payload].
// Index format: an 8-byte magic, then 64-byte checkpoints of f64 [seq, offset, ts, stdout records,
// stderr records, stdout bytes, stderr bytes, 0]: checkpoint k is record k*1024+1 and the counts before it.
// A torn last record (the agent died inside a write) is cut off on reopen; a missing or torn index tail
// is rebuilt from the log.
import {EventEmitter} from 'node:events'
import {closeSync, fchmodSync, fstatSync, ftruncateSync, mkdirSync, openSync, readSync, rmSync, statSync, writeSync} from 'node:fs'
import path from 'node:path'

export type StreamName = 'stdout' | 'stderr'
/** The job's stdout or stderr, or a note by the agent (the log-quota marker). */
export type RecordStream = StreamName | 'agent'

export interface LogRecord {
  data: Buffer
  seq: number
  stream: RecordStream
  /** Milliseconds since the epoch; never decreases within a log. */
  ts: number
}

export interface LogSelection {
  /** Only records after this sequence number. */
  after?: number
  /** Only records at or after this time (ms since the epoch). */
  since?: number
  /** One stream of the job (agent notes are in every selection). */
  stream?: StreamName
  /** Only the last N records (of the selected stream). */
  tail?: number
}

export interface LogStoreOptions {
  /** Most bytes the log and its index may take on disk; later output is dropped. Default: no limit. */
  maxBytes?: number
  /** Called once, after the marker record is written, when the quota is reached. */
  onQuota?: () => void
  /** The marker record's text (one line). */
  quotaNote?: string
}

export const MAX_RECORD_BYTES = 64 * 1024
/** Records per index checkpoint. */
export const INDEX_BLOCK = 1024
const MAGIC = Buffer.from('NECLOG1\n')
const INDEX_MAGIC = Buffer.from('NECIDX1\n')
const HEADER = 16
const ENTRY = 64
const STREAM_CODES: Record<RecordStream, number> = {agent: 3, stderr: 2, stdout: 1}
const STREAM_NAMES: ReadonlyArray<RecordStream | undefined> = [undefined, 'stdout', 'stderr', 'agent']
const AGENT = 3
/** Bytes a readBatch reads per window, and at most per call when a stream filter skips records. */
const WINDOW = 1 << 20
const SCAN_LIMIT = 8 << 20
const MAX_HINTS = 256

interface Checkpoint {
  errBytes: number
  errRecs: number
  offset: number
  outBytes: number
  outRecs: number
  seq: number
  ts: number
}

// Headers are walked through one shared scratch buffer (all reads are synchronous).
const scratch = Buffer.allocUnsafe(64 * 1024)
const scratchView = new DataView(scratch.buffer, scratch.byteOffset, scratch.length)
// Where each piece of an append ends (reused across appends; appends are synchronous).
let ends: Uint32Array = new Uint32Array(4096)
const growEnds = (a: Uint32Array): Uint32Array => {
  const b = new Uint32Array(a.length * 2)
  b.set(a)
  return b
}

export class LogStore {
  /** Bytes read from the log and index files by this store (tests check that opening reads little). */
  bytesRead = 0
  private closed = false
  private counts = {errBytes: 0, errRecs: 0, outBytes: 0, outRecs: 0}
  private droppedBytes = 0
  private entries = 0
  private readonly events = new EventEmitter()
  private ended = false
  private readonly fd: number
  /** seq -> file offset of that record, where recent reads stopped (followers resume there). */
  private readonly hints = new Map<number, number>()
  private readonly ifd: number
  private indexSize = INDEX_MAGIC.length
  private lastTs = 0
  private quotaReached = false
  private readers = 0
  private seq = 0
  private size = MAGIC.length

  private constructor(
    readonly file: string,
    private readonly options: LogStoreOptions,
  ) {
    // The store's files hold renters' output: 0600 in a 0700 directory.
    mkdirSync(path.dirname(file), {mode: 0o700, recursive: true})
    this.fd = openSync(file, 'a+', 0o600)
    this.ifd = openSync(LogStore.indexFile(file), 'a+', 0o600)
    for (const fd of [this.fd, this.ifd]) if (fstatSync(fd).mode & 0o077) fchmodSync(fd, 0o600)
    this.events.setMaxListeners(0)
    this.load()
  }

  /** Opens (or creates) the log at `file`: reads its last checkpoint, walks one block, cuts a torn last record. */
  static open(file: string, options: LogStoreOptions = {}): LogStore {
    return new LogStore(file, options)
  }

  static indexFile(file: string): string {
    return file + '.idx'
  }

  /** Bytes the log at `file` and its index take on disk (0 when there is none). */
  static diskUsage(file: string): number {
    let total = 0
    for (const f of [file, LogStore.indexFile(file)]) {
      try {
        total += statSync(f).size
      } catch {}
    }
    return total
  }

  /** Deletes the log at `file` and its index (close its store first). */
  static remove(file: string): void {
    rmSync(file, {force: true})
    rmSync(LogStore.indexFile(file), {force: true})
  }

  get lastSeq(): number {
    return this.seq
  }

  /** Size of the log file. */
  get bytes(): number {
    return this.size
  }

  /** Size of the log and its index: what the quota counts. */
  get diskBytes(): number {
    return this.size + this.indexSize
  }

  /** The quota was reached: the marker is written and later output is dropped. */
  get quotaHit(): boolean {
    return this.quotaReached
  }

  /** Output dropped since this store was opened because of the quota. */
  get dropped(): number {
    return this.droppedBytes
  }

  /** Payload bytes kept per stream: how far into each stream of the job's output this log reaches. */
  streamBytes(): Record<StreamName, number> {
    return {stderr: this.counts.errBytes, stdout: this.counts.outBytes}
  }

  get isEnded(): boolean {
    return this.ended
  }

  private readAt(fd: number, buffer: Buffer, length: number, position: number): number {
    let got = 0
    while (got < length) {
      const n = readSync(fd, buffer, got, length - got, position + got)
      if (n === 0) break
      got += n
    }
    this.bytesRead += got
    return got
  }

  private writeAll(fd: number, buffer: Buffer): void {
    let written = 0
    while (written < buffer.length) written += writeSync(fd, buffer, written, buffer.length - written)
  }

  private load(): void {
    const size = fstatSync(this.fd).size
    const isize = fstatSync(this.ifd).size
    if (size === 0) {
      if (isize !== 0) ftruncateSync(this.ifd, 0)
      this.writeAll(this.fd, MAGIC)
      this.writeAll(this.ifd, INDEX_MAGIC)
      return
    }
    const magic = Buffer.alloc(MAGIC.length)
    this.readAt(this.fd, magic, MAGIC.length, 0)
    if (!magic.equals(MAGIC)) throw new Error(`${this.file} is not a nectar job log`)
    // The index: whole checkpoints only, each pointing at a record that is there; else rebuilt from the log.
    let entries = 0
    let indexed = false
    if (isize >= INDEX_MAGIC.length) {
      this.readAt(this.ifd, magic, INDEX_MAGIC.length, 0)
      indexed = magic.equals(INDEX_MAGIC)
      if (indexed) entries = Math.floor((isize - INDEX_MAGIC.length) / ENTRY)
    }
    let from: Checkpoint = {errBytes: 0, errRecs: 0, offset: MAGIC.length, outBytes: 0, outRecs: 0, seq: 1, ts: 0}
    while (entries > 0) {
      const cp = this.checkpoint(entries - 1)
      if (cp.seq === (entries - 1) * INDEX_BLOCK + 1 && this.validRecordAt(cp.offset, cp.ts, size)) {
        from = cp
        break
      }
      entries--
    }
    if (!indexed) {
      ftruncateSync(this.ifd, 0)
      this.writeAll(this.ifd, INDEX_MAGIC)
    } else if (isize !== INDEX_MAGIC.length + entries * ENTRY) ftruncateSync(this.ifd, INDEX_MAGIC.length + entries * ENTRY)
    this.entries = entries
    this.indexSize = INDEX_MAGIC.length + entries * ENTRY
    // Walk from the last checkpoint to the end (one block, unless the index lagged), adding checkpoints it lacks.
    const counts = {errBytes: from.errBytes, errRecs: from.errRecs, outBytes: from.outBytes, outRecs: from.outRecs}
    let lastTs = from.ts
    let lastCode = 0
    const pending: Buffer[] = []
    const end = this.walk(from.seq, from.offset, size, (seq, offset, length, code, ts) => {
      if ((seq - 1) % INDEX_BLOCK === 0 && (seq - 1) / INDEX_BLOCK >= entries + pending.length) pending.push(entryBytes({...counts, offset, seq, ts}))
      if (code === 1) {
        counts.outRecs++
        counts.outBytes += length
      } else if (code === 2) {
        counts.errRecs++
        counts.errBytes += length
      }
      lastTs = Math.max(lastTs, ts)
      lastCode = code
      return true
    })
    if (end.offset !== size) ftruncateSync(this.fd, end.offset)
    if (pending.length > 0) {
      this.writeAll(this.ifd, Buffer.concat(pending))
      this.entries += pending.length
      this.indexSize += pending.length * ENTRY
    }
    this.counts = counts
    this.lastTs = lastTs
    this.seq = end.seq - 1
    this.size = end.offset
    this.quotaReached = lastCode === AGENT
  }

  private validRecordAt(offset: number, ts: number, size: number): boolean {
    if (offset < MAGIC.length || offset + HEADER > size) return false
    this.readAt(this.fd, scratch, HEADER, offset)
    const length = scratch.readUInt32LE(0)
    return STREAM_NAMES[scratch[4]] !== undefined && length <= MAX_RECORD_BYTES && offset + HEADER + length <= size && scratch.readDoubleLE(8) === ts
  }

  private checkpoint(k: number): Checkpoint {
    const b = Buffer.allocUnsafe(ENTRY)
    if (this.readAt(this.ifd, b, ENTRY, INDEX_MAGIC.length + k * ENTRY) !== ENTRY) throw new Error(`${LogStore.indexFile(this.file)} is shorter than expected`)
    return {errBytes: b.readDoubleLE(48), errRecs: b.readDoubleLE(32), offset: b.readDoubleLE(8), outBytes: b.readDoubleLE(40), outRecs: b.readDoubleLE(24), seq: b.readDoubleLE(0), ts: b.readDoubleLE(16)}
  }

  /**
   * Visits the records from (seq, offset) up to `end` by their headers (payloads are skipped), until
   * `visit` returns false or a record is torn. Returns where it stopped: the record it did not pass.
   */
  private walk(seq: number, offset: number, end: number, visit: (seq: number, offset: number, length: number, code: number, ts: number) => boolean): {offset: number; seq: number} {
    let winStart = 0
    let winLength = 0
    let big = false
    while (offset + HEADER <= end) {
      if (offset < winStart || offset + HEADER > winStart + winLength) {
        // Small records: a window of many headers per read; after a big one, just the next header.
        winLength = this.readAt(this.fd, scratch, Math.min(big ? HEADER : scratch.length, end - offset), offset)
        winStart = offset
        if (winLength < HEADER) break
      }
      const at = offset - winStart
      const length = scratchView.getUint32(at, true)
      const code = scratch[at + 4]
      if (STREAM_NAMES[code] === undefined || length > MAX_RECORD_BYTES || offset + HEADER + length > end) break
      if (!visit(seq, offset, length, code, scratchView.getFloat64(at + 8, true))) break
      offset += HEADER + length
      seq++
      big = length > 4096
    }
    return {offset, seq}
  }

  /** File offset of record `seq` (1 ≤ seq ≤ lastSeq + 1): a hint, or the block's checkpoint and a walk. */
  private locate(seq: number): number {
    if (seq > this.seq) return this.size
    const hint = this.hints.get(seq)
    if (hint !== undefined) return hint
    const cp = this.checkpoint(Math.floor((seq - 1) / INDEX_BLOCK))
    return this.walk(cp.seq, cp.offset, this.size, (s) => s < seq).offset
  }

  private remember(seq: number, offset: number): void {
    // The end (lastSeq + 1 at the size) is kept too: the next record appended will be there, and a
    // follower that caught up reads on from it.
    if (seq > this.seq + 1) return
    this.hints.delete(seq)
    this.hints.set(seq, offset)
    if (this.hints.size > MAX_HINTS) this.hints.delete(this.hints.keys().next().value!)
  }

  /** The last checkpoint k (0-based) for which `below(k)` holds (they must be monotonic), or -1. */
  private searchCheckpoints(below: (cp: Checkpoint) => boolean): number {
    let lo = 0
    let hi = this.entries
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (below(this.checkpoint(mid))) lo = mid + 1
      else hi = mid
    }
    return lo - 1
  }

  /**
   * Appends output of one stream: split into lines, pieces of at most 64 KiB, and the trailing partial
   * line; written with one write before followers wake. Past the quota, output is dropped and one
   * marker record says so. Returns the last sequence number.
   */
  append(stream: StreamName, bytes: Buffer, now = Date.now()): number {
    if (this.closed) throw new Error('log store is closed')
    if (bytes.length === 0) return this.seq
    if (this.quotaReached) {
      this.droppedBytes += bytes.length
      return this.seq
    }
    const ts = (this.lastTs = Math.max(this.lastTs, now))
    const code = STREAM_CODES[stream]
    const note = this.options.maxBytes === undefined ? undefined : Buffer.from(this.options.quotaNote ?? 'nectar: this job’s log reached its quota; later output is dropped.\n')
    // Room for records (and their checkpoints) that still leaves room for the marker and its checkpoint.
    const room = this.options.maxBytes === undefined ? Infinity : this.options.maxBytes - (HEADER + note!.length + ENTRY) - this.diskBytes
    // First the pieces' ends (and where the quota cuts), then one buffer of records for one write.
    let pieces = 0
    let cost = 0
    let start = 0
    let over = false
    while (start < bytes.length) {
      const newline = bytes.indexOf(10, start)
      let end = newline === -1 ? bytes.length : newline + 1
      if (end - start > MAX_RECORD_BYTES) end = start + MAX_RECORD_BYTES
      const next = cost + HEADER + (end - start) + ((this.seq + pieces) % INDEX_BLOCK === 0 ? ENTRY : 0)
      if (next > room) {
        over = true
        break
      }
      if (pieces === ends.length) ends = growEnds(ends)
      ends[pieces++] = end
      cost = next
      start = end
    }
    const kept = start
    const out = Buffer.allocUnsafe(kept + pieces * HEADER)
    const view = new DataView(out.buffer, out.byteOffset, out.length)
    const checkpoints: Buffer[] = []
    let at = 0
    let offset = this.size
    start = 0
    for (let i = 0; i < pieces; i++) {
      const seq = this.seq + i + 1
      if ((seq - 1) % INDEX_BLOCK === 0) checkpoints.push(entryBytes({...this.counts, offset, seq, ts}))
      const end = ends[i]
      const length = end - start
      view.setUint32(at, length, true)
      view.setUint32(at + 4, code, true)
      view.setFloat64(at + 8, ts, true)
      bytes.copy(out, at + HEADER, start, end)
      at += HEADER + length
      offset += HEADER + length
      if (code === 1) {
        this.counts.outRecs++
        this.counts.outBytes += length
      } else {
        this.counts.errRecs++
        this.counts.errBytes += length
      }
      start = end
    }
    if (pieces > 0) {
      this.writeAll(this.fd, out)
      this.size = offset
      this.seq += pieces
      this.writeCheckpoints(checkpoints)
    }
    if (over) {
      this.droppedBytes += bytes.length - kept
      this.writeMarker(note!, ts)
    }
    this.events.emit('append', this.seq)
    if (over) this.options.onQuota?.()
    return this.seq
  }

  private writeCheckpoints(checkpoints: Buffer[]): void {
    if (checkpoints.length === 0) return
    this.writeAll(this.ifd, checkpoints.length === 1 ? checkpoints[0] : Buffer.concat(checkpoints))
    this.entries += checkpoints.length
    this.indexSize += checkpoints.length * ENTRY
  }

  private writeMarker(note: Buffer, ts: number): void {
    const seq = this.seq + 1
    const record = Buffer.allocUnsafe(HEADER + note.length)
    record.writeUInt32LE(note.length, 0)
    record.writeUInt32LE(AGENT, 4)
    record.writeDoubleLE(ts, 8)
    note.copy(record, HEADER)
    const checkpoint = (seq - 1) % INDEX_BLOCK === 0 ? [entryBytes({...this.counts, offset: this.size, seq, ts})] : []
    this.writeAll(this.fd, record)
    this.size += record.length
    this.seq = seq
    this.writeCheckpoints(checkpoint)
    this.quotaReached = true
  }

  /** The sequence number to read after for a selection (after, tail, since and stream combined). */
  startAfter(selection: LogSelection = {}): number {
    let after = Math.max(0, Math.min(selection.after ?? 0, this.seq))
    if (selection.since !== undefined && this.seq > 0) {
      const since = selection.since
      let first = this.seq + 1
      if (since <= this.lastTs) {
        // Times never decrease: the first record at or after `since` is in the last block starting before it.
        const k = this.searchCheckpoints((cp) => cp.ts < since)
        const cp = k < 0 ? undefined : this.checkpoint(k)
        first = this.walk(cp?.seq ?? 1, cp?.offset ?? MAGIC.length, this.size, (_s, _o, _l, _c, ts) => ts < since).seq
      }
      after = Math.max(after, first - 1)
    }
    if (selection.tail !== undefined) {
      if (selection.tail <= 0) return this.seq
      if (!selection.stream) return Math.max(after, this.seq - selection.tail)
      // The (M - tail + 1)-th record of the stream (agent notes count in every stream), found from the
      // per-stream counts of the checkpoints.
      const code = STREAM_CODES[selection.stream]
      const matchingBefore = (cp: {errRecs: number; outRecs: number; seq: number}) => (code === 1 ? cp.outRecs : cp.errRecs) + (cp.seq - 1 - cp.outRecs - cp.errRecs)
      const total = matchingBefore({...this.counts, seq: this.seq + 1})
      if (total <= selection.tail) return after
      const target = total - selection.tail + 1
      const k = this.searchCheckpoints((cp) => matchingBefore(cp) < target)
      const cp = k < 0 ? {...this.counts, errRecs: 0, offset: MAGIC.length, outRecs: 0, seq: 1} : this.checkpoint(k)
      let count = matchingBefore(cp)
      const found = this.walk(cp.seq, cp.offset, this.size, (_s, _o, _l, c) => !((c === code || c === AGENT) && ++count === target))
      after = Math.max(after, found.seq - 1)
    }
    return after
  }

  /**
   * Records after `after` (of one stream and the agent's notes, if a stream is given), up to about
   * `maxBytes` of file. `last` is the last sequence number looked at (read on from there): with a
   * stream filter a batch may hold no record yet have moved on.
   */
  readBatch(after: number, options: {maxBytes?: number; stream?: StreamName} = {}): {last: number; records: LogRecord[]} {
    after = Math.max(0, Math.min(after, this.seq))
    if (this.closed || after >= this.seq) return {last: after, records: []}
    const code = options.stream ? STREAM_CODES[options.stream] : 0
    const window = Math.max(options.maxBytes ?? WINDOW, HEADER + MAX_RECORD_BYTES)
    const records: LogRecord[] = []
    let seq = after + 1
    let offset = this.locate(seq)
    let scanned = 0
    while (offset < this.size && records.length === 0 && scanned < SCAN_LIMIT) {
      const buffer = Buffer.allocUnsafe(Math.min(window, this.size - offset))
      const got = this.readAt(this.fd, buffer, buffer.length, offset)
      if (got < buffer.length) throw new Error(`${this.file} is shorter than expected`)
      // A DataView reads the headers faster than Buffer's readers (this loop runs per record served).
      const view = new DataView(buffer.buffer, buffer.byteOffset, got)
      let at = 0
      while (at + HEADER <= got) {
        const length = view.getUint32(at, true)
        if (at + HEADER + length > got) break
        const c = buffer[at + 4]
        if (!code || c === code || c === AGENT) records.push({data: buffer.subarray(at + HEADER, at + HEADER + length), seq, stream: STREAM_NAMES[c]!, ts: view.getFloat64(at + 8, true)})
        at += HEADER + length
        seq++
      }
      if (at === 0) throw new Error(`${this.file} has a record past its end`)
      offset += at
      scanned += at
    }
    this.remember(seq, offset)
    return {last: seq - 1, records}
  }

  /** Records after `after` (of one stream, if given): the next non-empty batch, or none at the end. */
  readAfter(after: number, options: {maxBytes?: number; stream?: StreamName} = {}): LogRecord[] {
    for (;;) {
      const batch = this.readBatch(after, options)
      if (batch.records.length > 0 || batch.last >= this.seq || batch.last === after) return batch.records
      after = batch.last
    }
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
   * end), closed, `signal` aborts, or (with `to`) record `to` is passed without waiting for more.
   * An empty batch is never yielded.
   */
  async *follow(after: number, options: {maxBytes?: number; signal?: AbortSignal; stream?: StreamName; to?: number} = {}): AsyncGenerator<LogRecord[]> {
    this.readers++
    try {
      yield* this.followFrom(after, options)
    } finally {
      this.readers--
    }
  }

  private async *followFrom(position: number, options: {maxBytes?: number; signal?: AbortSignal; stream?: StreamName; to?: number}): AsyncGenerator<LogRecord[]> {
    for (;;) {
      if (options.signal?.aborted || this.closed) return
      if (options.to !== undefined && position >= options.to) return
      const before = position
      const {last, records} = this.readBatch(position, options)
      // Move past filtered-out records too, so the next read starts after them.
      position = Math.max(position, last)
      const batch = options.to === undefined ? records : records.filter((r) => r.seq <= options.to!)
      if (batch.length > 0) {
        yield batch
        continue
      }
      if (position > before && position < this.seq) continue
      if (this.ended || options.to !== undefined) return
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
    closeSync(this.ifd)
  }

  get isClosed(): boolean {
    return this.closed
  }

  /** Followers reading this log now (a store with none may be closed to free its descriptors). */
  get readerCount(): number {
    return this.readers
  }
}

function entryBytes(cp: Checkpoint): Buffer {
  const b = Buffer.alloc(ENTRY)
  b.writeDoubleLE(cp.seq, 0)
  b.writeDoubleLE(cp.offset, 8)
  b.writeDoubleLE(cp.ts, 16)
  b.writeDoubleLE(cp.outRecs, 24)
  b.writeDoubleLE(cp.errRecs, 32)
  b.writeDoubleLE(cp.outBytes, 40)
  b.writeDoubleLE(cp.errBytes, 48)
  return b
}
