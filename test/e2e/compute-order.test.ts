// `nectar compute order ASK --duration … --job job.yaml --follow` end to end: a spawned `provider serve
// --plan` (a fresh provider on a chain of its own, its endpoint registered with `provider register`)
// lists the plan's ask; the renter's order opens the deal, submits the job to the agent found on
// chain, prints the job's stdout and stderr on its own stdout and stderr, and exits with its status.
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {privateKeyToAccount} from 'viem/accounts'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {writeConfig} from '../../src/lib/config/store.js'
import {DEV_PRIVATE_KEYS} from '../../src/lib/devnet/accounts.js'
import {freePort} from '../../src/lib/devnet/anvil.js'
import {profileContracts} from '../../src/lib/devnet/profile.js'
import {type FreshAccount, freshAccount, type PrivateChain, privateChain} from '../setup/chain.js'
import {cliEnv, type CliProcess, runCli, startCli, stopAll} from '../setup/cli.js'
import {listedAsk} from '../setup/market.js'

const renter = privateKeyToAccount(DEV_PRIVATE_KEYS[8]).address
let chain: PrivateChain
let provider: FreshAccount
let dir: string
let env: NodeJS.ProcessEnv
let agent: CliProcess | undefined
const agentLog = () => agent?.stderr() ?? ''

const nectar = (args: string[], extra: Record<string, string> = {}) => runCli(args, {env: {...env, ...extra}, timeout: 60_000})

beforeAll(async () => {
  chain = await privateChain()
  provider = await freshAccount(chain.client)
  dir = mkdtempSync(path.join(os.tmpdir(), 'nectar-order-e2e-'))
  const configDir = path.join(dir, 'config')
  writeConfig(configDir, {network: 'devnet', networks: {devnet: {chainId: 31337, contracts: profileContracts(chain.deployment), devnet: true, rpcUrl: chain.rpcUrl}}})
  env = cliEnv({configDir, dataDir: path.join(dir, 'data')})
  writeFileSync(path.join(dir, 'ask.yaml'), '- duration: 2h\n  price: 0.5usd/h\n  tag: e2e\n  resources:\n    cpu: {cores: 2}\n    ram: {size: 4GiB}\n')
  const port = await freePort()
  const asProvider = {NECTAR_PRIVATE_KEY: provider.privateKey}
  const registered = await nectar(['provider', 'register', '--endpoint', `http://127.0.0.1:${port}`, '--yes', '--json'], asProvider)
  expect(registered.status, registered.stdout + registered.stderr).toBe(0)
  agent = startCli(['provider', 'serve', '--plan', path.join(dir, 'ask.yaml'), '--port', String(port), '--poll', '200', '--market-poll', '200', '--json'], {env: {...env, ...asProvider}})
  await agent.firstRecord()
})

afterAll(async () => {
  if (agent) {
    agent.kill('SIGTERM')
    await agent.done
  }
  await stopAll()
  await chain?.stop()
  rmSync(dir, {force: true, recursive: true})
})

const agentAsk = () => listedAsk(chain.client, chain.deployment.contracts.market!, provider.address, agentLog)

describe('compute order --job --follow', () => {
  it('opens the deal, runs the job on the provider’s agent, prints its stdout and stderr apart and exits with its status', async () => {
    const askId = await agentAsk()
    const job = path.join(dir, 'job.yaml')
    writeFileSync(job, `command: ${JSON.stringify(process.execPath)}\nargs: [run.js]\nfiles:\n  - path: run.js\n    content: |\n      console.log("hello from the job")\n      console.error("a warning")\n      console.log("done")\n      process.exitCode = 3\n`)
    const r = await nectar(['compute', 'order', String(askId), '--duration', '1h', '--job', job, '--follow', '--account', 'dev8', '--yes'])
    expect(r.stdout).toBe('hello from the job\ndone\n')
    expect(r.stderr).toContain('a warning\n')
    expect(r.stderr).toMatch(/Deal \d+ opened/)
    expect(r.stderr).toMatch(/Job \d+ exited with code 3 after \d+ s\./)
    expect(r.status).toBe(3)
    expect(agentLog()).toMatch(/Placed ask \d+/)
  })

  it('under --json prints one record per line then the envelope; the agent lists the ask again once the first deal is closed', async () => {
    const first = (await nectar(['compute', 'deals', '--account', 'dev8', '--json'])).envelope.data.deals[0]
    const closed = await nectar(['compute', 'close', first.id, '--account', 'dev8', '--yes', '--json'])
    expect(closed.status, closed.stdout).toBe(0)
    const askId = await agentAsk()
    expect(askId).not.toBe(BigInt(first.askId))
    const job = path.join(dir, 'job.json')
    writeFileSync(job, JSON.stringify({args: ['-e', 'console.log("out"); console.error("err")'], command: process.execPath}))
    const r = await nectar(['compute', 'order', String(askId), '--duration', '1h', '--job', job, '--follow', '--account', 'dev8', '--yes', '--json'])
    expect(r.status, r.stdout + r.stderr).toBe(0)
    const lines = r.records
    expect(lines.slice(0, -1).map((l) => [l.stream, l.data])).toEqual([['stdout', 'out\n'], ['stderr', 'err\n']])
    expect(lines.at(-1)).toMatchObject({data: {deal: {askId: String(askId), status: 'accepted'}, jobEnd: {exitStatus: 0}}, ok: true})
  })

  it('refuses a bad job spec with exit 2 before anything is sent (nonce unchanged)', async () => {
    // The agent lists the ask again only after the deal ends; any active ask id will do for the check.
    const bad = path.join(dir, 'bad.yaml')
    writeFileSync(bad, 'command: sh\nargs: [-c, "echo hi"]\ncomand: typo\n')
    const nonce = await chain.client.getTransactionCount({address: renter})
    const r = await nectar(['compute', 'order', '1', '--duration', '1h', '--job', bad, '--follow', '--account', 'dev8', '--yes', '--json'])
    expect(r.status).toBe(2)
    expect(r.envelope.error).toMatchObject({code: 'INVALID_JOB_SPEC', message: expect.stringMatching(/bad\.yaml line 3: unknown field "comand"/)})
    expect(await chain.client.getTransactionCount({address: renter})).toBe(nonce)
  })
})
