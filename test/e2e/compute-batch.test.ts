// `nectar compute batch` end to end: three real `nectar provider serve` agents (process executor) on
// real deals of the test anvil, the built CLI spawned as the renter. A batch completes with each task
// seeing its own TASK_START/TASK_END; a task failing on one agent is redone on another; an agent
// SIGKILLed midway has its tasks redone elsewhere; a batch SIGKILLed midway and run again redoes no
// finished task; bad ranges and deals that are not the renter's (or not open) are refused before any
// job starts.
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {inject} from 'vitest'

import {writeConfig} from '../../src/lib/config/store.js'
import {freePort} from '../../src/lib/devnet/anvil.js'
import {type AgentTarget, followLogs, listJobs, recordBytes} from '../../src/lib/provider/client.js'
import {type FreshAccount, freshAccount, sharedClient} from '../setup/chain.js'
import {cliEnv, type CliProcess, startCli, stopAll, until} from '../setup/cli.js'
import {closeDeal, deployTestMarket, openDeal, type TestMarket} from '../setup/market.js'
import {runInPty, screenLines, widestLine} from '../setup/pty.js'

let dir: string
let configDir: string
let m: TestMarket
let renter: FreshAccount
const suppliers: FreshAccount[] = []
/** One deal per supplier, each with cpuCores 2 (so 2 slots). */
const deals: bigint[] = []
const agents: Array<{child: CliProcess; url: string}> = []

const envFor = (who: FreshAccount, dataDir = path.join(dir, 'data')) => cliEnv({configDir, dataDir}, {NECTAR_PRIVATE_KEY: who.privateKey})

function startAgent(i: number, extra: string[] = []): Promise<{child: CliProcess; url: string}> {
  const child = startCli(['provider', 'serve', '--plan', path.join(dir, 'ask.yaml'), ...(extra.includes('--port') ? [] : ['--port', '0']), '--data-dir', path.join(dir, `agent-${i}`), '--heartbeat', '200', '--json', ...extra], {env: envFor(suppliers[i])})
  return child.firstRecord().then((envelope) => {
    if (!envelope.data?.url) throw new Error(`agent ${i} did not start: ${JSON.stringify(envelope)}\n${child.stderr()}`)
    return {child, url: envelope.data.url as string}
  })
}

/** A job spec running a node script (the process executor runs it in its sandbox). */
function jobFile(name: string, script: string): string {
  const file = path.join(dir, name)
  writeFileSync(file, JSON.stringify({args: ['-e', script], command: process.execPath}))
  return file
}

const target = (i: number): AgentTarget => ({account: renter.account, chainId: 31337, dealId: deals[i], endpoint: agents[i].url})

async function stdoutOf(i: number, jobId: string): Promise<string> {
  let text = ''
  await followLogs(target(i), {jobId, onRecords: (records) => void records.forEach((r) => (text += recordBytes(r).toString('utf8'))), stream: 'stdout'})
  return text
}

/** Every job on every live agent: [agent index, TASK_START, created]. */
async function allJobs(which = [0, 1, 2]) {
  const lists = await Promise.all(which.map(async (i) => (await listJobs(target(i))).map((j) => ({agent: i, id: j.id, start: j.spec.env?.TASK_START, status: j.status}))))
  return lists.flat()
}

const batch = (args: string[], who = renter, dataDir?: string) => startCli(['compute', 'batch', ...args], {env: envFor(who, dataDir)})
const dealFlags = () => deals.flatMap((d) => ['--deal', String(d)])

