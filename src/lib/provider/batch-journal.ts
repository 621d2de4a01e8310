// The journal of a `compute batch`: an append-only, fsync'd JSON-lines file (chain/journal.ts) beside a
// run lock (chain/run-lock.ts), keyed by a hash of what makes the batch: the chain, the signer, the
// job spec, the task range and the deals. A job is journaled as started as soon as its agent answers,
// and a task as done only once its outputs are home; a run killed at any point (SIGKILL included),
// then run again with the same arguments, redoes no task journaled done and follows again the jobs it
// had started rather than starting them anew.
import {mkdirSync, readFileSync, truncateSync} from 'node:fs'
import {type FileHandle, open} from 'node:fs/promises'
import path from 'node:path'

import {hashInput, journalPath} from '../chain/batch.js'
import {Journal, now} from '../chain/journal.js'
import {acquireRunLock, type RunLock} from '../chain/run-lock.js'
import {nectarError} from '../core/errors.js'
import {type JobSpec} from './job-spec.js'
import {type TaskRange, taskName} from './task-range.js'

export type BatchRecord =
  | {at: string; chainId: number; deals: string[]; key: string; perTask: number; signer: string; tasks: string; type: 'header' | 'resumed'}
  /** `nonce` is in the name of the job about to start (see batchJobName): a rerun finds that very job by it. */
  | {at: string; deal: string; nonce: string; task: string; type: 'starting'}
  | {at: string; attempt: number; deal: string; jobId: string; task: string; type: 'started'}
  | {at: string; deal: string; exitCode: number | null; jobId: string | null; reason: string; task: string; type: 'attempt-failed'}
  | {at: string; deal: string; jobId: string; pulled?: {bytes: number; files: number}; task: string; type: 'done'}
  | {at: string; type: 'complete'}

export type DoneRecord = Extract<BatchRecord, {type: 'done'}>

export interface BatchIdentity {
  chainId: number
  /** Deal ids (their order does not matter). */
  deals: readonly bigint[]
  perTask: number
  signer: string
  spec: JobSpec
  /** The --tasks text as given, normalised (FIRST-LAST). */
  tasks: string
}

/** What an earlier run left of one task. */
export interface TaskHistory {
  /** Jobs started for it so far (every run). */
  attempts: number
  done?: DoneRecord
  /** A job started and never seen to end: followed again before anything new is started. */
  open?: {deal: string; jobId: string}
  /**
   * A job start sent, and the run killed before the agent's answer was journaled: the agent's jobs are
   * searched for it (the same spec, not journaled for another task) before the task is started anew.
   */
  starting?: {deal: string; nonce: string}
}

/** The batch's key: the same arguments give the same journal. */
export function batchKey(id: BatchIdentity): string {
  const deals = [...new Set(id.deals.map(String))].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1))
  return hashInput(['compute-batch', String(id.chainId), id.signer.toLowerCase(), JSON.stringify(id.spec), id.tasks, String(id.perTask), deals.join(',')])
}

/**
 * The name a batch gives a task's job (the spec's own name first): the batch, the task and a nonce
 * journaled before the start, so a rerun tells the job it started from any other (another batch's job
 * may have the very same spec).
 */
export function batchJobName(specName: string | undefined, key: string, task: string, nonce: string): string {
  return `${specName ? `${specName.slice(0, 160)} ` : ''}(batch ${key.slice(0, 12)}, task ${task}, start ${nonce})`
}

export const batchJournalFile = (journalDir: string, id: BatchIdentity): string => journalPath(journalDir, 'compute-batch', id.chainId, batchKey(id))

/**
 * Appends go through one queue with group commit: records that arrive while a write is under way are
 * written and fsynced together next, off the event loop (a batch of many short tasks would otherwise
 * spend its time blocked in fsync). `append` resolves once its record is durable; callers await it
 * where the order on disk matters to a rerun (a job start is journaled before it is sent).
 */
export class BatchJournal {
  private queue: string[] = []
  private writing?: Promise<void>
  private failure?: Error
  private constructor(
    /** The batch's key (batchKey). */
    readonly key: string,
    readonly file: string,
    private readonly handle: FileHandle,
    private readonly lock: RunLock,
    readonly history: Map<string, TaskHistory>,
    /** Every job the journal names, as DEAL/JOB. */
    readonly knownJobs: Set<string>,
    readonly resumed: boolean,
  ) {}

