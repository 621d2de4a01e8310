import type {TestProject} from 'vitest/node'

import {startMarketDevnet} from './market-anvil.js'

declare module 'vitest' {
  export interface ProvidedContext {
    market: {configDir: string; dataDir: string; deployment: {market: `0x${string}`; oracle: `0x${string}`; registry: `0x${string}`; snm: `0x${string}`}; rpcUrl: string}
  }
}

export default async function setup(project: TestProject) {
  const devnet = await startMarketDevnet()
  project.provide('market', {configDir: devnet.configDir, dataDir: devnet.dataDir, deployment: devnet.deployment, rpcUrl: devnet.rpcUrl})
  return () => {
    devnet.child.kill()
  }
}
