// The anvil process behind the devnet: find the binary, start it detached with its state in the data
// dir (or attached, for tests), wait until it answers, stop it, report on it.
import {type ChildProcess, spawn} from 'node:child_process'
import {closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import net from 'node:net'
import path from 'node:path'

import {nectarError} from '../core/errors.js'
import {rpcCall} from '../chain/rpc.js'
import {DEVNET_CHAIN_ID} from '../config/networks.js'

export const ANVIL_PACKAGE = '@foundry-rs/anvil-linux-amd64'

export interface DevnetPaths {
  dir: string
  /** Written by anvil (--state) on exit and every 5 s. */
  stateFile: string
  logFile: string
  /** JSON {pid, port, rpcUrl, startedAt}; present while the devnet is (or was last known) running. */
  pidFile: string
  /** JSON deployment record (addresses, seeded accounts, last port). */
  deploymentFile: string
}

export function devnetPaths(dataDir: string): DevnetPaths {
  const dir = path.join(dataDir, 'devnet')
  return {
    deploymentFile: path.join(dir, 'deployment.json'),
    dir,
    logFile: path.join(dir, 'anvil.log'),
    pidFile: path.join(dir, 'anvil.pid'),
    stateFile: path.join(dir, 'state.json'),
  }
}

/** The anvil binary: the npm package's platform binary, else `anvil` on PATH. */
export function findAnvil(env: NodeJS.ProcessEnv = process.env): string {
  try {
    const require = createRequire(import.meta.url)
    const bin = require.resolve(`${ANVIL_PACKAGE}/bin/anvil`)
    if (existsSync(bin)) return bin
  } catch {
    // not installed (optional dependency); try PATH
  }
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue
    const candidate = path.join(dir, process.platform === 'win32' ? 'anvil.exe' : 'anvil')
    if (existsSync(candidate)) return candidate
  }
  throw nectarError('ANVIL_MISSING', 'The devnet needs anvil (Foundry), and none was found.', {
    details: [`Looked for the npm package ${ANVIL_PACKAGE} and for anvil on PATH.`],
    hint: `Install it with \`npm install ${ANVIL_PACKAGE}\` (Linux x64), or install Foundry (https://getfoundry.sh: \`curl -L https://foundry.paradigm.xyz | bash && foundryup\`) so that anvil is on PATH.`,
  })
}

/**
 * States kept in memory. `--prune-history` keeps anvil from spilling history to ~/.foundry/anvil/tmp;
 * bare, it keeps only the latest state, so an eth_call pinned to a block that was just superseded
 * fails ("BlockOutOfRangeError"). 256 recent states cost ~20 MB and make reads at recent blocks work.
 */
export const ANVIL_PRUNE_HISTORY_STATES = 256

/**
 * The EVM a test anvil emulates: `hardfork: 'byzantium'` is a 2018-era chain like SONM's sidechain (no
 * base fee, so legacy transactions only; no PUSH0, MCOPY or typed transactions); `gasPrice` and
 * `baseFee` set what the node charges (0 and 0: a chain where gas is free, as on that sidechain).
 */
export interface AnvilChainOptions {
  baseFee?: bigint
  gasPrice?: bigint
  hardfork?: string
}

export function anvilArgs(options: AnvilChainOptions & {port: number; stateFile?: string}): string[] {
  const args = [
    '--port', String(options.port),
    '--host', '127.0.0.1',
    '--prune-history', String(ANVIL_PRUNE_HISTORY_STATES),
    '--chain-id', String(DEVNET_CHAIN_ID),
  ]
  if (options.hardfork) args.push('--hardfork', options.hardfork)
  if (options.gasPrice !== undefined) args.push('--gas-price', String(options.gasPrice))
  if (options.baseFee !== undefined) args.push('--base-fee', String(options.baseFee))
  if (options.stateFile) args.push('--state', options.stateFile, '--state-interval', '5')
  return args
}

export function rpcUrlFor(port: number): string {
  return `http://127.0.0.1:${port}`
}

/** True when nothing listens on 127.0.0.1:port. */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer()
    server.once('error', () => resolve(false))
    server.listen({exclusive: true, host: '127.0.0.1', port}, () => server.close(() => resolve(true)))
  })
}

/** A port the OS says is free right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen({host: '127.0.0.1', port: 0}, () => {
      const {port} = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Polls eth_chainId every 20 ms until the node answers. Fails early when `child` exits, and after
 * `timeoutMs` with an error that points at the log.
 */
