// GPUs and published ports of container jobs, for real: a spawned `nectar provider serve --executor
// container` on the engine scripts/ci-containers.sh sets up, deals on the test anvil, the renter's
// spawned `nectar compute …`. The GPUs are harmless device nodes described by a CDI spec this test
// writes into /var/run/cdi (Podman 4.3 reads only /etc/cdi and /var/run/cdi) and removes after:
// /dev/null and /dev/zero, seen inside the container as /dev/nectar-gpu0 and /dev/nectar-gpu1.
// Skipped without an engine, like container-executor.test.ts (NECTAR_REQUIRE_CONTAINERS=1 fails instead).
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {inject} from 'vitest'

import {writeConfig} from '../../src/lib/config/store.js'
import {agentRequest} from '../../src/lib/provider/client.js'
import {connectEngine, LABEL_AGENT} from '../../src/lib/provider/container-executor.js'
import {type FreshAccount, freshAccount, sharedClient} from '../setup/chain.js'
import {probeTestEngine, TEST_IMAGE} from '../setup/engine.js'
import {cliEnv, type CliProcess, startCli, stopAll, until} from '../setup/cli.js'
import {closeDeal, deployTestMarket, openDeal, placeAsk, type TestMarket} from '../setup/market.js'

const IMAGE = TEST_IMAGE
const MiB = 1024n * 1024n
const CDI_DIR = '/var/run/cdi'
// A kind of its own, so a parallel run or another agent on this machine never sees these as its GPUs.
const KIND = `nectar-test-${process.pid}.example/gpu`
const CDI_FILE = path.join(CDI_DIR, `nectar-test-${process.pid}.yaml`)

const {address: engineAddress, problem: engineProblem, required} = await probeTestEngine('container-gpus-ports')

let dir: string
let baseEnv: NodeJS.ProcessEnv
let m: TestMarket
let supplier: FreshAccount
let renter: FreshAccount
/** 1 GPU, no netflags. */
let gpuDeal: bigint
/** No GPU, the incoming netflag. */
let portDeal: bigint
let agent: {child: CliProcess; url: string}
let madeCdiDir = false

const envFor = (who: FreshAccount) => ({...baseEnv, NECTAR_PRIVATE_KEY: who.privateKey})
const nectar = (args: string[], who = renter) => startCli(args, {env: envFor(who)})

let jobFiles = 0
function jobFile(script: string, extra: Record<string, unknown> = {}): string {
  const file = path.join(dir, `job-${++jobFiles}.json`)
  writeFileSync(file, JSON.stringify({args: ['-c', script], command: 'sh', image: IMAGE, ...extra}))
  return file
}

async function runJob(deal: bigint, file: string) {
  return nectar(['compute', 'run', String(deal), '--job', file, '--endpoint', agent.url, '--json']).done
}

/** The deal's jobs, asked of the agent in-process (a poll; the CLI's own view is checked where it matters). */
async function jobs(deal: bigint): Promise<Array<Record<string, unknown> & {id: string}>> {
  return (await agentRequest<{jobs: Array<Record<string, unknown> & {id: string}>}>(target(deal), 'GET', `/deals/${deal}/jobs`)).jobs
}

async function ended(deal: bigint, jobId: string): Promise<Record<string, unknown>> {
  let state: Record<string, unknown> = {}
  await until(async () => {
    state = (await jobs(deal)).find((j) => j.id === jobId)!
    return state.status !== 'running'
  }, 30_000)
  return state
}

const logsOf = async (deal: bigint, jobId: string) => (await nectar(['compute', 'logs', String(deal), jobId, '--endpoint', agent.url]).done).stdout

const target = (deal: bigint) => ({account: renter.account, chainId: 31_337, dealId: deal, endpoint: agent.url})
/** A signed job start sent straight to the agent, past the renter CLI's own checks. */
const startDirect = (deal: bigint, spec: Record<string, unknown>) => agentRequest(target(deal), 'POST', `/deals/${deal}/jobs`, spec)

