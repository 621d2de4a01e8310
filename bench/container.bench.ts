// Issue 7 figures: the container executor on a real engine (DOCKER_HOST, else the default sockets).
//   1. From job submitted (`compute run --follow` spawned) to its first log line on the renter's
//      stdout, median of runs; baselines from the same run: the process executor's time to first line,
//      and `podman run --rm local/busybox echo hi` wall time through the CLI.
//   2. Eight jobs at once on one agent: all finish with their full logs and exit codes.
// Skipped, with a message, when there is no engine with the local/busybox image.
import {type ChildProcess, spawn, spawnSync} from 'node:child_process'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {writeConfig} from '../src/lib/config/store.js'
import {connectEngine, resolveEngine} from '../src/lib/provider/container-executor.js'
import {deployTestMarket, freshAccount, openDeal} from '../test/setup/market.js'
import {benchPlan as plan, type BenchChain, BIN, type Figure, median} from './lib.js'

const IMAGE = 'local/busybox'
const RUNS = 9
const now = () => performance.timeOrigin + performance.now()

export default async function containerBench(chain: BenchChain): Promise<Figure[]> {
  const address = resolveEngine()
  try {
    const engine = await connectEngine(address)
    await engine.ping()
    await engine.getImage(IMAGE).inspect()
  } catch (error) {
    console.log(`SKIPPED: no container engine with ${IMAGE} at ${address.url} (${(error as Error).message.split('\n')[0]}). Run scripts/ci-containers.sh and set DOCKER_HOST.`)
    return []
  }
  const figures: Figure[] = []
  const m = await deployTestMarket(chain.client)
  const [supplier, renter] = [await freshAccount(chain.client), await freshAccount(chain.client)]
  const dealId = await openDeal(m, supplier, renter, 3600n, {benchmarks: [1000n, 1000n, 1n, 256n << 20n], netflags: [false, false, false]})
  const dir = mkdtempSync(path.join(tmpdir(), 'nectar-container-bench-'))
  const configDir = path.join(dir, 'config')
  writeConfig(configDir, {network: 'devnet', networks: {devnet: {chainId: 31337, contracts: {market: m.market, profileRegistry: m.profileRegistry}, devnet: true, rpcUrl: chain.rpcUrl}}})
  const env = {...chain.env, NECTAR_CONFIG_DIR: configDir, NECTAR_DATA_DIR: path.join(dir, 'data')}
  const startAgent = async (executor: string): Promise<{child: ChildProcess; url: string}> => {
    const child = spawn(process.execPath, [BIN, 'provider', 'serve', '--plan', plan(dir), '--executor', executor, '--allow-image', 'local/*', '--pull', 'never', '--port', '0', '--data-dir', path.join(dir, `agent-${executor}`), '--json'], {env: {...env, NECTAR_PRIVATE_KEY: supplier.privateKey}, stdio: ['ignore', 'pipe', 'ignore']})
    const url: string = await new Promise((resolve) => {
      let out = ''
      child.stdout!.on('data', (c) => {
        out += c
        if (out.includes('\n')) resolve(JSON.parse(out).data.url)
      })
    })
    return {child, url}
  }
  const renterEnv = {...env, NECTAR_PRIVATE_KEY: renter.privateKey}
  let files = 0
  const jobFile = (spec: Record<string, unknown>) => {
    const file = path.join(dir, `job-${++files}.json`)
    writeFileSync(file, JSON.stringify(spec))
    return file
  }
  /** Spawns `compute run --follow`; resolves with the time to the first stdout byte, the output and the status. */
  const runFollow = (url: string, file: string) => {
    const started = now()
    const child = spawn(process.execPath, [BIN, 'compute', 'run', String(dealId), '--job', file, '--follow', '--endpoint', url], {env: renterEnv, stdio: ['ignore', 'pipe', 'pipe']})
    let first = 0
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout!.on('data', (c: Buffer) => {
      if (!first) first = now()
      out.push(c)
    })
    child.stderr!.on('data', (c: Buffer) => err.push(c))
    return new Promise<{firstMs: number; status: number | null; stderr: string; stdout: string}>((resolve) =>
      child.on('close', (status) => resolve({firstMs: first - started, status, stderr: Buffer.concat(err).toString(), stdout: Buffer.concat(out).toString()})),
    )
  }

  const container = await startAgent('container')
  const proc = await startAgent('process')
  try {
    // 1. Time to first line: container vs process executor, alternated; plus the podman CLI's own run.
    const containerJob = jobFile({args: ['-c', 'echo hi'], command: 'sh', image: IMAGE})
    const processJob = jobFile({args: ['hi'], command: 'echo'})
    const tc: number[] = []
    const tp: number[] = []
    await runFollow(container.url, containerJob) // warm-up
    await runFollow(proc.url, processJob)
    for (let i = 0; i < RUNS; i++) {
      const c = await runFollow(container.url, containerJob)
      if (c.stdout !== 'hi\n' || c.status !== 0) throw new Error(`container job: status ${c.status}, stdout ${JSON.stringify(c.stdout)}, stderr ${c.stderr}`)
      tc.push(c.firstMs)
      tp.push((await runFollow(proc.url, processJob)).firstMs)
    }
    const podmanRuns: number[] = []
    for (let i = 0; i < 5; i++) {
      const t = now()
      const r = spawnSync('podman', ['run', '--rm', '--network', 'none', IMAGE, 'echo', 'hi'], {encoding: 'utf8'})
      if (r.status === 0) podmanRuns.push(now() - t)
    }
    const podmanMs = podmanRuns.length > 0 ? median(podmanRuns) : Number.NaN
    figures.push({
      baseline: 'process executor, same path',
      baselineValue: median(tp),
      extra: {podmanCliRunMs: Math.round(podmanMs), runs: RUNS, slowestMs: Math.round(Math.max(...tc))},
      name: 'job submitted (compute run --follow) → first log line on the renter’s stdout, container executor',
      pass: median(tc) < 1500,
      target: 'median under 1.5 s',
      unit: 'ms',
      value: median(tc),
    })

    // 2. Eight jobs at once on one agent, each 300 lines on stdout and 30 on stderr, exit i.
    const script = (i: number) => `n=0; while [ $n -lt 300 ]; do n=$((n+1)); echo "job ${i} line $n"; [ $((n % 10)) = 0 ] && echo "job ${i} err $n" >&2; done; exit ${i}`
    const one = now()
    await runFollow(container.url, jobFile({args: ['-c', script(0)], command: 'sh', image: IMAGE}))
    const oneMs = now() - one
    const all = now()
    const results = await Promise.all(Array.from({length: 8}, (_, i) => runFollow(container.url, jobFile({args: ['-c', script(i + 1)], command: 'sh', image: IMAGE}))))
    const allMs = now() - all
    const complete = results.filter((r, i) => {
      const n = i + 1
      const out = Array.from({length: 300}, (_, k) => `job ${n} line ${k + 1}\n`).join('')
      const errs = r.stderr.split('\n').filter((l) => l.startsWith(`job ${n} err`))
      return r.status === n && r.stdout === out && errs.length === 30
    }).length
    figures.push({baseline: 'one such job alone', baselineValue: oneMs, extra: {complete: `${complete}/8`}, name: 'eight container jobs at once on one agent, all finished', pass: complete === 8, target: 'all 8 finish with their full logs and exit codes', unit: 'ms', value: allMs})
  } finally {
    container.child.kill('SIGTERM')
    proc.child.kill('SIGTERM')
  }
  return figures
}
