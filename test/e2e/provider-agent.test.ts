// End to end with real processes: `nectar provider serve` and the renter's `nectar compute …` spawned
// from bin/run.js, real HTTP on 127.0.0.1, real deals on the test anvil. The agent is SIGKILLed mid-job
// and restarted; a follower's connection is cut by a proxy; every line arrives once, in order.
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {inject} from 'vitest'

import {transact} from '../../src/lib/chain/transact.js'
import {writeConfig} from '../../src/lib/config/store.js'
import {snmAbi} from '../../src/lib/contracts/generated/SNM.js'
import {freePort} from '../../src/lib/devnet/anvil.js'
import {type FreshAccount, freshAccount, sharedClient} from '../setup/chain.js'
import {cliEnv, type CliProcess, runCli, startCli, stopAll, until} from '../setup/cli.js'
import {deployTestMarket, openDeal, setEndpoint, type TestMarket} from '../setup/market.js'

let dir: string
let baseEnv: NodeJS.ProcessEnv
let m: TestMarket
let supplier: FreshAccount
let renter: FreshAccount
let dealId: bigint

/** The renter sets its SNM allowance to the Market to 0. */
async function approveZero(who: FreshAccount): Promise<void> {
  const client = sharedClient()
  await transact(client, 'approve', {abi: snmAbi, address: m.snm, args: [m.market, 0n], functionName: 'approve'}, {account: who.account, confirm: async () => {}})
}

const envFor = (who: FreshAccount) => ({...baseEnv, NECTAR_PRIVATE_KEY: who.privateKey})

/** `nectar provider serve` as the supplier; resolves with its start-up envelope's URL. */
async function startAgent(port: number, dataDir = path.join(dir, 'agent'), extra: string[] = []): Promise<{child: CliProcess; url: string}> {
  const child = startCli(['provider', 'serve', '--plan', path.join(dir, 'ask.yaml'), '--port', String(port), '--data-dir', dataDir, '--poll', '200', '--heartbeat', '200', '--json', ...extra], {env: envFor(supplier)})
  const envelope = await child.firstRecord()
  return {child, url: envelope.data.url}
}

const nectar = (args: string[], who = renter) => startCli(args, {env: envFor(who)})

function jobFile(name: string, script: string, extra: Record<string, unknown> = {}): string {
  const file = path.join(dir, name)
  writeFileSync(file, JSON.stringify({args: ['-e', script], command: process.execPath, ...extra}))
  return file
}

beforeAll(async () => {
  const client = sharedClient()
  m = await deployTestMarket(client)
  ;[supplier, renter] = await Promise.all([freshAccount(client), freshAccount(client)])
  dealId = await openDeal(m, supplier, renter)
  dir = mkdtempSync(path.join(os.tmpdir(), 'nectar-agent-e2e-'))
  const configDir = path.join(dir, 'config')
  writeFileSync(path.join(dir, 'ask.yaml'), 'duration: 1h\nprice: 0.1usd/h\nresources:\n  cpu: {cores: 1}\n')
  writeConfig(configDir, {network: 'devnet', networks: {devnet: {chainId: 31337, contracts: {market: m.market, profileRegistry: m.profileRegistry}, devnet: true, rpcUrl: inject('rpcUrl')}}})
  baseEnv = cliEnv({configDir, dataDir: path.join(dir, 'data')})
})

afterAll(async () => {
  await stopAll()
  rmSync(dir, {force: true, recursive: true})
})

