import {mkdtempSync, rmSync, statSync, truncateSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {afterEach, describe, expect, it} from 'vitest'

import {INDEX_BLOCK, LogStore, MAX_RECORD_BYTES} from '../../src/lib/provider/log-store.js'

const dirs: string[] = []
const tmp = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nectar-log-'))
  dirs.push(dir)
  return path.join(dir, 'log')
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, {force: true, recursive: true})
})

describe('LogStore', () => {
  it('numbers lines, keeps streams apart, and rebuilds everything on reopen', () => {
    const file = tmp()
    const a = LogStore.open(file)
    a.append('stdout', Buffer.from('one\ntwo\nthr'), 1000)
    a.append('stderr', Buffer.from('err\n'), 2000)
    a.append('stdout', Buffer.from('ee\n'), 3000)
    expect(a.read().map((r) => [r.seq, r.stream, r.data.toString()])).toEqual([
      [1, 'stdout', 'one\n'], [2, 'stdout', 'two\n'], [3, 'stdout', 'thr'], [4, 'stderr', 'err\n'], [5, 'stdout', 'ee\n'],
    ])
    a.close()
    const b = LogStore.open(file)
    expect(b.lastSeq).toBe(5)
    b.append('stdout', Buffer.from('six\n'))
    expect(b.read({after: 4}).map((r) => r.seq)).toEqual([5, 6])
    expect(b.read({tail: 2}).map((r) => r.seq)).toEqual([5, 6])
    expect(b.read({stream: 'stderr'}).map((r) => r.data.toString())).toEqual(['err\n'])
    expect(b.read({tail: 1, stream: 'stdout'}).map((r) => r.seq)).toEqual([6])
    expect(b.read({since: 2000}).map((r) => r.seq)).toEqual([4, 5, 6])
    b.close()
  })

  it('cuts a torn last record on reopen and continues numbering', () => {
    const file = tmp()
    const a = LogStore.open(file)
    a.append('stdout', Buffer.from('kept\n'))
    a.append('stdout', Buffer.from('torn line\n'))
    a.close()
    truncateSync(file, statSync(file).size - 3)
    const b = LogStore.open(file)
    expect(b.read().map((r) => r.data.toString())).toEqual(['kept\n'])
    b.append('stderr', Buffer.from('next\n'))
    expect(b.read().map((r) => [r.seq, r.data.toString()])).toEqual([[1, 'kept\n'], [2, 'next\n']])
    b.close()
  })

  it('splits very long lines into 64 KiB records and keeps binary bytes exact', () => {
    const store = LogStore.open(tmp())
    const long = Buffer.alloc(MAX_RECORD_BYTES * 2 + 10, 0x61)
    long[long.length - 1] = 10
    store.append('stdout', long)
    const garbage = Buffer.from([0, 255, 254, 10, 0xc3, 0x28, 7])
    store.append('stderr', garbage)
    const records = store.read()
    expect(records.slice(0, 3).map((r) => r.data.length)).toEqual([MAX_RECORD_BYTES, MAX_RECORD_BYTES, 10])
    expect(Buffer.concat(records.slice(0, 3).map((r) => r.data)).equals(long)).toBe(true)
    expect(Buffer.concat(records.slice(3).map((r) => r.data)).equals(garbage)).toBe(true)
    store.close()
  })

  it('wakes followers on append and ends them after the last record', async () => {
    const store = LogStore.open(tmp())
    store.append('stdout', Buffer.from('a\n'))
    const got: number[] = []
    const done = (async () => {
      for await (const batch of store.follow(0)) got.push(...batch.map((r) => r.seq))
    })()
    await new Promise((r) => setTimeout(r, 20))
    expect(got).toEqual([1])
    store.append('stdout', Buffer.from('b\nc\n'))
    // The append alone must wake the follower: end() (which also wakes it) comes only after.
    for (let i = 0; i < 100 && got.length < 3; i++) await new Promise((r) => setTimeout(r, 10))
    expect(got).toEqual([1, 2, 3])
    store.end()
    await done
    expect(got).toEqual([1, 2, 3])
    store.close()
  })
})

// A plain model of the log: every record in an array, selections done the obvious way.
interface Model {
  data: string
  seq: number
  stream: 'agent' | 'stderr' | 'stdout'
  ts: number
}

function modelSelect(records: Model[], sel: {after?: number; since?: number; stream?: 'stderr' | 'stdout'; tail?: number}): number[] {
  const matches = (r: Model) => !sel.stream || r.stream === sel.stream || r.stream === 'agent'
  let after = Math.max(0, Math.min(sel.after ?? 0, records.length))
  if (sel.since !== undefined) {
    const i = records.findIndex((r) => r.ts >= sel.since!)
    after = Math.max(after, i === -1 ? records.length : i)
  }
  if (sel.tail !== undefined) {
    if (sel.tail <= 0) after = records.length
    else {
      const kept = records.filter((r) => r.seq > after && matches(r))
      if (kept.length > sel.tail) after = kept[kept.length - sel.tail].seq - 1
    }
  }
  return records.filter((r) => r.seq > after && matches(r)).map((r) => r.seq)
}

