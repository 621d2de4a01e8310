// `compute batch`'s scheduler: a task range fanned out over several deals' agents. Each deal runs as
// many tasks at once as it has slots (the command gives the deal's cpuCores: one task per CPU thread
// bought); a task that fails (non-zero exit, its agent unreachable or dead, its outputs not pulled) is
// tried again on another deal, up to a bound; an agent that stops answering is taken out of rotation
// and its tasks go elsewhere. Everything that happens is journaled (batch-journal.ts) before the run
// relies on it, so a killed batch run again redoes no finished task.
import {randomBytes} from 'node:crypto'
import http from 'node:http'
import https from 'node:https'

import {type NectarError} from '../core/errors.js'
import {now} from '../chain/journal.js'
import {batchJobName, type BatchJournal, type BatchRecord, type TaskHistory} from './batch-journal.js'
import {type AgentTarget, type EndRecord, followLogs, listJobs, recordBytes, startJob} from './client.js'
import {type JobSpec} from './job-spec.js'
import {type TaskRange, taskName, taskSpec} from './task-range.js'

export interface BatchDeal {
  dealId: bigint
  /** Tasks run at once on this deal. */
  slots: number
  target: AgentTarget
}

/** Brings a finished task's outputs home; throws when it cannot (the task is then done again elsewhere). */
export type PullStep = (target: AgentTarget, jobId: string, task: TaskRange) => Promise<{bytes: number; files: number}>

export interface BatchCounts {
  done: number
  failed: number
  /** Failed attempts that were given another try. */
  retries: number
  running: number
  total: number
}

export interface TaskResult {
  /** Jobs started for it, earlier runs included. */
  attempts: number
  /** The deal that ran it to success (or the last one tried). */
  dealId: bigint | null
  end: number
  /** Why it failed, when it did. */
  error?: string
  exitCode: number | null
  jobId: string | null
  pulled?: {bytes: number; files: number}
  /** Found done in the journal of an earlier run (not run again). */
  resumed: boolean
  start: number
  status: 'done' | 'failed'
  task: string
}

export interface DealReport {
  dealId: bigint
  endpoint: string
  /** Attempts on this deal that failed. */
  failedAttempts: number
  jobsStarted: number
  /** Why the deal was taken out of rotation, if it was. */
  out: string | null
  slots: number
  tasksDone: number
}

export interface BatchReport {
  deals: DealReport[]
  done: number
  failed: number
  journal: string
  resumed: number
  retries: number
  tasks: TaskResult[]
  total: number
  wallMs: number
}

export interface RunBatchOptions {
  /** How long a job's log stream may stay lost before the attempt counts as failed, ms. Default 10000 (an agent that refuses connections is out at once). */
  deadAfterMs?: number
  deals: readonly BatchDeal[]
  journal: BatchJournal
  /** Jobs per task in this run before it counts as failed. */
  maxAttempts: number
  /** Called whenever a count changes (for the progress bar). */
  onChange?: (counts: BatchCounts) => void
  /** One line for a person: a deal taken out of rotation, a task retried. */
  note?: (message: string) => void
  /** The pull step; none when the spec declares no outputs. */
  pull?: PullStep
  spec: JobSpec
  tasks: readonly TaskRange[]
}

interface TaskState {
  attempts: number
  lastDeal?: DealState
  lastError?: string
  lastExit: number | null
  lastJob?: string
  open?: {deal: string; jobId: string}
  range: TaskRange
  /** Attempts in this run (the bound applies per run: a rerun gives failed tasks a fresh chance). */
  runAttempts: number
  starting?: {deal: string; nonce: string}
  tried: Set<string>
}

/**
 * Tasks whose start was sent by a killed run before the agent's answer was journaled: their deal's
 * agent is asked for its jobs, and the one named with the journaled start's nonce (batchJobName) is
 * the job that run started: followed again, not started twice.
 */
