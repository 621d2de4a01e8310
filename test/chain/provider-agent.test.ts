// The provider agent in-process (real HTTP on 127.0.0.1, real child processes) against real deals on
// the test anvil: the Market's own QuickBuy and CloseDeal.
import http from 'node:http'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest'

import {type ChainClient} from '../../src/lib/chain/client.js'
import {Agent, type AgentOptions} from '../../src/lib/provider/agent.js'
import {ReplayCache, signRequest} from '../../src/lib/provider/auth.js'
import {type AgentTarget, followLogs, getJob, listJobs, recordBytes, startJob, stopJob, type WireRecord} from '../../src/lib/provider/client.js'
import {chainDealSource} from '../../src/lib/provider/deals.js'
import {LogStore} from '../../src/lib/provider/log-store.js'
import {ProcessExecutor} from '../../src/lib/provider/process-executor.js'
import {type RunningServer, startServer} from '../../src/lib/provider/server.js'
import {type FreshAccount, freshAccount, sharedClient} from '../setup/chain.js'
import {closeDeal, deployTestMarket, openDeal, type TestMarket} from '../setup/market.js'

let client: ChainClient
let m: TestMarket
let supplier: FreshAccount
let renter: FreshAccount
let stranger: FreshAccount
let dealId: bigint
let agent: Agent
let server: RunningServer
let dataDir: string

const node = process.execPath
const target = (who: FreshAccount = renter, deal = dealId): AgentTarget => ({account: who.account, chainId: 31337, dealId: deal, endpoint: server.url})

async function collect(t: AgentTarget, jobId: string, options: Partial<Parameters<typeof followLogs>[1]> = {}) {
  const records: WireRecord[] = []
  const result = await followLogs(t, {follow: true, jobId, onRecords: (r) => void records.push(...r), ...options})
  const bytes = (stream: string) => Buffer.concat(records.filter((r) => r.stream === stream).map(recordBytes))
  return {bytes, records, result}
}

function raw(method: string, p: string, headers: Record<string, string>, body = '', url = server.url): Promise<{json: {error?: {code: string; message: string}}; status: number}> {
  return new Promise((resolve, reject) => {
    const req = http.request(url + p, {headers, method}, (res) => {
      let text = ''
      res.on('data', (c) => (text += c))
      res.on('end', () => resolve({json: JSON.parse(text), status: res.statusCode!}))
    })
    req.on('error', reject)
    req.end(body)
  })
}

beforeAll(async () => {
  client = sharedClient()
  m = await deployTestMarket(client)
  ;[supplier, renter, stranger] = await Promise.all([freshAccount(client), freshAccount(client), freshAccount(client)])
  dealId = await openDeal(m, supplier, renter)
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'nectar-agent-'))
  const dealSource = chainDealSource(client, m.market)
  agent = Agent.open({dataDir, dealPollMs: 200, dealSource, executor: new ProcessExecutor({killGraceMs: 500}), supplier: supplier.address})
  agent.start()
  server = await startServer({agent, dealSource, heartbeatMs: 100, supplier: supplier.address})
})

afterAll(async () => {
  await agent?.shutdown()
  await server?.close()
  rmSync(dataDir, {force: true, recursive: true})
})