/** Appends `lines` pseudo-random lines (some longer than a record, some partial) in chunks; returns the model. */
function fill(store: LogStore, lines: number, seed = 1): Model[] {
  let x = seed
  const rand = (n: number) => ((x = (x * 1_103_515_245 + 12_345) % 2_147_483_648), x % n)
  const model: Model[] = []
  let ts = 1_000_000
  let written = 0
  while (written < lines) {
    const stream = rand(4) === 0 ? 'stderr' : 'stdout'
    const parts: string[] = []
    const n = 1 + rand(300)
    for (let i = 0; i < n; i++) parts.push(rand(500) === 0 ? 'L'.repeat(MAX_RECORD_BYTES + rand(1000)) + '\n' : `${stream} ${written + i} ${'x'.repeat(rand(40))}\n`)
    if (rand(5) === 0) parts.push('partial')
    written += n
    ts += rand(3)
    const text = parts.join('')
    store.append(stream, Buffer.from(text), ts)
    // What the store makes of it: lines, cut at 64 KiB.
    for (const part of parts) {
      for (let at = 0; at < part.length; at += MAX_RECORD_BYTES) model.push({data: part.slice(at, at + MAX_RECORD_BYTES), seq: model.length + 1, stream, ts})
    }
  }
  return model
}

describe('LogStore index', () => {
  it('answers after, since, tail and stream like a plain list, across many index blocks, before and after reopen', () => {
    const file = tmp()
    const store = LogStore.open(file)
    const model = fill(store, 5000)
    expect(store.lastSeq).toBe(model.length)
    expect(model.length).toBeGreaterThan(3 * INDEX_BLOCK)
    const check = (s: LogStore) => {
      const all = s.read()
      expect(all.map((r) => [r.seq, r.stream, r.ts, r.data.toString()])).toEqual(model.map((r) => [r.seq, r.stream, r.ts, r.data]))
      const t0 = model[0].ts
      const t1 = model.at(-1)!.ts
      const selections = [
        {}, {after: 1}, {after: 1023}, {after: 1024}, {after: 1025}, {after: model.length}, {after: model.length + 5},
        {tail: 0}, {tail: 1}, {tail: 10}, {tail: 1500}, {tail: model.length + 1},
        {since: t0}, {since: t0 + 1}, {since: Math.floor((t0 + t1) / 2)}, {since: t1}, {since: t1 + 1},
        {stream: 'stderr' as const}, {stream: 'stdout' as const}, {stream: 'stderr' as const, tail: 5}, {stream: 'stderr' as const, tail: 700}, {stream: 'stdout' as const, tail: 2000},
        {since: Math.floor((t0 + t1) / 2), stream: 'stderr' as const, tail: 30}, {after: 2000, tail: 4000}, {after: 3000, stream: 'stderr' as const},
      ]
      for (const sel of selections) expect(s.read(sel).map((r) => r.seq), JSON.stringify(sel)).toEqual(modelSelect(model, sel))
      expect(s.streamBytes()).toEqual({
        stderr: model.filter((r) => r.stream === 'stderr').reduce((n, r) => n + Buffer.byteLength(r.data), 0),
        stdout: model.filter((r) => r.stream === 'stdout').reduce((n, r) => n + Buffer.byteLength(r.data), 0),
      })
    }
    check(store)
    store.close()
    const again = LogStore.open(file)
    expect(again.lastSeq).toBe(model.length)
    check(again)
    again.close()
  })

  it('reopens a big log by its last checkpoint: reads one block, not the log, and keeps one index entry per 1024 records', () => {
    const file = tmp()
    const a = LogStore.open(file)
    const line = Buffer.from('a short line of output\n'.repeat(1000))
    for (let i = 0; i < 300; i++) a.append(i % 7 === 0 ? 'stderr' : 'stdout', line, 1000 + i)
    const records = 300 * 1000
    expect(a.lastSeq).toBe(records)
    a.close()
    const logSize = statSync(file).size
    expect(statSync(file + '.idx').size).toBe(8 + Math.ceil(records / INDEX_BLOCK) * 64)
    const b = LogStore.open(file)
    expect(b.lastSeq).toBe(records)
    // At most the last block (1024 records of 39 bytes) and a checkpoint, of a 11 MiB log.
    expect(b.bytesRead).toBeLessThan(64 * 1024 + 4096)
    expect(logSize).toBeGreaterThan(10 << 20)
    const before = b.bytesRead
    expect(b.read({tail: 3}).map((r) => r.seq)).toEqual([records - 2, records - 1, records])
    expect(b.read({since: 1150}).length).toBe(150 * 1000)
    expect(b.read({stream: 'stderr', tail: 2}).map((r) => [r.seq, r.stream])).toEqual([[295 * 1000 - 1, 'stderr'], [295 * 1000, 'stderr']])
    expect(b.bytesRead - before).toBeLessThan(15 << 20) // since=1150 reads half the log; the tails only a block each
    const tailOnly = b.bytesRead
    b.read({stream: 'stderr', tail: 1})
    expect(b.bytesRead - tailOnly).toBeLessThan(3 << 20)
    b.close()
  })

  it('rebuilds a missing or torn index from the log (a log written by an older agent)', () => {
    const file = tmp()
    const a = LogStore.open(file)
    const model = fill(a, 3000, 7)
    a.close()
    const expected = model.map((r) => r.seq)
    rmSync(file + '.idx')
    const b = LogStore.open(file)
    expect(b.read().map((r) => r.seq)).toEqual(expected)
    expect(b.read({tail: 5, stream: 'stderr'}).map((r) => r.seq)).toEqual(modelSelect(model, {stream: 'stderr', tail: 5}))
    b.close()
    truncateSync(file + '.idx', statSync(file + '.idx').size - 70)
    const c = LogStore.open(file)
    expect(c.read({after: 1500}).map((r) => r.seq)).toEqual(expected.slice(1500))
    c.append('stdout', Buffer.from('more\n'))
    expect(c.lastSeq).toBe(model.length + 1)
    c.close()
  })
})

