// A job's inputs and results through the agent in-process (real HTTP on 127.0.0.1, real child
// processes, a real deal on the test anvil): an upload unpacked before the job starts, refusals of a
// tampered hash, an upload over the limit (its body never sent), unsafe archives (nothing written
// outside), and pulls: byte-exact, resumed after a connection cut for real by a proxy, paths checked.
import {createHash, randomBytes} from 'node:crypto'
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import {Readable} from 'node:stream'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {Agent} from '../../src/lib/provider/agent.js'
import {signRequest} from '../../src/lib/provider/auth.js'
import {type AgentTarget, followLogs, getJob, recordBytes, startJob, type WireRecord} from '../../src/lib/provider/client.js'
import {chainDealSource} from '../../src/lib/provider/deals.js'
import {ProcessExecutor} from '../../src/lib/provider/process-executor.js'
import {pullResults} from '../../src/lib/provider/results.js'
import {type RunningServer, startServer} from '../../src/lib/provider/server.js'
import {prepareUpload, sendUpload, uploadRoots} from '../../src/lib/provider/uploads.js'
import {type FreshAccount, freshAccount, sharedClient} from '../setup/chain.js'
import {closeDeal, deployTestMarket, openDeal, type TestMarket} from '../setup/market.js'
import {rawTar, type TarEntry} from '../setup/tar.js'

let m: TestMarket
let supplier: FreshAccount
let renter: FreshAccount
let dealId: bigint
let agent: Agent
let server: RunningServer
let dataDir: string
let work: string
/** Bytes the agent received past the first request head of each connection (the tests' requests use one connection each). */
let received = 0

const LIMIT = 4 * 2 ** 20
const node = process.execPath
const target = (endpoint = server.url, deal = dealId, who = renter): AgentTarget => ({account: who.account, chainId: 31337, dealId: deal, endpoint})
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex')

async function output(jobId: string): Promise<{end: unknown; stdout: string}> {
  const records: WireRecord[] = []
  const result = await followLogs(target(), {follow: true, jobId, onRecords: (r) => void records.push(...r)})
  return {end: result.end, stdout: Buffer.concat(records.filter((r) => r.stream === 'stdout').map(recordBytes)).toString()}
}

/** PUTs raw bytes as an upload, signed over their sha256. */
async function putRaw(body: Buffer, signedSha = sha(body)): Promise<{code?: string; status: number}> {
  const p = `/deals/${dealId}/uploads/${signedSha}`
  const headers = await signRequest(renter.account, {bodyHash: `0x${signedSha}`, chainId: 31337, dealId, method: 'PUT', path: p})
  return new Promise((resolve, reject) => {
    const req = http.request(server.url + p, {agent: false, headers: {...headers, 'content-length': body.length}, method: 'PUT'}, (res) => {
      let text = ''
      res.on('data', (c) => (text += c))
      res.on('end', () => resolve({code: (JSON.parse(text) as {error?: {code: string}}).error?.code, status: res.statusCode!}))
    })
    req.on('error', reject)
    req.end(body)
  })
}

/** A TCP proxy to the agent that cuts the first connection carrying a results body after `cutAfter` bytes of it. */
async function cuttingProxy(cutAfter: number): Promise<{close(): void; connections: number; cuts: number; ranges: string[]; url: string}> {
  const state = {close: () => proxy.close(), connections: 0, cuts: 0, ranges: [] as string[], url: ''}
  const agentPort = Number(new URL(server.url).port)
  const proxy = net.createServer((client) => {
    state.connections++
    const upstream = net.connect(agentPort, '127.0.0.1')
    let down = 0
    let cut = false
    client.on('data', (chunk) => {
      const range = /\r\nrange: (bytes=\d+-)/i.exec(chunk.toString('latin1'))
      if (range) state.ranges.push(range[1])
    })
    client.pipe(upstream)
    upstream.on('data', (chunk: Buffer) => {
      down += chunk.length
      if (!cut && state.cuts === 0 && down > cutAfter) {
        cut = true
        state.cuts++
        client.write(chunk.subarray(0, chunk.length - (down - cutAfter)))
        client.destroy()
        upstream.destroy()
        return
      }
      if (!cut) client.write(chunk)
    })
    upstream.on('end', () => client.end())
    client.on('error', () => upstream.destroy())
    upstream.on('error', () => client.destroy())
  })
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r))
  state.url = `http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`
  return state
}