describe('provider agent over HTTP', () => {
  it('runs a job for the deal’s renter and streams stdout and stderr apart, then the exit status', async () => {
    const job = await startJob(target(), {args: ['-e', 'process.stdout.write("out 1\\nout 2\\n"); process.stderr.write("err 1\\n"); process.exitCode = 3'], command: node})
    const {bytes, result} = await collect(target(), job.id)
    expect(bytes('stdout').toString()).toBe('out 1\nout 2\n')
    expect(bytes('stderr').toString()).toBe('err 1\n')
    expect(result.end).toMatchObject({exitCode: 3, exitStatus: 3, status: 'exited'})
    const jobs = await listJobs(target())
    expect(jobs.find((j) => j.id === job.id)).toMatchObject({lastSeq: 3, status: 'exited'})
  })

  it('refuses another key with 403', async () => {
    await expect(listJobs(target(stranger))).rejects.toMatchObject({code: 'NOT_CONSUMER'})
    await expect(startJob(target(stranger), {command: 'true'})).rejects.toMatchObject({code: 'NOT_CONSUMER', message: expect.stringContaining('HTTP 403')})
  })

  it('refuses a replayed request and a stale timestamp with 401', async () => {
    const p = `/deals/${dealId}/jobs`
    const headers = await signRequest(renter.account, {chainId: 31337, dealId, method: 'GET', path: p})
    expect((await raw('GET', p, headers)).status).toBe(200)
    const replay = await raw('GET', p, headers)
    expect(replay).toMatchObject({json: {error: {code: 'REPLAYED'}}, status: 401})
    const stale = await signRequest(renter.account, {chainId: 31337, dealId, method: 'GET', now: Date.now() - 120_000, path: p})
    expect(await raw('GET', p, stale)).toMatchObject({json: {error: {code: 'STALE_SIGNATURE'}}, status: 401})
    expect(await raw('GET', p, {})).toMatchObject({json: {error: {code: 'UNSIGNED'}}, status: 401})
    // Signed for one path, sent to another: the recovered signer is someone else.
    const other = await signRequest(renter.account, {chainId: 31337, dealId, method: 'GET', path: `${p}/1`})
    expect((await raw('GET', p, other)).status).toBe(403)
  })

  it('refuses bad job specs with 400 naming the field, and images on the process executor', async () => {
    await expect(startJob(target(), {command: 'true', extra: 1} as never)).rejects.toMatchObject({code: 'INVALID_JOB_SPEC', kind: 'usage', message: expect.stringContaining('unknown field "extra"')})
    await expect(startJob(target(), {args: []} as never)).rejects.toMatchObject({code: 'INVALID_JOB_SPEC', message: expect.stringContaining('missing field "command"')})
    await expect(startJob(target(), {command: 'true', image: 'alpine:3'})).rejects.toMatchObject({code: 'UNSUPPORTED_JOB', message: expect.stringContaining('cannot run container images')})
  })

  it('keeps binary garbage and a line over 1 MiB byte-exact', async () => {
    const script = 'const b=Buffer.alloc(1536*1024,120);b[b.length-1]=10;process.stdout.write(b);process.stdout.write(Buffer.from([0,255,254,10,0xc3,0x28,7]));process.stderr.write(Buffer.from([0xff,0xfe]))'
    const job = await startJob(target(), {args: ['-e', script], command: node})
    const {bytes, records} = await collect(target(), job.id)
    const expected = Buffer.alloc(1536 * 1024, 120)
    expected[expected.length - 1] = 10
    expect(bytes('stdout').equals(Buffer.concat([expected, Buffer.from([0, 255, 254, 10, 0xc3, 0x28, 7])]))).toBe(true)
    expect(bytes('stderr').equals(Buffer.from([0xff, 0xfe]))).toBe(true)
    expect(records.some((r) => r.encoding === 'base64')).toBe(true)
  })

  it('keeps a silent follow alive with heartbeats, and kills a job over its time limit', async () => {
    const job = await startJob(target(), {args: ['-e', 'console.log("start"); setTimeout(() => console.log("never"), 60000)'], command: node, timeLimit: '1500ms'})
    const started = Date.now()
    // idle timeout far below the silence: only heartbeats keep it from reconnecting
    let reconnects = 0
    const {bytes, result} = await collect(target(), job.id, {idleTimeoutMs: 400, onReconnect: () => reconnects++})
    expect(Date.now() - started).toBeGreaterThan(1400)
    expect(reconnects).toBe(0)
    expect(bytes('stdout').toString()).toBe('start\n')
    expect(result.end).toMatchObject({reason: 'time limit of 1500ms exceeded', signal: 'SIGTERM', status: 'killed', exitStatus: 143})
  })

  it('stops a job at the renter’s request', async () => {
    const job = await startJob(target(), {args: ['60'], command: 'sleep'})
    expect((await stopJob(target(), job.id)).stopping).toBe(true)
    const {result} = await collect(target(), job.id)
    expect(result.end).toMatchObject({reason: 'stopped by the renter', status: 'killed'})
  })

  it('kills the jobs of a deal when it closes, then refuses new jobs with 403 but still serves logs', async () => {
    const renter2 = await freshAccount(client)
    const deal2 = await openDeal(m, supplier, renter2)
    const t = target(renter2, deal2)
    const job = await startJob(t, {args: ['-e', 'console.log("working"); setInterval(() => {}, 1000)'], command: node})
    await new Promise((r) => setTimeout(r, 300))
    await closeDeal(m, renter2, deal2)
    const {bytes, result} = await collect(t, job.id)
    expect(result.end).toMatchObject({reason: `deal ${deal2} closed`, status: 'killed'})
    expect(bytes('stdout').toString()).toBe('working\n')
    await expect(startJob(t, {command: 'true'})).rejects.toMatchObject({code: 'DEAL_CLOSED', message: expect.stringContaining('HTTP 403')})
    expect((await getJob(t, job.id)).status).toBe('killed')
  })

  it('answers an unknown deal with 404 and an unreachable agent with a clear error', async () => {
    await expect(listJobs(target(renter, 999_999n))).rejects.toMatchObject({code: 'NO_SUCH_DEAL'})
    await expect(listJobs({...target(), endpoint: 'http://127.0.0.1:1'})).rejects.toMatchObject({code: 'AGENT_UNREACHABLE', message: expect.stringContaining('http://127.0.0.1:1')})
  })
})