describe('LogStore reading while appending', () => {
  it('gives a reader that keeps catching up every record once, in order, across blocks', () => {
    const store = LogStore.open(tmp())
    let after = 0
    const seen: string[] = []
    for (let i = 0; i < 3000; i++) {
      store.append(i % 3 ? 'stdout' : 'stderr', Buffer.from(`${i}\n${i % 7 ? '' : 'more\n'}`))
      if (i % 5 === 0) {
        for (;;) {
          const batch = store.readBatch(after, {maxBytes: 64})
          if (batch.records.length === 0) break
          seen.push(...batch.records.map((r) => r.data.toString()))
          after = batch.last
        }
      }
    }
    for (const r of store.read({after})) seen.push(r.data.toString())
    expect(seen).toEqual(store.read().map((r) => r.data.toString()))
    expect(seen.length).toBe(store.lastSeq)
    store.close()
  })
})

describe('LogStore quota', () => {
  it('keeps the log within its quota, writes one marker record, and drops later output, also after reopen', () => {
    const file = tmp()
    let quotaCalls = 0
    const maxBytes = 64 * 1024
    const a = LogStore.open(file, {maxBytes, onQuota: () => quotaCalls++, quotaNote: 'quota reached\n'})
    for (let i = 0; i < 200; i++) a.append(i % 2 ? 'stderr' : 'stdout', Buffer.from(`line ${i} ${'y'.repeat(500)}\n`))
    a.append('stdout', Buffer.alloc(MAX_RECORD_BYTES * 3, 0x41))
    const last = a.lastSeq
    expect(a.quotaHit).toBe(true)
    expect(quotaCalls).toBe(1)
    expect(a.diskBytes).toBeLessThanOrEqual(maxBytes)
    const markers = a.read().filter((r) => r.stream === 'agent')
    expect(markers.map((r) => [r.seq, r.data.toString()])).toEqual([[last, 'quota reached\n']])
    // The marker is in every stream's selection.
    expect(a.read({stream: 'stdout', tail: 1}).map((r) => r.stream)).toEqual(['agent'])
    expect(a.read({stream: 'stderr', tail: 1}).map((r) => r.stream)).toEqual(['agent'])
    a.close()
    expect(LogStore.diskUsage(file)).toBeLessThanOrEqual(maxBytes)
    const b = LogStore.open(file, {maxBytes, onQuota: () => quotaCalls++})
    expect(b.quotaHit).toBe(true)
    b.append('stdout', Buffer.from('after reopen\n'))
    expect(b.lastSeq).toBe(last)
    expect(quotaCalls).toBe(1)
    expect(b.read().filter((r) => r.stream === 'agent')).toHaveLength(1)
    b.close()
    expect(LogStore.diskUsage(file)).toBeLessThanOrEqual(maxBytes)
  })

  it('keeps what fits of the append that reaches the quota, cut at a record', () => {
    const store = LogStore.open(tmp(), {maxBytes: 4096, quotaNote: 'q\n'})
    store.append('stdout', Buffer.from(Array.from({length: 400}, (_, i) => `${i}\n`).join('')))
    const records = store.read()
    const lines = records.filter((r) => r.stream === 'stdout').map((r) => r.data.toString())
    expect(lines.length).toBeGreaterThan(100)
    expect(lines).toEqual(Array.from({length: lines.length}, (_, i) => `${i}\n`))
    expect(records.at(-1)!.stream).toBe('agent')
    expect(store.diskBytes).toBeLessThanOrEqual(4096)
    store.close()
  })
})

describe('LogStore files', () => {
  it('creates its directories 0700 and its files 0600', () => {
    const base = path.dirname(tmp())
    const file = path.join(base, 'deals', '1', 'log')
    LogStore.open(file).close()
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(statSync(file + '.idx').mode & 0o777).toBe(0o600)
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700)
    expect(statSync(path.join(base, 'deals')).mode & 0o777).toBe(0o700)
  })
})
