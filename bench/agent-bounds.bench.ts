// Issue 12 (part 4) figures: the provider agent stays bounded. (a) a restart over 2 GiB of stored logs
// (ready time beside a start over an empty data dir, both measured here; resident memory after reading
// every log's tail), (b) a job writing as fast as it can (agent memory beside its idle memory, the
// log's disk use beside the quota), (c) 100 unsigned 31 MiB POSTs (agent memory beside its idle
// memory). The agent is a spawned `nectar provider serve`; memory is read from /proc/PID/status.
// NECTAR_BENCH_FLOOD_SECONDS shortens (b) (default 60).
import {type ChildProcess, spawn} from 'node:child_process'
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import http from 'node:http'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {writeConfig} from '../src/lib/config/store.js'
import {type AgentTarget, followLogs, getJob, startJob} from '../src/lib/provider/client.js'
import {LogStore} from '../src/lib/provider/log-store.js'
import {deployTestMarket, freshAccount, openDeal} from '../test/setup/market.js'
import {benchPlan, type BenchChain, BIN, type Figure, median} from './lib.js'

const MiB = 2 ** 20
const now = () => performance.timeOrigin + performance.now()

/** Resident and peak resident memory of a process, MB. */
function memory(pid: number): {peak: number; rss: number} {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN)
  return {peak: kb('VmHWM') / 1024, rss: kb('VmRSS') / 1024}
}