  /**
   * Opens (or creates) the journal at `file` and takes its lock (another run of the same batch holds
   * it: refused, naming its pid; or, with `wait`, waited for). A journal of another batch is refused before anything is written.
   */
  static async open(file: string, id: BatchIdentity, tasks: readonly TaskRange[], {wait = false} = {}): Promise<BatchJournal> {
    mkdirSync(path.dirname(file), {mode: 0o700, recursive: true})
    const lock = await acquireRunLock(`${file}.lock`, {wait, what: 'this batch'})
    try {
      dropTornLine(file)
      const journal = new Journal<BatchRecord>(file)
      const records = journal.read()
      const key = batchKey(id)
      const header = records.find((r): r is Extract<BatchRecord, {key: string}> => r.type === 'header')
      if (header && header.key !== key) {
        throw nectarError('JOURNAL_OTHER_BATCH', `The journal ${file} is of another batch (tasks ${header.tasks}, ${header.perTask} per task, deals ${header.deals.join(', ')}, or another spec or account).`)
      }
      const history = replay(records, tasks)
      const knownJobs = new Set(records.flatMap((r) => (r.type === 'started' ? [`${r.deal}/${r.jobId}`] : [])))
      // The header (and, on a resume, the newline that ends a line torn by a killed run) through the plain journal.
      journal.append({at: now(), chainId: id.chainId, deals: id.deals.map(String), key, perTask: id.perTask, signer: id.signer, tasks: id.tasks, type: header ? 'resumed' : 'header'})
      journal.close()
      const handle = await open(file, 'a', 0o600)
      return new BatchJournal(key, path.resolve(file), handle, lock, history, knownJobs, Boolean(header))
    } catch (error) {
      lock.release()
      throw error
    }
  }

  /** Queues a record; resolves once it is on disk (fsynced). */
  append(record: BatchRecord): Promise<void> {
    if (this.failure) return Promise.reject(this.failure)
    this.queue.push(JSON.stringify(record) + '\n')
    return this.flush()
  }

  /** Resolves when everything queued so far is on disk. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing
    if (this.failure) throw this.failure
    if (this.queue.length === 0) return
    const text = this.queue.join('')
    this.queue = []
    this.writing = (async () => {
      await this.handle.write(text)
      await this.handle.datasync()
    })()
      .catch((error: Error) => {
        this.failure = nectarError('FILE_ACCESS', `Could not write the batch journal ${this.file}: ${error.message}.`, {hint: 'Check the free space and permissions of its directory, then run the same command again.'})
      })
      .finally(() => (this.writing = undefined))
    await this.writing
    if (this.failure) throw this.failure
  }

  async close(): Promise<void> {
    try {
      await this.flush()
    } finally {
      await this.handle.close()
      this.lock.release()
    }
  }
}

/**
 * A line cut short by a killed run was never durable: it is cut off, so that it does not end up in the
 * middle of the journal once this run appends (where reading it again would be an error).
 */
function dropTornLine(file: string): void {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return
  }
  if (text === '' || text.endsWith('\n')) return
  const cut = text.lastIndexOf('\n') + 1
  try {
    JSON.parse(text.slice(cut))
    return // whole, only its newline is missing: the journal adds it
  } catch {}
  truncateSync(file, Buffer.byteLength(text.slice(0, cut)))
}

/** Each task's history from the records (tasks the journal does not name have none). */
function replay(records: readonly BatchRecord[], tasks: readonly TaskRange[]): Map<string, TaskHistory> {
  const history = new Map<string, TaskHistory>(tasks.map((t) => [taskName(t), {attempts: 0}]))
  for (const r of records) {
    if (!('task' in r)) continue
    const h = history.get(r.task)
    if (!h) continue
    if (r.type === 'starting') {
      h.starting = {deal: r.deal, nonce: r.nonce}
    } else if (r.type === 'started') {
      h.attempts = Math.max(h.attempts, r.attempt)
      h.open = {deal: r.deal, jobId: r.jobId}
      h.starting = undefined
    } else if (r.type === 'attempt-failed') {
      if (h.open?.deal === r.deal && h.open.jobId === r.jobId) h.open = undefined
      h.starting = undefined
    } else if (r.type === 'done') {
      h.done = r
      h.open = undefined
      h.starting = undefined
    }
  }
  return history
}
