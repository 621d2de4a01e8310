// Runs a job's command as a child process on the host: no shell, stdout and stderr captured apart, a
// scrubbed environment (PATH, HOME, LANG and the spec's env: the agent's own environment, keys
// included, never reaches a job), its work dir 0700, a time limit (SIGTERM, then SIGKILL).
// Where bubblewrap runs (checked once, when the executor is made), each job is contained by it
// (sandbox.ts): its own PID namespace, so no process of the job outlives it (setsid, double fork and
// nohup included), and a file system holding only the system dirs and its own work dir, so it cannot
// read the agent's environment, data dir or config dir. Without bubblewrap, jobs run as plain child
// processes in their own process group, with this user's rights: for the devnet and trusted renters only.
import {type ChildProcess, spawn} from 'node:child_process'
import {chmodSync, mkdirSync, readlinkSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {nectarError} from '../core/errors.js'
import {type ExecRequest} from './exec-protocol.js'
import {type ExecCallbacks, type ExecHandle, type Executor, type ExecutorCallbacks, type ExecutorHandle, type ExecutorJob} from './executor.js'
import {type JobSpec} from './job-spec.js'
import {bwrapArgs, descendants, probeSandbox, procStat, SANDBOX_PATH, SANDBOX_WORKDIR, type SandboxProbe, sandboxCommand, unsandboxedWarning} from './sandbox.js'

export interface ProcessExecutorOptions {
  /** The bubblewrap binary: a path, or a name on the agent's PATH. Default `bwrap`. */
  bwrap?: string
  /** Host paths a sandboxed job must not see even when they lie under a system dir (the agent's data and config dirs). */
  hide?: readonly string[]
  /** Between SIGTERM and SIGKILL. Default 5 s. */
  killGraceMs?: number
  /** PATH for jobs. Default: the system dirs in the sandbox; the agent's PATH without it. */
  path?: string
  /** The sandbox check already made (`provider serve` decides on it first); else the executor makes it. */
  sandbox?: SandboxProbe
  /** Told once, when the executor is made, if jobs will run without the sandbox. */
  warn?: (message: string) => void
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

/**
 * Off the devnet, a process executor without its sandbox is refused unless the operator said so
 * (--allow-unsandboxed). On the devnet it is allowed: the executor warns once.
 */
export function checkSandboxAllowed(options: {allowUnsandboxed: boolean; onDevnet: boolean; sandbox: SandboxProbe}): void {
  if (options.sandbox.ok || options.onDevnet || options.allowUnsandboxed) return
  throw nectarError('PROCESS_SANDBOX_UNAVAILABLE', `The process executor cannot contain jobs on this host: ${options.sandbox.detail}.`, {
    hint: 'Install bubblewrap (apt-get install bubblewrap) and check it with `nectar provider doctor`, or pass --allow-unsandboxed if you trust every renter.',
  })
}

/** A running job, as `exec` needs it: its env and work dir, and its sandbox's init (to enter its namespaces). */
interface RunningJob {
  env: Record<string, string>
  /** The host pid of the sandbox's PID-namespace init, once bwrap reported it. */
  initPid?: number
  sandboxed: boolean
  workDir: string
}

export class ProcessExecutor implements Executor {
  readonly name = 'process'
  private readonly running = new Map<string, RunningJob>()
  /** Whether jobs run in the bubblewrap sandbox (decided once, when the executor is made). */
  readonly sandbox: SandboxProbe
  private readonly hide: readonly string[]
  private readonly killGraceMs: number
  private readonly pathEnv: string

  constructor(options: ProcessExecutorOptions = {}) {
    this.killGraceMs = options.killGraceMs ?? 5000
    this.sandbox = options.sandbox ?? probeSandbox(options.bwrap)
    this.hide = options.hide ?? []
    this.pathEnv = options.path ?? (this.sandbox.ok ? SANDBOX_PATH : (process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin'))
    if (!this.sandbox.ok) options.warn?.(unsandboxedWarning(this.sandbox))
  }

  get sandboxed(): boolean {
    return this.sandbox.ok
  }

  refuse(spec: JobSpec): string | undefined {
    if (spec.image) return `This agent runs jobs with the process executor, which cannot run container images (the job names image ${JSON.stringify(spec.image)}). Remove "image" and give the command to run, or use a provider with a container executor.`
    if ((spec.ports?.length ?? 0) > 0 || (spec.gpus ?? 0) > 0) return `This agent runs jobs with the process executor, which publishes no ports and gives no GPUs. Remove "${spec.ports?.length ? 'ports' : 'gpus'}", or use a provider with a container executor.`
    return undefined
  }

  async exec(job: ExecutorJob, request: ExecRequest, callbacks: ExecCallbacks): Promise<ExecHandle> {
    const live = this.running.get(`${job.dealId ?? '0'}/${job.id}`)
    if (!live) throw new Error('the job is not running on this agent')
    return execInJob(live, request, callbacks)
  }

  start(job: ExecutorJob, callbacks: ExecutorCallbacks): ExecutorHandle {
    let reason: string | undefined
    let exited = false
    const finish = (code: number | null, signal: NodeJS.Signals | null, why?: string) => {
      if (exited) return
      exited = true
      this.running.delete(runningKey)
      clearTimeout(limitTimer)
      clearTimeout(killTimer)
      callbacks.onExit(code, signal, why)
    }
    let limitTimer: NodeJS.Timeout | undefined
    let killTimer: NodeJS.Timeout | undefined
    const runningKey = `${job.dealId ?? '0'}/${job.id}`
    const failed = (why: string): ExecutorHandle => {
      queueMicrotask(() => finish(null, null, `failed to start: ${why}`))
      return {kill() {}}
    }

    try {
      prepareWorkDir(job)
    } catch (error) {
      return failed(`cannot write the job's files (${(error as Error).message})`)
    }
    const sandboxed = this.sandbox.ok
    const base: Record<string, string> = sandboxed ? {HOME: SANDBOX_WORKDIR, LANG: 'C.UTF-8', PATH: this.pathEnv} : {HOME: job.workDir, LANG: 'C.UTF-8', PATH: this.pathEnv, TMPDIR: job.workDir}
    const env: Record<string, string> = {...base, ...job.spec.env}
    const args = job.spec.args ?? []
    let child: ReturnType<typeof spawn>
    /** The host pid of the job's PID namespace init (bwrap's child), from bwrap's --info-fd. */
    let initPid: number | undefined
    if (sandboxed) {
      // bwrap reports a missing command only as its own exit 1: look it up first, as it will.
      if (!sandboxCommand(job.spec.command, env.PATH ?? '', job.workDir)) {
        return failed(`command ${JSON.stringify(job.spec.command)} not found in the sandbox (a job sees the system dirs and its work dir ${SANDBOX_WORKDIR})`)
      }
      const argv = bwrapArgs({args, command: job.spec.command, env, hide: this.hide, outbound: Boolean(job.limits?.outbound), workDir: job.workDir})
      child = spawn(this.sandbox.bwrap, ['--info-fd', '3', ...argv], {cwd: job.workDir, detached: true, env: {}, stdio: ['ignore', 'pipe', 'pipe', 'pipe']})
      const entry: RunningJob = {env, sandboxed, workDir: job.workDir}
      this.running.set(runningKey, entry)
      let info = ''
      const infoPipe = child.stdio[3] as NodeJS.ReadableStream
      infoPipe.on('data', (chunk: Buffer) => {
        info += chunk.toString()
        const pid = /"child-pid"\s*:\s*(\d+)/.exec(info)?.[1]
        if (pid) entry.initPid = initPid = Number(pid)
      })
    } else {
      child = spawn(job.spec.command, args, {cwd: job.workDir, detached: true, env, stdio: ['ignore', 'pipe', 'pipe']})
      this.running.set(runningKey, {env, sandboxed, workDir: job.workDir})
    }

    const send = (pid: number, signal: NodeJS.Signals) => {
      try {
        process.kill(pid, signal)
      } catch {}
    }
    // Unsandboxed: the job's process group. Sandboxed: SIGTERM to every process of the job (all
    // descendants of bwrap, whatever session or group they moved to) but the namespace's init, which
    // would ignore it; SIGKILL to that init (the kernel then kills everything in the namespace), to
    // every process found, and to bwrap's own group.
    const signalJob = (signal: NodeJS.Signals) => {
      if (child.pid === undefined || exited) return
      if (sandboxed) {
        const isInit = (p: {pid: number; ppid: number}) => (initPid === undefined ? p.ppid === child.pid : p.pid === initPid)
        if (signal !== 'SIGKILL') {
          for (const p of descendants(child.pid)) if (!isInit(p)) send(p.pid, signal)
          return
        }
        if (initPid !== undefined) send(initPid, 'SIGKILL')
        for (const p of descendants(child.pid)) send(p.pid, 'SIGKILL')
      }
      try {
        process.kill(-child.pid, signal)
      } catch {
        send(child.pid, signal)
      }
    }
    const kill = (why: string) => {
      if (exited || reason) return
      reason = why
      signalJob('SIGTERM')
      killTimer = setTimeout(() => signalJob('SIGKILL'), this.killGraceMs)
      killTimer.unref()
    }

    child.stdout!.on('data', (chunk: Buffer) => callbacks.onOutput('stdout', chunk))
    child.stderr!.on('data', (chunk: Buffer) => callbacks.onOutput('stderr', chunk))
    child.on('error', (error: NodeJS.ErrnoException) => {
      // spawn failures (ENOENT, EACCES) arrive here and no 'close' may follow a failed spawn.
      if (child.pid !== undefined) return
      if (sandboxed) finish(null, null, `failed to start: the sandbox ${this.sandbox.bwrap} could not run (${error.message})`)
      else finish(null, null, `failed to start: ${error.code === 'ENOENT' ? `command ${JSON.stringify(job.spec.command)} not found` : error.message}`)
    })
    // 'close' comes after both pipes are drained, so every byte was delivered before onExit.
    // When the leader exits, the job is over (as a container stops with its main process): whatever
    // it left running is killed, which also closes the pipes it may still hold. In the sandbox, bwrap
    // exits with the job's main process and --die-with-parent then kills the namespace's init, which
    // takes every process of the namespace with it.
    child.on('exit', () => {
      if (child.pid === undefined) return
      try {
        process.kill(-child.pid, 'SIGKILL')
      } catch {}
    })
    child.on('close', (code, signal) => {
      // bwrap exits 128+N when the job died of signal N: a job we killed is reported with its signal.
      const name = sandboxed && reason && code !== null && code > 128 ? signalName(code - 128) : undefined
      const end = () => (name ? finish(null, name, reason) : finish(code, signal, reason))
      // The job has ended when its namespace has: wait (briefly) for the init to be gone.
      if (sandboxed && initPid !== undefined) void untilDead(initPid, 2000).then(end)
      else end()
    })
    if (job.timeLimitMs !== undefined) {
      limitTimer = setTimeout(() => kill(`time limit of ${formatMs(job.timeLimitMs!)} exceeded`), job.timeLimitMs)
    }
    return {kill, pid: child.pid}
  }
}

/**
 * A command inside a running job. In the sandbox it enters the job's own namespaces (nsenter into its
 * user, mount, PID, network, IPC and UTS namespaces, its root and /work): it sees the job's files and
 * processes, runs as the job's uid with no capabilities (and no-new-privs), and dies with the job's
 * namespace. Without the sandbox it runs in the job's work dir with the job's env. A tty is a pty made
 * by util-linux `script` (there is no node-pty here, and util-linux is on every host that has
 * nsenter; no python is needed inside the sandbox); its size is set with `stty` on the pty.
 */
function execInJob(live: RunningJob, request: ExecRequest, callbacks: ExecCallbacks): ExecHandle {
  const env: Record<string, string> = {...live.env, ...(request.tty ? {SHELL: '/bin/sh', TERM: request.tty.term} : {})}
  const inner = request.tty ? ['script', '-qfec', `stty cols ${request.tty.cols} rows ${request.tty.rows} 2>/dev/null; exec ${request.command.map(shellQuote).join(' ')}`, '/dev/null'] : request.command
  let child: ChildProcess
  if (live.sandboxed) {
    if (live.initPid === undefined) throw new Error('the job’s sandbox is still starting; try again in a moment')
    // --preserve-credentials: the agent's uid is the job's uid inside; the command gets no capabilities on exec.
    const argv = ['-t', String(live.initPid), '-U', '-m', '-p', '-n', '-i', '-u', '-r', '-w', '--preserve-credentials', '--', 'setpriv', '--no-new-privs', '--', ...inner]
    child = spawn('nsenter', argv, {detached: true, env, stdio: ['pipe', 'pipe', 'pipe']})
  } else {
    child = spawn(inner[0], inner.slice(1), {cwd: live.workDir, detached: true, env, stdio: ['pipe', 'pipe', 'pipe']})
  }
  let ended = false
  child.stdin!.on('error', () => {})
  child.stdout!.on('data', (chunk: Buffer) => callbacks.onOutput('stdout', chunk))
  child.stderr!.on('data', (chunk: Buffer) => callbacks.onOutput('stderr', chunk))
  child.on('error', (error: NodeJS.ErrnoException) => {
    if (ended || child.pid !== undefined) return
    ended = true
    callbacks.onExit(null, null, error.code === 'ENOENT' ? `${live.sandboxed ? 'nsenter' : request.command[0]} not found` : error.message)
  })
  child.on('close', (code, signal) => {
    if (ended) return
    ended = true
    callbacks.onExit(code, signal)
  })
  const kill = () => {
    if (ended || child.pid === undefined) return
    for (const p of descendants(child.pid)) signal(p.pid)
    signal(-child.pid)
    signal(child.pid)
  }
  return {
    kill,
    pause: () => (child.stdout!.pause(), child.stderr!.pause()),
    resize: (cols, rows) => {
      if (!request.tty || child.pid === undefined) return
      // The pty's slave is the stdin of script's child (the command): set its size there.
      const onPty = descendants(child.pid).find((p) => {
        try {
          return /\/pts\/\d+$/.test(readlinkSync(`/proc/${p.pid}/fd/0`))
        } catch {
          return false
        }
      })
      if (onPty) spawn('stty', ['-F', `/proc/${onPty.pid}/fd/0`, 'cols', String(cols), 'rows', String(rows)], {stdio: 'ignore'}).on('error', () => {})
    },
    resume: () => (child.stdout!.resume(), child.stderr!.resume()),
    write: (bytes, drained) => (bytes === undefined ? (child.stdin!.end(), true) : child.stdin!.write(bytes, () => drained?.())),
  }
}

const signal = (pid: number) => {
  try {
    process.kill(pid, 'SIGKILL')
  } catch {}
}

const shellQuote = (arg: string) => (/^[\w./:=@%+-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`)

/** Resolves once `pid` has exited (gone, or a zombie), or after `ms`. */
async function untilDead(pid: number, ms: number): Promise<void> {
  const end = Date.now() + ms
  while (Date.now() < end) {
    const stat = procStat(pid)
    if (!stat || stat.state === 'Z') return
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

function signalName(n: number): NodeJS.Signals | undefined {
  return (Object.entries(os.constants.signals) as Array<[NodeJS.Signals, number]>).find(([, value]) => value === n)?.[0]
}

/** The job's work dir, mode 0700, with the spec's files in it. */
function prepareWorkDir(job: ExecutorJob): void {
  writeFiles(job)
  chmodSync(job.workDir, 0o700)
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
