// How the agent runs a job. The process executor (process-executor.ts) runs it as a child process;
// the container executor (issue 7) implements the same interface.
import {type ExecRequest} from './exec-protocol.js'
import {type GpuDevice} from './gpus.js'
import {type JobSpec} from './job-spec.js'
import {type StreamName} from './log-store.js'

/** What the deal's ask grants a job (from the deal's benchmarks and the ask's netflags). */
export interface JobLimits {
  /** CPU threads (cpuCores benchmark); 0 or undefined = no limit from the ask. */
  cpuCores?: number
  /** Bytes (ramSize benchmark); 0 or undefined = no limit from the ask. */
  ramBytes?: number
  /** GPUs the deal bought (gpuCount benchmark). */
  gpus?: number
  /** The ask's `incoming` netflag: the job may publish ports. */
  incoming?: boolean
  /** The ask's `outbound` netflag: the job may reach the network. */
  outbound?: boolean
}

/** A job port published on the provider's host. */
export interface PublishedPort {
  /** host:port for the renter to reach. */
  address: string
  hostPort: number
  port: number
  protocol: 'tcp' | 'udp'
}

export interface ExecutorJob {
  dealId?: string
  /** The machine's GPUs given to this job (the agent chose them; at most what the deal bought). */
  gpus?: GpuDevice[]
  id: string
  limits?: JobLimits
  spec: JobSpec
  /** Time limit in ms, already parsed (undefined = none). */
  timeLimitMs?: number
  /** A directory the executor may use as the job's working directory (created, empty). */
  workDir: string
}

export interface ExecutorCallbacks {
  /** Once it runs: the addresses its ports were published on (container executor, spec `ports`). */
  onPorts?(ports: PublishedPort[]): void
  /** Output as it arrives, in order per stream. Called synchronously from the read. */
  onOutput(stream: StreamName, bytes: Buffer): void
  /**
   * Called once, after all output was delivered. `reason` says why it ended when the job did not end
   * on its own ("time limit 10s exceeded", "stopped by the renter", "deal 5 closed", "failed to start: …").
   */
  onExit(code: number | null, signal: NodeJS.Signals | null, reason?: string): void
}

export interface ExecutorHandle {
  /** Asks the job to stop (SIGTERM, then SIGKILL after the grace period); `reason` is reported by onExit. */
  kill(reason: string): void
  pid?: number
}

/** What an exec session reports (with a tty, everything comes as stdout). */
export interface ExecCallbacks {
  onOutput(stream: StreamName, bytes: Buffer): void
  /** Once, after all output; `error` when the command could not be run at all. */
  onExit(code: number | null, signal: NodeJS.Signals | null, error?: string): void
}

/** A command running inside a job (`compute exec`, `compute shell`). */
export interface ExecHandle {
  /** Kills the command (not the job); for a closed connection or the job's end. */
  kill(): void
  /** Stops reading its output until resume() (the connection is full). */
  pause(): void
  resize(cols: number, rows: number): void
  resume(): void
  /**
   * Bytes for its stdin; `undefined` ends stdin. False when its stdin is full: `drained` is called once
   * it has taken them (the sender pauses until then).
   */
  write(bytes: Buffer | undefined, drained?: () => void): boolean
}

export interface Executor {
  readonly name: string
  /** A message when this executor cannot run the spec (e.g. an image on the process executor), else undefined. */
  refuse(spec: JobSpec): string | undefined
  start(job: ExecutorJob, callbacks: ExecutorCallbacks): ExecutorHandle
  /**
   * After an agent restart: takes a job that was running when the agent died back. `kept` is how many
   * bytes of each stream the log already holds; only output past that is delivered. Returns undefined
   * when the executor has nothing left of the job (it is then reported as interrupted). Executors whose
   * jobs die with the agent (the process executor) leave this out.
   */
  adopt?(job: ExecutorJob, kept: Record<StreamName, number>, callbacks: ExecutorCallbacks): Promise<ExecutorHandle | undefined>
  /** After adopting: removes whatever the executor still holds for jobs not in `keep` ("deal/job"). */
  sweep?(keep: Set<string>): Promise<number>
  /**
   * Runs a command inside a running job: its container, or its work dir, env and sandbox. Rejects
   * with a message when it cannot start; afterwards, failures arrive through onExit.
   */
  exec?(job: ExecutorJob, request: ExecRequest, callbacks: ExecCallbacks): Promise<ExecHandle>
}
