// Issue 15 figures: a 1 GiB upload (`compute run --upload`) and a 1 GiB pull (`compute pull`) over
// loopback, each against a plain HTTP stream of the same bytes between two local Node processes (file
// → HTTP → file) measured in the same run; and the agent's peak memory during each transfer. The
// agent is a spawned `nectar provider serve` on a real deal of the bench anvil; its peak RSS is reset
// before each transfer (/proc/PID/clear_refs) and read from /proc/PID/status VmHWM after it.
// The upload figure is the whole command: packing the file twice (hash, then send), the agent hashing
// and unpacking it as it arrives, and starting the job. The pull figure is the whole command too:
// sending the output the agent packed once when the job ended (its packing time is in the agent's
// log, not in the figure), the CLI hashing and unpacking it as it arrives. Each is run 3 times,
// alternating with its baseline; the figures are medians.
import {type ChildProcess, spawn} from 'node:child_process'
import {createHash, randomBytes} from 'node:crypto'
import {closeSync, createReadStream, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {writeConfig} from '../src/lib/config/store.js'
import {deployTestMarket, freshAccount, openDeal} from '../test/setup/market.js'
import {benchPlan as plan, type BenchChain, BIN, type Figure, median} from './lib.js'

const GiB = 2 ** 30
const MB = 1e6
/** Each transfer and its baseline, alternated; the figures are medians. */
const RUNS = 3

/** A plain HTTP receiver and sender of files, in a process of its own (the baseline's other end). */
const BASELINE_SERVER = `
const http = require('node:http'), fs = require('node:fs'), {pipeline} = require('node:stream/promises')
const [file] = process.argv.slice(1)
http.createServer(async (req, res) => {
  if (req.method === 'PUT') { await pipeline(req, fs.createWriteStream(file)); res.end('ok') }
  else { res.writeHead(200, {'content-length': fs.statSync(file).size}); await pipeline(fs.createReadStream(file), res) }
}).listen(0, '127.0.0.1', function () { console.log(this.address().port) })
`

export default async function jobFilesBench(chain: BenchChain): Promise<Figure[]> {
  const m = await deployTestMarket(chain.client)
  const [supplier, renter] = [await freshAccount(chain.client), await freshAccount(chain.client)]
  const dealId = await openDeal(m, supplier, renter)
  const dir = mkdtempSync(path.join(tmpdir(), 'nectar-files-bench-'))
  const configDir = path.join(dir, 'config')
  writeConfig(configDir, {network: 'devnet', networks: {devnet: {chainId: 31337, contracts: {market: m.market, profileRegistry: m.profileRegistry}, devnet: true, rpcUrl: chain.rpcUrl}}})
  const env = {...chain.env, NECTAR_CONFIG_DIR: configDir, NECTAR_DATA_DIR: path.join(dir, 'data')}
  const big = path.join(dir, 'big.bin')
  const block = randomBytes(1 << 20)
  const fd = openSync(big, 'w')
  for (let i = 0; i < 1024; i++) writeSync(fd, block)
  closeSync(fd)

  const agent = spawn(process.execPath, [BIN, 'provider', 'serve', '--plan', plan(dir), '--port', '0', '--data-dir', path.join(dir, 'agent'), '--max-upload', '2GiB', '--json'], {env: {...env, NECTAR_PRIVATE_KEY: supplier.privateKey}, stdio: ['ignore', 'pipe', 'inherit']})
  const baseline = spawn(process.execPath, ['-e', BASELINE_SERVER, path.join(dir, 'baseline.bin')], {stdio: ['ignore', 'pipe', 'inherit']})
  const figures: Figure[] = []
  try {
    const url: string = JSON.parse(await firstLine(agent)).data.url
    const baseUrl = `http://127.0.0.1:${(await firstLine(baseline)).trim()}`
    const renterEnv = {...env, NECTAR_PRIVATE_KEY: renter.privateKey}
    // Only the last upload's job declares the output (packing it would overlap the next runs).
    const job = path.join(dir, 'job.json')
    writeFileSync(job, JSON.stringify({command: 'true'}))
    const lastJob = path.join(dir, 'last-job.json')
    writeFileSync(lastJob, JSON.stringify({command: 'true', outputs: ['big.bin']}))
    const nectar = (args: string[]) => run(process.execPath, [BIN, ...args, '--endpoint', url, '--json'], renterEnv)

    const putBaseline = () => run(process.execPath, ['-e', `const http=require('node:http'),fs=require('node:fs');const r=http.request(${JSON.stringify(baseUrl)},{method:'PUT',headers:{'content-length':fs.statSync(process.argv[1]).size}},(res)=>res.resume());fs.createReadStream(process.argv[1]).pipe(r)`, big], env)
    const got = path.join(dir, 'got.bin')
    const getBaseline = () => run(process.execPath, ['-e', `const http=require('node:http'),fs=require('node:fs');http.get(${JSON.stringify(baseUrl)},(res)=>res.pipe(fs.createWriteStream(process.argv[1])))`, got], env)

    // Upload, RUNS times, alternating with the baseline (same bytes, file → HTTP → file) so machine
    // noise hits both alike; medians. Each run is a new job (an upload serves one job).
    const up: number[] = []
    const baseUp: number[] = []
    const upPeaks: number[] = []
    let jobId = ''
    for (let i = 0; i < RUNS; i++) {
      baseUp.push((await timed(putBaseline)).ms)
      resetPeak(agent.pid!)
      const t = await timed(() => nectar(['compute', 'run', String(dealId), '--job', i === RUNS - 1 ? lastJob : job, '--upload', big]))
      upPeaks.push(peakMB(agent.pid!))
      up.push(t.ms)
      jobId = JSON.parse(t.result.stdout).data.job.id
      await waitEnded(() => nectar(['compute', 'jobs', String(dealId)]), jobId)
    }
    const upRate = GiB / MB / (median(up) / 1000)
    const baseUpRate = GiB / MB / (median(baseUp) / 1000)
    const upPeak = Math.max(...upPeaks)
    figures.push({baseline: 'plain HTTP PUT of the same file between two Node processes', baselineValue: round(baseUpRate), extra: {agentPeakMB: upPeak, ratio: round(upRate / baseUpRate), runs: RUNS, seconds: round(median(up) / 1000)}, name: '1 GiB compute run --upload (pack+hash, send, verify, unpack, start)', pass: upRate / baseUpRate >= 0.5 && upPeak < 150, target: '≥ 0.5 × baseline; agent peak RSS < 150 MB', unit: 'MB/s', value: round(upRate)})

    // Pull of the last job's output (packed once when it ended), alternating with the baseline GET.
    await new Promise((r) => setTimeout(r, 5000)) // the agent packs the output when the job ends
    const down: number[] = []
    const baseDown: number[] = []
    const downPeaks: number[] = []
    let exact = true
    for (let i = 0; i < RUNS; i++) {
      baseDown.push((await timed(getBaseline)).ms)
      rmSync(got, {force: true})
      resetPeak(agent.pid!)
      const out = path.join(dir, `pulled-${i}`)
      down.push((await timed(() => nectar(['compute', 'pull', String(dealId), jobId, '--out', out]))).ms)
      downPeaks.push(peakMB(agent.pid!))
      exact &&= (await fileSha256(path.join(out, 'big.bin'))) === (await fileSha256(big))
      rmSync(out, {force: true, recursive: true})
    }
    const downRate = GiB / MB / (median(down) / 1000)
    const baseDownRate = GiB / MB / (median(baseDown) / 1000)
    const downPeak = Math.max(...downPeaks)
    figures.push({baseline: 'plain HTTP GET of the same file between two Node processes', baselineValue: round(baseDownRate), extra: {agentPeakMB: downPeak, byteExact: String(exact), ratio: round(downRate / baseDownRate), runs: RUNS, seconds: round(median(down) / 1000)}, name: '1 GiB compute pull (send, sha256 check, unpack)', pass: exact && downRate / baseDownRate >= 0.5 && downPeak < 150, target: '≥ 0.5 × baseline; agent peak RSS < 150 MB', unit: 'MB/s', value: round(downRate)})
  } finally {
    agent.kill('SIGTERM')
    baseline.kill('SIGTERM')
    await Promise.all([exited(agent), exited(baseline)])
    rmSync(dir, {force: true, recursive: true})
  }
  return figures
}

async function fileSha256(file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file, {highWaterMark: 1 << 20})) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

