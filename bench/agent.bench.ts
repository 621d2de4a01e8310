// Issue 6 figures: log latency from a job's write to `compute logs --follow` printing it, one
// follower's throughput on a job writing as fast as it can, and 20 followers on one job. The agent is
// a spawned `nectar provider serve`; followers are spawned `nectar compute logs --follow`; the deal is
// a real one on the bench anvil. Each figure has a baseline from the same run. The agent's log quota is
// raised above the 128 MiB the throughput job writes.
import {type ChildProcess, spawn} from 'node:child_process'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {writeConfig} from '../src/lib/config/store.js'
import {deployTestMarket, freshAccount, openDeal} from '../test/setup/market.js'
import {benchPlan as plan, type BenchChain, BIN, type Figure, median} from './lib.js'

const now = () => performance.timeOrigin + performance.now()

export default async function agentBench(chain: BenchChain): Promise<Figure[]> {
  const figures: Figure[] = []
  const m = await deployTestMarket(chain.client)
  const [supplier, renter] = [await freshAccount(chain.client), await freshAccount(chain.client)]
  const dealId = await openDeal(m, supplier, renter)
  const dir = mkdtempSync(path.join(tmpdir(), 'nectar-agent-bench-'))
  const configDir = path.join(dir, 'config')
  writeConfig(configDir, {network: 'devnet', networks: {devnet: {chainId: 31337, contracts: {market: m.market, profileRegistry: m.profileRegistry}, devnet: true, rpcUrl: chain.rpcUrl}}})
  const env = {...chain.env, NECTAR_CONFIG_DIR: configDir, NECTAR_DATA_DIR: path.join(dir, 'data')}
  const agent = spawn(process.execPath, [BIN, 'provider', 'serve', '--plan', plan(dir), '--port', '0', '--data-dir', path.join(dir, 'agent'), '--max-log-bytes', '1GiB', '--json'], {env: {...env, NECTAR_PRIVATE_KEY: supplier.privateKey}, stdio: ['ignore', 'pipe', 'inherit']})
  const url: string = await new Promise((resolve) => {
    let out = ''
    agent.stdout!.on('data', (c) => {
      out += c
      if (out.includes('\n')) resolve(JSON.parse(out).data.url)
    })
  })
  const renterEnv = {...env, NECTAR_PRIVATE_KEY: renter.privateKey}
  const jobFile = (name: string, script: string) => {
    const file = path.join(dir, name)
    writeFileSync(file, JSON.stringify({args: ['-e', script], command: process.execPath}))
    return file
  }
  const startJob = async (file: string): Promise<string> => {
    const out = await collect(spawn(process.execPath, [BIN, 'compute', 'run', String(dealId), '--job', file, '--endpoint', url, '--json'], {env: renterEnv}))
    return JSON.parse(out.stdout.toString()).data.job.id
  }
  const follower = (jobId: string, extra: string[] = []) => spawn(process.execPath, [BIN, 'compute', 'logs', String(dealId), jobId, '--follow', '--endpoint', url, ...extra], {env: renterEnv, stdio: ['ignore', 'pipe', 'pipe']})

  try {
    // 1. Latency: the job prints its wall clock (µs) every 20 ms; the follower's stdout is timestamped on arrival.
    const ticker = 'const t0=Date.now(); let n=0; setTimeout(function tick(){ process.stdout.write((performance.timeOrigin+performance.now()).toFixed(3)+"\\n"); if(++n<150) setTimeout(tick,20) }, 1500)'
    const latencies = await lineLatencies(follower(await startJob(jobFile('ticker.json', ticker))))
    const direct = await lineLatencies(spawn(process.execPath, ['-e', ticker], {stdio: ['ignore', 'pipe', 'pipe']}))
    figures.push({baseline: 'the same job on a plain pipe', baselineValue: median(direct), extra: {lines: latencies.length, p90: Math.round(percentile(latencies, 0.9) * 100) / 100}, name: 'write → compute logs --follow prints it (loopback)', pass: latencies.length === 150 && median(latencies) < 50, target: 'median under 50 ms', unit: 'ms', value: median(latencies)})

    // 2. Throughput: after 1.5 s (to let the follower attach) the job writes 128 MiB of 100-byte lines as fast as it can.
    const MiB = 128
    const blaster = `setTimeout(() => { const line = Buffer.alloc(100, 120); line[99] = 10; const chunk = Buffer.concat(Array(655).fill(line)); let left = ${MiB} * 1048576; const go = () => { while (left > 0) { const c = left >= chunk.length ? chunk : chunk.subarray(0, left); left -= c.length; if (!process.stdout.write(c)) return process.stdout.once('drain', go) } }; go() }, 1500)`
    const rate = await throughput(follower(await startJob(jobFile('blaster.json', blaster))))
    const pipeRate = await throughput(spawn(process.execPath, ['-e', blaster], {stdio: ['ignore', 'pipe', 'pipe']}))
    figures.push({baseline: 'the same job on a plain pipe', baselineValue: pipeRate.mbps, extra: {bytes: rate.bytes}, name: 'one follower, job writing as fast as it can', pass: rate.bytes === MiB * 1048576 && rate.mbps >= 20, target: '≥ 20 MB/s', unit: 'MB/s', value: rate.mbps})

    // 3. Twenty followers on one job: all receive every line in order.
    const lines = 3000
    const counter = `setTimeout(() => { let i = 0; const t = setInterval(() => { for (let k = 0; k < 10; k++) console.log("line " + ++i); if (i >= ${lines}) clearInterval(t) }, 2) }, 2500)`
    const jobId = await startJob(jobFile('counter.json', counter))
    const expected = Array.from({length: lines}, (_, i) => `line ${i + 1}\n`).join('')
    const started = now()
    const results = await Promise.all(Array.from({length: 20}, () => collect(follower(jobId)).then((r) => ({...r, at: now()}))))
    const ok = results.filter((r) => r.stdout.toString() === expected && r.status === 0).length
    const slowest = Math.max(...results.map((r) => r.at)) - started
    const single = now()
    const one = await collect(follower(jobId))
    const singleMs = now() - single
    figures.push({baseline: 'one follower reading the ended job', baselineValue: singleMs, extra: {inOrder: `${ok}/20`, oneOk: String(one.stdout.toString() === expected)}, name: '20 followers on one job (3,000 lines), slowest to finish', pass: ok === 20, target: 'all 20 receive every line in order', unit: 'ms', value: slowest})
  } finally {
    agent.kill('SIGTERM')
  }
  return figures
}