describe.skipIf(Boolean(engineProblem) && !required)('container jobs: GPUs and published ports (real engine, CDI spec, HTTP and deals)', () => {
  beforeAll(async () => {
    if (engineProblem) throw new Error(`NECTAR_REQUIRE_CONTAINERS=1 but there is no usable container engine: ${engineProblem}.`)
    madeCdiDir = !existsSync(CDI_DIR)
    mkdirSync(CDI_DIR, {recursive: true})
    writeFileSync(CDI_FILE, `cdiVersion: "0.5.0"\nkind: ${KIND}\ndevices:\n  - name: "0"\n    containerEdits:\n      deviceNodes:\n        - {path: /dev/nectar-gpu0, hostPath: /dev/null}\n  - name: "1"\n    containerEdits:\n      deviceNodes:\n        - {path: /dev/nectar-gpu1, hostPath: /dev/zero}\n  - name: all\n    containerEdits:\n      deviceNodes:\n        - {path: /dev/nectar-gpu0, hostPath: /dev/null}\n        - {path: /dev/nectar-gpu1, hostPath: /dev/zero}\n`)
    const client = sharedClient()
    m = await deployTestMarket(client)
    ;[supplier, renter] = await Promise.all([freshAccount(client), freshAccount(client)])
    // [sysbench multi, single, cores, ram, storage, down, up, gpuCount]
    gpuDeal = await openDeal(m, supplier, renter, 3600n, {benchmarks: [1000n, 1000n, 1n, 64n * MiB, 0n, 0n, 0n, 1n], netflags: [false, false, false]})
    portDeal = await openDeal(m, supplier, renter, 3600n, {benchmarks: [1000n, 1000n, 1n, 64n * MiB], netflags: [false, false, true]})
    dir = mkdtempSync(path.join(os.tmpdir(), 'nectar-gpu-ports-'))
    writeFileSync(path.join(dir, 'ask.yaml'), 'duration: 1h\nprice: 0.1usd/h\nresources:\n  cpu: {cores: 1}\n')
    writeFileSync(path.join(dir, 'ask-1gpu.yaml'), 'duration: 1h\nprice: 0.1usd/h\nresources:\n  gpu: {count: 1}\n')
    writeFileSync(path.join(dir, 'ask-200gpus.yaml'), 'duration: 1h\nprice: 0.1usd/h\nresources:\n  gpu: {count: 200}\n')
    const configDir = path.join(dir, 'config')
    writeConfig(configDir, {network: 'devnet', networks: {devnet: {chainId: 31337, contracts: {blacklist: m.blacklist, market: m.market, oracle: m.oracle, profileRegistry: m.profileRegistry, snm: m.snm}, devnet: true, rpcUrl: inject('rpcUrl')}}})
    baseEnv = cliEnv({configDir, dataDir: path.join(dir, 'data')})
    const args = ['provider', 'serve', '--plan', path.join(dir, 'ask.yaml'), '--executor', 'container', '--allow-image', 'local/*', '--pull', 'never', '--port', '0', '--data-dir', path.join(dir, 'agent'), '--poll', '200', '--kill-grace', '300', '--gpu', `${KIND}=0`, '--gpu', `${KIND}=1`, '--ports-host', '127.0.0.1', '--json']
    const child = nectar(args, supplier)
    agent = {child, url: (await child.firstRecord()).data.url}
  })

  afterAll(async () => {
    // The agent stops its jobs and removes their containers as it shuts down; after a failed test
    // anything left with its label is removed here.
    agent?.child.kill('SIGTERM')
    await agent?.child.done
    await stopAll()
    if (dir) {
      const engine = await connectEngine(engineAddress)
      const agentId = readFileSync(path.join(dir, 'agent', 'agent-id'), 'utf8').trim()
      for (const c of await engine.listContainers({all: true, filters: {label: [`${LABEL_AGENT}=${agentId}`]}})) await engine.getContainer(c.Id).remove({force: true})
    }
    rmSync(CDI_FILE, {force: true})
    // The machine is left as it was found: the CDI dir goes too if this test made it (and it is empty).
    if (madeCdiDir) {
      try {
        rmdirSync(CDI_DIR) // only when empty: another spec written meanwhile stays
      } catch {}
    }
    if (dir) rmSync(dir, {force: true, recursive: true})
  })

  it('a job on a deal that bought 1 GPU sees one CDI device node (and keeps its other limits); gpus: 0 or a deal with none sees none', async () => {
    const probe = 'ls /dev | grep nectar-gpu || echo no-gpu; ip -o link | wc -l; id -u; touch /x 2>/dev/null || echo ro; echo t > /tmp/t && cat /tmp/t; cat in.txt'
    const files = [{content: 'from-renter\n', path: 'in.txt'}]
    const [one, zero, none] = await Promise.all([
      runJob(gpuDeal, jobFile(probe, {files})),
      runJob(gpuDeal, jobFile(probe, {files, gpus: 0})),
      runJob(portDeal, jobFile(probe, {files})),
    ])
    for (const r of [one, zero, none]) expect(r.status, r.stdout + r.stderr).toBe(0)
    const oneState = await ended(gpuDeal, one.envelope.data.job.id)
    expect(oneState).toMatchObject({exitCode: 0, gpus: [`${KIND}=0`], limits: {gpus: 1}, status: 'exited'})
    // The GPU, and still no network, not root, a read-only root, a writable /tmp, the renter's files.
    expect(await logsOf(gpuDeal, one.envelope.data.job.id)).toBe('nectar-gpu0\n1\n65534\nro\nt\nfrom-renter\n')
    expect(await ended(gpuDeal, zero.envelope.data.job.id)).not.toHaveProperty('gpus')
    expect(await logsOf(gpuDeal, zero.envelope.data.job.id)).toBe('no-gpu\n1\n65534\nro\nt\nfrom-renter\n')
    await ended(portDeal, none.envelope.data.job.id)
    expect((await logsOf(portDeal, none.envelope.data.job.id)).split('\n')[0]).toBe('no-gpu')
  }, 60_000)

  it('more GPUs than the deal bought: refused by the renter’s CLI before sending (exit 2), and by the agent (HTTP 400)', async () => {
    const before = (await jobs(gpuDeal)).length
    const r = await runJob(gpuDeal, jobFile('true', {gpus: 2}))
    expect(r.status).toBe(2)
    expect(r.envelope.error).toMatchObject({code: 'GPUS_OVER_DEAL', message: `The job asks for 2 GPUs, but deal ${gpuDeal} has 1.`})
    expect(r.envelope.error.hint).toContain('gpus:')
    await expect(startDirect(gpuDeal, {command: 'true', gpus: 2, image: IMAGE})).rejects.toThrow(/HTTP 400 GPUS_OVER_DEAL/)
    expect((await jobs(gpuDeal)).length).toBe(before)
  })

  it('two deals’ running jobs never share a GPU: a deal wanting more than are free is refused (GPUS_BUSY), one wanting fewer gets another', async () => {
    const holder = await runJob(gpuDeal, jobFile('sleep 30'))
    try {
      expect(holder.envelope.data.job.gpus).toEqual([`${KIND}=0`])
      const twoGpus = await openDeal(m, supplier, renter, 3600n, {benchmarks: [1000n, 1000n, 1n, 64n * MiB, 0n, 0n, 0n, 2n], netflags: [false, false, false]})
      const busy = await runJob(twoGpus, jobFile('true'))
      expect(busy.status).toBe(1)
      expect(busy.envelope.error).toMatchObject({code: 'GPUS_BUSY', message: expect.stringContaining("The job needs 2 GPUs, but only 1 of this machine's 2 is free now.")})
      const one = await runJob(twoGpus, jobFile('ls /dev | grep nectar-gpu', {gpus: 1}))
      expect(one.envelope.data.job.gpus).toEqual([`${KIND}=1`])
      await ended(twoGpus, one.envelope.data.job.id)
      expect(await logsOf(twoGpus, one.envelope.data.job.id)).toBe('nectar-gpu1\n')
    } finally {
      await nectar(['compute', 'stop', String(gpuDeal), holder.envelope.data.job.id, '--endpoint', agent.url]).done
      await ended(gpuDeal, holder.envelope.data.job.id)
    }
  }, 60_000)

  it('a job publishing a port on an incoming deal serves HTTP at the address `compute jobs` shows, and the port closes when it is stopped', async () => {
    const script = 'mkdir -p /tmp/www && echo hello-from-job > /tmp/www/index.html && exec busybox httpd -f -p 8080 -h /tmp/www'
    const r = await runJob(portDeal, jobFile(script, {ports: [8080]}))
    expect(r.status, r.stdout + r.stderr).toBe(0)
    const jobId = r.envelope.data.job.id
    let address = ''
    await until(async () => {
      const ports = (await jobs(portDeal)).find((j) => j.id === jobId)?.ports as Array<{address: string; port: number}> | undefined
      address = ports?.find((p) => p.port === 8080)?.address ?? ''
      return address !== ''
    })
    expect(address).toMatch(/^127\.0\.0\.1:\d+$/)
    let body = ''
    await until(async () => {
      body = await fetch(`http://${address}/`).then((res) => res.text(), () => '')
      return body !== ''
    })
    expect(body).toBe('hello-from-job\n')
    const listed = await nectar(['compute', 'jobs', String(portDeal), '--endpoint', agent.url, '--json']).done
    expect(listed.envelope.data.jobs.find((j: {id: string}) => j.id === jobId).ports).toEqual([{address, hostPort: Number(address.split(':')[1]), port: 8080, protocol: 'tcp'}])
    const table = await nectar(['compute', 'jobs', String(portDeal), '--endpoint', agent.url]).done
    expect(table.stdout).toContain('reach at')
    expect(table.stdout).toContain(address)
    const stop = await nectar(['compute', 'stop', String(portDeal), jobId, '--endpoint', agent.url, '--json']).done
    expect(stop.status, stop.stdout + stop.stderr).toBe(0)
    expect(await ended(portDeal, jobId)).not.toHaveProperty('ports')
    await expect(fetch(`http://${address}/`)).rejects.toThrow()
  }, 60_000)

  it('a GPU job with ports (Podman’s libpod create) serves too; its ports close when the deal closes: the job is killed and its container removed', async () => {
    const deal = await openDeal(m, supplier, renter, 3600n, {benchmarks: [1000n, 1000n, 1n, 64n * MiB, 0n, 0n, 0n, 1n], netflags: [false, false, true]})
    const r = await runJob(deal, jobFile('ls /dev | grep nectar-gpu > /tmp/i && exec busybox httpd -f -p 8081 -h /tmp', {ports: [{port: 8081, protocol: 'tcp'}]}))
    expect(r.status, r.stdout + r.stderr).toBe(0)
    expect(r.envelope.data.job.gpus).toEqual([`${KIND}=0`])
    let address = ''
    await until(async () => {
      address = ((await jobs(deal))[0]?.ports as Array<{address: string}> | undefined)?.[0]?.address ?? ''
      return address !== '' && (await fetch(`http://${address}/i`).then((res) => res.ok, () => false))
    })
    expect(await (await fetch(`http://${address}/i`)).text()).toBe('nectar-gpu0\n')
    await closeDeal(m, renter, deal)
    const state = await ended(deal, r.envelope.data.job.id)
    expect(state.reason).toContain(`deal ${deal} closed`)
    await expect(fetch(`http://${address}/i`)).rejects.toThrow()
  }, 60_000)

  it('ports on a deal without the incoming netflag: refused by the renter’s CLI (exit 2), by the agent (HTTP 400), and by `compute order --job` before renting; nothing runs or is sent', async () => {
    const before = (await jobs(gpuDeal)).length
    const r = await runJob(gpuDeal, jobFile('true', {ports: [8080]}))
    expect(r.status).toBe(2)
    expect(r.envelope.error).toMatchObject({code: 'PORTS_NOT_ALLOWED', message: `The job publishes port 8080, but deal ${gpuDeal} lacks the incoming netflag.`})
    await expect(startDirect(gpuDeal, {command: 'true', image: IMAGE, ports: [8080]})).rejects.toThrow(/HTTP 400 PORTS_NOT_ALLOWED/)
    expect((await jobs(gpuDeal)).length).toBe(before)
    // compute order --job: checked against the offer before anything is signed (no approval, no deal).
    const ask = await placeAsk(m.client, m.market, supplier, 3600n, {benchmarks: [1000n, 1000n, 1n, 64n * MiB, 0n, 0n, 0n, 1n], netflags: [false, true, false]})
    const nonce = await m.client.getTransactionCount({address: renter.address})
    const order = await nectar(['compute', 'order', String(ask), '--duration', '1h', '--job', jobFile('true', {gpus: 1, ports: [8080]}), '--yes', '--json']).done
    expect(order.status).toBe(2)
    expect(order.envelope.error).toMatchObject({code: 'PORTS_NOT_ALLOWED', message: `The job publishes port 8080, but offer ${ask} lacks the incoming netflag.`})
    expect(await m.client.getTransactionCount({address: renter.address})).toBe(nonce)
  })

  it('provider doctor lists the CDI GPUs and checks a plan against them; offer create and serve refuse a plan offering more GPUs than the machine has', async () => {
    const ok = await nectar(['provider', 'doctor', '--allow-image', 'local/*', '--plan', path.join(dir, 'ask-1gpu.yaml'), '--json'], supplier).done
    expect(ok.status, ok.stdout).toBe(0)
    expect(ok.envelope.data.gpus.map((g: {id: string}) => g.id)).toEqual(expect.arrayContaining([`${KIND}=0`, `${KIND}=1`]))
    expect(ok.envelope.data.gpus.map((g: {id: string}) => g.id)).not.toContain(`${KIND}=all`)
    expect(ok.envelope.data.checks.find((c: {name: string}) => c.name === 'plan gpus')).toMatchObject({ok: true})
    const big = path.join(dir, 'ask-200gpus.yaml')
    const bad = await nectar(['provider', 'doctor', '--allow-image', 'local/*', '--plan', big, '--json'], supplier).done
    expect(bad.status).toBe(1)
    expect(bad.envelope.error.details.join('\n')).toMatch(/FAIL plan gpus: .*offers 200 GPUs, but this machine has \d+/)
    const offer = await nectar(['provider', 'offer', 'create', '--plan', big, '--dry-run', '--json'], supplier).done
    expect(offer.status).toBe(2)
    expect(offer.envelope.error.code).toBe('PLAN_GPUS_OVER_MACHINE')
    expect(offer.envelope.error.hint).toContain('provider doctor')
    const serve = await nectar(['provider', 'serve', '--plan', big, '--executor', 'container', '--allow-image', 'local/*', '--port', '0', '--data-dir', path.join(dir, 'agent-big'), '--json'], supplier).done
    expect(serve.status).toBe(2)
    expect(serve.envelope.error).toMatchObject({code: 'PLAN_GPUS_OVER_MACHINE'})
    const unknown = await nectar(['provider', 'serve', '--plan', path.join(dir, 'ask.yaml'), '--executor', 'container', '--gpu', `${KIND}=7`, '--port', '0', '--data-dir', path.join(dir, 'agent-big'), '--json'], supplier).done
    expect(unknown.status).toBe(2)
    expect(unknown.envelope.error.code).toBe('GPU_NOT_FOUND')
  }, 60_000)
})
