// The container executor end to end: a spawned `nectar provider serve --executor container` on a real
// engine (Podman's Docker-compatible socket in CI: scripts/ci-containers.sh), the renter's spawned
// `nectar compute …`, real HTTP, real deals on the test anvil, jobs in the local/busybox image.
// Without an engine these tests are SKIPPED with a notice; with NECTAR_REQUIRE_CONTAINERS=1 a missing
// engine fails the run.
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {inject} from 'vitest'

import {writeConfig} from '../../src/lib/config/store.js'
import {connectEngine, LABEL_AGENT, resolveEngine} from '../../src/lib/provider/container-executor.js'
import {type FreshAccount, freshAccount, sharedClient} from '../setup/chain.js'
import {cliEnv, type CliProcess, startCli, stopAll, until} from '../setup/cli.js'
import {closeDeal, deployTestMarket, openDeal, type TestMarket} from '../setup/market.js'

const IMAGE = 'local/busybox'
const MiB = 1024n * 1024n

// Is there an engine with the image? Decided before the suite is collected, so it can be skipped.
const engineAddress = resolveEngine()
const engineProblem = await (async () => {
  try {
    const engine = await connectEngine(engineAddress)
    await engine.ping()
    await engine.getImage(IMAGE).inspect()
    return undefined
  } catch (error) {
    return `${engineAddress.url}: ${(error as Error).message.split('\n')[0]}`
  }
})()
const required = process.env.NECTAR_REQUIRE_CONTAINERS === '1'
if (engineProblem && !required) {
  console.log(`[container-executor] SKIPPED: no container engine with ${IMAGE} (${engineProblem}). Run scripts/ci-containers.sh and set DOCKER_HOST; NECTAR_REQUIRE_CONTAINERS=1 makes this a failure.`)
}

let dir: string
let baseEnv: NodeJS.ProcessEnv
let m: TestMarket
let supplier: FreshAccount
let renter: FreshAccount
let dealId: bigint

const envFor = (who: FreshAccount) => ({...baseEnv, NECTAR_PRIVATE_KEY: who.privateKey})
const agentDir = () => path.join(dir, 'agent')

/** `nectar provider serve --executor container` as the supplier; resolves with its URL once it is up. */
async function startAgent(port: number, extra: string[] = []): Promise<{child: CliProcess; stderr: () => string; url: string}> {
  const args = ['provider', 'serve', '--plan', path.join(dir, 'ask.yaml'), '--executor', 'container', '--allow-image', 'local/*', '--pull', 'never', '--port', String(port), '--host', '0.0.0.0', '--data-dir', agentDir(), '--poll', '200', '--heartbeat', '200', '--kill-grace', '500', '--json', ...extra]
  const child = startCli(args, {env: envFor(supplier)})
  const envelope = await child.firstRecord()
  return {child, stderr: child.stderr, url: envelope.data.url.replace('0.0.0.0', '127.0.0.1')}
}

/** `nectar ARGS` as `who`. */
const nectar = (args: string[], who = renter) => startCli(args, {env: envFor(who)})

let jobFiles = 0
function jobFile(script: string, extra: Record<string, unknown> = {}): string {
  const file = path.join(dir, `job-${++jobFiles}.json`)
  writeFileSync(file, JSON.stringify({args: ['-c', script], command: 'sh', image: IMAGE, ...extra}))
  return file
}

async function runJob(endpoint: string, file: string): Promise<string> {
  const r = await nectar(['compute', 'run', String(dealId), '--job', file, '--endpoint', endpoint, '--json']).done
  expect(r.status, r.stdout + r.stderr).toBe(0)
  return r.envelope.data.job.id
}

async function jobState(endpoint: string, jobId: string): Promise<Record<string, unknown>> {
  const r = await nectar(['compute', 'jobs', String(dealId), '--endpoint', endpoint, '--json']).done
  return r.envelope.data.jobs.find((j: {id: string}) => j.id === jobId)
}

async function waitEnded(endpoint: string, jobId: string, ms = 30_000): Promise<Record<string, unknown>> {
  let state: Record<string, unknown> = {}
  await until(async () => {
    state = await jobState(endpoint, jobId)
    return state.status !== 'running'
  }, ms)
  return state
}

