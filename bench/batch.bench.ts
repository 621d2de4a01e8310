// Issue 15 figure: `nectar compute batch` of 240 tasks of 0.2 s each (a process job `sleep 0.2`) over
// three agents, one of them SIGKILLed once half the tasks are done; its tasks are redone elsewhere.
// The figure is the ratio of the batch's wall time to the ideal: total task time / total slots (the
// three deals' cpuCores, 4 each: 240 × 0.2 s / 12 = 4 s). Measured beside it, in the same run, the
// same batch with no agent killed (what the batch itself costs), and the same 240 sleeps on a plain
// local pool of 12 (no agents, no network: the machine's own overhead).
import {type ChildProcess, spawn} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {writeConfig} from '../src/lib/config/store.js'
import {deployTestMarket, freshAccount, openDeal} from '../test/setup/market.js'
import {benchPlan, type BenchChain, BIN, type Figure} from './lib.js'

const TASKS = 240
const TASK_S = 0.2
const CORES = 4
const AGENTS = 3

function startAgent(env: NodeJS.ProcessEnv, plan: string, dataDir: string): Promise<{child: ChildProcess; url: string}> {
  const child = spawn(process.execPath, [BIN, 'provider', 'serve', '--plan', plan, '--port', '0', '--data-dir', dataDir, '--json'], {env, stdio: ['ignore', 'pipe', 'ignore']})
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (chunk) => {
      out += chunk
      if (!out.includes('\n')) return
      const envelope = JSON.parse(out.split('\n')[0])
      if (envelope.ok) resolve({child, url: envelope.data.url})
      else reject(new Error(`provider serve: ${out}`))
    })
    child.once('exit', (code) => reject(new Error(`provider serve exited ${code}`)))
  })
}

/** The same sleeps on a local pool of `slots` at once: the floor this machine allows. */
async function localPool(slots: number): Promise<number> {
  const started = performance.now()
  let next = 0
  const worker = async () => {
    while (next < TASKS) {
      next++
      await new Promise<void>((resolve) => spawn('sleep', [String(TASK_S)]).once('exit', () => resolve()))
    }
  }
  await Promise.all(Array.from({length: slots}, worker))
  return performance.now() - started
}

export default async function batchBench(chain: BenchChain): Promise<Figure[]> {
  const m = await deployTestMarket(chain.client)
  const renter = await freshAccount(chain.client)
  const suppliers = [await freshAccount(chain.client), await freshAccount(chain.client), await freshAccount(chain.client)]
  const deals: bigint[] = []
  for (const s of suppliers) deals.push(await openDeal(m, s, renter, 3600n, {benchmarks: [1000n, 1000n, BigInt(CORES)]}))
  const dir = mkdtempSync(path.join(tmpdir(), 'nectar-batch-bench-'))
  const configDir = path.join(dir, 'config')
  const profile = (endpoints: Record<string, string>) => writeConfig(configDir, {network: 'devnet', networks: {devnet: {chainId: 31337, contracts: {market: m.market, profileRegistry: m.profileRegistry}, devnet: true, endpoints, rpcUrl: chain.rpcUrl}}})
  profile({})
  const env = {...chain.env, NECTAR_CONFIG_DIR: configDir, NECTAR_DATA_DIR: path.join(dir, 'data')}
  const plan = benchPlan(dir)
  const agents = await Promise.all(suppliers.map((s, i) => startAgent({...env, NECTAR_PRIVATE_KEY: s.privateKey}, plan, path.join(dir, `agent-${i}`))))
  profile(Object.fromEntries(suppliers.map((s, i) => [s.address.toLowerCase(), agents[i].url])))
  const job = path.join(dir, 'sleep.json')
  writeFileSync(job, JSON.stringify({args: [String(TASK_S)], command: 'sleep'}))
  const idealMs = (TASKS * TASK_S * 1000) / (CORES * AGENTS)
  /** One batch over the three deals; with `killAgent`, the last agent is SIGKILLed once half the tasks are done. */
  const runOnce = async (name: string, killAgent: boolean) => {
    const journal = path.join(dir, `${name}.jsonl`)
    const cliStarted = performance.now()
    const batch = spawn(process.execPath, [BIN, 'compute', 'batch', '--job', job, '--tasks', `1-${TASKS}`, ...deals.flatMap((d) => ['--deal', String(d)]), '--journal', journal, '--json'], {env: {...env, NECTAR_PRIVATE_KEY: renter.privateKey}, stdio: ['ignore', 'pipe', 'pipe']})
    let out = ''
    let err = ''
    batch.stdout!.on('data', (c) => (out += c))
    batch.stderr!.on('data', (c) => (err += c))
    const exited = new Promise<number | null>((resolve) => batch.once('close', resolve))
    let killedAtDone = 0
    if (killAgent) {
      const done = () => (existsSync(journal) ? readFileSync(journal, 'utf8').split('\n').filter((l) => l.includes('"type":"done"')).length : 0)
      while (batch.exitCode === null && (killedAtDone = done()) < TASKS / 2) await new Promise((r) => setTimeout(r, 20))
      agents[AGENTS - 1].child.kill('SIGKILL')
    }
    const status = await exited
    const cliMs = performance.now() - cliStarted
    if (status !== 0) throw new Error(`compute batch exited ${status}: ${out}\n${err}`)
    const report = JSON.parse(out).data as {deals: Array<{out: null | string}>; done: number; tasks: Array<{attempts: number}>; wallMs: number}
    return {cliMs, killedAtDone, report}
  }
  try {
    // The same batch with no agent killed first: what the batch itself costs over the ideal.
    const whole = await runOnce('whole', false)
    const killed = await runOnce('killed', true)
    const poolMs = await localPool(CORES * AGENTS)
    const ratio = killed.report.wallMs / idealMs
    const r2 = (x: number) => Math.round(x * 100) / 100
    return [
      {
        baseline: 'ideal: total task time / slots',
        baselineValue: 1,
        extra: {
          agentKilledAtDone: killed.killedAtDone,
          agentOut: String(Boolean(killed.report.deals[AGENTS - 1].out)),
          cliWallMs: Math.round(killed.cliMs),
          done: killed.report.done,
          idealMs,
          localPoolRatio: r2(poolMs / idealMs),
          noKillRatio: r2(whole.report.wallMs / idealMs),
          redone: killed.report.tasks.filter((t) => t.attempts > 1).length,
          wallMs: killed.report.wallMs,
        },
        name: `compute batch: ${TASKS} × ${TASK_S} s over ${AGENTS} agents (${CORES} slots each), one killed midway`,
        pass: killed.report.done === TASKS && whole.report.done === TASKS && Boolean(killed.report.deals[AGENTS - 1].out) && ratio <= 1.5,
        target: '≤ 1.5 × ideal, every task done',
        unit: '× ideal',
        value: r2(ratio),
      },
    ]
  } finally {
    for (const a of agents) a.child.kill('SIGTERM')
  }
}
