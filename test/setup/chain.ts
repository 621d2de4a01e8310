// Chain helpers for tests. The shared anvil is used by all test files at once (in parallel forks):
// never time-travel or evm_revert on it; use fresh accounts (and a private deployment when you need
// to be the owner). For time travel, start a private anvil with `privateChain()`.
import {type Address, type Hex, parseEther} from 'viem'
import {generatePrivateKey, type PrivateKeyAccount, privateKeyToAccount} from 'viem/accounts'
import {inject} from 'vitest'

import {type ChainClient, createChainClient} from '../../src/lib/chain/client.js'
import {DEVNET_CHAIN_ID} from '../../src/lib/config/networks.js'
import {startTestAnvil} from '../../src/lib/devnet/anvil.js'
import {type DeployAndSeedOptions, type DevnetDeployment, deployAndSeed} from '../../src/lib/devnet/deploy.js'

/** A client for the shared test anvil. */
export function sharedClient(): ChainClient {
  return createChainClient(inject('rpcUrl'), DEVNET_CHAIN_ID, 'devnet')
}

export interface FreshAccount {
  account: PrivateKeyAccount
  address: Address
  privateKey: Hex
}

/** A random account funded with `eth` ETH (anvil_setBalance), unique to the caller. */
export async function freshAccount(client: ChainClient, eth = '1000'): Promise<FreshAccount> {
  const privateKey = generatePrivateKey()
  const account = privateKeyToAccount(privateKey)
  await client.request({method: 'anvil_setBalance', params: [account.address, `0x${parseEther(eth).toString(16)}`]} as never)
  return {account, address: account.address, privateKey}
}

export interface PrivateChain {
  client: ChainClient
  deployment: DevnetDeployment
  rpcUrl: string
  stop: () => Promise<void>
}

/**
 * A private anvil with its own deployment, for tests that move time or revert. Stop it in afterAll.
 * It runs the project's hardfork (the `byzantium` project reruns market tests on a 2018-era EVM).
 */
export async function privateChain(options: DeployAndSeedOptions = {}): Promise<PrivateChain> {
  const hardfork = inject('hardfork')
  const anvil = await startTestAnvil(hardfork ? {hardfork} : {})
  try {
    const client = createChainClient(anvil.rpcUrl, DEVNET_CHAIN_ID, 'devnet')
    const deployment = await deployAndSeed(client, options)
    return {client, deployment, rpcUrl: anvil.rpcUrl, stop: anvil.stop}
  } catch (error) {
    await anvil.stop()
    throw error
  }
}

/** evm_increaseTime + evm_mine. Only on a private chain. */
export async function advanceTime(client: ChainClient, seconds: number): Promise<void> {
  await client.request({method: 'evm_increaseTime', params: [`0x${seconds.toString(16)}`]} as never)
  await client.request({method: 'evm_mine', params: []} as never)
}
