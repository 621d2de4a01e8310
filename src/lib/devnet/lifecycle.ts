// What the `nectar devnet` commands do, as plain functions: start (and deploy on first start), stop,
// report, reset and move time.
import {CONTRACTS_VERSION} from '../contracts/generated/version.js'
import {rmSync} from 'node:fs'

import {nectarError} from '../core/errors.js'
import {type ChainClient, createChainClient} from '../chain/client.js'
import {DEVNET_CHAIN_ID, DEVNET_DEFAULT_PORT} from '../config/networks.js'
import {nectarControllerAbi} from '../contracts/generated/NectarController.js'
import {anvilStatus, devnetPaths, startAnvilDetached, stopAnvil} from './anvil.js'
import {type DevnetContracts, type DevnetSeeder, deployAndSeed} from './deploy.js'
import {readDeploymentRecord, removeDeploymentRecord, writeDeploymentRecord, writeDevnetProfile} from './profile.js'

export interface DevnetDirs {
  configDir: string
  dataDir: string
}

export interface DevnetInfo {
  running: boolean
  pid: null | number
  port: null | number
  rpcUrl: null | string
  chainId: number
  blockNumber: null | string
  /** Chain time of the latest block, ISO 8601. */
  chainTime: null | string
  chainTimestamp: null | number
  /** The controller's currentWindow() at the latest block, when the contracts are deployed. */
  window: null | number
  contracts: DevnetContracts | null
  /** Deployed by a build with other contracts (an older nectar): `devnet reset` redeploys. */
  outdated: boolean
  stateFile: string
  logFile: string
}

export interface DevnetUpResult extends DevnetInfo {
  alreadyRunning: boolean
  /** Contracts were deployed and seeded on this start. */
  deployed: boolean
  /** The chain was reloaded from the state file. */
  restored: boolean
  /** The devnet profile became the active network. */
  activated: boolean
  deploySeconds: null | number
}

function clientFor(rpcUrl: string): ChainClient {
  return createChainClient(rpcUrl, DEVNET_CHAIN_ID, 'devnet')
}

async function hasCode(client: ChainClient, address?: `0x${string}`): Promise<boolean> {
  if (!address) return false
  const code = await client.getCode({address})
  return Boolean(code && code !== '0x')
}

/** Block, chain time and window of a running devnet. */
async function chainInfo(rpcUrl: string, contracts: DevnetContracts | null) {
  const client = clientFor(rpcUrl)
  const block = await client.getBlock({blockTag: 'latest'})
  let window: null | number = null
  if (contracts && (await hasCode(client, contracts.controller))) {
    window = Number(await client.readContract({abi: nectarControllerAbi, address: contracts.controller, functionName: 'currentWindow'}))
  }
  const timestamp = Number(block.timestamp)
  return {blockNumber: block.number.toString(), chainTime: new Date(timestamp * 1000).toISOString(), chainTimestamp: timestamp, window}
}

/** The devnet's state: running or not, and when running its block, time, window and addresses. */
export async function devnetInfo({dataDir}: Pick<DevnetDirs, 'dataDir'>): Promise<DevnetInfo> {
  const status = anvilStatus(dataDir)
  const record = readDeploymentRecord(dataDir)
  const contracts = record?.contracts ?? null
  const base = {
    blockNumber: null,
    chainId: DEVNET_CHAIN_ID,
    chainTime: null,
    chainTimestamp: null,
    contracts,
    logFile: status.paths.logFile,
    outdated: Boolean(record) && record!.contractsVersion !== CONTRACTS_VERSION,
    pid: status.pid ?? null,
    port: status.port ?? null,
    rpcUrl: status.rpcUrl ?? null,
    running: status.running,
    stateFile: status.paths.stateFile,
    window: null,
  }
  if (!status.running) return base
  return {...base, ...(await chainInfo(status.rpcUrl!, contracts))}
}

export interface DevnetUpOptions extends DevnetDirs {
  port?: number
  onProgress?: (message: string) => void
  seeders?: DevnetSeeder[]
}

/**
 * Starts the devnet in the background unless it is running. On the first start (no code at the
 * recorded NEC address) it deploys and seeds. Always (re)writes the devnet network profile.
 */
