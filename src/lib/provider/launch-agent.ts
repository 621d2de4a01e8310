// What `provider serve` does before it waits for a signal: check its options (executor, TLS files, the
// plan) before anything touches the chain, then open the executor and the agent with its market duties,
// follow or settle the jobs of the last run, and start the HTTP(S) server.
import path from 'node:path'

import {type Address, type LocalAccount} from 'viem'

import {type ChainClient} from '../chain/client.js'
import {DEVNET_CHAIN_ID} from '../config/networks.js'
import {nectarError} from '../core/errors.js'
import {parseDurationMs} from '../core/durations.js'
import {readInputFile} from '../core/files.js'
import {loadPlans} from '../market/plan.js'
import {parseSize} from '../market/units.js'
import {Agent, agentIdOf, DEFAULT_UNFUNDED_GRACE_MS} from './agent.js'
import {type PullPolicy} from './container-executor.js'
import {cachedDealSource, chainDealSource} from './deals.js'
import {type Executor} from './executor.js'
import {ChainMarketDuties} from './market-duties.js'
import {checkProcessExecutorAllowed, checkSandboxAllowed, ProcessExecutor} from './process-executor.js'
import {probeSandbox, type SandboxProbe} from './sandbox.js'
import {startServer} from './server.js'

/** The flags of `provider serve`, as parsed. */
export interface ServeFlags {
  'allow-image'?: string[]
  'allow-process-executor': boolean
  'allow-unsandboxed': boolean
  /** Seconds (default 1 h). */
  'bill-interval'?: bigint
  'data-dir'?: string
  'engine-socket'?: string
  executor?: string
  heartbeat: number
  host: string
  'kill-grace': number
  'log-disk-budget': string
  'log-retention': string
  'market-poll': number
  'max-log-bytes': string
  'max-upload': string
  'on-log-quota': string
  plan: string
  poll: number
  port: number
  pull: string
  'results-retention': string
  'tls-cert'?: string
  'tls-key'?: string
  /** Seconds (default 10 min). */
  'unfunded-grace'?: bigint
}

/** The agent's settings, checked: what launchAgent needs besides the chain and the signer. */
export interface AgentSetup {
  allowImages: string[]
  billIntervalSeconds: bigint
  dataDir: string
  dealPollMs: number
  engineSocket?: string
  executor: 'container' | 'process'
  /** Dirs a process job must not see (the agent's data and config dirs). */
  hide: string[]
  heartbeatMs: number
  host: string
  killGraceMs: number
  logDiskBudget: number
  logRetentionMs: number
  marketPollMs: number
  maxLogBytes: number
  /** Bytes of uploads a deal may hold at once. */
  maxUploadBytes: number
  onLogQuota: 'drop' | 'stop'
  plan: string
  port: number
  pull: PullPolicy
  resultsRetentionMs: number
  /** The process executor's sandbox, probed once at start. */
  sandbox?: SandboxProbe
  tls?: {cert: string; key: string}
  unfundedGraceMs: number
}

const readPem = (file: string, flag: string): string =>
  readInputFile(file, {code: 'TLS_FILE_UNREADABLE', hint: `Pass the path of a PEM file to ${flag}.`, label: flag, maxBytes: 1 << 20})

/**
 * Checks `provider serve`'s flags before anything starts: the executor (host processes only on the
 * devnet, unless allowed, with a warning), the TLS files and the plan.
 */
export function prepareAgent(
  flags: ServeFlags,
  {configDir, dataDir, network, warn}: {configDir: string; dataDir: string; network: {chainId: number; devnet?: boolean}; warn: (message: string) => void},
): AgentSetup {
  const devnet = Boolean(network.devnet)
  const onDevnet = devnet && network.chainId === DEVNET_CHAIN_ID
  const executor = (flags.executor ?? (onDevnet ? 'process' : 'container')) as AgentSetup['executor']
  let sandbox: SandboxProbe | undefined
  if (executor === 'process') {
    const warning = checkProcessExecutorAllowed({allow: flags['allow-process-executor'], chainId: network.chainId, devnet, devnetChainId: DEVNET_CHAIN_ID})
    // Can jobs be contained here? Checked once: without the sandbox only the devnet (or the operator's
    // --allow-unsandboxed) runs them, and the executor warns once.
    sandbox = probeSandbox()
    checkSandboxAllowed({allowUnsandboxed: flags['allow-unsandboxed'], onDevnet, sandbox})
    if (warning) warn(warning)
  }
  const agentDir = path.resolve(flags['data-dir'] ?? path.join(dataDir, 'provider'))
  const maxLogBytes = Number(parseSize(flags['max-log-bytes'], '--max-log-bytes'))
  // The marker line and an index entry must fit in the quota.
  if (maxLogBytes < 4096) throw nectarError('OUT_OF_RANGE', `--max-log-bytes ${flags['max-log-bytes']} is too small.`, {hint: 'Give at least 4KiB (the default is 100MiB).'})
  const tls = flags['tls-cert'] && flags['tls-key'] ? {cert: readPem(flags['tls-cert'], '--tls-cert'), key: readPem(flags['tls-key'], '--tls-key')} : undefined
  loadPlans(flags.plan, 1n) // a bad plan fails before anything starts
  return {
    allowImages: flags['allow-image'] ?? [],
    billIntervalSeconds: flags['bill-interval'] ?? 3600n,
    dataDir: agentDir,
    dealPollMs: flags.poll,
    engineSocket: flags['engine-socket'],
    executor,
    heartbeatMs: flags.heartbeat,
    hide: [agentDir, dataDir, configDir],
    host: flags.host,
    killGraceMs: flags['kill-grace'],
    logDiskBudget: Number(parseSize(flags['log-disk-budget'], '--log-disk-budget')),
    logRetentionMs: Number(parseDurationMs(flags['log-retention'], {allowZero: true, label: '--log-retention'})),
    marketPollMs: flags['market-poll'],
    maxLogBytes,
    maxUploadBytes: Number(parseSize(flags['max-upload'], '--max-upload')),
    onLogQuota: flags['on-log-quota'] as 'drop' | 'stop',
    plan: flags.plan,
    port: flags.port,
    pull: flags.pull as PullPolicy,
    resultsRetentionMs: Number(parseDurationMs(flags['results-retention'], {allowZero: true, label: '--results-retention'})),
    sandbox,
    tls,
    unfundedGraceMs: flags['unfunded-grace'] === undefined ? DEFAULT_UNFUNDED_GRACE_MS : Number(flags['unfunded-grace']) * 1000,
  }
}