export async function waitForRpc(rpcUrl: string, options: {child?: ChildProcess; logFile?: string; timeoutMs?: number} = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 15_000
  const deadline = Date.now() + timeoutMs
  let exited: null | string = null
  const onExit = (code: null | number, signal: NodeJS.Signals | null) => {
    exited = signal ? `signal ${signal}` : `code ${code}`
  }
  options.child?.once('exit', onExit)
  try {
    for (;;) {
      if (exited) {
        throw nectarError('DEVNET_START_FAILED', `anvil exited during start-up (${exited}).`, {
          details: logTail(options.logFile),
          hint: options.logFile ? `See the log: ${options.logFile}` : 'Run anvil by hand to see why.',
        })
      }
      try {
        const id = await rpcCall(rpcUrl, {method: 'eth_chainId'}, 1000)
        if (Number(id) === DEVNET_CHAIN_ID) return
      } catch {
        // not up yet
      }
      if (Date.now() > deadline) {
        throw nectarError('DEVNET_START_TIMEOUT', `anvil did not answer on ${rpcUrl} within ${Math.round(timeoutMs / 1000)} s.`, {
          details: logTail(options.logFile),
          hint: options.logFile ? `See the log: ${options.logFile}` : 'Run anvil by hand to see why.',
        })
      }
      await sleep(20)
    }
  } finally {
    options.child?.off('exit', onExit)
  }
}

function logTail(logFile?: string, lines = 8): string[] {
  if (!logFile) return []
  try {
    return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines)
  } catch {
    return []
  }
}

export interface PidRecord {
  pid: number
  port: number
  rpcUrl: string
  startedAt: string
}

export function readPidRecord(paths: DevnetPaths): PidRecord | undefined {
  try {
    return JSON.parse(readFileSync(paths.pidFile, 'utf8')) as PidRecord
  } catch {
    return undefined
  }
}

/** Whether `pid` is a live (not zombie) process, and an anvil where /proc can tell. */
export function isAnvilAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3)
    if (state === 'Z' || state === 'X') return false
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
    return cmdline.includes('anvil')
  } catch {
    return existsSync('/proc/self') ? false : true
  }
}

export interface AnvilStatus {
  running: boolean
  pid?: number
  port?: number
  rpcUrl?: string
  startedAt?: string
  /** A pid file was left by an anvil that is no longer running. */
  stale: boolean
  hasState: boolean
  paths: DevnetPaths
}

export function anvilStatus(dataDir: string): AnvilStatus {
  const paths = devnetPaths(dataDir)
  const record = readPidRecord(paths)
  const hasState = existsSync(paths.stateFile)
  if (!record) return {hasState, paths, running: false, stale: false}
  if (!isAnvilAlive(record.pid)) return {hasState, paths, running: false, stale: true}
  return {hasState, paths, pid: record.pid, port: record.port, rpcUrl: record.rpcUrl, running: true, stale: false, startedAt: record.startedAt}
}

export interface StartedAnvil {
  pid: number
  port: number
  rpcUrl: string
  /** The state file existed and was loaded. */
  restored: boolean
  paths: DevnetPaths
}

/**
 * Starts anvil detached in the background with its state, log and pid file in `<dataDir>/devnet/`,
 * waits until it answers, and after a restart from a state file moves chain time forward so that it
 * never goes backwards (anvil forgets its time offset on reload).
 */
export async function startAnvilDetached(options: {dataDir: string; port: number; bin?: string; timeoutMs?: number}): Promise<StartedAnvil> {
  const paths = devnetPaths(options.dataDir)
  const bin = options.bin ?? findAnvil()
  if (!(await isPortFree(options.port))) {
    throw nectarError('PORT_IN_USE', `Port ${options.port} on 127.0.0.1 is already in use.`, {
      hint: `Pick another with --port, or stop whatever listens on ${options.port}.`,
    })
  }
  mkdirSync(paths.dir, {mode: 0o700, recursive: true})
  const restored = existsSync(paths.stateFile)
  const log = openSync(paths.logFile, 'w', 0o600)
  let child: ChildProcess
  try {
    child = spawn(bin, anvilArgs({port: options.port, stateFile: paths.stateFile}), {
      cwd: paths.dir,
      detached: true,
      stdio: ['ignore', log, log],
    })
  } finally {
    closeSync(log)
  }
  const spawnError = new Promise<never>((_, reject) =>
    child.once('error', (error) => reject(nectarError('DEVNET_START_FAILED', `Could not run ${bin}: ${error.message}`, {cause: error}))),
  )
  spawnError.catch(() => {})
  if (!child.pid) await spawnError
  child.unref()
  const rpcUrl = rpcUrlFor(options.port)
  const record: PidRecord = {pid: child.pid!, port: options.port, rpcUrl, startedAt: new Date().toISOString()}
  writeFileSync(paths.pidFile, JSON.stringify(record, null, 2) + '\n', {mode: 0o600})
  try {
    await Promise.race([waitForRpc(rpcUrl, {child, logFile: paths.logFile, timeoutMs: options.timeoutMs}), spawnError])
  } catch (error) {
    try {
      process.kill(child.pid!, 'SIGKILL')
    } catch {
      // already gone
    }
    rmSync(paths.pidFile, {force: true})
    throw error
  }
  if (restored) await keepChainTimeMonotonic(rpcUrl)
  return {paths, pid: child.pid!, port: options.port, restored, rpcUrl}
}