async function adoptUnjournaledStarts(pending: TaskState[], deals: readonly DealState[], key: string, known: Set<string>, spec: JobSpec, adopt: (t: TaskState, deal: string, jobId: string) => void): Promise<void> {
  const waiting = pending.filter((t) => t.starting && !t.open)
  const byDeal = new Map<string, TaskState[]>()
  for (const t of waiting) byDeal.set(t.starting!.deal, [...(byDeal.get(t.starting!.deal) ?? []), t])
  await Promise.all(
    [...byDeal].map(async ([dealId, tasks]) => {
      const deal = deals.find((d) => d.id === dealId)
      if (!deal) return
      const jobs = await listJobs(deal.target).catch(() => [])
      for (const t of tasks) {
        const name = batchJobName(spec.name, key, taskName(t.range), t.starting!.nonce)
        const job = jobs.find((j) => j.spec.name === name && !known.has(`${dealId}/${j.id}`))
        if (!job) continue
        known.add(`${dealId}/${job.id}`)
        t.open = {deal: dealId, jobId: job.id}
        adopt(t, dealId, job.id)
      }
    }),
  )
}

interface DealState extends DealReport {
  alive: boolean
  /** Rejects once the deal is out of rotation, ending every wait on its agent at once. */
  gone: Promise<never>
  id: string
  kill: (reason: string) => void
  /** Times it came back into rotation after its agent stopped answering. */
  returns: number
  running: number
  strikes: number
  target: AgentTarget
}

/** How often an agent that stopped answering is asked again, and how many times it may come back. */
const RETURN_PROBE_MS = 2000
const MAX_RETURNS = 2

/**
 * Whether the agent answers GET /status (the open endpoint: no signature needed): 'up'; 'down' when the
 * connection is refused or reset or the answer is not 200; 'slow' when nothing came within `timeoutMs`
 * (a loaded machine is not a dead one).
 */
function probeAgent(endpoint: string, timeoutMs = 1500): Promise<'down' | 'slow' | 'up'> {
  return new Promise((resolve) => {
    const url = new URL(`${endpoint}/status`)
    let timedOut = false
    // A connection of its own, closed after the answer: nothing kept alive past the batch.
    const request = (url.protocol === 'https:' ? https : http).get(url, {agent: false, timeout: timeoutMs}, (response) => {
      response.resume()
      response.on('end', () => resolve(response.statusCode === 200 ? 'up' : 'down'))
      response.on('error', () => resolve('down'))
    })
    request.on('timeout', () => {
      timedOut = true
      request.destroy()
    })
    request.on('error', () => resolve(timedOut ? 'slow' : 'down'))
  })
}