export async function devnetUp(options: DevnetUpOptions): Promise<DevnetUpResult> {
  const {configDir, dataDir} = options
  const status = anvilStatus(dataDir)
  const record = readDeploymentRecord(dataDir)
  if (status.running) {
    // Nothing to start; put the profile back in case the config was edited or removed meanwhile.
    const activated = record ? writeDevnetProfile(configDir, status.rpcUrl!, record).activated : false
    const info = await devnetInfo({dataDir})
    return {...info, activated, alreadyRunning: true, deployed: false, deploySeconds: null, restored: false}
  }
  const port = options.port ?? record?.port ?? DEVNET_DEFAULT_PORT
  options.onProgress?.(`Starting anvil on port ${port}…`)
  const started = await startAnvilDetached({dataDir, port})
  try {
    const client = clientFor(started.rpcUrl)
    let deployment = record
    let deployed = false
    let deploySeconds: null | number = null
    if (!record || !(await hasCode(client, record.contracts.nec))) {
      const t0 = performance.now()
      const fresh = await deployAndSeed(client, {onProgress: options.onProgress, seeders: options.seeders})
      deploySeconds = Math.round(performance.now() - t0) / 1000
      deployment = {...fresh, port}
      deployed = true
    }
    writeDeploymentRecord(dataDir, {...deployment!, port})
    const {activated} = writeDevnetProfile(configDir, started.rpcUrl, deployment!)
    const info = await devnetInfo({dataDir})
    return {...info, activated, alreadyRunning: false, deployed, deploySeconds, restored: started.restored}
  } catch (error) {
    await stopAnvil(dataDir)
    throw error
  }
}

/** Stops the devnet (its state is kept). */
/** What `devnet down` reports. */
export interface DevnetDownResult {
  /** anvil did not exit in time and was killed. */
  forced: boolean
  pid: null | number
  stateFile: string
  stopped: boolean
}

export async function devnetDown({dataDir}: Pick<DevnetDirs, 'dataDir'>): Promise<DevnetDownResult> {
  const result = await stopAnvil(dataDir)
  return {forced: result.forced, pid: result.pid ?? null, stateFile: devnetPaths(dataDir).stateFile, stopped: result.stopped}
}

/** Stops the devnet, deletes its state and deployment record, and starts a fresh one. */
export async function devnetReset(options: DevnetUpOptions): Promise<DevnetUpResult> {
  const {dataDir} = options
  const record = readDeploymentRecord(dataDir)
  const previousPort = anvilStatus(dataDir).port ?? record?.port
  await stopAnvil(dataDir)
  rmSync(devnetPaths(dataDir).stateFile, {force: true})
  removeDeploymentRecord(dataDir)
  return devnetUp({...options, port: options.port ?? previousPort})
}

/** How far `devnet advance` may move time: 100 years. */
export const MAX_ADVANCE_SECONDS = 36_500n * 86_400n

export interface AdvanceResult {
  seconds: number
  blockNumber: string
  chainTime: string
  chainTimestamp: number
  window: null | number
}

/** Moves devnet time forward by `seconds` (evm_increaseTime + evm_mine). */
export async function devnetAdvance({dataDir, seconds: span}: {dataDir: string; seconds: bigint}): Promise<AdvanceResult> {
  if (span <= 0n || span > MAX_ADVANCE_SECONDS) throw nectarError('INVALID_DURATION', `Cannot advance by ${span} s.`, {hint: 'Advance by more than 0 and at most 36500 days.'})
  const status = anvilStatus(dataDir)
  if (!status.running) {
    throw nectarError('DEVNET_NOT_RUNNING', 'The devnet is not running.', {hint: 'Start it with `nectar devnet up`.'})
  }
  const seconds = Number(span)
  const client = clientFor(status.rpcUrl!)
  await client.request({method: 'evm_increaseTime', params: ['0x' + seconds.toString(16)]} as never)
  await client.request({method: 'evm_mine', params: []} as never)
  const info = await chainInfo(status.rpcUrl!, readDeploymentRecord(dataDir)?.contracts ?? null)
  return {...info, seconds}
}