function collect(child: ChildProcess): Promise<{status: number | null; stderr: Buffer; stdout: Buffer}> {
  const out: Buffer[] = []
  const err: Buffer[] = []
  child.stdout!.on('data', (c) => out.push(c))
  child.stderr?.on('data', (c) => err.push(c))
  return new Promise((resolve) => child.on('close', (status) => resolve({status, stderr: Buffer.concat(err), stdout: Buffer.concat(out)})))
}

function lineLatencies(child: ChildProcess): Promise<number[]> {
  const latencies: number[] = []
  let pending = ''
  child.stdout!.setEncoding('utf8')
  child.stdout!.on('data', (chunk: string) => {
    const at = now()
    pending += chunk
    const parts = pending.split('\n')
    pending = parts.pop()!
    for (const p of parts) if (p) latencies.push(at - Number(p))
  })
  return new Promise((resolve) => child.on('close', () => resolve(latencies)))
}

function throughput(child: ChildProcess): Promise<{bytes: number; mbps: number}> {
  let first = 0
  let last = 0
  let bytes = 0
  child.stdout!.on('data', (c: Buffer) => {
    last = now()
    if (!first) first = last
    bytes += c.length
  })
  return new Promise((resolve) => child.on('close', () => resolve({bytes, mbps: bytes / 1e6 / ((last - first) / 1000)})))
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]
}
