// `compute exec` and `compute shell` end to end: a spawned `nectar provider serve` (the devnet's
// process executor, in bubblewrap where it runs; and the container executor on a real engine), the
// renter's spawned `nectar compute exec|shell`, real HTTP, real deals on the test anvil. A command runs
// inside the running job (its files, env and sandbox or container) with its streams apart and its exit
// code; `compute shell` in a real pty types a line and gets its output and exit code; a terminal's size
// and its resize reach the remote side; an ended job, a stranger and a closed deal are refused.
// Without a container engine the container tests are SKIPPED (NECTAR_REQUIRE_CONTAINERS=1 fails them).
import {execFileSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {inject} from 'vitest'

import {writeConfig} from '../../src/lib/config/store.js'
import {type AgentTarget, openExec} from '../../src/lib/provider/client.js'
import {descendants, probeSandbox} from '../../src/lib/provider/sandbox.js'
import {type FreshAccount, freshAccount, sharedClient} from '../setup/chain.js'
import {probeTestEngine, TEST_IMAGE} from '../setup/engine.js'
import {cliEnv, type CliProcess, startCli, stopAll, until} from '../setup/cli.js'
import {closeDeal, deployTestMarket, openDeal, type TestMarket} from '../setup/market.js'
import {runInPty, screenLines} from '../setup/pty.js'

const IMAGE = TEST_IMAGE
const {problem: engineProblem, required: containersRequired} = await probeTestEngine('compute-exec')
const sandboxed = probeSandbox().ok

let dir: string
let baseEnv: NodeJS.ProcessEnv
let m: TestMarket
let supplier: FreshAccount
let renter: FreshAccount
let stranger: FreshAccount
let dealId: bigint

const envFor = (who: FreshAccount) => ({...baseEnv, NECTAR_PRIVATE_KEY: who.privateKey})
const nectar = (args: string[], options: {input?: string; who?: FreshAccount} = {}) => startCli(args, {env: envFor(options.who ?? renter), input: options.input})

async function startAgent(name: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<{child: CliProcess; url: string}> {
  const args = ['provider', 'serve', '--plan', path.join(dir, 'ask.yaml'), '--port', '0', '--data-dir', path.join(dir, name), '--poll', '200', '--heartbeat', '200', '--kill-grace', '500', '--json', ...extra]
  const child = startCli(args, {env: {...envFor(supplier), ...env}})
  const envelope = await child.firstRecord()
  return {child, url: envelope.data.url}
}

let jobFiles = 0
/** A job that writes marker.txt in its work dir, says so, and keeps running. */
function runningJobFile(extra: Record<string, unknown> = {}): string {
  const file = path.join(dir, `job-${++jobFiles}.json`)
  writeFileSync(file, JSON.stringify({args: ['-c', 'echo hello > marker.txt; echo started; exec sleep 60'], command: 'sh', env: {FOO: 'from-the-job'}, ...extra}))
  return file
}

async function startRunningJob(endpoint: string, extra: Record<string, unknown> = {}): Promise<string> {
  const r = await nectar(['compute', 'run', String(dealId), '--job', runningJobFile(extra), '--endpoint', endpoint, '--json']).done
  expect(r.status, r.stdout + r.stderr).toBe(0)
  const jobId = r.envelope.data.job.id as string
  // Started: its first line is in the log.
  await until(async () => (await nectar(['compute', 'logs', String(dealId), jobId, '--endpoint', endpoint]).done).stdout.includes('started'), 20_000)
  return jobId
}

/** stderr without the warning about NECTAR_PRIVATE_KEY. */
const withoutKeyWarning = (text: string) => text.replace(/^Warning: Signing with a raw private key.*\n/m, '')

/** The checks both executors pass: output apart, exit code, --json, --stdin, a pty's size and resize, and the refusals. */
async function execChecks(endpoint: string, jobId: string, expectUid: string): Promise<void> {
  const deal = String(dealId)
  const script = 'cat marker.txt; echo "$FOO"; id -u; echo to-stderr >&2; exit 5'
  const human = await nectar(['compute', 'exec', deal, jobId, '--endpoint', endpoint, '--', 'sh', '-c', script]).done
  expect(human.stdout).toBe(`hello\nfrom-the-job\n${expectUid}\n`)
  expect(withoutKeyWarning(human.stderr)).toBe('to-stderr\n')
  expect(human.status).toBe(5)

  const json = await nectar(['compute', 'exec', deal, jobId, '--endpoint', endpoint, '--json', '--', 'sh', '-c', script]).done
  expect(json.envelope).toMatchObject({data: {command: ['sh', '-c', script], encoding: 'utf8', exitCode: 5, exitStatus: 5, jobId, stderr: 'to-stderr\n', stdout: `hello\nfrom-the-job\n${expectUid}\n`}, ok: true})
  expect(json.status).toBe(5)

  const piped = await nectar(['compute', 'exec', deal, jobId, '--endpoint', endpoint, '--stdin', '--', 'sh', '-c', 'tr a-z A-Z; echo done'], {input: 'piped in\n'}).done
  expect(piped.stdout).toBe('PIPED IN\ndone\n')
  expect(piped.status).toBe(0)

  // Megabytes each way pass whole, at the pace of the slower side (both directions are flow-controlled).
  const size = 8 << 20
  const counted = await nectar(['compute', 'exec', deal, jobId, '--endpoint', endpoint, '--stdin', '--', 'wc', '-c'], {input: 'x'.repeat(size)}).done
  expect(counted.stdout.trim()).toBe(String(size))
  const big = await nectar(['compute', 'exec', deal, jobId, '--endpoint', endpoint, '--', 'sh', '-c', `yes | head -c ${size}`]).done
  expect(big.stdout.length).toBe(size)
  expect(big.stdout.startsWith('y\ny\n')).toBe(true)

  // A terminal: its size at the start, then a resize, reach the remote side; the exit code comes back.
  const target: AgentTarget = {account: renter.account, chainId: 31_337, dealId, endpoint}
  let screen = ''
  const session = await openExec(target, jobId, {command: ['sh'], tty: {cols: 91, rows: 27, term: 'xterm'}}, (_stream, bytes) => {
    screen += bytes.toString()
  })
  session.write(Buffer.from('stty size\n'))
  await until(() => screen.includes('27 91'), 10_000, `27 91 in ${JSON.stringify(screen)}`)
  session.resize(120, 40)
  await new Promise((r) => setTimeout(r, 200))
  session.write(Buffer.from('stty size; tty; exit 4\n'))
  expect(await session.done).toEqual({exitCode: 4, signal: null})
  expect(screen).toContain('40 120')
  expect(screen).toMatch(/\/dev\/pts\/\d+/)

  // A dropped connection kills its command (and only it: the job keeps running).
  let started = ''
  const dropped = await openExec(target, jobId, {command: ['sh', '-c', 'echo up; exec sleep 317']}, (_stream, bytes) => {
    started += bytes.toString()
  })
  dropped.done.catch(() => {})
  await until(() => started.includes('up'), 10_000)
  const count = async () => (await nectar(['compute', 'exec', deal, jobId, '--endpoint', endpoint, '--', 'sh', '-c', 'ps -eo args 2>/dev/null || ps -o args']).done).stdout.split('\n').filter((l) => /(^|\/)sleep 317$/.test(l.trim())).length
  expect(await count()).toBe(1)
  dropped.close()
  await until(async () => (await count()) === 0, 10_000, 'the dropped command to be killed')

  // Refused: a stranger's signed request (403, nothing runs), a command that is not there.
  const foreign = await nectar(['compute', 'exec', deal, jobId, '--endpoint', endpoint, '--json', '--', 'sh', '-c', 'echo ran'], {who: stranger}).done
  expect(foreign.envelope.error).toMatchObject({code: 'NOT_CONSUMER', message: expect.stringContaining('HTTP 403')})
  expect(foreign.stdout).not.toContain('ran\n')
  expect(foreign.status).toBe(1)
  const missing = await nectar(['compute', 'exec', deal, jobId, '--endpoint', endpoint, '--', 'no-such-command-here']).done
  expect(missing.status).not.toBe(0)

  // Once the job ended: 409, one line, a hint, exit 2.
  expect((await nectar(['compute', 'stop', deal, jobId, '--endpoint', endpoint]).done).status).toBe(0)
  // A follow returns once the job has ended.
  await nectar(['compute', 'logs', deal, jobId, '--follow', '--endpoint', endpoint]).done
  const ended = await nectar(['compute', 'exec', deal, jobId, '--endpoint', endpoint, '--json', '--', 'true']).done
  expect(ended.envelope.error).toMatchObject({code: 'JOB_ENDED', hint: expect.stringContaining(`nectar compute logs ${dealId}`), message: expect.stringMatching(/HTTP 409 JOB_ENDED.*has ended/)})
  expect(ended.status).toBe(2)
}

beforeAll(async () => {
  const client = sharedClient()
  m = await deployTestMarket(client)
  ;[supplier, renter, stranger] = await Promise.all([freshAccount(client), freshAccount(client), freshAccount(client)])
  dealId = await openDeal(m, supplier, renter)
  dir = mkdtempSync(path.join(os.tmpdir(), 'nectar-exec-e2e-'))
  writeFileSync(path.join(dir, 'ask.yaml'), 'duration: 1h\nprice: 0.1usd/h\nresources:\n  cpu: {cores: 1}\n')
  const configDir = path.join(dir, 'config')
  writeConfig(configDir, {network: 'devnet', networks: {devnet: {chainId: 31337, contracts: {market: m.market, profileRegistry: m.profileRegistry}, devnet: true, rpcUrl: inject('rpcUrl')}}})
  baseEnv = cliEnv({configDir, dataDir: path.join(dir, 'data')})
})

afterAll(async () => {
  await stopAll()
  if (dir) rmSync(dir, {force: true, recursive: true})
})

describe('compute exec and shell on a process job', () => {
  it(`runs a command inside the running job${sandboxed ? ' (in its bubblewrap sandbox)' : ''}: its files and env, stdout and stderr apart, its exit code, --json, --stdin, a pty's size and resize; a dropped connection kills the command; refuses a stranger and an ended job`, async () => {
    const agent = await startAgent('agent-process')
    const jobId = await startRunningJob(agent.url)
    // In the sandbox the job (and so the command) is uid 65534; without it, this user.
    await execChecks(agent.url, jobId, sandboxed ? '65534' : String(process.getuid!()))
  })

  it('without bubblewrap (the devnet allows it): the command runs in the job’s work dir with its env, and a pty still works', async () => {
    // A PATH with the tools a job and its pty use, and no bwrap.
    const bin = path.join(dir, 'no-bwrap-bin')
    mkdirSync(bin, {recursive: true})
    for (const tool of ['cat', 'head', 'id', 'ps', 'script', 'sh', 'sleep', 'stty', 'tr', 'tty', 'wc', 'yes']) symlinkSync(`/usr/bin/${tool}`, path.join(bin, tool))
    const agent = await startAgent('agent-unsandboxed', [], {PATH: bin})
    const jobId = await startRunningJob(agent.url)
    await execChecks(agent.url, jobId, String(process.getuid!()))
  })

  it('`compute shell` in a real terminal: its size and a window resize (SIGWINCH) reach the remote side; types `echo hi; exit 3`, sees hi, exits 3; Ctrl-D ends it; an unknown job and a closed deal are refused', async () => {
    const agent = await startAgent('agent-shell')
    const jobId = await startRunningJob(agent.url)
    const shell = runInPty(['compute', 'shell', String(dealId), jobId, '--endpoint', agent.url], {columns: 80, env: envFor(renter), rows: 30})
    shell.type('stty size\r')
    await shell.waitFor('30 80')
    // The window is resized as a terminal emulator does it (the size set on the pty: the kernel sends
    // nectar SIGWINCH), and the remote terminal follows.
    const cli = descendants(shell.child.pid!).find((p) => readFileSync(`/proc/${p.pid}/cmdline`, 'utf8').includes('compute\0shell'))!
    execFileSync('stty', ['-F', `/proc/${cli.pid}/fd/0`, 'cols', '100', 'rows', '40'])
    await new Promise((r) => setTimeout(r, 300))
    shell.type('stty size\r')
    await shell.waitFor('40 100')
    shell.type('echo hi; exit 3\r')
    const result = await shell.done
    // The output line (after the prompt, when the keys came before it), not the echo of what was typed.
    expect(screenLines(result.raw).some((line) => /^(\$ )?hi$/.test(line)), JSON.stringify(result.raw)).toBe(true)
    expect(result.status).toBe(3)

    // Ctrl-D ends it too (raw mode: the key reaches the remote terminal), with the shell's code 0.
    const again = runInPty(['compute', 'shell', String(dealId), jobId, '--endpoint', agent.url], {env: envFor(renter)})
    again.type('echo ready\r')
    await again.waitFor(/^(\$ )?ready$/m)
    again.type('\u0004')
    expect((await again.done).status).toBe(0)

    // Not a terminal: refused with the way to do it in a script.
    const piped = await nectar(['compute', 'shell', String(dealId), jobId, '--endpoint', agent.url]).done
    expect(piped.status).toBe(2)
    expect(piped.stderr).toContain('compute exec')

    const unknown = await nectar(['compute', 'exec', String(dealId), '999', '--endpoint', agent.url, '--json', '--', 'true']).done
    expect(unknown.envelope.error).toMatchObject({code: 'NO_SUCH_JOB', message: expect.stringContaining('HTTP 404')})
    expect(unknown.status).toBe(2)

    await closeDeal(m, renter, dealId)
    // The agent caches a deal's state for a second.
    await new Promise((r) => setTimeout(r, 1100))
    const closed = await nectar(['compute', 'exec', String(dealId), jobId, '--endpoint', agent.url, '--json', '--', 'true']).done
    expect(closed.envelope.error).toMatchObject({code: 'DEAL_CLOSED', message: expect.stringContaining('HTTP 403')})
  })
})

describe.skipIf(Boolean(engineProblem) && !containersRequired)('compute exec and shell on a container job (real engine)', () => {
  let containerDeal: bigint
  beforeAll(async () => {
    if (engineProblem) throw new Error(`NECTAR_REQUIRE_CONTAINERS=1 but there is no usable container engine: ${engineProblem}.`)
    containerDeal = await openDeal(m, supplier, renter)
  })

  it('runs a command in the job’s container: its files and env, stdout and stderr apart, its exit code, --json, --stdin, a tty’s size and resize; a dropped connection kills the command; refuses a stranger and an ended job', async () => {
    const saved = dealId
    dealId = containerDeal
    try {
      const agent = await startAgent('agent-container', ['--executor', 'container', '--allow-image', 'local/*', '--pull', 'never'])
      const jobId = await startRunningJob(agent.url, {image: IMAGE})
      await execChecks(agent.url, jobId, '65534')
    } finally {
      dealId = saved
    }
  })
})
