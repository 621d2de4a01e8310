// The process executor with real processes and the real bubblewrap: no process of a job outlives it
// (setsid, double fork, nohup), a job sees neither the agent's environment nor anything of the host
// but the system dirs and its own work dir, and without bwrap it still runs, with one warning.
// Without bwrap on this machine the sandbox tests are SKIPPED with a notice; NECTAR_REQUIRE_SANDBOX=1
// (CI) makes that a failure.
import {spawn} from 'node:child_process'
import {mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {afterAll, describe, expect, it} from 'vitest'

import {Agent} from '../../src/lib/provider/agent.js'
import {type DealInfo} from '../../src/lib/provider/deals.js'
import {type ExecutorHandle, type ExecutorJob} from '../../src/lib/provider/executor.js'
import {type JobSpec} from '../../src/lib/provider/job-spec.js'
import {ProcessExecutor, type ProcessExecutorOptions} from '../../src/lib/provider/process-executor.js'
import {probeSandbox} from '../../src/lib/provider/sandbox.js'
import {ESCAPERS, escapersRunning, markedProcesses} from '../setup/processes.js'
import {until} from '../setup/cli.js'

const probe = probeSandbox()
const required = process.env.NECTAR_REQUIRE_SANDBOX === '1'
if (!probe.ok && !required) console.log(`[process-executor] sandbox tests SKIPPED: ${probe.detail}. Install bubblewrap; NECTAR_REQUIRE_SANDBOX=1 makes this a failure.`)

// Not under /tmp (which the sandbox replaces with its own): the agent's data dir lives in $HOME or
// wherever the operator puts it, and only the mounts must keep a job out of it.
const repoTmp = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../.tmp')
mkdirSync(repoTmp, {recursive: true})
const root = mkdtempSync(path.join(repoTmp, 'process-executor-'))
let jobCount = 0
afterAll(() => rmSync(root, {force: true, recursive: true}))

interface Run {
  ended: Promise<{code: number | null; reason?: string; signal: NodeJS.Signals | null}>
  handle: ExecutorHandle
  job: ExecutorJob
  output: {stderr: string; stdout: string}
}

function run(executor: ProcessExecutor, spec: JobSpec, job: Partial<ExecutorJob> = {}): Run {
  const id = String(++jobCount)
  const workDir = path.join(root, 'agent', 'deals', '1', 'jobs', id, 'work')
  const full: ExecutorJob = {dealId: '1', id, spec, workDir, ...job}
  const output = {stderr: '', stdout: ''}
  let handle!: ExecutorHandle
  const ended = new Promise<{code: number | null; reason?: string; signal: NodeJS.Signals | null}>((resolve) => {
    handle = executor.start(full, {onExit: (code, signal, reason) => resolve({code, reason, signal}), onOutput: (stream, bytes) => (output[stream] += bytes.toString())})
  })
  return {ended, handle, job: full, output}
}

const escapers = (mark: string, then = 'sleep 300'): JobSpec => ({args: ['-c', ESCAPERS(then)], command: 'sh', env: {NECTAR_TEST_MARK: mark}})
const marked = markedProcesses
const allSleeping = escapersRunning

describe.skipIf(!probe.ok && !required)('process executor in the bubblewrap sandbox', () => {
  const executor = (options: ProcessExecutorOptions = {}) => new ProcessExecutor({killGraceMs: 300, ...options})

  it('bubblewrap runs on this machine', () => {
    expect(probe.detail).toMatch(/bubblewrap/)
    expect(probe.ok).toBe(true)
    expect(executor().sandboxed).toBe(true)
  })

  it.each([
    ['the time limit', (r: Run) => void r, {timeLimitMs: 1000}, 'time limit of 1s exceeded'],
    ['a stop', (r: Run) => r.handle.kill('stopped by the renter'), {}, 'stopped by the renter'],
    ['the end of its main process', (r: Run) => void r, {}, undefined],
  ])('leaves no setsid, double-forked or nohup process after %s', async (_what, act, job, reason) => {
    const mark = `esc-${process.pid}-${jobCount}`
    const r = run(executor(), escapers(mark, reason === undefined ? 'sleep 1' : 'sleep 300'), job)
    await until(() => allSleeping(mark), 10_000)
    act(r)
    const ended = await r.ended
    expect(ended.reason).toBe(reason)
    expect(r.output.stdout).toBe('started\n')
    expect(marked(mark)).toEqual([])
  })

  it('leaves no process after the deal closes (the agent kills the deal’s jobs)', async () => {
    const mark = `deal-${process.pid}`
    const deal: DealInfo = {askId: 1n, consumer: '0x0000000000000000000000000000000000000001', endTime: 0n, id: 7n, startTime: 0n, status: 'accepted', supplier: '0x0000000000000000000000000000000000000002'}
    const agent = Agent.open({dataDir: path.join(root, 'deal-agent'), dealPollMs: 60_000, dealSource: {chainId: 31_337, getDeal: async () => deal}, executor: executor({killGraceMs: 3000})})
    try {
      const state = agent.startJob(7n, deal.consumer, escapers(mark), deal)
      await until(() => allSleeping(mark), 10_000)
      deal.status = 'closed'
      await agent.tick()
      await until(() => state.status !== 'running', 5000)
      expect(state).toMatchObject({reason: 'deal 7 closed', signal: 'SIGTERM', status: 'killed'})
      expect(marked(mark)).toEqual([])
    } finally {
      await agent.shutdown()
    }
  })

  it('kills a job that ignores SIGTERM, with all it started, after the grace period', async () => {
    const mark = `trap-${process.pid}`
    const r = run(executor(), {...escapers(mark), args: ['-c', `trap '' TERM; setsid sh -c "trap '' TERM; sleep 301" & echo started; while :; do sleep 1; done`]})
    await until(() => r.output.stdout === 'started\n' && marked(mark).some((p) => p.cmdline === 'sleep 301'), 10_000)
    r.handle.kill('stopped by the renter')
    expect(await r.ended).toMatchObject({reason: 'stopped by the renter', signal: 'SIGKILL'})
    expect(marked(mark)).toEqual([])
  })

  it('shows a job none of the agent’s environment: not through /proc/$PPID/environ, /proc/1/environ, any /proc/N/environ, nor env', async () => {
    const secret = `s3cret-${process.pid}-${Date.now()}`
    process.env.NECTAR_PASSWORD = secret
    // A process of this host that holds the secret from its start, as an agent started with NECTAR_PASSWORD does.
    const holder = spawn('sleep', ['60'], {env: {...process.env, NECTAR_PASSWORD: secret}, stdio: 'ignore'})
    try {
      await until(() => readFileSync(`/proc/${holder.pid}/environ`, 'utf8').includes(secret))
      const script = 'echo "ppid=$PPID"; cat /proc/$PPID/environ; cat /proc/1/environ; for f in /proc/[0-9]*/environ; do cat "$f"; done; env; echo; echo done'
      const r = run(executor(), {args: ['-c', script], command: 'sh', env: {JOB_VAR: 'mine'}})
      expect((await r.ended).code).toBe(0)
      expect(r.output.stdout).toContain('done\n')
      expect(r.output.stdout).toContain('JOB_VAR=mine')
      expect(r.output.stdout + r.output.stderr).not.toContain(secret)
      expect(r.output.stdout + r.output.stderr).not.toContain('NECTAR_PASSWORD')
      // Exactly the scrubbed environment: PATH, HOME (its work dir), LANG and the spec's own (and PWD, set by bwrap's --chdir).
      const env = run(executor(), {command: 'env', env: {JOB_VAR: 'mine'}})
      await env.ended
      expect(env.output.stdout.trim().split('\n').map((l) => l.split('=')[0]).sort()).toEqual(['HOME', 'JOB_VAR', 'LANG', 'PATH', 'PWD'])
      expect(env.output.stdout).toContain('HOME=/work\n')
      expect(env.output.stdout).toContain('PWD=/work\n')
    } finally {
      holder.kill('SIGKILL')
      delete process.env.NECTAR_PASSWORD
    }
  })

  it('shows a job nothing of the agent’s data dir but its own work dir (0700), a private /tmp and no network without outbound', async () => {
    // The agent's own files (a keystore-like file, another job's log), and one in the host's /tmp.
    const dataFile = path.join(root, 'agent', `nectar-agent-keys-${process.pid}.txt`)
    mkdirSync(path.dirname(dataFile), {recursive: true})
    writeFileSync(dataFile, 'agent secret\n')
    const otherLog = path.join(root, 'agent', 'deals', '1', 'jobs', 'other', 'log', `nectar-other-renter-${process.pid}`)
    mkdirSync(path.dirname(otherLog), {recursive: true})
    writeFileSync(otherLog, 'other renter output\n')
    const hostTmp = path.join(os.tmpdir(), `nectar-host-tmp-${process.pid}`)
    writeFileSync(hostTmp, 'host tmp\n')
    afterAll(() => rmSync(hostTmp, {force: true}))
    const script = [
      // by their host paths, through /proc, relative to the work dir, and anywhere the job can see
      `cat ${dataFile} ${otherLog} /proc/1/root${dataFile} /proc/self/root${otherLog} ../../other/log/${path.basename(otherLog)} ${hostTmp} 2>/dev/null || echo unreadable`,
      `ls ${root} >/dev/null 2>&1 || echo no-data-dir`,
      `find / -path /proc -prune -o -path /sys -prune -o \\( -name 'nectar-agent-keys-*' -o -name 'nectar-other-renter-*' -o -name 'nectar-host-tmp-*' \\) -print 2>/dev/null; echo searched`,
      'ls / | tr "\\n" " "; echo',
      'echo mine > own.txt && cat own.txt',
      'echo x > /usr/nectar-probe 2>/dev/null || echo usr-readonly',
      'cat /proc/net/dev | tail -n +3 | cut -d: -f1 | tr -d " " | tr "\\n" " "; echo',
    ].join('\n')
    const r = run(executor(), {args: ['-c', script], command: 'sh', files: [{content: 'given', path: 'given.txt'}]})
    expect((await r.ended).code).toBe(0)
    expect(r.output.stdout).not.toMatch(/agent secret|other renter output|host tmp/)
    expect(r.output.stdout.split('\n')).toEqual(['unreadable', 'no-data-dir', 'searched', expect.not.stringMatching(/root|home|opt|srv|mnt/), 'mine', 'usr-readonly', 'lo ', ''])
    expect(readFileSync(path.join(r.job.workDir, 'own.txt'), 'utf8')).toBe('mine\n')
    expect(statSync(r.job.workDir).mode & 0o777).toBe(0o700)
    // With the ask's outbound netflag the job shares the host's network.
    const net = run(executor(), {args: ['-c', 'cat /proc/net/dev | tail -n +3 | wc -l'], command: 'sh'}, {limits: {outbound: true}})
    await net.ended
    expect(Number(net.output.stdout.trim())).toBeGreaterThan(1)
  }, 60_000)

  it('hides the agent’s dirs even under a system dir, and reports a command it cannot see as not found', async () => {
    // Any host dir the sandbox binds would do; /usr/share is always there.
    const hidden = '/usr/share'
    const r = run(executor({hide: [hidden]}), {args: ['-c', `ls ${hidden} | wc -l`], command: 'sh'})
    await r.ended
    expect(r.output.stdout.trim()).toBe('0')
    const missing = run(executor(), {command: 'no-such-command-here'})
    expect(await missing.ended).toMatchObject({code: null, reason: expect.stringContaining('failed to start: command "no-such-command-here" not found')})
    // A program the host can run, outside the dirs the sandbox sees.
    const tool = path.join(root, 'tool.sh')
    writeFileSync(tool, '#!/bin/sh\necho ran\n', {mode: 0o755})
    const outside = run(executor(), {command: tool})
    expect(await outside.ended).toMatchObject({code: null, reason: expect.stringMatching(/not found in the sandbox/)})
    expect(outside.output.stdout).toBe('')
  })
})

describe('process executor without bubblewrap', () => {
  it('warns once, when it is made, and still runs jobs with a scrubbed environment in a 0700 work dir, killed by process group', async () => {
    const warnings: string[] = []
    const secret = `s3cret-${process.pid}-fallback`
    process.env.NECTAR_PASSWORD = secret
    try {
      const executor = new ProcessExecutor({bwrap: path.join(root, 'no-such-bwrap'), killGraceMs: 300, warn: (m) => warnings.push(m)})
      expect(executor.sandboxed).toBe(false)
      expect(warnings).toHaveLength(1)
      expect(warnings[0]).toMatch(/WITHOUT a sandbox: .*no-such-bwrap is not installed.*Install bubblewrap/)
      const first = run(executor, {command: 'env', env: {JOB_VAR: 'mine'}})
      expect((await first.ended).code).toBe(0)
      expect(first.output.stdout).not.toContain(secret)
      expect(first.output.stdout.trim().split('\n').map((l) => l.split('=')[0]).sort()).toEqual(['HOME', 'JOB_VAR', 'LANG', 'PATH', 'TMPDIR'])
      expect(statSync(first.job.workDir).mode & 0o777).toBe(0o700)
      const mark = `fallback-${process.pid}`
      const second = run(executor, {args: ['-c', 'sleep 301 & echo started; wait'], command: 'sh', env: {NECTAR_TEST_MARK: mark}}, {timeLimitMs: 1000})
      expect(await second.ended).toMatchObject({reason: 'time limit of 1s exceeded', signal: 'SIGTERM'})
      expect(second.output.stdout).toBe('started\n')
      expect(marked(mark)).toEqual([])
      expect(warnings).toHaveLength(1)
    } finally {
      delete process.env.NECTAR_PASSWORD
    }
  })
})
