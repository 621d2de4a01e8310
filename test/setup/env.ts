// A temporary config dir whose active network is the test anvil, and a temporary data dir.
import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {inject} from 'vitest'

import {writeConfig} from '../../src/lib/config/store.js'
import {DEVNET, DEVNET_CHAIN_ID} from '../../src/lib/config/networks.js'
import {type DevnetDeployment} from '../../src/lib/devnet/deploy.js'
import {profileContracts} from '../../src/lib/devnet/profile.js'

export interface TestEnv {
  cleanup: () => void
  configDir: string
  dataDir: string
  deployment: DevnetDeployment
  rpcUrl: string
}

/**
 * Creates temp config and data dirs, writes a config whose `devnet` profile (active) points at the test
 * anvil with the deployed addresses, and sets NECTAR_CONFIG_DIR / NECTAR_DATA_DIR (restored by cleanup).
 */
export function makeTestEnv(): TestEnv {
  const rpcUrl = inject('rpcUrl')
  const deployment = inject('deployment')
  const root = mkdtempSync(path.join(os.tmpdir(), 'nectar-test-'))
  const configDir = path.join(root, 'config')
  const dataDir = path.join(root, 'data')
  writeConfig(configDir, {
    network: DEVNET,
    networks: {[DEVNET]: {chainId: DEVNET_CHAIN_ID, contracts: profileContracts(deployment), devnet: true, rpcUrl}},
  })
  const previous = {config: process.env.NECTAR_CONFIG_DIR, data: process.env.NECTAR_DATA_DIR}
  process.env.NECTAR_CONFIG_DIR = configDir
  process.env.NECTAR_DATA_DIR = dataDir
  return {
    cleanup() {
      restore('NECTAR_CONFIG_DIR', previous.config)
      restore('NECTAR_DATA_DIR', previous.data)
      rmSync(root, {force: true, recursive: true})
    },
    configDir,
    dataDir,
    deployment,
    rpcUrl,
  }
}

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name]
  else process.env[name] = value
}