beforeAll(async () => {
  const client = sharedClient()
  m = await deployTestMarket(client)
  ;[supplier, renter] = await Promise.all([freshAccount(client), freshAccount(client)])
  dealId = await openDeal(m, supplier, renter)
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'nectar-files-'))
  work = mkdtempSync(path.join(os.tmpdir(), 'nectar-files-renter-'))
  const dealSource = chainDealSource(client, m.market)
  agent = Agent.open({dataDir, dealPollMs: 200, dealSource, executor: new ProcessExecutor({killGraceMs: 500}), maxUploadBytes: LIMIT, supplier: supplier.address})
  agent.start()
  server = await startServer({agent, dealSource, heartbeatMs: 100, supplier: supplier.address})
  // Count what reaches the agent past each request head (the body bytes).
  server.server.on('connection', (socket: net.Socket) => {
    let head = true
    socket.on('data', (chunk: Buffer) => {
      if (!head) {
        received += chunk.length
        return
      }
      const end = chunk.indexOf('\r\n\r\n')
      if (end !== -1) {
        head = false
        received += chunk.length - end - 4
      }
    })
  })
})

afterAll(async () => {
  await agent?.shutdown()
  await server?.close()
  rmSync(dataDir, {force: true, recursive: true})
  rmSync(work, {force: true, recursive: true})
})