const round = (n: number) => Math.round(n * 100) / 100

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (c) => {
      out += c
      if (out.includes('\n')) resolve(out.split('\n')[0])
    })
    child.once('exit', (code) => reject(new Error(`exited ${code} before its first line`)))
  })
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode === null ? new Promise((r) => child.once('exit', () => r())) : Promise.resolve()
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{stdout: string}> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {env, stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c) => (stdout += c))
    child.stderr.on('data', (c) => (stderr += c))
    child.on('exit', (code) => (code === 0 ? resolve({stdout}) : reject(new Error(`${command} ${args.slice(0, 4).join(' ')} exited ${code}: ${stderr || stdout}`))))
  })
}

async function timed<T>(f: () => Promise<T>): Promise<{ms: number; result: T}> {
  const started = performance.now()
  const result = await f()
  return {ms: performance.now() - started, result}
}

async function waitEnded(list: () => Promise<{stdout: string}>, jobId: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const jobs = JSON.parse((await list()).stdout).data.jobs as Array<{id: string; status: string}>
    if (jobs.find((j) => j.id === jobId)?.status !== 'running') return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`job ${jobId} did not end`)
}

/** Resets the process's peak RSS (VmHWM) to its current RSS. */
function resetPeak(pid: number): void {
  if (existsSync(`/proc/${pid}/clear_refs`)) writeFileSync(`/proc/${pid}/clear_refs`, '5')
}

function peakMB(pid: number): number {
  const kB = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1])
  return Math.round(kB / 1024)
}