/**
 * anvil loses its time offset when it reloads a state file: the next block would be stamped with the
 * wall clock, possibly before its parent. Stamp the next block max(now, latest + 1) and mine it; later
 * blocks keep that offset.
 */
export async function keepChainTimeMonotonic(rpcUrl: string): Promise<number> {
  const latest = (await rpcCall(rpcUrl, {method: 'eth_getBlockByNumber', params: ['latest', false]})) as {timestamp: string}
  const next = Math.max(Math.floor(Date.now() / 1000), Number(BigInt(latest.timestamp)) + 1)
  await rpcCall(rpcUrl, {method: 'evm_setNextBlockTimestamp', params: ['0x' + next.toString(16)]})
  await rpcCall(rpcUrl, {method: 'evm_mine'})
  return next
}

/** Stops the background anvil (SIGTERM, so it dumps its state), waits for it to exit, removes the pid file. */
export async function stopAnvil(dataDir: string, timeoutMs = 15_000): Promise<{pid?: number; stopped: boolean; forced: boolean}> {
  const paths = devnetPaths(dataDir)
  const record = readPidRecord(paths)
  if (!record || !isAnvilAlive(record.pid)) {
    rmSync(paths.pidFile, {force: true})
    return {forced: false, stopped: false}
  }
  process.kill(record.pid, 'SIGTERM')
  const deadline = Date.now() + timeoutMs
  let forced = false
  while (isAnvilAlive(record.pid)) {
    if (Date.now() > deadline) {
      process.kill(record.pid, 'SIGKILL')
      forced = true
      await sleep(50)
      break
    }
    await sleep(20)
  }
  rmSync(paths.pidFile, {force: true})
  return {forced, pid: record.pid, stopped: true}
}

export interface TestAnvil {
  port: number
  rpcUrl: string
  process: ChildProcess
  stop(): Promise<void>
}

/**
 * An attached anvil for tests: a free port, no state file, --prune-history. The caller should `stop()`
 * it; it also stops by itself when the calling process exits (the stdin watchdog below).
 */
export async function startTestAnvil(options: AnvilChainOptions & {bin?: string; port?: number; timeoutMs?: number} = {}): Promise<TestAnvil> {
  const bin = options.bin ?? findAnvil()
  let lastError: unknown
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = options.port ?? (await freePort())
    // A shell watchdog holds anvil: when our end of its stdin closes (stop(), or this process dying
    // in any way, even SIGKILL) it kills anvil, so a killed test run never leaves an anvil behind.
    const watchdog = '"$0" "$@" & pid=$!; trap \'kill $pid 2>/dev/null; exit 0\' TERM INT; read _ignored; kill $pid 2>/dev/null; wait $pid'
    const child = spawn('/bin/sh', ['-c', watchdog, bin, ...anvilArgs({...options, port}), '--silent'], {stdio: ['pipe', 'ignore', 'ignore']})
    child.stdin!.on('error', () => {})
    const rpcUrl = rpcUrlFor(port)
    const stop = async () => {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
      child.stdin!.end()
      const timer = setTimeout(() => child.kill('SIGTERM'), 5000)
      await exited
      clearTimeout(timer)
    }
    try {
      await waitForRpc(rpcUrl, {child, timeoutMs: options.timeoutMs ?? 15_000})
      return {port, process: child, rpcUrl, stop}
    } catch (error) {
      lastError = error
      await stop()
      if (options.port !== undefined) break
    }
  }
  throw lastError
}
