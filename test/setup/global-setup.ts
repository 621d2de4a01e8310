// One anvil for the whole run (attached, free port, --prune-history, no state file), with NEC and its
// controller deployed and seeded. Test files get its URL and addresses with inject('rpcUrl') and
// inject('deployment'); see test/setup/env.ts and test/setup/chain.ts.
//
// Every anvil tier (chain, commands, e2e: vitest.config.ts) names this file, and vitest runs a
// project's global setup once per project, in the main process, before any test file; the teardowns
// run when the whole run closes. Each project's module runner loads this file afresh, so the shared
// chain is kept on globalThis: the first project starts and deploys it, the others reuse it, and the
// last teardown stops it. The unit tier has no global setup, so `--project unit` starts no anvil.
//
// A project may ask for another EVM with `provide: {hardfork: 'byzantium'}` (the `byzantium` project
// in vitest.config.ts): it gets a shared chain of its own on that hardfork, and test/setup/chain.ts's
// privateChain() starts its private anvils on it too (inject('hardfork')).
import type {TestProject} from 'vitest/node'

import {createChainClient} from '../../src/lib/chain/client.js'
import {closeRpcAgents} from '../../src/lib/chain/rpc.js'
import {DEVNET_CHAIN_ID} from '../../src/lib/config/networks.js'
import {startTestAnvil} from '../../src/lib/devnet/anvil.js'
import {type DevnetDeployment, deployAndSeed} from '../../src/lib/devnet/deploy.js'

declare module 'vitest' {
  export interface ProvidedContext {
    deployment: DevnetDeployment
    /** The anvil hardfork of this project's chains (unset: anvil's latest). */
    hardfork?: string
    rpcUrl: string
  }
}

interface SharedChain {
  ready: Promise<{deployment: DevnetDeployment; rpcUrl: string; stop: () => Promise<void>}>
  users: number
}

/** One shared chain per hardfork ('' for anvil's latest). */
const KEY = Symbol.for('nectar.test.sharedChains')
const holder = globalThis as unknown as Record<symbol, Map<string, SharedChain> | undefined>

async function startSharedChain(hardfork: string): Promise<{deployment: DevnetDeployment; rpcUrl: string; stop: () => Promise<void>}> {
  const anvil = await startTestAnvil(hardfork ? {hardfork} : {})
  try {
    const client = createChainClient(anvil.rpcUrl, DEVNET_CHAIN_ID, 'devnet')
    const deployment = await deployAndSeed(client)
    return {deployment: JSON.parse(JSON.stringify(deployment)) as DevnetDeployment, rpcUrl: anvil.rpcUrl, stop: anvil.stop}
  } catch (error) {
    await anvil.stop()
    throw error
  } finally {
    closeRpcAgents()
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const hardfork = project.config.provide?.hardfork ?? ''
  const chains = (holder[KEY] ??= new Map())
  const shared = chains.get(hardfork) ?? {ready: startSharedChain(hardfork), users: 0}
  chains.set(hardfork, shared)
  shared.users++
  let chain
  try {
    chain = await shared.ready
  } catch (error) {
    shared.users--
    if (shared.users === 0) chains.delete(hardfork)
    throw error
  }
  project.provide('rpcUrl', chain.rpcUrl)
  project.provide('deployment', chain.deployment)
  let released = false
  return async () => {
    if (released) return
    released = true
    shared.users--
    if (shared.users > 0) return
    chains.delete(hardfork)
    await chain.stop()
  }
}
