import {mkdtempSync, rmSync, statSync, truncateSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {afterEach, describe, expect, it} from 'vitest'

import {LogStore, MAX_RECORD_BYTES} from '../../src/lib/provider/log-store.js'

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