export interface LaunchAgentParameters extends AgentSetup {
  account: LocalAccount
  /** The agent's log (stderr, one timestamped line each). */
  log: (message: string) => void
  market: Address
  /** Needed only for plan prices in SNM. */
  oracle?: Address
}

/** What `provider serve --json` prints once it listens. */
export interface ServeInfo {
  dataDir: string
  executor: string
  pid: number
  /** Process executor: whether jobs run in the bubblewrap sandbox. */
  sandboxed?: boolean
  supplier: Address
  url: string
}

export interface LaunchedAgent {
  agent: Agent
  info: ServeInfo
  /** Stops the running jobs (recorded as killed) and the server. */
  stop(): Promise<void>
}

/** Opens the executor and the agent (with its market duties), settles the last run's jobs, and starts serving. */
export async function launchAgent(client: ChainClient, options: LaunchAgentParameters): Promise<LaunchedAgent> {
  const {account, log} = options
  const supplier = account.address
  const dealSource = cachedDealSource(chainDealSource(client, options.market), 1000)
  let executor: Executor
  if (options.executor === 'container') {
    const {openContainerExecutor} = await import('./container-executor.js')
    const opened = await openContainerExecutor({agentId: agentIdOf(options.dataDir), allowImages: options.allowImages, engineSocket: options.engineSocket, killGraceMs: options.killGraceMs, pull: options.pull})
    executor = opened.executor
    log(`Container executor on ${opened.address.url}; allowed images: ${options.allowImages.join(', ') || 'none (pass --allow-image)'}; pull ${options.pull}.`)
  } else {
    executor = new ProcessExecutor({hide: options.hide, killGraceMs: options.killGraceMs, sandbox: options.sandbox, warn: (message) => log(`Warning: ${message}`)})
    if (options.sandbox?.ok) log(`Process executor: each job runs in a sandbox, ${options.sandbox.detail}.`)
  }
  const agent = Agent.open({
    dataDir: options.dataDir,
    dealPollMs: options.dealPollMs,
    dealSource,
    executor,
    log,
    logDiskBudget: options.logDiskBudget,
    logRetentionMs: options.logRetentionMs,
    maxLogBytes: options.maxLogBytes,
    maxUploadBytes: options.maxUploadBytes,
    onLogQuota: options.onLogQuota,
    market: new ChainMarketDuties({account, billIntervalSeconds: options.billIntervalSeconds, client, log, market: options.market, oracle: options.oracle}),
    marketPollMs: options.marketPollMs,
    plan: options.plan,
    resultsRetentionMs: options.resultsRetentionMs,
    supplier,
    unfundedGraceMs: options.unfundedGraceMs,
  })
  const reconciled = await agent.reconcile()
  if (reconciled.adopted + reconciled.interrupted + reconciled.removed > 0) log(`After the restart: ${reconciled.adopted} job(s) followed again, ${reconciled.interrupted} interrupted, ${reconciled.removed} leftover container(s) removed.`)
  const server = await startServer({agent, dealSource, heartbeatMs: options.heartbeatMs, host: options.host, port: options.port, supplier, tls: options.tls}).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EADDRINUSE' && error.code !== 'EACCES') throw error
    throw nectarError('PORT_IN_USE', `Cannot listen on ${options.host}:${options.port} (${error.code}).`, {hint: 'Pick another --port (or --port 0 for any free port), or stop what listens there.'})
  })
  agent.start()
  return {
    agent,
    info: {dataDir: agent.dataDir, executor: executor.name, pid: process.pid, ...(options.sandbox ? {sandboxed: options.sandbox.ok} : {}), supplier, url: server.url},
    async stop() {
      log('Shutting down: stopping running jobs…')
      await agent.shutdown('the provider agent shut down')
      await server.close()
      log('Stopped.')
    },
  }
}
