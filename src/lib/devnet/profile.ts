import {existsSync, mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'

import {type ContractName, updateConfig} from '../config/store.js'
import {DEVNET, DEVNET_CHAIN_ID} from '../config/networks.js'
import {devnetPaths} from './anvil.js'
import {type DevnetDeployment} from './deploy.js'

const PROFILE_CONTRACTS: ContractName[] = ['nec', 'controller', 'multicall3', 'snm', 'oracle', 'market', 'blacklist', 'profileRegistry', 'sonmRegistry', 'proposalManager']

/** The devnet's addresses under the config store's contract names. */
export function profileContracts(deployment: DevnetDeployment): Partial<Record<ContractName, `0x${string}`>> {
  const contracts: Partial<Record<ContractName, `0x${string}`>> = {}
  for (const name of PROFILE_CONTRACTS) {
    const address = deployment.contracts[name]
    if (address) contracts[name] = address
  }
  return contracts
}

/** Writes the `devnet` network profile and makes it the active network when none is. */
export function writeDevnetProfile(configDir: string, rpcUrl: string, deployment: DevnetDeployment): {activated: boolean} {
  let activated = false
  updateConfig(configDir, (config) => {
    config.networks = {
      ...config.networks,
      [DEVNET]: {chainId: DEVNET_CHAIN_ID, contracts: profileContracts(deployment), devnet: true, rpcUrl},
    }
    if (!config.network) {
      config.network = DEVNET
      activated = true
    }
  })
  return {activated}
}

export interface DeploymentRecord extends DevnetDeployment {
  /** The port the devnet last ran on. */
  port: number
}

export function readDeploymentRecord(dataDir: string): DeploymentRecord | undefined {
  const file = devnetPaths(dataDir).deploymentFile
  if (!existsSync(file)) return undefined
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as DeploymentRecord
  } catch {
    return undefined
  }
}

export function writeDeploymentRecord(dataDir: string, record: DeploymentRecord): void {
  const paths = devnetPaths(dataDir)
  mkdirSync(paths.dir, {mode: 0o700, recursive: true})
  writeFileSync(paths.deploymentFile, JSON.stringify(record, null, 2) + '\n', {mode: 0o600})
}

export function removeDeploymentRecord(dataDir: string): void {
  rmSync(devnetPaths(dataDir).deploymentFile, {force: true})
}
