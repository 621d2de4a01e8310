// The provider agent in-process (real HTTP on 127.0.0.1, real child processes) against real deals on
// the test anvil: the Market's own QuickBuy and CloseDeal.
import http from 'node:http'
import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {type ChainClient} from '../../src/lib/chain/client.js'
import {Agent} from '../../src/lib/provider/agent.js'
import {signRequest} from '../../src/lib/provider/auth.js'
import {type AgentTarget, followLogs, getJob, listJobs, recordBytes, startJob, stopJob, type WireRecord} from '../../src/lib/provider/client.js'
import {chainDealSource} from '../../src/lib/provider/deals.js'
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

function raw(method: string, p: string, headers: Record<string, string>, body = ''): Promise<{json: {error?: {code: string; message: string}}; status: number}> {
  return new Promise((resolve, reject) => {
    const req = http.request(server.url + p, {headers, method}, (res) => {
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