describe('uploads', () => {
  it('unpacks files and a directory into the work dir before the job starts, and the job sees them byte-exact', async () => {
    const big = randomBytes(3 * 2 ** 20)
    mkdirSync(path.join(work, 'data/nested'), {recursive: true})
    writeFileSync(path.join(work, 'data/nested/big.bin'), big)
    writeFileSync(path.join(work, 'data/notes.txt'), 'notes\n')
    symlinkSync('notes.txt', path.join(work, 'data/link'))
    writeFileSync(path.join(work, 'scene.txt'), 'scene\n')
    writeFileSync(path.join(work, 'job.yaml'), 'command: x\ninputs: [scene.txt]\n')
    const roots = uploadRoots({command: 'x', inputs: ['scene.txt']}, path.join(work, 'job.yaml'), [path.join(work, 'data')])
    const upload = await prepareUpload(roots)
    const first = await sendUpload(target(), upload)
    expect(first).toMatchObject({sent: upload.bytes, stored: false})
    // Sent again: the agent already holds it and answers before the body.
    const before = received
    expect(await sendUpload(target(), upload)).toMatchObject({sent: 0, stored: true})
    expect(received - before).toBe(0)
    const script = 'const fs=require("fs"),c=require("crypto");console.log(c.createHash("sha256").update(fs.readFileSync("data/nested/big.bin")).digest("hex"), fs.readFileSync("scene.txt","utf8").trim(), fs.readlinkSync("data/link"), fs.readFileSync("data/link","utf8").trim())'
    const job = await startJob(target(), {args: ['-e', script], command: node, upload: {sha256: upload.sha256, size: upload.bytes}})
    expect((await output(job.id)).stdout).toBe(`${sha(big)} scene notes.txt notes\n`)
    // Each upload serves one job: the next one sends it again (and the agent takes it again).
    await expect(startJob(target(), {command: 'true', upload: {sha256: upload.sha256, size: upload.bytes}})).rejects.toMatchObject({code: 'UPLOAD_MISSING'})
    expect(await sendUpload(target(), upload)).toMatchObject({sent: upload.bytes, stored: false})
  })

  it('refuses a body that is not the archive its hash was signed for, and keeps nothing', async () => {
    const body = await rawTar([{content: 'hello', name: 'a.txt'}])
    const claimed = sha(Buffer.from('something else'))
    expect(await putRaw(body, claimed)).toMatchObject({code: 'UPLOAD_HASH_MISMATCH', status: 400})
    expect(existsSync(path.join(dataDir, 'deals', String(dealId), 'uploads', claimed))).toBe(false)
    expect(readdirSync(path.join(dataDir, 'deals', String(dealId), 'uploads')).filter((f) => f.includes('.part'))).toEqual([])
    // A job naming an upload the agent does not hold does not start.
    await expect(startJob(target(), {command: 'true', upload: {sha256: claimed, size: body.length}})).rejects.toMatchObject({code: 'UPLOAD_MISSING'})
  })

  it('drops an upload cut midway: nothing kept, its staging dir removed, and the same upload then goes through', async () => {
    const body = await rawTar([{content: 'y'.repeat(2 ** 20), name: 'cut.bin'}])
    const p = `/deals/${dealId}/uploads/${sha(body)}`
    const headers = await signRequest(renter.account, {bodyHash: `0x${sha(body)}`, chainId: 31337, dealId, method: 'PUT', path: p})
    await new Promise<void>((resolve) => {
      const req = http.request(server.url + p, {agent: false, headers: {...headers, 'content-length': body.length, expect: '100-continue'}, method: 'PUT'})
      req.on('continue', () => {
        req.write(body.subarray(0, 600_000), () => setTimeout(() => {
          req.destroy()
          resolve()
        }, 100))
      })
      req.on('error', () => {})
      req.flushHeaders()
    })
    const uploads = path.join(dataDir, 'deals', String(dealId), 'uploads')
    const left = () => readdirSync(uploads).filter((f) => f.startsWith(sha(body)))
    for (let i = 0; i < 50 && left().length > 0; i++) await new Promise((r) => setTimeout(r, 100))
    expect(left()).toEqual([])
    expect(await sendUpload(target(), {bytes: body.length, roots: [], sha256: sha(body)}, {body: () => Readable.from([body])})).toMatchObject({stored: false})
  })

  it('refuses an upload over the provider’s limit before its body is sent (the agent receives 0 body bytes)', async () => {
    writeFileSync(path.join(work, 'huge.bin'), randomBytes(LIMIT + 1024))
    const upload = await prepareUpload(uploadRoots({command: 'x'}, undefined, [path.join(work, 'huge.bin')]))
    const before = received
    const error = await sendUpload(target(), upload).catch((e) => e)
    expect(error).toMatchObject({code: 'UPLOAD_TOO_LARGE', hint: expect.stringContaining('--max-upload'), message: expect.stringContaining('at most 4 MiB')})
    expect(error.message).not.toContain('\n')
    expect(received - before).toBe(0)
    // On the wire: the agent answers 413 without a 100 Continue, so a client never starts the body.
    const p = `/deals/${dealId}/uploads/${upload.sha256}`
    const headers = await signRequest(renter.account, {bodyHash: `0x${upload.sha256}`, chainId: 31337, dealId, method: 'PUT', path: p})
    const wire = await new Promise<{continued: boolean; status: number}>((resolve, reject) => {
      let continued = false
      const req = http.request(server.url + p, {agent: false, headers: {...headers, 'content-length': upload.bytes, expect: '100-continue'}, method: 'PUT'})
      req.on('continue', () => (continued = true))
      req.on('response', (res) => {
        res.resume()
        req.destroy()
        resolve({continued, status: res.statusCode!})
      })
      req.on('error', reject)
      req.flushHeaders()
    })
    expect(wire).toEqual({continued: false, status: 413})
    expect(received - before).toBe(0)
  })

  it.each([
    ['a .. component', [{content: 'x', name: '../escaped-dotdot.txt'}], 'has a .. component'],
    ['an absolute path', [{content: 'x', name: '/tmp/escaped-absolute.txt'}], 'absolute path'],
    ['a symlink pointing outside', [{linkname: '../../../../escaped-link', name: 'out', type: 'symlink'}], 'outside the directory'],
    ['a hard link pointing outside', [{linkname: '/etc/hostname', name: 'hard', type: 'link'}], 'hard link'],
    ['a symlink then a write through it', [{linkname: '.', name: 'loop', type: 'symlink'}, {linkname: 'loop/..', name: 'up', type: 'symlink'}, {content: 'x', name: 'up/escaped-through.txt'}], 'symlink'],
    ['a device', [{name: 'dev', type: 'character-device'}], 'character-device'],
    ['a fifo', [{name: 'pipe', type: 'fifo'}], 'fifo'],
  ] as Array<[string, TarEntry[], string]>)('refuses an archive with %s as it arrives: nothing is kept, no job can start on it, nothing is written outside', async (_what, entries, why) => {
    const body = await rawTar([{content: 'fine', name: 'ok.txt'}, ...entries])
    const jobsDir = path.join(dataDir, 'deals', String(dealId), 'jobs')
    const jobCount = () => (existsSync(jobsDir) ? readdirSync(jobsDir).length : 0)
    const jobsBefore = jobCount()
    const error = await sendUpload(target(), {bytes: body.length, roots: [], sha256: sha(body)}, {body: () => Readable.from([body])}).catch((e) => e)
    expect(error).toMatchObject({code: 'UNSAFE_ARCHIVE', kind: 'usage', message: expect.stringContaining(why)})
    const uploads = path.join(dataDir, 'deals', String(dealId), 'uploads')
    expect(readdirSync(uploads).filter((f) => f.startsWith(sha(body)))).toEqual([])
    await expect(startJob(target(), {command: 'true', upload: {sha256: sha(body), size: body.length}})).rejects.toMatchObject({code: 'UPLOAD_MISSING'})
    // No job (its directory removed), and nothing next to or above the job dirs.
    expect(jobCount()).toBe(jobsBefore)
    for (const name of ['escaped-dotdot.txt', 'escaped-link', 'escaped-through.txt']) {
      for (const dir of [dataDir, path.join(dataDir, 'deals'), path.join(dataDir, 'deals', String(dealId)), path.join(dataDir, 'deals', String(dealId), 'jobs')]) expect(existsSync(path.join(dir, name))).toBe(false)
    }
    expect(existsSync('/tmp/escaped-absolute.txt')).toBe(false)
  })
})

