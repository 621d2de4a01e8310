// Shared helpers for `npm run bench`: every figure is measured next to its baseline in the same run.
import {spawnSync} from 'node:child_process'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {createChainClient, type ChainClient} from '../src/lib/chain/client.js'
import {DEVNET, DEVNET_CHAIN_ID} from '../src/lib/config/networks.js'
import {writeConfig} from '../src/lib/config/store.js'
import {startTestAnvil, type TestAnvil} from '../src/lib/devnet/anvil.js'
import {DEV_PRIVATE_KEYS} from '../src/lib/devnet/accounts.js'
import {deployAndSeed, type DevnetDeployment, TxBatch} from '../src/lib/devnet/deploy.js'
import {profileContracts} from '../src/lib/devnet/profile.js'

export const ROOT = path.resolve(import.meta.dirname, '..')
export const BIN = path.join(ROOT, 'bin', 'run.js')

export interface Figure {
  baseline: string
  baselineValue: number
  name: string
  /** What the issue asks for, in words. */
  target: string
  pass: boolean
  unit: string
  value: number
  /** Extra numbers worth keeping (ratios, runs). */
  extra?: Record<string, number | string>
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** Alternates runs of two commands so machine noise hits both alike; returns both medians (ms). */
/** `status` is the exit status `b` must end with (a usage error exits 2). */
export function timePair(a: [string, string[]], b: [string, string[]], {env = process.env, runs = 10, status = 0} = {}): [number, number] {
  time(a, env)
  time(b, env, status)
  const ta: number[] = []
  const tb: number[] = []
  for (let i = 0; i < runs; i++) {
    ta.push(time(a, env))
    tb.push(time(b, env, status))
  }
  return [median(ta), median(tb)]
}

export function time([command, args]: [string, string[]], env: NodeJS.ProcessEnv = process.env, status = 0): number {
  const started = process.hrtime.bigint()
  const result = spawnSync(command, args, {encoding: 'utf8', env, maxBuffer: 1 << 28})
  if (result.status !== status) throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr || result.stdout}`)
  return Number(process.hrtime.bigint() - started) / 1e6
}

export interface BenchChain {
  client: ChainClient
  deployment: DevnetDeployment
  env: NodeJS.ProcessEnv
  rpcUrl: string
  stop: () => Promise<void>
}

/** A fresh anvil with the project's contracts deployed and seeded, and a temp config dir pointing at it. */
export async function benchChain(): Promise<BenchChain> {
  const anvil: TestAnvil = await startTestAnvil()
  const client = createChainClient(anvil.rpcUrl, DEVNET_CHAIN_ID, DEVNET)
  const deployment = await deployAndSeed(client)
  const root = mkdtempSync(path.join(tmpdir(), 'nectar-bench-'))
  const configDir = path.join(root, 'config')
  writeConfig(configDir, {network: DEVNET, networks: {[DEVNET]: {chainId: DEVNET_CHAIN_ID, contracts: profileContracts(deployment), devnet: true, rpcUrl: anvil.rpcUrl}}})
  const env = {...process.env, NECTAR_CONFIG_DIR: configDir, NECTAR_DATA_DIR: path.join(root, 'data'), NO_COLOR: '1'}
  delete env.ETH_RPC_URL
  delete env.NECTAR_RPC_URL
  return {client, deployment, env, rpcUrl: anvil.rpcUrl, stop: anvil.stop}
}

export function show(f: Figure): void {
  const mark = f.pass ? 'PASS' : 'FAIL'
  const extra = f.extra ? '  ' + Object.entries(f.extra).map(([k, v]) => `${k}=${v}`).join(' ') : ''
  console.log(`${mark}  ${f.name}: ${round(f.value)} ${f.unit} (baseline ${f.baseline}: ${round(f.baselineValue)} ${f.unit}; target: ${f.target})${extra}`)
}

export const round = (x: number): number => Math.round(x * 10) / 10

/** A one-ask plan file in `dir`, for benches that start `provider serve` (which needs --plan). */
export function benchPlan(dir: string): string {
  const file = path.join(dir, 'ask.yaml')
  writeFileSync(file, 'duration: 1h\nprice: 0.1usd/h\nresources:\n  cpu: {cores: 1}\n')
  return file
}

/**
 * Test data, not a figure: `count` transactions from dev1..dev8, many per block (automine would mine
 * one block per transaction), with the base fee held so the pre-signed fee caps stay valid.
 */
export async function sendInBlocks(chain: BenchChain, count: number, send: (sender: TxBatch, i: number) => Promise<unknown>): Promise<void> {
  const senders = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map((i) => TxBatch.create(chain.client, DEV_PRIVATE_KEYS[i])))
  await chain.client.request({method: 'evm_setAutomine', params: [false]} as never)
  const mine = async () => {
    for (let pending = 1; pending > 0;) {
      await chain.client.request({method: 'anvil_setNextBlockBaseFeePerGas', params: ['0x3b9aca00']} as never)
      await chain.client.request({method: 'evm_mine', params: []} as never)
      const status = (await chain.client.request({method: 'txpool_status', params: []} as never)) as {pending: string; queued: string}
      pending = Number(status.pending) + Number(status.queued)
    }
  }
  for (let i = 0; i < count; i++) {
    await send(senders[i % senders.length], i)
    if (i % 400 === 399) {
      await mine()
      await Promise.all(senders.map((s) => s.flush()))
    }
  }
  await mine()
  await Promise.all(senders.map((s) => s.flush()))
  await chain.client.request({method: 'evm_setAutomine', params: [true]} as never)
}