describe('provider serve and compute run/logs, end to end', () => {
  it('survives SIGKILL of the agent: the follower reconnects to the restarted agent, gets every line once, and the job is reported interrupted', async () => {
    const port = await freePort()
    let agent = await startAgent(port)
    // The renter finds the agent from the deal alone (its ProfileRegistry attribute).
    await setEndpoint(m, supplier, agent.url)
    const job = jobFile('ticker.json', 'let i=0; setInterval(() => console.log("line " + ++i), 10)')
    const started = await nectar(['compute', 'run', String(dealId), '--job', job, '--json']).done
    expect(started.status).toBe(0)
    const jobId = started.envelope.data.job.id
    const follower = nectar(['compute', 'logs', String(dealId), jobId, '--follow'])
    await until(() => follower.stdout().split('\n').length > 30)
    agent.child.kill('SIGKILL')
    await new Promise((r) => setTimeout(r, 300))
    agent = await startAgent(port)
    const result = await follower.done
    const lines = result.stdout.split('\n').filter(Boolean)
    expect(lines.length).toBeGreaterThan(30)
    expect(lines).toEqual(lines.map((_, i) => `line ${i + 1}`))
    expect(result.stderr).toContain('Reconnecting (attempt 1)')
    expect(result.status).toBe(1)
    // Everything the agent wrote before it died is served after the restart, and nothing more.
    const again = await nectar(['compute', 'logs', String(dealId), jobId, '--json']).done
    const records = again.records.slice(0, -1)
    expect(records.map((r) => r.data)).toEqual(lines.map((l) => l + '\n'))
    const jobs = (await nectar(['compute', 'jobs', String(dealId), '--json']).done).envelope.data.jobs
    expect(jobs.find((j: {id: string}) => j.id === jobId)).toMatchObject({reason: expect.stringContaining('agent stopped'), status: 'interrupted'})
    expect(jobs.find((j: {id: string}) => j.id === jobId).endedAt).toMatch(/^\d{4}-/)
    agent.child.kill('SIGTERM')
    expect((await agent.child.done).status).toBe(0)
  })

  it('resumes after a dropped connection with no line lost or repeated, puts stdout and stderr on the right descriptors, and exits with the job’s status', async () => {
    const agent = await startAgent(0)
    // A proxy we can cut: it drops every connection once, mid-stream.
    const target = new URL(agent.url)
    const sockets = new Set<net.Socket>()
    const proxy = net.createServer((socket) => {
      const upstream = net.connect(Number(target.port), target.hostname)
      socket.pipe(upstream).pipe(socket)
      sockets.add(socket)
      const close = () => (socket.destroy(), upstream.destroy(), sockets.delete(socket))
      socket.on('error', close).on('close', close)
      upstream.on('error', close).on('close', close)
    })
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r))
    const endpoint = `http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`
    const script = 'let i=0; const t=setInterval(() => { i++; console.log("out " + i); if (i % 10 === 0) console.error("err " + i); if (i === 150) { clearInterval(t); process.exitCode = 7 } }, 5)'
    const run = nectar(['compute', 'run', String(dealId), '--job', jobFile('counter.json', script), '--follow', '--endpoint', endpoint])
    await until(() => run.stdout().split('\n').length > 40)
    for (const s of sockets) s.destroy()
    const result = await run.done
    proxy.close()
    agent.child.kill('SIGTERM')
    expect(result.status).toBe(7)
    expect(result.stdout).toBe(Array.from({length: 150}, (_, i) => `out ${i + 1}\n`).join(''))
    const errLines = result.stderr.split('\n').filter((l) => l.startsWith('err '))
    expect(errLines).toEqual(Array.from({length: 15}, (_, i) => `err ${(i + 1) * 10}`))
    expect(result.stderr).toContain('Reconnecting (attempt 1)')
  })

  it('keeps a job’s log within --max-log-bytes, and compute shows the agent’s marker as a plain line on stderr', async () => {
    const agent = await startAgent(0, path.join(dir, 'agent-quota'), ['--max-log-bytes', '16KiB'])
    const job = jobFile('lines.json', 'for (let i = 1; i <= 3000; i++) console.log("line " + i)')
    const marker = "nectar: this job's log reached the provider's quota of 16 KiB; later output is dropped."
    const run = await nectar(['compute', 'run', String(dealId), '--job', job, '--follow', '--endpoint', agent.url]).done
    expect(run.status).toBe(0)
    const lines = run.stdout.toString().split('\n').filter(Boolean)
    expect(lines.length).toBeGreaterThan(100)
    expect(lines.length).toBeLessThan(3000)
    expect(lines).toEqual(lines.map((_, i) => `line ${i + 1}`))
    expect(run.stderr.toString().split('\n').filter((l) => l === marker)).toHaveLength(1)
    // Read again, one stream only: the marker is still there, as a line of its own, with a timestamp.
    const logs = await nectar(['compute', 'logs', String(dealId), '--stream', 'stdout', '--tail', '2', '--timestamps', '--endpoint', agent.url]).done
    expect(logs.status).toBe(0)
    expect(logs.stdout.toString()).toMatch(new RegExp(`^\\d{4}-\\S+Z line ${lines.length}\n$`))
    expect(logs.stderr.toString()).toMatch(new RegExp(`^\\d{4}-\\S+Z ${marker.replaceAll(".", "\\.")}$`, "m"))
    agent.child.kill('SIGTERM')
  })

  it('refuses a job on an unfunded deal (its renter took back the allowance): one error line, DEAL_UNFUNDED, and the hint names `nectar compute fund`', async () => {
    const client = sharedClient()
    const [provider2, renter2] = await Promise.all([freshAccount(client), freshAccount(client)])
    const spot = await openDeal(m, provider2, renter2, 0n)
    const {child, url} = await (async () => {
      const p = startCli(['provider', 'serve', '--plan', path.join(dir, 'ask.yaml'), '--port', '0', '--data-dir', path.join(dir, 'agent-unfunded'), '--market-poll', '200', '--unfunded-grace', '1h', '--json'], {env: envFor(provider2)})
      return {child: p, url: (await p.firstRecord()).data.url as string}
    })()
    // A second later (so Bill has time to pay for), the renter approves 0: the next period cannot be pulled.
    await new Promise((r) => setTimeout(r, 1100))
    await approveZero(renter2)
    await until(() => child.stderr().includes(`Deal ${spot} is unfunded`), 15_000, 'the agent to mark the deal unfunded')
    const job = jobFile('unfunded.json', 'console.log(1)')
    const json = await runCli(['compute', 'run', String(spot), '--job', job, '--endpoint', url, '--json'], {env: envFor(renter2)})
    expect(json.status).toBe(1)
    expect(json.envelope.error).toMatchObject({code: 'DEAL_UNFUNDED', hint: expect.stringContaining(`nectar compute fund ${spot} --hours N`), message: expect.stringContaining(`Deal ${spot} is unfunded`)})
    const human = await runCli(['compute', 'run', String(spot), '--job', job, '--endpoint', url], {env: envFor(renter2)})
    expect(human.status).toBe(1)
    // (Besides the warning about the raw key from NECTAR_PRIVATE_KEY.)
    const lines = human.stderr.trim().split('\n').filter((l) => !/^Warning\b|^ › +Warning/.test(l))
    expect(lines, human.stderr).toHaveLength(2)
    expect(lines[0]).toMatch(new RegExp(`^Error: The provider agent refused \\(HTTP 402 DEAL_UNFUNDED\\): Deal ${spot} is unfunded since .*nectar compute fund ${spot}`))
    expect(lines[1]).toMatch(new RegExp(`^Hint: Fund the deal with \`nectar compute fund ${spot} --hours N\``))
    expect(child.stderr().match(new RegExp(`Deal ${spot} is unfunded`, 'g'))).toHaveLength(1) // logged once, not every round
    child.kill('SIGTERM')
  })

  it('refuses a job spec with an unknown field before sending (exit 2), and an unreachable agent names the endpoint', async () => {
    const bad = path.join(dir, 'bad.json')
    writeFileSync(bad, JSON.stringify({command: 'true', comand: 'x'}))
    const r1 = await runCli(['compute', 'run', String(dealId), '--job', bad, '--endpoint', 'http://127.0.0.1:1', '--json'], {env: envFor(renter)})
    expect(r1.status).toBe(2)
    expect(r1.envelope.error).toMatchObject({code: 'INVALID_JOB_SPEC', message: expect.stringContaining('unknown field "comand"')})
    const r2 = await runCli(['compute', 'jobs', String(dealId), '--endpoint', 'http://127.0.0.1:1', '--json'], {env: envFor(renter)})
    expect(r2.status).toBe(1)
    expect(r2.envelope.error).toMatchObject({code: 'AGENT_UNREACHABLE', hint: expect.stringContaining('nectar provider serve'), message: expect.stringContaining('http://127.0.0.1:1')})
  })
})
