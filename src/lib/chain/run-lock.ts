// One run at a time per journal: two runs of the same batch would sign the same items with competing
// nonces. The lock is a file created with O_EXCL beside the journal, holding the owner's pid; a lock
// whose process is gone (a killed run) is taken over.
import {closeSync, openSync, readFileSync, renameSync, unlinkSync, writeFileSync, writeSync} from 'node:fs'
import os from 'node:os'

import {nectarError} from '../core/errors.js'

interface LockOwner {
  host: string
  pid: number
  since: string
}

export interface RunLock {
  release: () => void
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function readOwner(file: string): LockOwner | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LockOwner
  } catch {
    return undefined
  }
}

function tryCreate(file: string, owner: LockOwner): boolean {
  try {
    const fd = openSync(file, 'wx', 0o600)
    writeSync(fd, JSON.stringify(owner))
    closeSync(fd)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  }
}

/**
 * Takes the lock `file`, or fails naming the holder's pid; with `wait`, polls until the holder is
 * done. A lock left by a dead process on this host (or an unreadable, half-written one) is replaced
 * atomically, so two runs racing to take it over cannot both win.
 */
export async function acquireRunLock(file: string, options: {wait?: boolean; pollMs?: number; what: string}): Promise<RunLock> {
  const me: LockOwner = {host: os.hostname(), pid: process.pid, since: new Date().toISOString()}
  for (;;) {
    if (tryCreate(file, me)) break
    const owner = readOwner(file)
    const stale = !owner || (owner.host === me.host && !isAlive(owner.pid))
    if (stale) {
      // Claim through a rename of our own file: whoever renames last holds the lock, and reads back its own pid.
      const claim = `${file}.${process.pid}`
      writeFileSync(claim, JSON.stringify(me), {mode: 0o600})
      renameSync(claim, file)
      if (readOwner(file)?.pid === me.pid) break
      continue
    }
    if (!options.wait) {
      throw nectarError('RUN_LOCKED', `Another run of ${options.what} holds ${file} (pid ${owner.pid} on ${owner.host}, since ${owner.since}).`, {
        hint: 'Let it finish, or pass --wait to start when it is done. Runs of the same input must not overlap.',
      })
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 250))
  }
  let released = false
  return {
    release() {
      if (released) return
      released = true
      if (readOwner(file)?.pid === me.pid) unlinkSync(file)
    },
  }
}
