// The provider agent's state: the jobs of each deal, their logs and their fate. State lives in the
// data dir (one directory per job with job.json and its log), so a restarted agent still knows every
// job: those that were running when it died are marked `interrupted` with the time, never dropped.
// The chain is reached only through DealSource (who rented a deal, is it open) and MarketDuties
// (asks, billing, closing), which the market library implements.
// Logs are bounded: a quota per job, and a retention period and a disk budget for them all (the logs of
// ended jobs are deleted, oldest first; a running job's never). Logs are opened when first read, and
// at most MAX_IDLE_STORES logs of ended jobs stay open, so a restart does not touch them.
import {randomBytes} from 'node:crypto'
import {existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {type Address} from 'viem'

import {type DealInfo, type DealSource} from './deals.js'
import {type Executor, type ExecutorCallbacks, type ExecutorHandle, type ExecutorJob, type JobLimits} from './executor.js'
import {formatDuration} from '../core/durations.js'
import {formatSize} from '../market/units.js'
import {DEFAULT_RESULTS_RETENTION_MS, JobFiles} from './job-files.js'
import {type JobSpec, timeLimitMs} from './job-spec.js'
import {LogStore, type LogStoreOptions} from './log-store.js'

export const DEFAULT_MAX_LOG_BYTES = 100 * 2 ** 20
export const DEFAULT_LOG_DISK_BUDGET = 5 * 2 ** 30
export const DEFAULT_LOG_RETENTION_MS = 7 * 24 * 3600 * 1000
/** Logs of ended jobs kept open for readers; older idle ones are closed (reopened when read again). */
const MAX_IDLE_STORES = 64

/**
 * This data dir's agent id (made once, kept in <dataDir>/agent-id): executors label what they start
 * with it, so a restarted agent finds its own containers and never another agent's.
 */
export function agentIdOf(dataDir: string): string {
  const file = path.join(dataDir, 'agent-id')
  try {
    const id = readFileSync(file, 'utf8').trim()
    if (/^[\da-f]{12}$/.test(id)) return id
  } catch {}
  mkdirSync(dataDir, {mode: 0o700, recursive: true})
  const id = randomBytes(6).toString('hex')
  writeFileSync(file + '.tmp', id + '\n')
  renameSync(file + '.tmp', file)
  return id
}

/** What a deal's ask grants its jobs: cpuCores, ramSize (benchmarks of the deal) and the outbound netflag. */
export function dealLimits(deal: DealInfo | undefined): JobLimits {
  const b = deal?.benchmarks ?? {}
  return {cpuCores: b.cpuCores ? Number(b.cpuCores) : undefined, outbound: Boolean(deal?.netflags?.outbound), ramBytes: b.ramSize ? Number(b.ramSize) : undefined}
}

export type JobStatus = 'running' | 'exited' | 'killed' | 'failed' | 'interrupted'

export interface JobState {
  consumer: Address
  createdAt: string
  dealId: string
  endedAt?: string
  /** Exit code when the process exited by itself (or after a kill, if it handled the signal). */
  exitCode: number | null
  executor: string
  id: string
  /** The limits the executor applied (from the deal's ask). */
  limits?: JobLimits
  pid?: number
  /** The job's log was deleted (retention or disk budget): when, why, and how many records it held. */
  logPruned?: {at: string; lastSeq: number; reason: string}
  /** The job's work dir and results were deleted (the deal closed longer ago than the retention). */
  filesPruned?: {at: string; reason: string}
  /** Why it ended, when it did not end on its own. */
  reason?: string
  signal: string | null
  spec: JobSpec
  startedAt: string
  status: JobStatus
}

/** A deal whose Bill reverts (the renter's allowance does not cover the next period). */
export interface UnfundedDeal {
  dealId: bigint
  /** Why, in words (the revert reason). */
  reason: string
  /** Since when (ms since the epoch, the agent's clock). */
  since: number
  /** A spot deal (the provider may close it at any time). */
  spot: boolean
}

/** The duties that need the market library (market-duties.ts implements them on the chain). */
export interface MarketDuties {
  /** Place the ASK orders of the plan file (and again when a deal ends, so capacity stays listed). */
  placeAsks(plan: string): Promise<unknown>
  /** Bill each open deal that is due, each on its own; mark those whose Bill reverts unfunded. */
  billOpenDeals(): Promise<unknown>
  closeEndedDeals(): Promise<unknown>
  /** Close the spot deals unfunded for longer than `graceMs` whose CloseDeal would succeed. */
  closeUnfundedDeals(graceMs: number): Promise<unknown>
  /** Whether a deal is unfunded (checked again now if it was). */
  recheckFunding(dealId: bigint): Promise<UnfundedDeal | undefined>
  unfundedDeals(): UnfundedDeal[]
}

export const DEFAULT_UNFUNDED_GRACE_MS = 10 * 60_000

export interface AgentOptions {
  dataDir: string
  dealSource: DealSource
  /** How often deals with running jobs are checked (and market duties run). Default 5 s. */
  dealPollMs?: number
  executor: Executor
  log?: (message: string) => void
  /** All logs together (records and indexes): past it, the logs of the oldest ended jobs are deleted. Default 5 GiB. */
  logDiskBudget?: number
  /** How often retention and the disk budget are applied. Default 60 s. */
  logPruneMs?: number
  /** Logs of jobs that ended longer ago are deleted; 0 keeps them until the budget needs room. Default 7 days. */
  logRetentionMs?: number
  /** Most bytes of uploads a deal may hold at once (one upload over it is refused before its body). Default 2 GiB. */
  maxUploadBytes?: number
  /** A deal's uploads, work dirs and results are deleted this long after it closed. Default 7 days. */
  resultsRetentionMs?: number
  market?: MarketDuties
  /** How often the market duties run (at most once per deal poll). Default 30 s. */
  marketPollMs?: number
  /** Most bytes one job's log may take; later output is dropped after one marker line. Default 100 MiB. */
  maxLogBytes?: number
  /** At the quota: drop later output (default), or also stop the job. */
  onLogQuota?: 'drop' | 'stop'
  plan?: string
  /** The provider's address: jobs are accepted only for deals whose supplier it is. */
  supplier?: Address
  /** How long a deal may stay unfunded before its jobs are stopped (and a spot deal closed). Default 10 min. */
  unfundedGraceMs?: number
}

interface LiveJob {
  handle?: ExecutorHandle
  state: JobState
  /** Open while the job runs, or while its log is read (ended jobs' logs open on first read). */
  store?: LogStore
}

/** A job's exit status for a shell: its code, or 128 + signal number, or 1 when it never ran to an exit. */
export function jobExitStatus(state: Pick<JobState, 'exitCode' | 'signal' | 'status'>): number {
  if (state.exitCode !== null && state.exitCode !== undefined) return state.exitCode
  if (state.signal) {
    const numbers: Record<string, number> = {SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGQUIT: 3, SIGTERM: 15}
    return 128 + (numbers[state.signal] ?? 0)
  }
  return 1
}

export class Agent {
  private readonly jobs = new Map<string, LiveJob>()
  /** Jobs that were running when the last agent died, for an executor that can adopt them (reconcile()). */
  private orphans: LiveJob[] = []
  private pollTimer?: NodeJS.Timeout
  private polling = false
  private marketDutiesAt = 0
  private prunedAt = 0
  private stopping = false
  /** Ended jobs whose log is open, least recently read first. */
  private readonly idleStores = new Map<string, LiveJob>()

  /** Uploads, work dirs and results on disk. */
  readonly files: JobFiles

  private constructor(readonly options: AgentOptions) {
    this.files = new JobFiles(options.dataDir, options.maxUploadBytes, options.log)
  }

  get dataDir(): string {
    return this.options.dataDir
  }

  /** Opens the data dir; jobs that were running when the last agent died become `interrupted`. */
  static open(options: AgentOptions): Agent {
    const agent = new Agent(options)
    agent.load()
    return agent
  }

  jobDir(dealId: string, jobId: string): string {
    return path.join(this.options.dataDir, 'deals', dealId, 'jobs', jobId)
  }

  private logFile(state: Pick<JobState, 'dealId' | 'id'>): string {
    return path.join(this.jobDir(state.dealId, state.id), 'log')
  }

  /** The job's log store, opened if need be; undefined once the log was pruned. */
  private storeOf(live: LiveJob): LogStore | undefined {
    if (live.state.logPruned) return undefined
    if (!live.store || live.store.isClosed) {
      live.store = LogStore.open(this.logFile(live.state), this.storeOptions(live))
      if (live.state.status !== 'running') live.store.end()
    }
    if (live.state.status !== 'running') this.touchIdle(live)
    return live.store
  }

  private touchIdle(live: LiveJob): void {
    const k = key(live.state.dealId, live.state.id)
    this.idleStores.delete(k)
    this.idleStores.set(k, live)
    if (this.idleStores.size <= MAX_IDLE_STORES) return
    for (const [other, job] of this.idleStores) {
      if (this.idleStores.size <= MAX_IDLE_STORES) break
      if (job.store && job.store.readerCount > 0) continue
      job.store?.close()
      job.store = undefined
      this.idleStores.delete(other)
    }
  }

  private storeOptions(live: LiveJob): LogStoreOptions {
    const maxBytes = this.options.maxLogBytes ?? DEFAULT_MAX_LOG_BYTES
    const stop = this.options.onLogQuota === 'stop'
    const quota = formatSize(BigInt(maxBytes))
    return {
      maxBytes,
      onQuota: () => {
        this.options.log?.(`Job ${live.state.dealId}/${live.state.id} reached the log quota of ${quota}: ${stop ? 'stopping it' : 'later output is dropped'}.`)
        if (stop) live.handle?.kill(`its log reached the quota of ${quota}`)
      },
      quotaNote: `nectar: this job's log reached the provider's quota of ${quota}; ${stop ? 'the job is stopped' : 'later output is dropped'}.\n`,
    }
  }

  private load(): void {
    const dealsDir = path.join(this.options.dataDir, 'deals')
    mkdirSync(dealsDir, {mode: 0o700, recursive: true})
    for (const dealId of readdirSync(dealsDir)) {
      const jobsDir = path.join(dealsDir, dealId, 'jobs')
      if (!existsSync(jobsDir)) continue
      for (const jobId of readdirSync(jobsDir)) {
        const file = path.join(jobsDir, jobId, 'job.json')
        if (!existsSync(file)) continue
        let state: JobState
        try {
          state = JSON.parse(readFileSync(file, 'utf8')) as JobState
        } catch {
          this.options.log?.(`Skipping job ${dealId}/${jobId}: ${file} is not readable JSON.`)
          continue
        }
        // Logs are not opened here (a restart reads no log), except those of jobs an executor may adopt.
        if (state.status === 'running' && this.options.executor.adopt && state.executor === this.options.executor.name) {
          const live: LiveJob = {state}
          live.store = LogStore.open(this.logFile(state), this.storeOptions(live))
          this.orphans.push(live)
          this.jobs.set(key(state.dealId, state.id), live)
          continue
        }
        if (state.status === 'running') {
          state.status = 'interrupted'
          state.endedAt = new Date().toISOString()
          state.reason = `the agent stopped while the job was running (noticed at restart, ${state.endedAt}); output up to then is kept`
          this.save(state)
        }
        this.jobs.set(key(state.dealId, state.id), {state})
      }
    }
  }

  /**
   * After a restart, with an executor that outlives the agent (containers): each job that was running
   * is either followed again (its log continues where the store ended) or recorded as ended with its
   * exit code and output; one the executor no longer has is marked interrupted. Then whatever the
   * executor still holds for no job is removed. Call once, before serving.
   */
  async reconcile(): Promise<{adopted: number; interrupted: number; removed: number}> {
    const {executor} = this.options
    let adopted = 0
    let interrupted = 0
    const orphans = this.orphans
    this.orphans = []
    for (const live of orphans) {
      const {state} = live
      const store = live.store!
      let handle: ExecutorHandle | undefined
      try {
        handle = await executor.adopt!(this.executorJob(state), store.streamBytes(), this.callbacks(live))
      } catch (error) {
        this.options.log?.(`Re-attaching job ${state.dealId}/${state.id} failed: ${(error as Error).message}`)
      }
      if (handle) {
        live.handle = handle
        adopted++
        if (store.quotaHit && this.options.onLogQuota === 'stop') handle.kill('its log reached the quota')
        this.options.log?.(`Job ${state.dealId}/${state.id} was running when the agent stopped: following it again.`)
        continue
      }
      interrupted++
      state.status = 'interrupted'
      state.endedAt = new Date().toISOString()
      state.reason = `the agent stopped while the job was running (noticed at restart, ${state.endedAt}); output up to then is kept`
      this.save(state)
      store.end()
      this.touchIdle(live)
    }
    const keep = new Set<string>()
    for (const job of this.jobs.values()) if (job.state.status === 'running') keep.add(key(job.state.dealId, job.state.id))
    const removed = executor.sweep ? await executor.sweep(keep) : 0
    if (removed > 0) this.options.log?.(`Removed ${removed} leftover container(s) of this agent.`)
    return {adopted, interrupted, removed}
  }

  private executorJob(state: JobState): ExecutorJob {
    const {spec} = state
    const limitMs = spec.timeLimit === undefined ? undefined : timeLimitMs(spec.timeLimit)
    return {dealId: state.dealId, id: state.id, limits: state.limits, spec, timeLimitMs: limitMs, workDir: path.join(this.jobDir(state.dealId, state.id), 'work')}
  }

  private callbacks(live: LiveJob): ExecutorCallbacks {
    const {state} = live
    // A running job's store stays open (never closed as idle) until it ends.
    const store = live.store!
    return {
      onExit: (code, signal, reason) => {
        state.exitCode = code
        state.signal = signal
        state.endedAt = new Date().toISOString()
        state.status = reason?.startsWith('failed to start') ? 'failed' : reason ? 'killed' : 'exited'
        if (reason) state.reason = reason
        this.save(state)
        store.end()
        this.touchIdle(live)
        this.options.log?.(`Job ${state.dealId}/${state.id} ${state.status}${reason ? ` (${reason})` : ''}, exit ${jobExitStatus(state)}.`)
        if ((state.spec.outputs?.length ?? 0) > 0 && !this.stopping) this.packResults(state)
      },
      onOutput: (stream, bytes) => store.append(stream, bytes),
    }
  }

  /** Packs a job's outputs once it ended, so the first pull finds the archive ready (a pull meanwhile waits for it). */
  private packResults(state: JobState): void {
    const started = Date.now()
    this.files.results(this.jobDir(state.dealId, state.id), state.spec.outputs ?? []).then(
      (archive) => this.options.log?.(`Job ${state.dealId}/${state.id}: packed its outputs (${archive.files} files, ${formatSize(BigInt(archive.bytes))}) in ${((Date.now() - started) / 1000).toFixed(1)} s.`),
      (error: Error) => this.options.log?.(`Job ${state.dealId}/${state.id}: packing its outputs failed (retried at the first pull): ${error.message}`),
    )
  }

  private save(state: JobState): void {
    const dir = this.jobDir(state.dealId, state.id)
    mkdirSync(dir, {mode: 0o700, recursive: true})
    const file = path.join(dir, 'job.json')
    // The spec may hold the renter's secrets (env, files): owner only.
    writeFileSync(file + '.tmp', JSON.stringify(state, null, 2), {mode: 0o600})
    renameSync(file + '.tmp', file)
  }

  /** Starts the deal-watch loop (and the market duties, the first round at once). */
  start(): void {
    const every = this.options.dealPollMs ?? 5000
    this.pollTimer = setInterval(() => void this.tick(), every)
    this.pollTimer.unref()
    void this.tick()
  }

  /**
   * One round: kill the jobs of deals that closed; then, when they are due, the market duties: close
   * ended deals, bill open ones, and place the plan's asks that are missing (a failure is logged and
   * retried next round).
   */
  async tick(): Promise<void> {
    if (this.polling || this.stopping) return
    this.polling = true
    try {
      if (Date.now() - this.prunedAt >= (this.options.logPruneMs ?? 60_000)) {
        this.prunedAt = Date.now()
        try {
          this.pruneLogs()
          await this.pruneDealFiles()
        } catch (error) {
          this.options.log?.(`Pruning logs or results failed (retried next round): ${(error as Error).message}`)
        }
      }
      const deals = new Set<string>()
      for (const job of this.jobs.values()) if (job.state.status === 'running') deals.add(job.state.dealId)
      for (const dealId of deals) {
        try {
          const deal = await this.options.dealSource.getDeal(BigInt(dealId))
          if (!deal || deal.status === 'closed') this.killDealJobs(dealId, `deal ${dealId} closed`)
        } catch (error) {
          this.options.log?.(`Checking deal ${dealId} failed: ${(error as Error).message}`)
        }
      }
      const market = this.options.market
      if (market && Date.now() - this.marketDutiesAt >= (this.options.marketPollMs ?? 30_000)) {
        this.marketDutiesAt = Date.now()
        const duty = (what: string, run: () => Promise<unknown>) => run().catch((error) => this.options.log?.(`${what} failed (retried next round): ${(error as Error).message}`))
        await duty('Closing ended deals', () => market.closeEndedDeals())
        await duty('Billing', () => market.billOpenDeals())
        // Past the grace: the jobs stop first (so their reason is the funding, not the close), then a spot deal is closed.
        const grace = this.options.unfundedGraceMs ?? DEFAULT_UNFUNDED_GRACE_MS
        for (const deal of market.unfundedDeals()) {
          if (Date.now() - deal.since < grace) continue
          const stopped = this.killDealJobs(deal.dealId.toString(), unfundedReason(deal))
          if (stopped > 0) this.options.log?.(`Stopping ${stopped} job(s) of deal ${deal.dealId}: unfunded for longer than the grace of ${formatDuration(BigInt(Math.round(grace / 1000)))}.`)
        }
        await duty('Closing unfunded deals', () => market.closeUnfundedDeals(grace))
        if (this.options.plan) await duty('Placing asks', () => market.placeAsks(this.options.plan!))
      }
    } finally {
      this.polling = false
    }
  }

  /**
   * Deletes the logs of ended jobs that ended longer ago than the retention, then, while all logs
   * together are over the disk budget, those of the oldest ended jobs. A running job's log is never
   * deleted. Returns what was pruned.
   */
  pruneLogs(now = Date.now()): Array<{dealId: string; jobId: string; reason: string}> {
    const retention = this.options.logRetentionMs ?? DEFAULT_LOG_RETENTION_MS
    const budget = this.options.logDiskBudget ?? DEFAULT_LOG_DISK_BUDGET
    let total = 0
    const ended: Array<{bytes: number; endedAt: number; live: LiveJob}> = []
    for (const live of this.jobs.values()) {
      if (live.state.logPruned) continue
      const bytes = live.store && !live.store.isClosed ? live.store.diskBytes : LogStore.diskUsage(this.logFile(live.state))
      total += bytes
      if (live.state.status !== 'running') ended.push({bytes, endedAt: Date.parse(live.state.endedAt ?? live.state.createdAt) || 0, live})
    }
    ended.sort((a, b) => a.endedAt - b.endedAt)
    const pruned: Array<{dealId: string; jobId: string; reason: string}> = []
    for (const {bytes, endedAt, live} of ended) {
      // A log being read now is left for the next round, so its reader is not cut short.
      if (live.store && !live.store.isClosed && live.store.readerCount > 0) continue
      let reason: string
      if (retention > 0 && now - endedAt > retention) reason = `it ended more than ${formatDuration(BigInt(Math.round(retention / 1000)))} ago (log retention)`
      else if (total > budget) reason = `all logs together passed the disk budget of ${formatSize(BigInt(budget))}, and it is among the oldest`
      else break // the rest ended later: within the retention, and the budget holds
      this.pruneLog(live, reason, now)
      total -= bytes
      pruned.push({dealId: live.state.dealId, jobId: live.state.id, reason})
    }
    if (total > budget) this.options.log?.(`The logs of running jobs alone take ${formatSize(BigInt(total))}, over the disk budget of ${formatSize(BigInt(budget))}; they are kept while the jobs run.`)
    return pruned
  }

  private pruneLog(live: LiveJob, reason: string, now: number): void {
    const {state} = live
    const file = this.logFile(state)
    let lastSeq = 0
    if (live.store && !live.store.isClosed) lastSeq = live.store.lastSeq
    else if (existsSync(file)) {
      const store = LogStore.open(file)
      lastSeq = store.lastSeq
      store.close()
    }
    // Followers still reading it end (a closed store ends them); the log is gone for later readers.
    live.store?.close()
    live.store = undefined
    this.idleStores.delete(key(state.dealId, state.id))
    LogStore.remove(file)
    state.logPruned = {at: new Date(now).toISOString(), lastSeq, reason}
    this.save(state)
    this.options.log?.(`Deleted the log of job ${state.dealId}/${state.id}: ${reason}.`)
  }

  /**
   * Deletes the uploads, work dirs and results of deals closed longer ago than the results retention
   * (the close is noticed here and its time kept in deals/<id>/closed-at). Returns the deals pruned.
   */
  async pruneDealFiles(now = Date.now()): Promise<string[]> {
    const retention = this.options.resultsRetentionMs ?? DEFAULT_RESULTS_RETENTION_MS
    const dealsDir = path.join(this.options.dataDir, 'deals')
    const pruned: string[] = []
    for (const dealId of existsSync(dealsDir) ? readdirSync(dealsDir) : []) {
      if (!/^\d+$/.test(dealId)) continue
      const dir = path.join(dealsDir, dealId)
      if (existsSync(path.join(dir, 'files-pruned'))) continue
      const jobs = [...this.jobs.values()].filter((j) => j.state.dealId === dealId)
      if (jobs.some((j) => j.state.status === 'running')) continue
      const marker = path.join(dir, 'closed-at')
      let closedAt = existsSync(marker) ? Number(readFileSync(marker, 'utf8')) : Number.NaN
      if (!Number.isFinite(closedAt)) {
        const deal = await this.options.dealSource.getDeal(BigInt(dealId))
        if (deal && deal.status !== 'closed') continue
        closedAt = now
        writeFileSync(marker, `${now}\n`)
      }
      if (now - closedAt <= retention) continue
      const reason = `deal ${dealId} closed more than ${formatDuration(BigInt(Math.round(retention / 1000)))} ago (results retention)`
      this.files.pruneDeal(dealId, jobs.map((j) => this.jobDir(dealId, j.state.id)))
      for (const job of jobs) {
        job.state.filesPruned = {at: new Date(now).toISOString(), reason}
        this.save(job.state)
      }
      writeFileSync(path.join(dir, 'files-pruned'), `${now}\n`)
      this.options.log?.(`Deleted the uploads, work dirs and results of deal ${dealId}: ${reason}.`)
      pruned.push(dealId)
    }
    return pruned
  }

  killDealJobs(dealId: string, reason: string): number {
    let n = 0
    for (const job of this.jobs.values()) {
      if (job.state.dealId === dealId && job.state.status === 'running') {
        job.handle?.kill(reason)
        n++
      }
    }
    return n
  }

  /** Why a deal takes no new jobs now (its Bill reverts), or undefined; an unfunded deal is checked again first. */
  async unfunded(dealId: bigint): Promise<UnfundedDeal | undefined> {
    return this.options.market?.recheckFunding(dealId)
  }

  /**
   * Starts a job for a deal (the caller has checked the consumer and the deal); returns its state. A
   * job with an upload takes its checked, unpacked files as its work dir first: a missing upload
   * refuses the job (JobFilesError) and leaves nothing of it behind.
   */
  startJob(dealId: bigint, consumer: Address, spec: JobSpec, dealInfo?: DealInfo): JobState {
    if (this.stopping) throw new Error('the agent is shutting down')
    const deal = dealId.toString()
    const id = this.nextJobId(deal)
    const dir = this.jobDir(deal, id)
    mkdirSync(dir, {mode: 0o700, recursive: true})
    if (spec.upload) {
      try {
        const unpacked = this.files.takeUpload(deal, spec.upload.sha256, path.join(dir, 'work'))
        this.options.log?.(`Job ${deal}/${id}: took upload ${spec.upload.sha256.slice(0, 12)}… (${unpacked.files} files, ${formatSize(BigInt(unpacked.bytes))}).`)
      } catch (error) {
        rmSync(dir, {force: true, recursive: true})
        throw error
      }
    }
    const now = new Date().toISOString()
    const limits = dealLimits(dealInfo)
    const state: JobState = {consumer, createdAt: now, dealId: deal, exitCode: null, executor: this.options.executor.name, id, limits, signal: null, spec, startedAt: now, status: 'running'}
    const live: LiveJob = {state}
    live.store = LogStore.open(this.logFile(state), this.storeOptions(live))
    this.jobs.set(key(deal, id), live)
    this.save(state)
    live.handle = this.options.executor.start(this.executorJob(state), this.callbacks(live))
    if (live.handle.pid !== undefined) {
      state.pid = live.handle.pid
      this.save(state)
    }
    this.options.log?.(`Job ${deal}/${id} started for ${consumer}: ${spec.image ? `[${spec.image}] ` : ''}${spec.command} ${(spec.args ?? []).join(' ')}`)
    return state
  }

  private nextJobId(dealId: string): string {
    let max = 0
    for (const job of this.jobs.values()) if (job.state.dealId === dealId) max = Math.max(max, Number(job.state.id) || 0)
    // A crash between mkdir and job.json could leave a directory behind: never reuse it.
    let id = max + 1
    while (existsSync(this.jobDir(dealId, String(id)))) id++
    return String(id)
  }

  listJobs(dealId: bigint): JobState[] {
    const deal = dealId.toString()
    return [...this.jobs.values()].filter((j) => j.state.dealId === deal).map((j) => j.state).sort((a, b) => Number(a.id) - Number(b.id))
  }

  /** A job and its log store (opened if need be; undefined when the log was pruned). */
  getJob(dealId: bigint, jobId: string): {state: JobState; store: LogStore | undefined} | undefined {
    const live = this.jobs.get(key(dealId.toString(), jobId))
    return live && {state: live.state, store: this.storeOf(live)}
  }

  /** The last sequence number of a job's log (kept in the job's state once the log is pruned). */
  lastSeqOf(dealId: bigint, jobId: string): number {
    const live = this.jobs.get(key(dealId.toString(), jobId))
    if (!live) return 0
    return live.state.logPruned?.lastSeq ?? this.storeOf(live)?.lastSeq ?? 0
  }

  /** Asks a running job to stop; false when it had already ended. */
  stopJob(dealId: bigint, jobId: string, reason: string): boolean {
    const live = this.jobs.get(key(dealId.toString(), jobId))
    if (!live || live.state.status !== 'running') return false
    live.handle?.kill(reason)
    return true
  }

  get runningCount(): number {
    let n = 0
    for (const job of this.jobs.values()) if (job.state.status === 'running') n++
    return n
  }

  /** Stops every running job (recorded as killed with the reason) and waits for them to end. */
  async shutdown(reason = 'the provider agent shut down', timeoutMs = 10_000): Promise<void> {
    this.stopping = true
    clearInterval(this.pollTimer)
    const running = [...this.jobs.values()].filter((j) => j.state.status === 'running')
    for (const job of running) job.handle?.kill(reason)
    const deadline = Date.now() + timeoutMs
    while (running.some((j) => j.state.status === 'running') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25))
    for (const job of this.jobs.values()) job.store?.close()
  }

  /** A short random id for things that need one (not job ids, which count up per deal). */
  static randomId(): string {
    return randomBytes(6).toString('hex')
  }
}

const key = (dealId: string, jobId: string) => `${dealId}/${jobId}`

/** A stopped job's reason (its status and the end of its log say it). */
export const unfundedReason = (deal: UnfundedDeal): string => `deal ${deal.dealId} unfunded since ${new Date(deal.since).toISOString()}: ${deal.reason}`

/** The agent's answer to a job start on an unfunded deal (one line; the renter's CLI adds the hint). */
export const unfundedRefusal = (deal: UnfundedDeal): string =>
  `Deal ${deal.dealId} is unfunded since ${new Date(deal.since).toISOString()} (${deal.reason}): this agent takes no new jobs on it until the renter funds it with \`nectar compute fund ${deal.dealId}\`.`