beforeAll(async () => {
  const client = sharedClient()
  m = await deployTestMarket(client)
  renter = await freshAccount(client)
  for (let i = 0; i < 3; i++) suppliers.push(await freshAccount(client))
  for (const s of suppliers) deals.push(await openDeal(m, s, renter, 3600n, {benchmarks: [1000n, 1000n, 2n]}))
  dir = mkdtempSync(path.join(os.tmpdir(), 'nectar-batch-e2e-'))
  configDir = path.join(dir, 'config')
  writeFileSync(path.join(dir, 'ask.yaml'), 'duration: 1h\nprice: 0.1usd/h\nresources:\n  cpu: {cores: 1}\n')
  writeProfile()
  // Agent 0 stops a job whose log passes 4 KiB: a job that writes more fails there, and only there.
  agents.push(...(await Promise.all([startAgent(0, ['--max-log-bytes', '4KiB', '--on-log-quota', 'stop']), startAgent(1), startAgent(2)])))
  writeProfile()
})

/** The renter's profile: the test market, and each supplier's agent URL (once they run). */
function writeProfile(): void {
  const endpoints = Object.fromEntries(agents.map((a, i) => [suppliers[i].address.toLowerCase(), a.url]))
  writeConfig(configDir, {network: 'devnet', networks: {devnet: {chainId: 31337, contracts: {market: m.market, profileRegistry: m.profileRegistry}, devnet: true, endpoints, rpcUrl: inject('rpcUrl')}}})
}

afterAll(async () => {
  await stopAll()
  rmSync(dir, {force: true, recursive: true})
})

