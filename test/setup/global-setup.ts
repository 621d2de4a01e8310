// One anvil for the whole run (attached, free port, --prune-history, no state file), with NEC and its
// controller deployed and seeded. Test files get its URL and addresses with inject('rpcUrl') and
// inject('deployment'); see test/setup/env.ts and test/setup/chain.ts.
import type {TestProject} from 'vitest/node'

import {createChainClient} from '../../src/lib/chain/client.js'
import {closeRpcAgents} from '../../src/lib/chain/rpc.js'
import {DEVNET_CHAIN_ID} from '../../src/lib/config/networks.js'
import {startTestAnvil} from '../../src/lib/devnet/anvil.js'
import {type DevnetDeployment, deployAndSeed} from '../../src/lib/devnet/deploy.js'

declare module 'vitest' {
  export interface ProvidedContext {
    deployment: DevnetDeployment
    rpcUrl: string
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const anvil = await startTestAnvil()
  try {
    const client = createChainClient(anvil.rpcUrl, DEVNET_CHAIN_ID, 'devnet')
    const deployment = await deployAndSeed(client)
    project.provide('rpcUrl', anvil.rpcUrl)
    project.provide('deployment', JSON.parse(JSON.stringify(deployment)) as DevnetDeployment)
  } catch (error) {
    await anvil.stop()
    throw error
  } finally {
    closeRpcAgents()
  }
  return async () => {
    await anvil.stop()
  }
}
