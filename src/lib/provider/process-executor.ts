// Runs a job's command as a child process on the host: no shell, its own process group (so a stop
// reaches its children), stdout and stderr captured apart, a minimal environment (the agent's own
// environment, keys included, never leaks into a job), a time limit (SIGTERM, then SIGKILL).
// For the devnet and trusted renters only: a renter's command runs with the agent's user rights.
import {spawn} from 'node:child_process'
import {chmodSync, mkdirSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {nectarError} from '../core/errors.js'
import {type Executor, type ExecutorCallbacks, type ExecutorHandle, type ExecutorJob} from './executor.js'
import {type JobSpec} from './job-spec.js'

export interface ProcessExecutorOptions {
  /** Between SIGTERM and SIGKILL. Default 5 s. */
  killGraceMs?: number
  /** PATH for jobs. Default: the agent's PATH. */
  path?: string
}

export const DEVNET_ONLY_WARNING = "The process executor runs renters' commands directly on this host, with this user's rights. Use it only with renters you trust."

/** Refuses the process executor off the devnet unless the operator said so; returns a warning when allowed. */
export function checkProcessExecutorAllowed(options: {allow: boolean; chainId: number; devnet: boolean; devnetChainId: number}): string | undefined {
  const onDevnet = options.devnet && options.chainId === options.devnetChainId
  if (onDevnet) return undefined
  if (!options.allow) {
    throw nectarError('PROCESS_EXECUTOR_REFUSED', `The process executor runs renters' commands on this host, so it is refused on chain ${options.chainId} (not the devnet).`, {
      hint: 'Use a container executor, or pass --allow-process-executor if you trust every renter.',
    })
  }
  return DEVNET_ONLY_WARNING
}

export class ProcessExecutor implements Executor {
  readonly name = 'process'
  private readonly killGraceMs: number
  private readonly pathEnv: string

  constructor(options: ProcessExecutorOptions = {}) {
    this.killGraceMs = options.killGraceMs ?? 5000
    this.pathEnv = options.path ?? process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin'
  }

  refuse(spec: JobSpec): string | undefined {
    if (spec.image) return `This agent runs jobs with the process executor, which cannot run container images (the job names image ${JSON.stringify(spec.image)}). Remove "image" and give the command to run, or use a provider with a container executor.`
    return undefined
  }

  start(job: ExecutorJob, callbacks: ExecutorCallbacks): ExecutorHandle {
    let reason: string | undefined
    let exited = false
    const finish = (code: number | null, signal: NodeJS.Signals | null, why?: string) => {
      if (exited) return
      exited = true
      clearTimeout(limitTimer)
      clearTimeout(killTimer)
      callbacks.onExit(code, signal, why)
    }
    let limitTimer: NodeJS.Timeout | undefined
    let killTimer: NodeJS.Timeout | undefined

    try {
      writeFiles(job)
    } catch (error) {
      queueMicrotask(() => finish(null, null, `failed to start: cannot write the job's files (${(error as Error).message})`))
      return {kill() {}}
    }
    const env: Record<string, string> = {HOME: job.workDir, LANG: 'C.UTF-8', PATH: this.pathEnv, TMPDIR: job.workDir, ...job.spec.env}
    const child = spawn(job.spec.command, job.spec.args ?? [], {cwd: job.workDir, detached: true, env, stdio: ['ignore', 'pipe', 'pipe']})

    const signalGroup = (signal: NodeJS.Signals) => {
      if (child.pid === undefined || exited) return
      try {
        process.kill(-child.pid, signal)
      } catch {
        try {
          child.kill(signal)
        } catch {}
      }
    }
    const kill = (why: string) => {
      if (exited || reason) return
      reason = why
      signalGroup('SIGTERM')
      killTimer = setTimeout(() => signalGroup('SIGKILL'), this.killGraceMs)
      killTimer.unref()
    }

    child.stdout!.on('data', (chunk: Buffer) => callbacks.onOutput('stdout', chunk))
    child.stderr!.on('data', (chunk: Buffer) => callbacks.onOutput('stderr', chunk))
    child.on('error', (error: NodeJS.ErrnoException) => {
      // spawn failures (ENOENT, EACCES) arrive here and no 'close' may follow a failed spawn.
      if (child.pid === undefined) finish(null, null, `failed to start: ${error.code === 'ENOENT' ? `command ${JSON.stringify(job.spec.command)} not found` : error.message}`)
    })
    // 'close' comes after both pipes are drained, so every byte was delivered before onExit.
    // When the leader exits, the job is over (as a container stops with its main process): whatever
    // it left running in its group is killed, which also closes the pipes it may still hold.
    child.on('exit', () => {
      if (child.pid === undefined) return
      try {
        process.kill(-child.pid, 'SIGKILL')
      } catch {}
    })
    child.on('close', (code, signal) => finish(code, signal, reason))
    if (job.timeLimitMs !== undefined) {
      limitTimer = setTimeout(() => kill(`time limit of ${formatMs(job.timeLimitMs!)} exceeded`), job.timeLimitMs)
    }
    return {kill, pid: child.pid}
  }
}

/** Writes the spec's files into the job's working directory (paths checked to stay inside it). */
export function writeFiles(job: ExecutorJob): void {
  mkdirSync(job.workDir, {recursive: true})
  for (const file of job.spec.files ?? []) {
    const target = path.resolve(job.workDir, file.path)
    if (!target.startsWith(path.resolve(job.workDir) + path.sep)) throw new Error(`file path ${file.path} leaves the working directory`)
    mkdirSync(path.dirname(target), {recursive: true})
    writeFileSync(target, Buffer.from(file.content, file.encoding === 'base64' ? 'base64' : 'utf8'))
    if (file.mode) chmodSync(target, Number.parseInt(file.mode, 8))
  }
}

export function formatMs(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`
  if (ms % 60_000 === 0) return `${ms / 60_000}m`
  if (ms % 1000 === 0) return `${ms / 1000}s`
  return `${ms}ms`
}