describe('results', () => {
  let jobId: string
  /** sha256 of each frame as the job computed it from the files it wrote (random bytes). */
  let frames: {size: number[]; sha: string[]}

  beforeAll(async () => {
    const script = 'const fs=require("fs"),c=require("crypto");fs.mkdirSync("frames");const f=[c.randomBytes(2*2**20),c.randomBytes(2**20+7)];f.forEach((b,i)=>fs.writeFileSync("frames/"+(i+1)+".bin",b));fs.writeFileSync("log.txt","rendered\\n");fs.writeFileSync("secret.txt","not declared");fs.symlinkSync("/etc/hostname","frames/host");console.log(JSON.stringify({sha:f.map(b=>c.createHash("sha256").update(fs.readFileSync("frames/"+(f.indexOf(b)+1)+".bin")).digest("hex")),size:f.map(b=>b.length)}))'
    const job = await startJob(target(), {args: ['-e', script], command: node, outputs: ['frames', 'log.txt', 'missing.txt']})
    jobId = job.id
    frames = JSON.parse((await output(jobId)).stdout)
  })

  it('pulls the declared outputs byte-exact, leaving out links that lead outside and undeclared files', async () => {
    const out = path.join(work, 'pulled')
    const progress: number[] = []
    const result = await pullResults(target(), jobId, {onProgress: (n) => progress.push(n), outDir: out})
    expect(result).toEqual({bytes: frames.size[0] + frames.size[1] + 9, files: 3})
    expect(sha(readFileSync(path.join(out, 'frames/1.bin')))).toBe(frames.sha[0])
    expect(sha(readFileSync(path.join(out, 'frames/2.bin')))).toBe(frames.sha[1])
    expect(readFileSync(path.join(out, 'log.txt'), 'utf8')).toBe('rendered\n')
    expect(existsSync(path.join(out, 'secret.txt'))).toBe(false)
    expect(existsSync(path.join(out, 'frames/host'))).toBe(false)
    expect(readdirSync(out).filter((f) => f.startsWith('.nectar-pull'))).toEqual([])
    expect(progress.at(-1)).toBeGreaterThan(frames.size[0])
  })

  it('resumes after the connection is cut midway, and the result is byte-exact', async () => {
    const proxy = await cuttingProxy(1_500_000)
    try {
      const out = path.join(work, 'resumed')
      const result = await pullResults(target(proxy.url), jobId, {outDir: out, paths: ['frames']})
      expect(result.files).toBe(2)
      expect(proxy.cuts).toBe(1)
      expect(proxy.connections).toBe(2)
      // The second request asked for the rest only, from what the first one delivered (the cut drops
      // whatever was still in the sockets' buffers, so that is somewhat under the 1.5 MB forwarded).
      expect(proxy.ranges).toHaveLength(1)
      const from = Number(/bytes=(\d+)-/.exec(proxy.ranges[0])![1])
      expect(from).toBeGreaterThan(0)
      expect(from).toBeLessThanOrEqual(1_500_000)
      expect(sha(readFileSync(path.join(out, 'frames/1.bin')))).toBe(frames.sha[0])
      expect(sha(readFileSync(path.join(out, 'frames/2.bin')))).toBe(frames.sha[1])
    } finally {
      proxy.close()
    }
  })

  it('continues a pull that was interrupted, on the next run', async () => {
    const out = path.join(work, 'rerun')
    const abort = new AbortController()
    const first = await pullResults(target(), jobId, {onProgress: (n) => n > 1_000_000 && abort.abort(), outDir: out, signal: abort.signal}).catch((e) => e)
    expect(first).toMatchObject({code: 'INTERRUPTED'})
    const part = readdirSync(out).find((f) => f.endsWith('.tar.part'))
    expect(part).toBeDefined()
    const kept = readFileSync(path.join(out, part!)).length
    expect(kept).toBeGreaterThan(500_000)
    let firstReport: number | undefined
    await pullResults(target(), jobId, {onProgress: (n) => (firstReport ??= n), outDir: out})
    expect(firstReport).toBe(kept)
    expect(sha(readFileSync(path.join(out, 'frames/1.bin')))).toBe(frames.sha[0])
  })

  it('refuses a path the job did not declare, a running job, and a job with no outputs', async () => {
    await expect(pullResults(target(), jobId, {outDir: path.join(work, 'x'), paths: ['secret.txt']})).rejects.toMatchObject({code: 'PATH_NOT_DECLARED', kind: 'usage', message: expect.stringContaining('"secret.txt" is not among the outputs')})
    await expect(pullResults(target(), jobId, {outDir: path.join(work, 'x'), paths: ['../etc']})).rejects.toMatchObject({code: 'PATH_NOT_DECLARED'})
    const running = await startJob(target(), {args: ['30'], command: 'sleep', outputs: ['o']})
    await expect(pullResults(target(), running.id, {outDir: path.join(work, 'x')})).rejects.toMatchObject({code: 'JOB_RUNNING'})
    const none = await startJob(target(), {command: 'true'})
    await output(none.id)
    await expect(pullResults(target(), none.id, {outDir: path.join(work, 'x')})).rejects.toMatchObject({code: 'NO_OUTPUTS'})
    expect((await getJob(target(), running.id)).status).toBe('running')
  })

  it('keeps results until the deal has been closed for longer than the retention', async () => {
    const renter2 = await freshAccount(sharedClient())
    const other = await openDeal(m, supplier, renter2)
    const t = target(server.url, other, renter2)
    const job = await startJob(t, {args: ['-e', 'require("fs").writeFileSync("r.txt","kept")'], command: node, outputs: ['r.txt']})
    await followLogs(t, {follow: true, jobId: job.id, onRecords: () => {}})
    expect(await agent.pruneDealFiles()).not.toContain(String(other)) // open: kept
    await closeDeal(m, renter2, other)
    expect(await agent.pruneDealFiles()).not.toContain(String(other)) // closed now: within the retention
    expect((await pullResults(t, job.id, {outDir: path.join(work, 'kept')})).files).toBe(1)
    expect(await agent.pruneDealFiles(Date.now() + 8 * 24 * 3600 * 1000)).toContain(String(other))
    await expect(pullResults(t, job.id, {outDir: path.join(work, 'gone')})).rejects.toMatchObject({code: 'RESULTS_PRUNED'})
  })
})