describe('compute batch', () => {
  it('runs 12 tasks over 3 deals, 2 at once on each (their cpuCores), each job seeing its own TASK_START and TASK_END', async () => {
    const job = jobFile('echo.json', 'console.log(`frames ${process.env.TASK_START}..${process.env.TASK_END}`); setTimeout(() => {}, 150)')
    const result = await batch(['--job', job, '--tasks', '1-23', '--per-task', '2', ...dealFlags(), '--json']).done
    expect(result.status, result.stdout + result.stderr).toBe(0)
    const data = result.envelope.data
    expect(data).toMatchObject({done: 12, failed: 0, resumed: 0, total: 12})
    expect(data.deals.map((d: {slots: number}) => d.slots)).toEqual([2, 2, 2])
    expect(data.tasks.map((t: {task: string}) => t.task)).toEqual(['1-2', '3-4', '5-6', '7-8', '9-10', '11-12', '13-14', '15-16', '17-18', '19-20', '21-22', '23'])
    // Spread over the deals, and each task's own log says its own frames.
    expect(new Set(data.tasks.map((t: {dealId: string}) => t.dealId)).size).toBe(3)
    for (const t of data.tasks) {
      expect(t).toMatchObject({attempts: 1, exitCode: 0, status: 'done'})
      const i = deals.findIndex((d) => String(d) === t.dealId)
      expect(await stdoutOf(i, t.jobId)).toBe(`frames ${t.start}..${t.end}\n`)
    }
    // Run again for a person: everything is found done (nothing starts), in a table that fits 80 columns.
    const human = await startCli(['compute', 'batch', '--job', job, '--tasks', '1-23', '--per-task', '2', ...dealFlags()], {env: {...envFor(renter), COLUMNS: '80'}}).done
    expect(human.status, human.stderr).toBe(0)
    expect(human.stdout).toMatch(/^12 of 12 tasks done \(12 from an earlier run\), 0 failed, in \d+\.\d s\.$/m)
    expect(human.stdout.split('\n').filter((l) => l.length > 80)).toEqual([])
    expect(human.stdout).toContain(agents[1].url)
  })

  it('pulls every task’s declared outputs into one --out directory, and refuses a spec with outputs but no --out', async () => {
    const script = 'const fs = require("fs"); fs.mkdirSync("frames", {recursive: true}); for (let f = +process.env.TASK_START; f <= +process.env.TASK_END; f++) fs.writeFileSync(`frames/frame-${f}.txt`, `frame ${f}\\n`)'
    const job = path.join(dir, 'frames.json')
    writeFileSync(job, JSON.stringify({args: ['-e', script], command: process.execPath, outputs: ['frames']}))
    const out = path.join(dir, 'frames-out')
    const result = await batch(['--job', job, '--tasks', '1-9', '--per-task', '2', ...dealFlags(), '--out', out, '--json']).done
    expect(result.status, result.stdout + result.stderr).toBe(0)
    expect(result.envelope.data).toMatchObject({done: 5, failed: 0, out})
    expect(result.envelope.data.tasks.map((t: {pulled: {files: number}}) => t.pulled.files)).toEqual([2, 2, 2, 2, 1])
    expect(readdirSync(path.join(out, 'frames')).sort()).toEqual(Array.from({length: 9}, (_, i) => `frame-${i + 1}.txt`).sort())
    for (let f = 1; f <= 9; f++) expect(readFileSync(path.join(out, 'frames', `frame-${f}.txt`), 'utf8')).toBe(`frame ${f}\n`)
    expect(readdirSync(out)).toEqual(['frames']) // no part files left behind
    const noOut = await batch(['--job', job, '--tasks', '1-9', ...dealFlags(), '--json']).done
    expect(noOut.status).toBe(2)
    expect(noOut.envelope.error).toMatchObject({code: 'USAGE', hint: expect.stringContaining('--out DIR')})
  })

  it('retries a task that fails on one agent on another deal, and a task that fails everywhere fails for good (exit 1)', async () => {
    // Every task writes 8 KiB: over agent 0's 4 KiB quota, so its jobs there are stopped. Task 5 also fails everywhere.
    const job = jobFile('fails.json', 'process.stdout.write("x".repeat(8192) + "\\n"); setTimeout(() => { if (process.env.TASK_START === "5") { console.error("frame 5 is broken"); process.exit(3) } }, 100)')
    const result = await batch(['--job', job, '--tasks', '1-8', ...dealFlags(), '--attempts', '2', '--json']).done
    expect(result.status, result.stderr).toBe(1)
    const data = result.envelope.data
    expect(data).toMatchObject({done: 7, failed: 1, total: 8})
    expect(data.deals[0]).toMatchObject({failedAttempts: expect.any(Number), out: null, tasksDone: 0})
    expect(data.deals[0].failedAttempts).toBeGreaterThan(0)
    for (const t of data.tasks.filter((x: {task: string}) => x.task !== '5')) {
      expect(t.status).toBe('done')
      expect(t.dealId).not.toBe(String(deals[0]))
    }
    expect(data.tasks.filter((t: {attempts: number}) => t.attempts === 2).length).toBeGreaterThan(0)
    const five = data.tasks.find((t: {task: string}) => t.task === '5')
    expect(five).toMatchObject({attempts: 2, status: 'failed'})
    expect(five.error).toMatch(/failed 2 time\(s\)/)
    // A rerun retries only the failed task (with a fresh budget): the 7 done ones are not run again.
    const jobsBefore = await allJobs()
    // (Run for a person, at a terminal: one progress bar, then the summary, all within 80 columns.)
    const again = await runInPty(['compute', 'batch', '--job', job, '--tasks', '1-8', ...dealFlags(), '--attempts', '1'], {env: envFor(renter)}).done
    expect(again.status, again.raw).toBe(1)
    const screen = screenLines(again.raw).join('\n')
    expect(screen).toMatch(/^Tasks \[#{18}-{2}\] 7\/8 .* · 1 failed$/m)
    expect(screen).toMatch(/^Task 5 failed: failed 1 time\(s\); last on deal \d+: /m)
    expect(screen).toContain('7 of 8 tasks done (7 from an earlier run), 1 failed, in ')
    expect(widestLine(again.raw).width).toBeLessThanOrEqual(80)
    const after = await allJobs()
    expect(after.length).toBe(jobsBefore.length + 1)
    expect(after.filter((j) => j.start === '5').length).toBe(jobsBefore.filter((j) => j.start === '5').length + 1)
  })

  it('takes a SIGKILLed agent out of rotation and redoes its tasks elsewhere; the batch completes', async () => {
    const job = jobFile('slow.json', 'setTimeout(() => console.log("ok " + process.env.TASK_START), 600)')
    const run = batch(['--job', job, '--tasks', '1-18', ...dealFlags(), '--json'])
    // Once agent 2 runs jobs of this batch, it dies with them.
    await until(async () => (await allJobs([2]).catch(() => [])).some((j) => j.status === 'running'), 20_000, 'agent 2 to run a task')
    agents[2].child.kill('SIGKILL')
    const result = await run.done
    expect(result.status, result.stderr).toBe(0)
    const data = result.envelope.data
    expect(data).toMatchObject({done: 18, failed: 0})
    expect(data.deals[2].out).toMatch(/stopped answering|does not answer/)
    const redone = data.tasks.filter((t: {attempts: number}) => t.attempts > 1)
    expect(redone.length).toBeGreaterThan(0)
    for (const t of data.tasks) expect(t.dealId).not.toBe(String(deals[2]))
    // Agent 2 comes back for the next tests.
    agents[2] = await startAgent(2)
    writeProfile()
  })

  it('brings an agent that answers again (restarted at its address) back into rotation', async () => {
    const port = await freePort()
    agents[1].child.kill('SIGTERM')
    await agents[1].child.done
    agents[1] = await startAgent(1, ['--port', String(port)])
    writeProfile()
    const job = jobFile('back.json', 'setTimeout(() => console.log("ok " + process.env.TASK_START), 500)')
    const run = batch(['--job', job, '--tasks', '1-24', '--deal', String(deals[1]), '--deal', String(deals[2]), '--json'])
    await until(async () => (await allJobs([1]).catch(() => [])).some((j) => j.status === 'running'), 20_000, 'agent 1 to run a task')
    const lastBefore = Math.max(...(await allJobs([1])).map((j) => Number(j.id)))
    agents[1].child.kill('SIGKILL')
    await new Promise((r) => setTimeout(r, 500))
    agents[1] = await startAgent(1, ['--port', String(port)])
    const result = await run.done
    expect(result.status, result.stdout + result.stderr).toBe(0)
    const data = result.envelope.data
    expect(data).toMatchObject({done: 24, failed: 0})
    expect(data.deals[0].out).toBeNull()
    // Tasks were done on deal 1 by the restarted agent (its job ids go on from the old ones).
    expect(data.tasks.filter((t: {dealId: string; jobId: string}) => t.dealId === String(deals[1]) && Number(t.jobId) > lastBefore + 1).length).toBeGreaterThan(0)
  })

  it('a batch SIGKILLed midway, run again with the same arguments, redoes no finished task and follows the started ones again', async () => {
    const job = jobFile('resume.json', 'setTimeout(() => console.log("ok " + process.env.TASK_START), 500)')
    const journal = path.join(dir, 'resume.jsonl')
    const deals12 = ['--deal', String(deals[1]), '--deal', String(deals[2])]
    const args = ['--job', job, '--tasks', '1-24', ...deals12, '--journal', journal, '--json']
    const earlier = new Set((await allJobs([1, 2])).map((j) => `${j.agent}/${j.id}`))
    const first = batch(args)
    // (A line being written may be read half: only whole ones count.)
    const doneIn = () => (existsSync(journal) ? readFileSync(journal, 'utf8').split('\n').filter((l) => l.endsWith('"type":"done"}')).map((l) => JSON.parse(l).task as string) : [])
    // The journal exists once the first run holds its lock: a second run of the same batch meanwhile is refused.
    await until(() => existsSync(journal), 20_000, 'the journal')
    const second = batch(args).done
    await until(() => doneIn().length >= 5, 20_000, 'five tasks done')
    const refused = await second
    expect(refused.status).toBe(1)
    expect(refused.envelope.error).toMatchObject({code: 'RUN_LOCKED', hint: expect.stringContaining('--wait'), message: expect.stringContaining(`pid ${first.child.pid}`)})
    first.kill('SIGKILL')
    await first.done
    const finished = new Set(doneIn())
    const result = await batch(args).done
    expect(result.status, result.stderr).toBe(0)
    const data = result.envelope.data
    expect(data).toMatchObject({done: 24, failed: 0})
    expect(data.resumed, 'resumed').toBe(finished.size)
    expect(finished.size).toBeLessThan(24)
    // One job per task on the agents: none finished was started again, and none started was started twice.
    const jobs = (await allJobs([1, 2])).filter((j) => !earlier.has(`${j.agent}/${j.id}`))
    const perTask = new Map<string, number>()
    for (const j of jobs) perTask.set(j.start!, (perTask.get(j.start!) ?? 0) + 1)
    for (const t of finished) expect(perTask.get(t), `task ${t}`).toBe(1)
    expect(jobs.length, JSON.stringify(jobs) + JSON.stringify(data.tasks)).toBe(24)
    // A third run finds everything done and starts nothing.
    const count = (await allJobs([1, 2])).length
    const third = await batch(args).done
    expect(third.envelope.data).toMatchObject({done: 24, resumed: 24})
    expect((await allJobs([1, 2])).length).toBe(count)
  })

  it('refuses an empty, inverted or malformed task range and --per-task 0 before anything else (exit 2, a hint, nothing written)', async () => {
    const job = jobFile('never.json', 'console.log(1)')
    const dataDir = path.join(dir, 'data-bad')
    const cases: Array<[string[], string, RegExp]> = [
      [['--tasks', '5-1'], 'INVALID_TASK_RANGE', /inverted/],
      [['--tasks', '3-2'], 'INVALID_TASK_RANGE', /inverted/],
      [['--tasks', ''], 'INVALID_TASK_RANGE', /empty/],
      [['--tasks', '1-'], 'INVALID_TASK_RANGE', /not FIRST-LAST/],
      [['--tasks', 'a-b'], 'INVALID_TASK_RANGE', /not FIRST-LAST/],
      [['--tasks', '1-10', '--per-task', '0'], 'INVALID_PER_TASK', /at least 1/],
    ]
    const results = await Promise.all(cases.map(([extra]) => batch(['--job', job, ...extra, ...dealFlags(), '--json'], renter, dataDir).done))
    results.forEach((r, i) => {
      expect(r.status, r.stdout).toBe(2)
      expect(r.envelope.error).toMatchObject({code: cases[i][1], hint: expect.stringMatching(/--tasks|--per-task/), message: expect.stringMatching(cases[i][2])})
    })
    expect(results[0].envelope.error.hint).toContain('--tasks 1-5')
    expect(existsSync(path.join(dataDir, 'journals'))).toBe(false)
  })

  it('refuses a deal that is not the signer’s, or closed, naming it, before any job starts', async () => {
    const client = sharedClient()
    const [stranger, supplier] = await Promise.all([freshAccount(client), freshAccount(client)])
    const notMine = await openDeal(m, supplier, stranger)
    const job = jobFile('never2.json', 'console.log(1)')
    const before = (await allJobs()).length
    const r1 = await batch(['--job', job, '--tasks', '1-4', ...dealFlags(), '--deal', String(notMine), '--json']).done
    expect(r1.status).toBe(1)
    expect(r1.envelope.error).toMatchObject({code: 'NOT_CONSUMER', hint: expect.stringContaining(`--deal ${notMine}`), message: expect.stringContaining(`Deal ${notMine} is not yours`)})
    // (A supplier of its own: one whose agent runs would send transactions of its own meanwhile.)
    const closed = await openDeal(m, supplier, renter, 0n)
    await closeDeal(m, renter, closed)
    const r2 = await batch(['--job', job, '--tasks', '1-4', ...dealFlags(), '--deal', String(closed), '--json']).done
    expect(r2.status).toBe(1)
    expect(r2.envelope.error).toMatchObject({code: 'DEAL_CLOSED', message: expect.stringContaining(`Deal ${closed} is closed`)})
    expect((await allJobs()).length).toBe(before)
  })
})