async function containersOfAgent(): Promise<number> {
  const agentId = readFileSync(path.join(agentDir(), 'agent-id'), 'utf8').trim()
  const engine = await connectEngine(engineAddress)
  return (await engine.listContainers({all: true, filters: {label: [`${LABEL_AGENT}=${agentId}`]}})).length
}

describe.skipIf(Boolean(engineProblem) && !required)('container executor, end to end (real engine, HTTP and deals)', () => {
  beforeAll(async () => {
    if (engineProblem) throw new Error(`NECTAR_REQUIRE_CONTAINERS=1 but there is no usable container engine: ${engineProblem}. Run scripts/ci-containers.sh and set DOCKER_HOST.`)
    const client = sharedClient()
    m = await deployTestMarket(client)
    ;[supplier, renter] = await Promise.all([freshAccount(client), freshAccount(client)])
    // 1 core, 64 MiB, and no outbound netflag: the job gets no network.
    dealId = await openDeal(m, supplier, renter, 3600n, {benchmarks: [1000n, 1000n, 1n, 64n * MiB], netflags: [false, false, false]})
    dir = mkdtempSync(path.join(os.tmpdir(), 'nectar-ctr-e2e-'))
    writeFileSync(path.join(dir, 'ask.yaml'), 'duration: 1h\nprice: 0.1usd/h\nresources:\n  cpu: {cores: 1}\n')
    const configDir = path.join(dir, 'config')
    // A non-devnet chain id profile would make `container` the default; the flag is passed anyway.
    writeConfig(configDir, {network: 'devnet', networks: {devnet: {chainId: 31337, contracts: {market: m.market, profileRegistry: m.profileRegistry}, devnet: true, rpcUrl: inject('rpcUrl')}}})
    baseEnv = cliEnv({configDir, dataDir: path.join(dir, 'data')})
  })

  afterAll(async () => {
    await stopAll()
    if (dir) rmSync(dir, {force: true, recursive: true})
  })

  it('runs a job in local/busybox: `compute logs --follow` puts each stream on its own descriptor and exits with the job’s code; a job over its memory limit is reported OOM; one over its time limit is killed; one without the outbound netflag has no network; no container is left', async () => {
    const agent = await startAgent(0)
    try {
      const jobId = await runJob(agent.url, jobFile('echo out1; echo err1 >&2; sleep 0.2; echo out2; echo err2 >&2; exit 3'))
      const logs = await nectar(['compute', 'logs', String(dealId), jobId, '--follow', '--endpoint', agent.url]).done
      expect(logs.stdout).toBe('out1\nout2\n')
      expect(logs.stderr.split('\n').filter((l) => l.startsWith('err'))).toEqual(['err1', 'err2'])
      expect(logs.status).toBe(3)

      // Started together, checked after.
      const oom = await runJob(agent.url, jobFile('echo before; exec dd if=/dev/zero of=/dev/null bs=100M count=1'))
      const slow = await runJob(agent.url, jobFile('echo start; sleep 30; echo never', {timeLimit: '1500ms'}))
      // The host's own address (the agent listens on 0.0.0.0), reachable from the host, not from the job.
      const hostIp = Object.values(os.networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal)?.address ?? '127.0.0.1'
      const port = new URL(agent.url).port
      expect((await fetch(`http://${hostIp}:${port}/status`)).status).toBe(200)
      const net = await runJob(agent.url, jobFile(`ip -o link | wc -l; wget -q -T 3 -O - http://${hostIp}:${port}/status && echo REACHED; wget -q -T 3 -O - http://127.0.0.1:${port}/status && echo REACHED; id -u; touch /rootfs-write 2>/dev/null && echo ROOT-WRITABLE; echo ok > /tmp/t && cat /tmp/t; echo done`))

      const oomState = await waitEnded(agent.url, oom)
      expect(oomState).toMatchObject({reason: expect.stringContaining('out of memory'), status: 'killed'})
      const oomLogs = await nectar(['compute', 'logs', String(dealId), oom, '--follow', '--endpoint', agent.url]).done
      expect(oomLogs.stdout).toBe('before\n')
      expect(oomLogs.status).toBe(137)

      const started = Date.now()
      const slowState = await waitEnded(agent.url, slow)
      expect(Date.now() - started).toBeLessThan(10_000)
      expect(slowState).toMatchObject({reason: expect.stringContaining('time limit of 1500ms exceeded'), status: 'killed'})
      expect((await nectar(['compute', 'logs', String(dealId), slow, '--endpoint', agent.url]).done).stdout).toBe('start\n')

      const netState = await waitEnded(agent.url, net)
      expect(netState).toMatchObject({exitCode: 0, status: 'exited'})
      const netOut = (await nectar(['compute', 'logs', String(dealId), net, '--endpoint', agent.url]).done).stdout
      // Only lo; neither the host's address nor "localhost" reaches the agent; not root; read-only root, writable /tmp.
      expect(netOut).toBe('1\n65534\nok\ndone\n')
      await until(async () => (await containersOfAgent()) === 0, 5000)
    } finally {
      agent.child.kill('SIGTERM')
    }
  }, 120_000)

  it('refuses an image that is not on the allow-list before anything runs (HTTP 400 naming the image and the patterns)', async () => {
    const agent = await startAgent(0)
    try {
      const before = (await nectar(['compute', 'jobs', String(dealId), '--endpoint', agent.url, '--json']).done).envelope
      const r = await nectar(['compute', 'run', String(dealId), '--job', jobFile('echo hi', {image: 'docker.io/library/alpine:3'}), '--endpoint', agent.url, '--json']).done
      expect(r.status).not.toBe(0)
      const error = r.envelope.error
      expect(error.code).toBe('UNSUPPORTED_JOB')
      expect(error.message).toContain('HTTP 400')
      expect(error.message).toContain('docker.io/library/alpine:3')
      expect(error.message).toContain('local/*')
      const after = (await nectar(['compute', 'jobs', String(dealId), '--endpoint', agent.url, '--json']).done).envelope
      expect(after.data.jobs.length).toBe(before.data.jobs.length)
      expect(await containersOfAgent()).toBe(0)
    } finally {
      agent.child.kill('SIGTERM')
    }
  })

  it('kills a running job when its deal closes, and removes its container', async () => {
    const agent = await startAgent(0)
    try {
      const other = await openDeal(m, supplier, renter, 3600n, {benchmarks: [1000n, 1000n, 1n, 64n * MiB], netflags: [false, false, false]})
      const r = await nectar(['compute', 'run', String(other), '--job', jobFile('echo up; sleep 60; echo never'), '--endpoint', agent.url, '--json']).done
      const jobId = r.envelope.data.job.id
      const follower = nectar(['compute', 'logs', String(other), jobId, '--follow', '--endpoint', agent.url])
      await until(() => follower.stdout() === 'up\n')
      await closeDeal(m, renter, other)
      const result = await follower.done
      expect(result.stdout).toBe('up\n')
      expect(result.stderr).toContain(`deal ${other} closed`)
      await until(async () => (await containersOfAgent()) === 0, 5000)
    } finally {
      agent.child.kill('SIGTERM')
    }
  }, 60_000)

  it('provider doctor: every check passes on this engine with local/*; an allowed pattern with no image fails with exit 1 and the fix', async () => {
    const ok = await nectar(['provider', 'doctor', '--allow-image', 'local/*', '--json'], supplier).done
    expect(ok.status, ok.stdout).toBe(0)
    const checks = ok.envelope.data.checks as Array<{name: string; ok: boolean}>
    expect(checks.map((c) => c.name)).toEqual(expect.arrayContaining(['engine socket', 'engine version', 'memory limit', 'cpu limit', 'pids limit', 'image local/*', 'network none', 'read-only root fs', 'non-root user']))
    expect(checks.every((c) => c.ok)).toBe(true)
    const bad = await nectar(['provider', 'doctor', '--allow-image', 'local/*', '--allow-image', 'nope.example/*'], supplier).done
    expect(bad.status).toBe(1)
    expect(bad.stdout).toMatch(/image nope\.example\/\* {2,}FAIL/)
    expect(bad.stderr).toContain('1 of')
  })

  it('is the default executor off the devnet (the devnet keeps process)', async () => {
    const configDir = path.join(dir, 'config-testnet')
    writeConfig(configDir, {network: 'staging', networks: {staging: {chainId: 31337, contracts: {market: m.market, profileRegistry: m.profileRegistry}, rpcUrl: inject('rpcUrl')}}})
    const serve = async (config: string) => {
      const child = startCli(['provider', 'serve', '--plan', path.join(dir, 'ask.yaml'), '--allow-image', 'local/*', '--port', '0', '--data-dir', path.join(dir, `agent-default-${path.basename(config)}`), '--json'], {env: {...envFor(supplier), NECTAR_CONFIG_DIR: config}})
      const envelope = await child.firstRecord()
      child.kill('SIGTERM')
      await child.done
      return envelope.data.executor
    }
    expect(await serve(configDir)).toBe('container')
    expect(await serve(baseEnv.NECTAR_CONFIG_DIR!)).toBe('process')
  })

  it('an agent SIGKILLed mid-job and restarted follows its container again with no log line lost or repeated, reports the job that ended meanwhile with its exit code, and leaves no container behind', async () => {
    const port = await import('../../src/lib/devnet/anvil.js').then((a) => a.freePort())
    let agent = await startAgent(port)
    // About 25 s: still running when the agent comes back, even on a busy machine (the kill comes after two
    // more CLI runs, and the restart after 2 s and a start-up; at 0.01 s a line the job could end first).
    const script = 'i=0; while [ $i -lt 250 ]; do i=$((i+1)); echo "line $i"; [ $((i % 10)) = 0 ] && echo "err $i" >&2; sleep 0.1; done; exit 5'
    const jobId = await runJob(agent.url, jobFile(script))
    const follower = nectar(['compute', 'logs', String(dealId), jobId, '--follow', '--endpoint', agent.url])
    await until(() => follower.stdout().split('\n').length > 30)
    // A short job that ends while the agent is down.
    const shortId = await runJob(agent.url, jobFile('echo b1; sleep 1; echo b2 >&2; exit 4'))
    await until(async () => (await nectar(['compute', 'logs', String(dealId), shortId, '--endpoint', agent.url]).done).stdout === 'b1\n')
    agent.child.kill('SIGKILL')
    await new Promise((r) => setTimeout(r, 2000))
    agent = await startAgent(port)
    const result = await follower.done
    const lines = result.stdout.split('\n').filter(Boolean)
    expect(lines).toEqual(Array.from({length: 250}, (_, i) => `line ${i + 1}`))
    expect(result.stderr.split('\n').filter((l) => l.startsWith('err '))).toEqual(Array.from({length: 25}, (_, i) => `err ${(i + 1) * 10}`))
    expect(result.status).toBe(5)
    expect(agent.stderr()).toMatch(/followed again/)
    // The store holds each line once.
    const again = await nectar(['compute', 'logs', String(dealId), jobId, '--endpoint', agent.url]).done
    expect(again.stdout).toBe(lines.map((l) => l + '\n').join(''))
    expect(await jobState(agent.url, jobId)).toMatchObject({exitCode: 5, status: 'exited'})
    const short = await waitEnded(agent.url, shortId)
    expect(short).toMatchObject({exitCode: 4, status: 'exited'})
    const shortLogs = await nectar(['compute', 'logs', String(dealId), shortId, '--endpoint', agent.url]).done
    expect(shortLogs.stdout).toBe('b1\n')
    expect(shortLogs.stderr).toContain('b2')
    await until(async () => (await containersOfAgent()) === 0, 5000)
    agent.child.kill('SIGTERM')
    expect((await agent.child.done).status).toBe(0)
  }, 120_000)

  it('a container job sees its upload in /work and its outputs come home byte-exact with compute pull', async () => {
    const agent = await startAgent(0)
    try {
      mkdirSync(path.join(dir, 'in/sub'), {recursive: true})
      writeFileSync(path.join(dir, 'in/sub/data.txt'), 'from the renter\n')
      const job = jobFile('cat in/sub/data.txt; mkdir out; cat in/sub/data.txt in/sub/data.txt > out/twice.txt; echo made > out/note', {outputs: ['out']})
      const r = await nectar(['compute', 'run', String(dealId), '--job', job, '--upload', path.join(dir, 'in'), '--follow', '--pull', path.join(dir, 'home'), '--endpoint', agent.url]).done
      expect(r.status, r.stdout + r.stderr + agent.stderr()).toBe(0)
      expect(r.stdout).toBe('from the renter\n')
      expect(readFileSync(path.join(dir, 'home/out/twice.txt'), 'utf8')).toBe('from the renter\nfrom the renter\n')
      expect(readFileSync(path.join(dir, 'home/out/note'), 'utf8')).toBe('made\n')
    } finally {
      agent.child.kill('SIGTERM')
      await agent.child.done
    }
  }, 60_000)
})