/**
 * Sends a request's head (and `first` bytes of body, if any) on a plain socket and waits for the
 * answer without sending the rest; then feeds the declared body slowly, and reports how much of it the
 * socket took before the agent closed it.
 */
async function headThenSlowBody(head: string, declared: number, first = Buffer.alloc(0), answers = 1): Promise<{answer: string; fed: number}> {
  const url = new URL(server.url)
  const socket = net.connect(Number(url.port), url.hostname)
  let answer = Buffer.alloc(0)
  let closed = false
  socket.on('data', (c: Buffer) => (answer = Buffer.concat([answer, c])))
  socket.on('error', () => (closed = true))
  socket.on('close', () => (closed = true))
  await new Promise((r) => socket.once('connect', r))
  socket.write(head + '\r\n\r\n')
  if (first.length > 0) socket.write(first)
  // Nothing more is sent until the whole answer is here: an agent waiting for the body would hang.
  const complete = () => {
    let n = 0
    let at = 0
    for (;;) {
      const cut = answer.indexOf('\r\n\r\n', at)
      if (cut === -1) return n
      const end = cut + 4 + Number(/content-length: (\d+)/i.exec(answer.subarray(at, cut).toString())?.[1] ?? 0)
      if (answer.length < end) return n
      n++
      at = end
    }
  }
  for (;;) {
    if (complete() >= answers) break
    if (closed) throw new Error(`closed without an answer: ${JSON.stringify(answer.toString())}`)
    await new Promise((r) => setTimeout(r, 5))
  }
  let fed = first.length
  const chunk = Buffer.alloc(256 * 1024, 0x7b)
  while (!closed && fed < declared) {
    socket.write(chunk)
    fed += chunk.length
    await new Promise((r) => setTimeout(r, 2))
  }
  socket.destroy()
  return {answer: answer.toString(), fed}
}