export default async function agentBoundsBench(chain: BenchChain): Promise<Figure[]> {
  const figures: Figure[] = []
  const m = await deployTestMarket(chain.client)
  const [supplier, renter] = [await freshAccount(chain.client), await freshAccount(chain.client)]
  const dealId = await openDeal(m, supplier, renter)
  const dir = mkdtempSync(path.join(tmpdir(), 'nectar-bounds-bench-'))
  const configDir = path.join(dir, 'config')
  writeConfig(configDir, {network: 'devnet', networks: {devnet: {chainId: 31337, contracts: {market: m.market, profileRegistry: m.profileRegistry}, devnet: true, rpcUrl: chain.rpcUrl}}})
  const env = {...chain.env, NECTAR_CONFIG_DIR: configDir, NECTAR_DATA_DIR: path.join(dir, 'data'), NECTAR_PRIVATE_KEY: supplier.privateKey}
  const plan = benchPlan(dir)
  const agents: ChildProcess[] = []
  /** Starts an agent; resolves when it prints its URL, with the time that took. */
  const startAgent = (dataDir: string, extra: string[] = []) =>
    new Promise<{child: ChildProcess; ms: number; url: string}>((resolve, reject) => {
      const started = now()
      const child = spawn(process.execPath, [BIN, 'provider', 'serve', '--plan', plan, '--port', '0', '--data-dir', dataDir, '--market-poll', '3600000', '--json', ...extra], {env, stdio: ['ignore', 'pipe', 'pipe']})
      agents.push(child)
      let out = ''
      let err = ''
      child.stderr!.on('data', (c) => (err += c))
      child.stdout!.on('data', (c) => {
        out += c
        if (out.includes('\n')) resolve({child, ms: now() - started, url: JSON.parse(out).data.url})
      })
      child.on('exit', (code) => reject(new Error(`agent exited ${code}: ${err}`)))
    })
  const stop = async (child: ChildProcess) => {
    if (child.exitCode !== null) return
    const exited = new Promise((r) => child.once('exit', r))
    child.kill('SIGTERM')
    await exited
  }
  const target = (url: string): AgentTarget => ({account: renter.account, chainId: 31337, dealId, endpoint: url})

  try {
    // (a) A data dir with 2 GiB of logs of ended jobs: 20 jobs of ~100 MiB, half of them 'y' lines
    // (18 bytes a record: the most records per byte), half 100-byte lines.
    const big = path.join(dir, 'big')
    const jobs = 20
    const y = Buffer.from('y\n'.repeat(32 * 1024))
    const line = Buffer.alloc(100, 0x78)
    line[99] = 10
    const lines = Buffer.concat(Array.from({length: 10_000}, () => line))
    let stored = 0
    let records = 0
    for (let j = 1; j <= jobs; j++) {
      const jobDir = path.join(big, 'deals', String(dealId), 'jobs', String(j))
      mkdirSync(jobDir, {recursive: true})
      const store = LogStore.open(path.join(jobDir, 'log'))
      const chunk = j % 2 ? y : lines
      while (store.diskBytes < 2 ** 31 / jobs) store.append('stdout', chunk)
      stored += store.diskBytes
      records += store.lastSeq
      store.close()
      const at = new Date().toISOString()
      writeFileSync(path.join(jobDir, 'job.json'), JSON.stringify({consumer: renter.address, createdAt: at, dealId: String(dealId), endedAt: at, exitCode: 0, executor: 'process', id: String(j), signal: null, spec: {command: 'yes'}, startedAt: at, status: 'exited'}))
    }
    const empty = path.join(dir, 'empty')
    const readyBig: number[] = []
    const readyEmpty: number[] = []
    let afterStart = {peak: 0, rss: 0}
    let afterTails = {peak: 0, rss: 0}
    let tailsOk = 0
    // Retention and budget are set wide, so the restart keeps every log.
    const keep = ['--log-retention', '0', '--log-disk-budget', '1TiB']
    for (let run = 0; run < 5; run++) {
      const e = await startAgent(empty, keep)
      readyEmpty.push(e.ms)
      await stop(e.child)
      const b = await startAgent(big, keep)
      readyBig.push(b.ms)
      if (run === 4) {
        afterStart = memory(b.child.pid!)
        // A renter reads the last 10 lines of every job: each log opened and indexed on first read.
        for (let j = 1; j <= jobs; j++) {
          const got: number[] = []
          await followLogs(target(b.url), {jobId: String(j), onRecords: (r) => void got.push(...r.map((x) => x.seq)), tail: 10})
          if (got.length === 10) tailsOk++
        }
        afterTails = memory(b.child.pid!)
      }
      await stop(b.child)
    }
    // What the logs add to a restart: the rest of the ready time is the CLI's own start.
    const extraMs = median(readyBig) - median(readyEmpty)
    figures.push({baseline: 'the same agent over an empty data dir', baselineValue: median(readyEmpty), extra: {extraMs: Math.round(extraMs), gib: Math.round((stored / 2 ** 30) * 100) / 100, records, rssAfterStartMB: Math.round(afterStart.rss), tailsOk: `${tailsOk}/${jobs}`}, name: `agent restart over ${(stored / 2 ** 30).toFixed(1)} GiB of logs (${(records / 1e6).toFixed(0)} M records): ready`, pass: extraMs < 1000, target: 'under 1 s more than an empty start', unit: 'ms', value: median(readyBig)})
    figures.push({baseline: 'right after the start', baselineValue: afterStart.rss, extra: {peakMB: Math.round(afterTails.peak)}, name: 'agent restart over 2 GiB of logs, then the tail of every log read: resident memory', pass: tailsOk === jobs && afterTails.peak < 150, target: 'peak under 150 MB', unit: 'MB', value: afterTails.rss})
    rmSync(big, {force: true, recursive: true})

    // (b) A job writing as fast as it can ('yes': the most records per second) under the default quota.
    const seconds = Number(process.env.NECTAR_BENCH_FLOOD_SECONDS ?? 60)
    const flood = await startAgent(path.join(dir, 'flood'))
    await new Promise((r) => setTimeout(r, 1000))
    const idle = memory(flood.child.pid!)
    const job = await startJob(target(flood.url), {command: 'yes', timeLimit: `${seconds}s`})
    let maxRss = idle.rss
    const sampler = setInterval(() => (maxRss = Math.max(maxRss, memory(flood.child.pid!).rss)), 200)
    // No follower: the figure is the agent taking the output (polled, not streamed).
    let ended = await getJob(target(flood.url), job.id)
    while (ended.status === 'running') {
      await new Promise((r) => setTimeout(r, 500))
      ended = await getJob(target(flood.url), job.id)
    }
    clearInterval(sampler)
    const peak = memory(flood.child.pid!).peak
    const logFile = path.join(dir, 'flood', 'deals', String(dealId), 'jobs', job.id, 'log')
    const disk = LogStore.diskUsage(logFile)
    const store = LogStore.open(logFile)
    const marker = store.read({tail: 1})[0]
    store.close()
    figures.push({baseline: 'the idle agent', baselineValue: idle.rss, extra: {maxRssMB: Math.round(maxRss), reason: String(ended.reason), seconds}, name: `a job writing as fast as it can for ${seconds} s: agent peak memory`, pass: peak < 200 && ended.status === 'killed', target: 'under 200 MB', unit: 'MB', value: peak})
    figures.push({baseline: 'the quota (--max-log-bytes default)', baselineValue: 100, extra: {marker: String(marker?.stream === 'agent')}, name: `a job writing as fast as it can for ${seconds} s: its log on disk`, pass: disk <= 100 * MiB && marker?.stream === 'agent', target: 'within the quota', unit: 'MiB', value: disk / MiB})
    await stop(flood.child)

    // (c) 100 unsigned 31 MiB POSTs at once.
    const posts = await startAgent(path.join(dir, 'posts'))
    await new Promise((r) => setTimeout(r, 1000))
    const before = memory(posts.child.pid!)
    const body = Buffer.alloc(31 * MiB, 0x7b)
    const url = new URL(posts.url)
    const answers = await Promise.all(
      Array.from(
        {length: 100},
        () =>
          new Promise<string>((resolve) => {
            const req = http.request({agent: false, headers: {'content-length': body.length, 'content-type': 'application/json'}, host: url.hostname, method: 'POST', path: `/deals/${dealId}/jobs`, port: url.port}, (res) => {
              res.resume()
              resolve(String(res.statusCode))
            })
            req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'))
            req.end(body)
          }),
      ),
    )
    const after = memory(posts.child.pid!)
    const refused = answers.filter((a) => a === '401').length
    figures.push({baseline: 'the idle agent', baselineValue: before.rss, extra: {answered401: refused, other: answers.filter((a) => a !== '401').join(',') || 'none', rssAfterMB: Math.round(after.rss)}, name: '100 unsigned 31 MiB POSTs at once: agent peak memory', pass: after.peak < 150 && answers.every((a) => a === '401' || a === 'EPIPE' || a === 'ECONNRESET'), target: 'under 150 MB', unit: 'MB', value: after.peak})
    await stop(posts.child)
  } finally {
    for (const a of agents) if (a.exitCode === null) a.kill('SIGKILL')
    rmSync(dir, {force: true, recursive: true})
  }
  return figures
}
