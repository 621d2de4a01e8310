// How the agent runs a job. The process executor (process-executor.ts) runs it as a child process;
// the container executor (issue 7) implements the same interface.
import {type JobSpec} from './job-spec.js'
import {type StreamName} from './log-store.js'

export interface ExecutorJob {
  id: string
  spec: JobSpec
  /** Time limit in ms, already parsed (undefined = none). */
  timeLimitMs?: number
  /** A directory the executor may use as the job's working directory (created, empty). */
  workDir: string
}

export interface ExecutorCallbacks {
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

export interface Executor {
  readonly name: string
  /** A message when this executor cannot run the spec (e.g. an image on the process executor), else undefined. */
  refuse(spec: JobSpec): string | undefined
  start(job: ExecutorJob, callbacks: ExecutorCallbacks): ExecutorHandle
}
