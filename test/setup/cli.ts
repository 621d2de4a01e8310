// The one way end-to-end tests run the BUILT CLI (npm run build first): `node bin/run.js ARGS` as a
// child process, with an environment of the test's own, stdout and stderr collected apart, the exit
// status and signal, the --json envelope (or the NDJSON records of a --follow), and helpers to wait
// for output. Every child is tracked; call stopAll() in afterAll so none outlives its file.
import {type ChildProcess, spawn} from 'node:child_process'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const BIN = path.join(ROOT, 'bin/run.js')

/** The settings a user's shell might carry that would leak into a test: removed from every child's env. */
const USER_SETTINGS = ['COLUMNS', 'ETH_RPC_URL', 'NECTAR_ACCOUNT', 'NECTAR_NETWORK', 'NECTAR_PASSWORD', 'NECTAR_PRIVATE_KEY', 'NECTAR_RPC_URL'] as const

/**
 * The environment for a child: this process's, without the user's nectar settings, with NO_COLOR, the
 * given config and data dirs, and `extra` on top (an `undefined` value removes a variable).
 */
export function cliEnv(dirs: {configDir: string; dataDir: string}, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {...process.env, NECTAR_CONFIG_DIR: dirs.configDir, NECTAR_DATA_DIR: dirs.dataDir, NO_COLOR: '1'}
  for (const name of USER_SETTINGS) delete env[name]
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name]
    else env[name] = value
  }
  return env
}

export interface Envelope<T = Record<string, unknown>> {
  data?: T
  error?: {code: string; details?: string[]; hint?: string; message: string}
  ok: boolean
}

export interface CliResult {
  /** stdout as exactly one JSON document (the --json envelope, see Envelope); throws, showing the output, if it is not. */
  readonly envelope: any // eslint-disable-line @typescript-eslint/no-explicit-any
  /** stdout as NDJSON, one parsed value per line (a --follow --json run: its records, then the envelope). */
  readonly records: any[] // eslint-disable-line @typescript-eslint/no-explicit-any
  signal: NodeJS.Signals | null
  /** The exit status; null when a signal ended the process. */
  status: number | null
  stderr: string
  stdout: string
}

export interface CliProcess {
  child: ChildProcess
  /** Resolves when the process has exited and its output is closed. */
  done: Promise<CliResult>
  /** The first line of stdout, parsed as JSON (a server's start-up envelope); rejects if it exits first. */
  firstRecord: () => Promise<any> // eslint-disable-line @typescript-eslint/no-explicit-any
  kill: (signal?: NodeJS.Signals) => void
  stderr: () => string
  stdout: () => string
}

export interface CliOptions {
  env: NodeJS.ProcessEnv
  /** Written to the child's stdin, which is then closed (stdin is /dev/null otherwise). */
  input?: string
  /** SIGKILL the process after this many ms (the result then has signal 'SIGKILL'). */
  timeout?: number
}

const running = new Set<ChildProcess>()

function result(status: number | null, signal: NodeJS.Signals | null, stdout: string, stderr: string): CliResult {
  const shown = () => `exit ${status ?? signal}\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`
  return {
    get envelope() {
      try {
        return JSON.parse(stdout)
      } catch {
        throw new Error(`stdout is not exactly one JSON document: ${shown()}`)
      }
    },
    get records() {
      try {
        return stdout.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line))
      } catch {
        throw new Error(`stdout is not NDJSON: ${shown()}`)
      }
    },
    signal,
    status,
    stderr,
    stdout,
  }
}

/** Starts `nectar ARGS` (node bin/run.js) in the background. */
export function startCli(args: string[], {env, input, timeout}: CliOptions): CliProcess {
  const child = spawn(process.execPath, [BIN, ...args], {env, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe']})
  running.add(child)
  if (input !== undefined) child.stdin!.end(input)
  let out = ''
  let err = ''
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk))
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk))
  const timer = timeout === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), timeout)
  const done = new Promise<CliResult>((resolve, reject) => {
    child.once('error', (error) => {
      clearTimeout(timer)
      running.delete(child)
      reject(error)
    })
    child.once('close', (status, signal) => {
      clearTimeout(timer)
      running.delete(child)
      resolve(result(status, signal, out, err))
    })
  })
  const firstRecord = () =>
    new Promise<any>((resolve, reject) => { // eslint-disable-line @typescript-eslint/no-explicit-any
      const check = () => {
        const end = out.indexOf('\n')
        if (end < 0) return false
        child.stdout!.off('data', check)
        try {
          resolve(JSON.parse(out.slice(0, end)))
        } catch {
          reject(new Error(`the first line of stdout is not JSON: ${out.slice(0, end)}\n--- stderr ---\n${err}`))
        }
        return true
      }
      if (check()) return
      child.stdout!.on('data', check)
      done.then(
        (r) => reject(new Error(`nectar ${args.join(' ')} exited (${r.status ?? r.signal}) before a line on stdout:\n${r.stderr}`)),
        reject,
      )
    })
  return {child, done, firstRecord, kill: (signal = 'SIGTERM') => child.kill(signal), stderr: () => err, stdout: () => out}
}

/** Runs `nectar ARGS` to completion. */
export function runCli(args: string[], options: CliOptions): Promise<CliResult> {
  return startCli(args, options).done
}

/** SIGKILLs every child still running (call it in afterAll) and waits for them to exit. */
export async function stopAll(): Promise<void> {
  const children = [...running]
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve()
          child.once('close', () => resolve())
          child.kill('SIGKILL')
        }),
    ),
  )
}

/** Polls `check` every 20 ms until it holds; throws after `ms`, naming `what`. */
export async function until(check: () => boolean | Promise<boolean>, ms = 15_000, what = 'the condition'): Promise<void> {
  const end = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}