const statusOf = (answer: string) => Number(answer.split(' ')[1])
const bodyOf = (answer: string) => {
  const start = answer.indexOf('\r\n\r\n') + 4
  const length = Number(/content-length: (\d+)/i.exec(answer)![1])
  return JSON.parse(Buffer.from(answer.slice(start)).subarray(0, length).toString())
}

describe('provider agent: requests are checked before their body is read', () => {
  const MiB = 1 << 20
  const head = (p: string, lines: string[]) => [`POST ${p} HTTP/1.1`, 'Host: agent', 'Content-Type: application/json', ...lines].join('\r\n')

  it('answers an unsigned 31 MiB POST with 401 and closes, without reading the body', async () => {
    const {answer, fed} = await headThenSlowBody(head(`/deals/${dealId}/jobs`, [`Content-Length: ${31 * MiB}`]), 31 * MiB)
    expect(statusOf(answer)).toBe(401)
    expect(bodyOf(answer).error.code).toBe('UNSIGNED')
    expect(answer.toLowerCase()).toContain('connection: close')
    // The socket was closed long before the body could have been sent (only kernel buffers took some).
    expect(fed).toBeLessThan(12 * MiB)
  })

  it('answers a POST over the route’s limit with 413 before the body, signed or not', async () => {
    const p = `/deals/${dealId}/jobs`
    const signed = await signRequest(renter.account, {body: 'x'.repeat(10), chainId: 31337, dealId, method: 'POST', path: p})
    for (const extra of [[], Object.entries(signed).map(([k, v]) => `${k}: ${v}`)]) {
      const {answer, fed} = await headThenSlowBody(head(p, [`Content-Length: ${64 * MiB}`, ...extra]), 64 * MiB)
      expect(statusOf(answer)).toBe(413)
      expect(bodyOf(answer).error.code).toBe('BODY_TOO_LARGE')
      expect(fed).toBeLessThan(12 * MiB)
    }
    // A GET takes no body at all.
    const get = await headThenSlowBody([`GET /deals/${dealId}/jobs HTTP/1.1`, 'Host: agent', 'Content-Length: 1000'].join('\r\n'), 1000)
    expect(statusOf(get.answer)).toBe(413)
  })

  it('answers a stranger’s signed POST with 403 before the body', async () => {
    const p = `/deals/${dealId}/jobs`
    const body = JSON.stringify({command: 'true'})
    const signed = await signRequest(stranger.account, {body, chainId: 31337, dealId, method: 'POST', path: p})
    const {answer, fed} = await headThenSlowBody(head(p, [`Content-Length: ${31 * MiB}`, ...Object.entries(signed).map(([k, v]) => `${k}: ${v}`)]), 31 * MiB)
    expect(statusOf(answer)).toBe(403)
    expect(bodyOf(answer).error.code).toBe('NOT_CONSUMER')
    expect(fed).toBeLessThan(12 * MiB)
  })

  it('refuses a body without a Content-Length (411) and one without its signed hash (401)', async () => {
    const p = `/deals/${dealId}/jobs`
    const body = JSON.stringify({command: 'true'})
    const signed = await signRequest(renter.account, {body, chainId: 31337, dealId, method: 'POST', path: p})
    const chunked = await headThenSlowBody(head(p, ['Transfer-Encoding: chunked', ...Object.entries(signed).map(([k, v]) => `${k}: ${v}`)]), 0)
    expect(statusOf(chunked.answer)).toBe(411)
    expect(bodyOf(chunked.answer).error.code).toBe('LENGTH_REQUIRED')
    const {'x-nectar-body-hash': _hash, ...withoutHash} = await signRequest(renter.account, {body, chainId: 31337, dealId, method: 'POST', path: p})
    expect(await raw('POST', p, {...withoutHash, 'content-type': 'application/json'}, body)).toMatchObject({json: {error: {code: 'UNSIGNED'}}, status: 401})
    // A body that is not the one signed.
    const other = await signRequest(renter.account, {body, chainId: 31337, dealId, method: 'POST', path: p})
    expect(await raw('POST', p, {...other, 'content-type': 'application/json'}, JSON.stringify({command: 'false'}))).toMatchObject({json: {error: {code: 'BAD_SIGNATURE'}}, status: 401})
  })

  it('takes no more than the declared Content-Length as the body', async () => {
    const p = `/deals/${dealId}/jobs`
    const body = JSON.stringify({args: ['-e', 'console.log("declared")'], command: node})
    const signed = await signRequest(renter.account, {body, chainId: 31337, dealId, method: 'POST', path: p})
    // The bytes past the declared length are not the body: here they are a second (pipelined) request.
    const {answer} = await headThenSlowBody(head(p, [`Content-Length: ${Buffer.byteLength(body)}`, ...Object.entries(signed).map(([k, v]) => `${k}: ${v}`)]), 0, Buffer.from(body + 'GET /status HTTP/1.1\r\nHost: agent\r\n\r\n'), 2)
    expect(statusOf(answer)).toBe(201)
    expect(bodyOf(answer).job.spec).toEqual(JSON.parse(body))
    const second = answer.slice(answer.lastIndexOf('HTTP/1.1 '))
    expect(statusOf(second)).toBe(200)
    expect(bodyOf(second).agent).toBe('nectar provider agent')
  })
})

