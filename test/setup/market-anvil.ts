// Starts an anvil on a free port with the market contracts deployed and seeded. Used by the vitest
// globalSetup and by the bench. (Reconciled with the devnet's own setup at merge.)
import {type ChildProcess, spawn} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, writeFileSync} from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

import {createChainClient} from '../../src/lib/chain/client.js'
import {deployMarket, type MarketDeployment, seedMarket} from '../../src/lib/devnet/deploy-market.js'

export const ANVIL_BIN = path.resolve('node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil')

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.listen(0, '127.0.0.1', () => {
      const {port} = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
    server.on('error', reject)
  })
}

export async function startAnvil(extra: string[] = []): Promise<{child: ChildProcess; rpcUrl: string}> {
  const port = await freePort()
  const bin = existsSync(ANVIL_BIN) ? ANVIL_BIN : 'anvil'
  const child = spawn(bin, ['--port', String(port), '--prune-history', '--silent', ...extra], {stdio: 'ignore'})
  const rpcUrl = `http://127.0.0.1:${port}`
  const client = createChainClient(rpcUrl, 31337, 'devnet')
  for (let i = 0; i < 200; i++) {
    try {
      await client.getChainId()
      return {child, rpcUrl}
    } catch {
      await new Promise((r) => setTimeout(r, 50))
    }
  }
  child.kill()
  throw new Error('anvil did not start')
}

/** A config dir whose devnet profile points at the anvil and the market contracts. */
export function writeConfig(rpcUrl: string, deployment: MarketDeployment): {configDir: string; dataDir: string} {
  const root = mkdtempSync(path.join(os.tmpdir(), 'nectar-market-'))
  const configDir = path.join(root, 'config')
  const dataDir = path.join(root, 'data')
  mkdirSync(configDir, {recursive: true})
  mkdirSync(dataDir, {recursive: true})
  writeFileSync(
    path.join(configDir, 'config.json'),
    JSON.stringify({network: 'devnet', networks: {devnet: {chainId: 31337, contracts: deployment, devnet: true, rpcUrl}}, version: 1}),
  )
  return {configDir, dataDir}
}

export async function startMarketDevnet(): Promise<{child: ChildProcess; configDir: string; dataDir: string; deployment: MarketDeployment; rpcUrl: string}> {
  const {child, rpcUrl} = await startAnvil()
  const client = createChainClient(rpcUrl, 31337, 'devnet')
  const deployment = await deployMarket(client)
  await seedMarket(client, deployment)
  return {child, ...writeConfig(rpcUrl, deployment), deployment, rpcUrl}
}