/** An agent's refusal that will not change on a retry (not the renter's, closed, unfunded, a spec it cannot run). */
const refusalStatus = (error: unknown): number | undefined => {
  const status = /\(HTTP (\d{3}) /.exec((error as Error)?.message ?? '')?.[1]
  return status && status.startsWith('4') ? Number(status) : undefined
}

function endReason(end: EndRecord, stderrTail: string): string {
  const last = stderrTail.trim().split('\n').at(-1)?.slice(0, 200)
  const what =
    end.status === 'exited' ? `exited with code ${end.exitStatus}` : end.status === 'interrupted' ? 'was interrupted (its agent stopped)' : `${end.status}${end.reason ? ` (${end.reason})` : ''}, exit status ${end.exitStatus}`
  return last ? `${what}: ${last}` : what
}

/** Runs every task not yet done; resolves when each is done or has failed for good. */
export async function runBatch(options: RunBatchOptions): Promise<BatchReport> {
  const started = Date.now()
  const {journal, maxAttempts} = options
  const deadAfterMs = options.deadAfterMs ?? 10_000
  /** A deal's `gone`: a promise that rejects when it is taken out of rotation (made again if it comes back). */
  const arm = (d: Omit<DealState, 'gone' | 'kill'> & Partial<DealState>): DealState => {
    let kill!: (reason: string) => void
    const gone = new Promise<never>((_, reject) => (kill = (reason) => reject(new Error(reason))))
    gone.catch(() => {})
    return Object.assign(d, {gone, kill})
  }
  const deals: DealState[] = options.deals.map((d) =>
    arm({alive: true, dealId: d.dealId, endpoint: d.target.endpoint, failedAttempts: 0, id: d.dealId.toString(), jobsStarted: 0, out: null, returns: 0, running: 0, slots: Math.max(1, d.slots), strikes: 0, target: d.target, tasksDone: 0}),
  )
  const results = new Map<string, TaskResult>()
  const pending: TaskState[] = []
  let resumed = 0
  for (const range of options.tasks) {
    const name = taskName(range)
    const history: TaskHistory = journal.history.get(name) ?? {attempts: 0}
    if (history.done) {
      resumed++
      results.set(name, {attempts: history.attempts, dealId: BigInt(history.done.deal), end: range.end, exitCode: 0, jobId: history.done.jobId, pulled: history.done.pulled, resumed: true, start: range.start, status: 'done', task: name})
      continue
    }
    pending.push({attempts: history.attempts, lastExit: null, open: history.open, range, runAttempts: 0, starting: history.starting, tried: new Set()})
  }
  /** A journal that cannot be written stops the batch: nothing more is started. */
  let fatal: Error | undefined
  const record = (r: BatchRecord) => {
    journal.append(r).catch((error: Error) => (fatal ??= error))
  }
  await adoptUnjournaledStarts(pending, deals, journal.key, journal.knownJobs, options.spec, (t, deal, jobId) => record({at: now(), attempt: ++t.attempts, deal, jobId, task: taskName(t.range), type: 'started'}))
  // Jobs an earlier run started first: they may be running, or done, already.
  pending.sort((a, b) => Number(Boolean(b.open)) - Number(Boolean(a.open)))

  let running = 0
  /** Attempts not yet over: running, or pulling their outputs after freeing their slot. */
  let active = 0
  let retries = 0
  let failed = 0
  let doneCount = resumed
  const changed = () => options.onChange?.({done: doneCount, failed, retries, running, total: options.tasks.length})

  let finish!: () => void
  const finished = new Promise<void>((resolve) => (finish = resolve))

  const takeOut = (d: DealState, reason: string) => {
    if (!d.alive) return
    d.alive = false
    d.out = reason
    d.kill(reason)
    const others = deals.filter((x) => x.alive).map((x) => x.id)
    options.note?.(`Deal ${d.id} is out of rotation: ${reason}.${d.running > 0 ? ` Its ${d.running} running task(s) go to ${others.length > 0 ? `deal ${others.join(', ')}` : 'no other deal: none is left'}.` : ''}`)
  }

  /**
   * An agent that stopped answering (not one that refused): asked again every few seconds while the
   * batch runs, and back in rotation if it answers (an agent restarted, a network blip), at most twice.
   */
  let over = false
  const lost = (d: DealState, reason: string) => {
    if (!d.alive) return
    takeOut(d, reason)
    if (d.returns >= MAX_RETURNS) return
    const timer = setInterval(() => {
      if (over) return clearInterval(timer)
      void probeAgent(d.endpoint).then((state) => {
        if (state !== 'up' || over || d.alive) return
        clearInterval(timer)
        arm(d)
        d.alive = true
        d.out = null
        d.returns++
        options.note?.(`Deal ${d.id}'s agent answers again: it is back in rotation.`)
        schedule()
      })
    }, RETURN_PROBE_MS)
    timer.unref()
  }

  const finalFail = (t: TaskState, error: string) => {
    failed++
    const name = taskName(t.range)
    results.set(name, {attempts: t.attempts, dealId: t.lastDeal?.dealId ?? null, end: t.range.end, error, exitCode: t.lastExit, jobId: t.lastJob ?? null, resumed: false, start: t.range.start, status: 'failed', task: name})
  }

  /** A failed attempt: journaled, then tried again elsewhere while the bound allows. */
  const attemptFailed = (t: TaskState, d: DealState, jobId: string | null, reason: string, exitCode: number | null, counted = true) => {
    record({at: now(), deal: d.id, exitCode, jobId, reason, task: taskName(t.range), type: 'attempt-failed'})
    t.lastError = reason
    t.lastExit = exitCode
    t.lastDeal = d
    t.tried.add(d.id)
    if (counted) d.failedAttempts++
    if (t.runAttempts >= maxAttempts) {
      finalFail(t, `failed ${t.runAttempts} time(s); last on deal ${d.id}: ${reason}`)
      options.note?.(`Task ${taskName(t.range)} failed for good after ${t.runAttempts} attempt(s): ${reason.replace(/\.$/, '')}.`)
      return
    }
    if (counted) retries++
    pending.unshift(t)
  }

  const acceptable = (t: TaskState, d: DealState) => {
    if (t.open) return t.open.deal === d.id
    if (!t.tried.has(d.id)) return true
    // Tried here already: only when every deal still in rotation was tried too.
    return deals.every((x) => !x.alive || t.tried.has(x.id))
  }

  const schedule = () => {
    for (const t of pending) if (t.open && !deals.some((d) => d.alive && d.id === t.open!.deal)) t.open = undefined
    for (let progress = true; progress; ) {
      progress = false
      for (const d of deals) {
        if (fatal || !d.alive || d.running >= d.slots) continue
        const i = pending.findIndex((t) => acceptable(t, d))
        if (i < 0) continue
        const [t] = pending.splice(i, 1)
        progress = true
        d.running++
        running++
        active++
        void attempt(t, d)
      }
    }
    if (active === 0) {
      if (pending.length > 0 && !fatal && !deals.some((d) => d.alive)) {
        for (const t of pending.splice(0)) finalFail(t, `no deal left to run it${t.lastError ? ` (last error: ${t.lastError})` : ''}`)
      }
      if (pending.length === 0 || fatal) finish()
    }
    changed()
  }

  /** One try of a task on a deal: start (or follow again) its job, wait for its end, pull its outputs. */
  async function attempt(t: TaskState, d: DealState): Promise<void> {
    let released = false
    const release = () => {
      if (released) return
      released = true
      d.running--
      running--
    }
    try {
      await tryOn(t, d, release)
    } catch (error) {
      // Nothing above should throw; if it does, the task is not lost.
      attemptFailed(t, d, null, (error as Error).message, null)
    } finally {
      release()
      active--
      schedule()
    }
  }

  async function tryOn(t: TaskState, d: DealState, release: () => void): Promise<void> {
    const name = taskName(t.range)
    let jobId: string
    const reattached = Boolean(t.open)
    if (t.open) {
      jobId = t.open.jobId
      t.open = undefined
    } else {
      t.runAttempts++
      t.attempts++
      const nonce = randomBytes(6).toString('hex')
      try {
        // On disk before it is sent: a rerun looks for this job on the agent rather than starting it twice.
        await journal.append({at: now(), deal: d.id, nonce, task: name, type: 'starting'})
      } catch (error) {
        fatal ??= error as Error
        t.runAttempts--
        t.attempts--
        pending.unshift(t)
        return
      }
      try {
        jobId = (await startJob(d.target, {...taskSpec(options.spec, t.range), name: batchJobName(options.spec.name, journal.key, name, nonce)})).id
      } catch (error) {
        const status = refusalStatus(error)
        const code = (error as NectarError).code
        if (status !== undefined || code === 'AGENT_UNREACHABLE') {
          // The deal, not the task: it goes out of rotation, and the task's try does not count.
          if (code === 'AGENT_UNREACHABLE') lost(d, `its agent at ${d.endpoint} does not answer`)
          else takeOut(d, (error as Error).message.replace(/\.$/, ''))
          t.runAttempts--
          t.attempts--
          t.tried.add(d.id)
          pending.unshift(t)
          return
        }
        if (++d.strikes >= 3) takeOut(d, `its agent failed 3 job starts, the last: ${(error as Error).message.replace(/\.$/, '')}`)
        attemptFailed(t, d, null, (error as Error).message, null)
        return
      }
      d.jobsStarted++
      record({at: now(), attempt: t.attempts, deal: d.id, jobId, task: name, type: 'started'})
    }
    t.lastJob = jobId
    t.lastDeal = d
    changed()

    let stderrTail = ''
    let lastSeq = 0
    let end: EndRecord | undefined
    for (let follows = 1; ; follows++) {
      const {gone} = d
      try {
        const follow = followLogs(d.target, {
          after: lastSeq > 0 ? lastSeq : undefined,
          follow: true,
          jobId,
          onReconnect: (n) => {
            // The deal left rotation, or the batch is over: this follower stops trying.
            if (!d.alive || over) throw new Error(`deal ${d.id} is out of rotation`)
            // A dropped stream: an agent that refuses connections is gone, said at once rather than after the window.
            if (n === 1) void probeAgent(d.endpoint).then((state) => state === 'down' && lost(d, `its agent at ${d.endpoint} stopped answering`))
          },
          onRecords: (records) => {
            for (const r of records) {
              stderrTail = (stderrTail + recordBytes(r).toString('utf8')).slice(-400)
              lastSeq = r.seq
            }
          },
          reconnectForMs: deadAfterMs,
          stream: 'stderr',
        })
        follow.catch(() => {})
        end = (await Promise.race([follow, gone])).end
        break
      } catch (error) {
        const message = (error as Error).message
        // An earlier run's job that this agent does not know (another data dir): start it anew, no try lost.
        if (reattached && /HTTP 404 /.test(message)) {
          pending.unshift(t)
          return
        }
        if (d.alive && !/\(HTTP 4\d\d /.test(message)) {
          // An agent that answers, or is only slow (a loaded machine), still has the job: follow it again.
          const state = await probeAgent(d.endpoint)
          if (state !== 'down' && follows < 3 && d.alive) continue
          if (state !== 'up') lost(d, state === 'down' ? `its agent at ${d.endpoint} stopped answering` : `its agent at ${d.endpoint} answers too slowly`)
        }
        attemptFailed(t, d, jobId, d.alive ? message : `its agent is out of rotation (${d.out})`, null)
        return
      }
    }
    if (!end) {
      attemptFailed(t, d, jobId, 'the log ended before the job did', null)
      return
    }
    if (end.status !== 'exited' || end.exitStatus !== 0) {
      attemptFailed(t, d, jobId, endReason(end, stderrTail), end.exitCode)
      return
    }
    // The job is done: its slot is free while its outputs come home.
    release()
    schedule()
    let pulled: {bytes: number; files: number} | undefined
    if (options.pull) {
      try {
        pulled = await options.pull(d.target, jobId, t.range)
      } catch (error) {
        if (d.alive && (await probeAgent(d.endpoint)) === 'down') lost(d, `its agent at ${d.endpoint} stopped answering`)
        attemptFailed(t, d, jobId, `its outputs could not be pulled: ${(error as Error).message}`, 0)
        return
      }
    }
    record({at: now(), deal: d.id, jobId, ...(pulled ? {pulled} : {}), task: name, type: 'done'})
    d.tasksDone++
    doneCount++
    results.set(name, {attempts: t.attempts, dealId: d.dealId, end: t.range.end, exitCode: 0, jobId, ...(pulled ? {pulled} : {}), resumed: false, start: t.range.start, status: 'done', task: name})
  }

  schedule()
  await finished
  over = true
  if (!fatal && failed === 0) record({at: now(), type: 'complete'})
  await journal.flush().catch((error: Error) => (fatal ??= error))
  if (fatal) throw fatal
  return {
    deals: deals.map(({dealId, endpoint, failedAttempts, jobsStarted, out, slots, tasksDone}) => ({dealId, endpoint, failedAttempts, jobsStarted, out, slots, tasksDone})),
    done: doneCount,
    failed,
    journal: journal.file,
    resumed,
    retries,
    tasks: options.tasks.map((r) => results.get(taskName(r))!),
    total: options.tasks.length,
    wallMs: Date.now() - started,
  }
}