describe('provider agent: the replay cache', () => {
  it('keeps nonces per signer and only after the renter check: a stranger’s valid signatures do not crowd out the renter’s', async () => {
    const small = await startServer({agent, dealSource: chainDealSource(client, m.market), replay: new ReplayCache(4), supplier: supplier.address})
    try {
      const p = `/deals/${dealId}/jobs`
      const sign = (who: FreshAccount) => signRequest(who.account, {chainId: 31337, dealId, method: 'GET', path: p})
      const first = await sign(renter)
      expect((await raw('GET', p, first, '', small.url)).status).toBe(200)
      for (let i = 0; i < 10; i++) expect(await raw('GET', p, await sign(stranger), '', small.url)).toMatchObject({json: {error: {code: 'NOT_CONSUMER'}}, status: 403})
      // The renter's nonce is still known, and the renter's share has room.
      expect(await raw('GET', p, first, '', small.url)).toMatchObject({json: {error: {code: 'REPLAYED'}}, status: 401})
      expect((await raw('GET', p, await sign(renter), '', small.url)).status).toBe(200)
      // A renter filling its own share is refused (BUSY), another deal's renter is not.
      for (let i = 0; i < 2; i++) expect((await raw('GET', p, await sign(renter), '', small.url)).status).toBe(200)
      expect(await raw('GET', p, await sign(renter), '', small.url)).toMatchObject({json: {error: {code: 'BUSY'}}, status: 401})
      const renter2 = await freshAccount(client)
      const deal2 = await openDeal(m, supplier, renter2)
      const p2 = `/deals/${deal2}/jobs`
      expect((await raw('GET', p2, await signRequest(renter2.account, {chainId: 31337, dealId: deal2, method: 'GET', path: p2}), '', small.url)).status).toBe(200)
    } finally {
      await small.close()
    }
  })
})

