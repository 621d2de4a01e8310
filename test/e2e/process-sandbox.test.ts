// The process executor's sandbox end to end: a spawned `nectar provider serve` (the devnet's process
// executor, the real bwrap) started with secrets in its environment, the renter's spawned
// `nectar compute …`, real deals on the test anvil. A hostile job finds neither the agent's
// environment nor its data and config dirs; no process of a job survives its deal's close or the
// agent's death; without bwrap the devnet warns once and runs, and another network refuses.
// Without bwrap on this machine the sandbox tests are SKIPPED with a notice (NECTAR_REQUIRE_SANDBOX=1
// makes that a failure); the tests of the missing sandbox always run.
import {type ChildProcess} from 'node:child_process'
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {inject} from 'vitest'

import {writeConfig} from '../../src/lib/config/store.js'
import {probeSandbox} from '../../src/lib/provider/sandbox.js'
import {type FreshAccount, freshAccount, sharedClient} from '../setup/chain.js'
import {closeDeal, deployTestMarket, openDeal, type TestMarket} from '../setup/market.js'
import {ESCAPERS, escapersRunning, markedProcesses} from '../setup/processes.js'
import {startCli, stopAll, until} from '../setup/cli.js'

const probe = probeSandbox()
const required = process.env.NECTAR_REQUIRE_SANDBOX === '1'
if (!probe.ok && !required) console.log(`[process-sandbox] sandbox tests SKIPPED: ${probe.detail}. Install bubblewrap; NECTAR_REQUIRE_SANDBOX=1 makes this a failure.`)

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const SECRET = `agent-password-${process.pid}-${Date.now()}`
let dir: string
let configDir: string
let baseEnv: NodeJS.ProcessEnv
let m: TestMarket
let supplier: FreshAccount
let renter: FreshAccount
let dealId: bigint

const envFor = (who: FreshAccount) => ({...baseEnv, NECTAR_PRIVATE_KEY: who.privateKey})
const nectar = (args: string[], who = renter) => startCli(args, {env: envFor(who)})

interface StartedAgent {
  child: ChildProcess
  data: {dataDir: string; sandboxed?: boolean; url: string}
  stderr: () => string
}

/** `provider serve` as the supplier, with NECTAR_PASSWORD in its environment; resolves on its JSON envelope. */
function startAgent(name: string, options: {args?: string[]; env?: NodeJS.ProcessEnv} = {}): Promise<StartedAgent> {
  const args = ['provider', 'serve', '--plan', path.join(dir, 'ask.yaml'), '--port', '0', '--data-dir', path.join(dir, name), '--poll', '200', '--heartbeat', '200', '--kill-grace', '2000', '--json', ...(options.args ?? [])]
  const agent = startCli(args, {env: {...envFor(supplier), NECTAR_PASSWORD: SECRET, ...options.env}})
  // An error envelope is followed by the exit, which rejects.
  return agent.firstRecord().then(
    (record: {data: StartedAgent['data']; ok: boolean}) => {
      if (record.ok) return {child: agent.child, data: record.data, stderr: agent.stderr}
      return agent.done.then((r) => {
        throw Object.assign(new Error(`agent exited ${r.status}: ${r.stderr}`), {code: r.status, stdout: r.stdout})
      })
    },
    async (error: Error) => {
      const r = await agent.done
      throw Object.assign(error, {code: r.status, stdout: r.stdout})
    },
  )
}

function jobFile(name: string, spec: Record<string, unknown>): string {
  const file = path.join(dir, name)
  writeFileSync(file, JSON.stringify(spec))
  return file
}

const jobState = (agent: StartedAgent, deal: bigint, id: string) => JSON.parse(readFileSync(path.join(agent.data.dataDir, 'deals', String(deal), 'jobs', id, 'job.json'), 'utf8')) as {status: string}

beforeAll(async () => {
  const client = sharedClient()
  m = await deployTestMarket(client)
  ;[supplier, renter] = await Promise.all([freshAccount(client), freshAccount(client)])
  dealId = await openDeal(m, supplier, renter)
  // Not under /tmp (which a sandboxed job has its own of): only the sandbox's mounts keep it out.
  mkdirSync(path.join(root, '.tmp'), {recursive: true})
  dir = mkdtempSync(path.join(root, '.tmp', 'process-sandbox-e2e-'))
  configDir = path.join(dir, 'config')
  writeFileSync(path.join(dir, 'ask.yaml'), 'duration: 1h\nprice: 0.1usd/h\nresources:\n  cpu: {cores: 1}\n')
  writeConfig(configDir, {network: 'devnet', networks: {devnet: {chainId: 31337, contracts: {market: m.market, profileRegistry: m.profileRegistry}, devnet: true, rpcUrl: inject('rpcUrl')}}})
  // A keystore-like file in the config dir, which no job may find.
  mkdirSync(path.join(configDir, 'keystores'), {recursive: true})
  writeFileSync(path.join(configDir, 'keystores', 'nectar-e2e-keystore.json'), `{"secret":"${SECRET}"}`)
  baseEnv = {...process.env, ETH_RPC_URL: '', NECTAR_ACCOUNT: '', NECTAR_CONFIG_DIR: configDir, NECTAR_DATA_DIR: path.join(dir, 'data'), NECTAR_NETWORK: '', NECTAR_RPC_URL: '', NO_COLOR: '1'}
})

afterAll(async () => {
  await stopAll()
  rmSync(dir, {force: true, recursive: true})
})

