// The provider agent's state: the jobs of each deal, their logs and their fate. State lives in the
// data dir (one directory per job with job.json and its log), so a restarted agent still knows every
// job: those that were running when it died are marked `interrupted` with the time, never dropped.
// The chain is reached only through DealSource (who rented a deal, is it open) and MarketDuties
// (asks, billing, closing), which the market library implements.
import {randomBytes} from 'node:crypto'
import {existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {type Address} from 'viem'

import {type DealInfo, type DealSource} from './deals.js'
import {type Executor, type ExecutorCallbacks, type ExecutorHandle, type ExecutorJob, type JobLimits} from './executor.js'
import {type JobSpec, timeLimitMs} from './job-spec.js'
import {LogStore} from './log-store.js'

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
  mkdirSync(dataDir, {recursive: true})
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
  /** Why it ended, when it did not end on its own. */
  reason?: string
  signal: string | null
  spec: JobSpec
  startedAt: string
  status: JobStatus
}

/** The duties that need the market library (market-duties.ts implements them on the chain). */
export interface MarketDuties {
  /** Place the ASK orders of the plan file (and again when a deal ends, so capacity stays listed). */
  placeAsks(plan: string): Promise<unknown>
  billOpenDeals(): Promise<unknown>
  closeEndedDeals(): Promise<unknown>
}

export interface AgentOptions {
  dataDir: string
  dealSource: DealSource
  /** How often deals with running jobs are checked (and market duties run). Default 5 s. */
  dealPollMs?: number
  executor: Executor
  log?: (message: string) => void
  market?: MarketDuties
  /** How often the market duties run (at most once per deal poll). Default 30 s. */
  marketPollMs?: number
  plan?: string
  /** The provider's address: jobs are accepted only for deals whose supplier it is. */
  supplier?: Address
}

interface LiveJob {
  handle?: ExecutorHandle
  state: JobState
  store: LogStore
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
  private stopping = false

  private constructor(readonly options: AgentOptions) {}

  get dataDir(): string {
    return this.options.dataDir
  }

  /** Opens the data dir; jobs that were running when the last agent died become `interrupted`. */
  static open(options: AgentOptions): Agent {
    const agent = new Agent(options)
    agent.load()
    return agent
  }

  private jobDir(dealId: string, jobId: string): string {
    return path.join(this.options.dataDir, 'deals', dealId, 'jobs', jobId)
  }

  private load(): void {
    const dealsDir = path.join(this.options.dataDir, 'deals')
    mkdirSync(dealsDir, {recursive: true})
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
        const store = LogStore.open(path.join(jobsDir, jobId, 'log'))
        if (state.status === 'running' && this.options.executor.adopt && state.executor === this.options.executor.name) {
          const live = {state, store}
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
        store.end()
        this.jobs.set(key(state.dealId, state.id), {state, store})
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
      const {state, store} = live
      let handle: ExecutorHandle | undefined
      try {
        handle = await executor.adopt!(this.executorJob(state), store.streamBytes(), this.callbacks(live))
      } catch (error) {
        this.options.log?.(`Re-attaching job ${state.dealId}/${state.id} failed: ${(error as Error).message}`)
      }
      if (handle) {
        live.handle = handle
        adopted++
        this.options.log?.(`Job ${state.dealId}/${state.id} was running when the agent stopped: following it again.`)
        continue
      }
      interrupted++
      state.status = 'interrupted'
      state.endedAt = new Date().toISOString()
      state.reason = `the agent stopped while the job was running (noticed at restart, ${state.endedAt}); output up to then is kept`
      this.save(state)
      store.end()
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
    const {state, store} = live
    return {
      onExit: (code, signal, reason) => {
        state.exitCode = code
        state.signal = signal
        state.endedAt = new Date().toISOString()
        state.status = reason?.startsWith('failed to start') ? 'failed' : reason ? 'killed' : 'exited'
        if (reason) state.reason = reason
        this.save(state)
        store.end()
        this.options.log?.(`Job ${state.dealId}/${state.id} ${state.status}${reason ? ` (${reason})` : ''}, exit ${jobExitStatus(state)}.`)
      },
      onOutput: (stream, bytes) => store.append(stream, bytes),
    }
  }

  private save(state: JobState): void {
    const dir = this.jobDir(state.dealId, state.id)
    mkdirSync(dir, {recursive: true})
    const file = path.join(dir, 'job.json')
    writeFileSync(file + '.tmp', JSON.stringify(state, null, 2))
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
        if (this.options.plan) await duty('Placing asks', () => market.placeAsks(this.options.plan!))
      }
    } finally {
      this.polling = false
    }
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

  /** Starts a job for a deal (the caller has checked the consumer and the deal); returns its state. */
  startJob(dealId: bigint, consumer: Address, spec: JobSpec, dealInfo?: DealInfo): JobState {
    if (this.stopping) throw new Error('the agent is shutting down')
    const deal = dealId.toString()
    const id = this.nextJobId(deal)
    const now = new Date().toISOString()
    const limits = dealLimits(dealInfo)
    const state: JobState = {consumer, createdAt: now, dealId: deal, exitCode: null, executor: this.options.executor.name, id, limits, signal: null, spec, startedAt: now, status: 'running'}
    const dir = this.jobDir(deal, id)
    mkdirSync(dir, {recursive: true})
    const store = LogStore.open(path.join(dir, 'log'))
    const live: LiveJob = {state, store}
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

  getJob(dealId: bigint, jobId: string): {state: JobState; store: LogStore} | undefined {
    const live = this.jobs.get(key(dealId.toString(), jobId))
    return live && {state: live.state, store: live.store}
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
    for (const job of this.jobs.values()) job.store.close()
  }

  /** A short random id for things that need one (not job ids, which count up per deal). */
  static randomId(): string {
    return randomBytes(6).toString('hex')
  }
}

const key = (dealId: string, jobId: string) => `${dealId}/${jobId}`