describe('provider agent: bounded logs', () => {
  const extra: Array<{agent: Agent; dir: string; server: RunningServer}> = []
  afterAll(async () => {
    for (const e of extra) {
      await e.agent.shutdown()
      await e.server.close()
      rmSync(e.dir, {force: true, recursive: true})
    }
  })
  async function agentWith(options: Partial<AgentOptions>, dir = mkdtempSync(path.join(os.tmpdir(), 'nectar-agent-bounds-'))) {
    const dealSource = chainDealSource(client, m.market)
    const a = Agent.open({dataDir: dir, dealPollMs: 100, dealSource, executor: new ProcessExecutor({killGraceMs: 300}), supplier: supplier.address, ...options})
    const s = await startServer({agent: a, dealSource, heartbeatMs: 100, supplier: supplier.address})
    extra.push({agent: a, dir, server: s})
    return {agent: a, dir, t: {...target(), endpoint: s.url}}
  }
  const logFile = (dir: string, jobId: string, deal = dealId) => path.join(dir, 'deals', String(deal), 'jobs', jobId, 'log')
  const spew = 'const line = "x".repeat(99) + "\\n"; let n = 0; const go = () => { while (n < 20000) { n++; if (!process.stdout.write(line)) return process.stdout.once("drain", go) } }; go()'

  it('drops output past the quota: the log stays within it and ends with one marker line; the job runs on', async () => {
    const {dir, t} = await agentWith({maxLogBytes: 64 * 1024})
    const job = await startJob(t, {args: ['-e', spew + '; process.on("exit", () => process.exitCode = 4)'], command: node})
    const {records, result} = await collect(t, job.id)
    expect(result.end).toMatchObject({exitStatus: 4, status: 'exited'})
    const markers = records.filter((r) => r.stream === 'agent')
    expect(markers).toHaveLength(1)
    expect(records.at(-1)).toBe(markers[0])
    expect(recordBytes(markers[0]).toString()).toBe('nectar: this job\'s log reached the provider\'s quota of 64 KiB; later output is dropped.\n')
    expect(records.length).toBeGreaterThan(400)
    expect(LogStore.diskUsage(logFile(dir, job.id))).toBeLessThanOrEqual(64 * 1024)
    // A stream selection still shows the marker.
    const stdoutOnly = await collect(t, job.id, {stream: 'stdout', tail: 2})
    expect(stdoutOnly.records.map((r) => r.stream)).toEqual(['stdout', 'agent'])
  })

  it('stops the job at the quota when the provider says so', async () => {
    const {dir, t} = await agentWith({maxLogBytes: 64 * 1024, onLogQuota: 'stop'})
    const job = await startJob(t, {args: ['-e', 'setInterval(() => console.log("y".repeat(200)), 1)'], command: node})
    const {records, result} = await collect(t, job.id)
    expect(result.end).toMatchObject({reason: 'its log reached the quota of 64 KiB', status: 'killed'})
    expect(records.filter((r) => r.stream === 'agent').map((r) => recordBytes(r).toString())).toEqual(['nectar: this job\'s log reached the provider\'s quota of 64 KiB; the job is stopped.\n'])
    expect(LogStore.diskUsage(logFile(dir, job.id))).toBeLessThanOrEqual(64 * 1024)
  })

  it('prunes ended jobs’ logs past the retention and, oldest first, past the disk budget; never a running job’s', async () => {
    const {agent: a, dir, t} = await agentWith({logDiskBudget: 1 << 30, logPruneMs: 3_600_000, logRetentionMs: 3_600_000})
    const run = async (lines: number) => {
      const job = await startJob(t, {args: ['-e', `for (let i = 0; i < ${lines}; i++) console.log("line " + i)`], command: node})
      await collect(t, job.id)
      return job.id
    }
    const [old1, old2, recent] = [await run(2000), await run(2000), await run(2000)]
    const running = await startJob(t, {args: ['-e', 'for (let i = 0; i < 3000; i++) console.log("running " + i); setInterval(() => {}, 1000)'], command: node})
    await new Promise((r) => setTimeout(r, 300))
    const sizes = Object.fromEntries([old1, old2, recent, running.id].map((id) => [id, LogStore.diskUsage(logFile(dir, id))]))
    // Nothing is old yet and the budget holds.
    expect(a.pruneLogs()).toEqual([])
    // Over the budget: the two oldest ended logs go; the running job's log (bigger than the budget left) stays.
    ;(a.options as {logDiskBudget?: number}).logDiskBudget = sizes[recent] + sizes[running.id] + 100
    expect(a.pruneLogs().map((p) => p.jobId)).toEqual([old1, old2])
    expect(existsSync(logFile(dir, old1))).toBe(false)
    expect(existsSync(logFile(dir, old1) + '.idx')).toBe(false)
    expect(existsSync(logFile(dir, recent))).toBe(true)
    ;(a.options as {logDiskBudget?: number}).logDiskBudget = 1
    // Past the retention (two hours later): every ended log; still never the running one.
    expect(a.pruneLogs(Date.now() + 2 * 3_600_000).map((p) => [p.jobId, p.reason.includes('retention')])).toEqual([[recent, true]])
    expect(existsSync(logFile(dir, running.id))).toBe(true)
    // The renter is told the log is gone (410), with when and why; the job's record stays.
    await expect(collect(t, old1)).rejects.toMatchObject({code: 'LOG_PRUNED', message: expect.stringContaining('disk budget')})
    const view = (await listJobs(t)).find((j) => j.id === old1)!
    expect(view).toMatchObject({lastSeq: 2000, logPruned: {lastSeq: 2000, reason: expect.stringContaining('disk budget')}, status: 'exited'})
    expect(JSON.parse(readFileSync(path.join(dir, 'deals', String(dealId), 'jobs', old1, 'job.json'), 'utf8')).logPruned.lastSeq).toBe(2000)
    await stopJob(t, running.id)
  })

  it('restarts over a big data dir without opening its logs; a log is opened and indexed when read', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nectar-agent-restart-'))
    // Forty ended jobs of 20,000 lines each, as a previous agent left them.
    const line = Buffer.from('some output of an earlier job\n'.repeat(1000))
    for (let j = 1; j <= 40; j++) {
      const jobDir = path.join(dir, 'deals', String(dealId), 'jobs', String(j))
      mkdirSync(jobDir, {recursive: true})
      const store = LogStore.open(path.join(jobDir, 'log'))
      for (let i = 0; i < 20; i++) store.append('stdout', line, 1000 + i)
      store.close()
      const now = new Date().toISOString()
      writeFileSync(path.join(jobDir, 'job.json'), JSON.stringify({consumer: renter.address, createdAt: now, dealId: String(dealId), endedAt: now, exitCode: 0, executor: 'process', id: String(j), signal: null, spec: {command: 'true'}, startedAt: now, status: 'exited'}))
    }
    const open = vi.spyOn(LogStore, 'open')
    try {
      const {agent: a, t} = await agentWith({}, dir)
      expect(open).not.toHaveBeenCalled()
      expect(a.listJobs(dealId)).toHaveLength(40)
      const tail: WireRecord[] = []
      await followLogs(t, {jobId: '17', onRecords: (r) => void tail.push(...r), tail: 3})
      expect(tail.map((r) => r.seq)).toEqual([19_998, 19_999, 20_000])
      expect(open).toHaveBeenCalledTimes(1)
      const store = a.getJob(dealId, '17')!.store!
      // Opening read one index block of the 640 KiB log, the tail a few records more.
      expect(store.bytesRead).toBeLessThan(80 * 1024)
    } finally {
      open.mockRestore()
    }
  })

  it('keeps logs and job records owner-only: files 0600 in 0700 directories', async () => {
    const {dir, t} = await agentWith({})
    const job = await startJob(t, {args: ['-e', 'console.log("private")'], command: node, env: {SECRET: 'x'}})
    await collect(t, job.id)
    const jobDir = path.join(dir, 'deals', String(dealId), 'jobs', job.id)
    for (const d of [path.join(dir, 'deals'), path.join(dir, 'deals', String(dealId)), path.join(dir, 'deals', String(dealId), 'jobs'), jobDir]) expect(statSync(d).mode & 0o777, d).toBe(0o700)
    for (const f of ['log', 'log.idx', 'job.json']) expect(statSync(path.join(jobDir, f)).mode & 0o777, f).toBe(0o600)
  })
})