describe.skipIf(!probe.ok && !required)('provider serve with the process sandbox', () => {
  it('keeps the agent’s environment, data dir and config dir from a hostile job', async () => {
    const agent = await startAgent('agent')
    try {
      expect(agent.data.sandboxed).toBe(true)
      expect(agent.stderr()).toContain('each job runs in a sandbox')
      const run = (file: string) => nectar(['compute', 'run', String(dealId), '--job', file, '--follow', '--endpoint', agent.data.url]).done
      const first = await run(jobFile('first.json', {args: ['-e', `console.log("first-renter-output-${process.pid}")`], command: process.execPath}))
      expect(first.stdout.toString()).toBe(`first-renter-output-${process.pid}\n`)
      const dataDir = agent.data.dataDir
      const script = [
        'echo "ppid=$PPID"',
        'cat /proc/$PPID/environ /proc/1/environ; for f in /proc/[0-9]*/environ; do cat "$f"; done; echo',
        'env',
        `cat ${dataDir}/deals/${dealId}/jobs/1/job.json 2>/dev/null || echo no-job-json`,
        `ls -R ${dataDir} 2>/dev/null || echo no-data-dir`,
        `ls -R ${configDir} 2>/dev/null || echo no-config-dir`,
        "find / -path /proc -prune -o -path /sys -prune -o \\( -name job.json -o -name 'nectar-e2e-keystore.json' \\) -print 2>/dev/null; echo searched",
      ].join('\n')
      const hostile = await run(jobFile('hostile.json', {args: ['-c', script], command: 'sh'}))
      const out = hostile.stdout.toString()
      expect(hostile.status, hostile.stderr.toString()).toBe(0)
      expect(out).toMatch(/no-job-json\nno-data-dir\nno-config-dir\nsearched\n$/)
      for (const leak of [SECRET, supplier.privateKey.slice(2), 'NECTAR_PASSWORD', 'NECTAR_PRIVATE_KEY', `first-renter-output-${process.pid}`]) expect(out).not.toContain(leak)
      expect(out).toContain('HOME=/work\n')
    } finally {
      agent.child.kill('SIGTERM')
    }
  }, 60_000)

  it('leaves no process of a job behind when its deal closes, nor when the agent is SIGKILLed', async () => {
    const agent = await startAgent('agent-kill')
    const deal2 = await openDeal(m, supplier, renter)
    const start = async (deal: bigint, mark: string) => {
      const r = await nectar(['compute', 'run', String(deal), '--job', jobFile(`${mark}.json`, {args: ['-c', ESCAPERS()], command: 'sh', env: {NECTAR_TEST_MARK: mark}}), '--endpoint', agent.data.url, '--json']).done
      expect(r.status, r.stdout.toString()).toBe(0)
      await until(() => escapersRunning(mark), 10_000)
      return JSON.parse(r.stdout.toString()).data.job.id as string
    }
    const closing = `deal-close-${process.pid}`
    const id = await start(deal2, closing)
    await closeDeal(m, renter, deal2)
    await until(() => jobState(agent, deal2, id).status !== 'running', 15_000)
    expect(jobState(agent, deal2, id)).toMatchObject({reason: `deal ${deal2} closed`, status: 'killed'})
    expect(markedProcesses(closing)).toEqual([])
    const dying = `agent-kill-${process.pid}`
    await start(dealId, dying)
    agent.child.kill('SIGKILL')
    await until(() => markedProcesses(dying).length === 0, 3000)
  }, 60_000)
})

describe('provider serve without bubblewrap', () => {
  // No bwrap on the agent's PATH, as on a host without the package.
  const noBwrap = {PATH: path.join(root, '.tmp', 'no-bwrap-here')}

  it('on the devnet: warns once at start, then runs jobs', async () => {
    const agent = await startAgent('agent-unsandboxed', {env: noBwrap})
    try {
      expect(agent.data.sandboxed).toBe(false)
      for (const n of [1, 2]) {
        const r = await nectar(['compute', 'run', String(dealId), '--job', jobFile(`plain-${n}.json`, {args: ['-e', `console.log("plain ${n}")`], command: process.execPath}), '--follow', '--endpoint', agent.data.url]).done
        expect(r.stdout.toString()).toBe(`plain ${n}\n`)
      }
      expect(agent.stderr().match(/WITHOUT a sandbox/g)).toHaveLength(1)
      expect(agent.stderr()).toMatch(/Warning: Process jobs run WITHOUT a sandbox: bwrap is not installed.*Install bubblewrap/)
    } finally {
      agent.child.kill('SIGTERM')
    }
  }, 60_000)

  it('off the devnet: refuses to serve process jobs unless --allow-unsandboxed', async () => {
    const staging = path.join(dir, 'config-staging')
    writeConfig(staging, {network: 'staging', networks: {staging: {chainId: 31337, contracts: {market: m.market, profileRegistry: m.profileRegistry}, rpcUrl: inject('rpcUrl')}}})
    const env = {...noBwrap, NECTAR_CONFIG_DIR: staging}
    const args = ['--executor', 'process', '--allow-process-executor']
    const refused = await startAgent('agent-staging', {args, env}).then(
      () => expect.unreachable('the agent started'),
      (error: {code: number; stdout: string}) => error,
    )
    expect(refused.code).toBe(2)
    expect(JSON.parse(refused.stdout).error).toMatchObject({code: 'PROCESS_SANDBOX_UNAVAILABLE', hint: expect.stringContaining('--allow-unsandboxed')})
    const allowed = await startAgent('agent-staging', {args: [...args, '--allow-unsandboxed'], env})
    expect(allowed.data.sandboxed).toBe(false)
    expect(allowed.stderr().match(/WITHOUT a sandbox/g)).toHaveLength(1)
    allowed.child.kill('SIGTERM')
  }, 60_000)
})
