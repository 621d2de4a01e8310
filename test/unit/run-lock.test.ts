// One run at a time per journal: the lock refuses a second holder by pid, waits when asked, and takes
// over a lock whose process is gone.
import {spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {describe, expect, it} from 'vitest'

import {acquireRunLock} from '../../src/lib/chain/run-lock.js'

const lockFile = () => path.join(mkdtempSync(path.join(os.tmpdir(), 'nectar-lock-')), 'batch.jsonl.lock')

describe('run lock', () => {
  it('refuses a second run, naming the holder', async () => {
    const file = lockFile()
    const first = await acquireRunLock(file, {what: 'test'})
    const error = await acquireRunLock(file, {what: 'test'}).catch((e: unknown) => e)
    expect(error).toMatchObject({code: 'RUN_LOCKED'})
    expect((error as Error).message).toContain(`pid ${process.pid}`)
    first.release()
    expect(existsSync(file)).toBe(false)
  })

  it('waits for the holder with wait', async () => {
    const file = lockFile()
    const first = await acquireRunLock(file, {what: 'test'})
    let second = false
    const waiting = acquireRunLock(file, {pollMs: 10, wait: true, what: 'test'}).then((lock) => {
      second = true
      return lock
    })
    await new Promise((resolve) => setTimeout(resolve, 60))
    expect(second).toBe(false)
    first.release()
    ;(await waiting).release()
    expect(second).toBe(true)
  })

  it('takes over a lock left by a killed run', async () => {
    const file = lockFile()
    // A pid that existed and is gone: a child that has exited.
    const dead = spawnSync(process.execPath, ['-e', 'console.log(process.pid)']).stdout.toString().trim()
    writeFileSync(file, JSON.stringify({host: os.hostname(), pid: Number(dead), since: new Date().toISOString()}))
    const lock = await acquireRunLock(file, {what: 'test'})
    expect(JSON.parse(readFileSync(file, 'utf8')).pid).toBe(process.pid)
    lock.release()
  })

  it('takes over a half-written lock file', async () => {
    const file = lockFile()
    writeFileSync(file, '{"host":')
    const lock = await acquireRunLock(file, {what: 'test'})
    lock.release()
  })
})
