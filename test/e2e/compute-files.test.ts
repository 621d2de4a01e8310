// Inputs in, results out, end to end with the built CLI: a spawned `provider serve --max-upload 2MiB`
// on a chain of its own; `compute order … --job --upload --follow --pull DIR` rents, uploads, runs,
// streams the log and brings the outputs home; `compute pull` again (one path, byte-exact); an
// undeclared --path and an upload over the provider's limit are refused with exit 2, one line and a hint.
import {createHash, randomBytes} from 'node:crypto'
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {writeConfig} from '../../src/lib/config/store.js'
import {freePort} from '../../src/lib/devnet/anvil.js'
import {profileContracts} from '../../src/lib/devnet/profile.js'
import {listProviderAsks} from '../../src/lib/market/provider.js'
import {type FreshAccount, freshAccount, type PrivateChain, privateChain} from '../setup/chain.js'
import {cliEnv, type CliProcess, runCli, startCli, stopAll} from '../setup/cli.js'

let chain: PrivateChain
let provider: FreshAccount
let dir: string
let env: NodeJS.ProcessEnv
let agent: CliProcess | undefined
let dealId: string
let jobId: string
const agentLog = () => agent?.stderr() ?? ''
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')
const nectar = (args: string[]) => runCli(args, {env, timeout: 60_000})

beforeAll(async () => {
  chain = await privateChain()
  provider = await freshAccount(chain.client)
  dir = mkdtempSync(path.join(os.tmpdir(), 'nectar-files-e2e-'))
  const configDir = path.join(dir, 'config')
  writeConfig(configDir, {network: 'devnet', networks: {devnet: {chainId: 31337, contracts: profileContracts(chain.deployment), devnet: true, rpcUrl: chain.rpcUrl}}})
  env = cliEnv({configDir, dataDir: path.join(dir, 'data')})
  writeFileSync(path.join(dir, 'ask.yaml'), '- duration: 2h\n  price: 0.5usd/h\n  tag: files\n  resources:\n    cpu: {cores: 2}\n    ram: {size: 4GiB}\n')
  const port = await freePort()
  const asProvider = {...env, NECTAR_PRIVATE_KEY: provider.privateKey}
  const registered = await runCli(['provider', 'register', '--endpoint', `http://127.0.0.1:${port}`, '--yes', '--json'], {env: asProvider, timeout: 60_000})
  expect(registered.status, registered.stdout + registered.stderr).toBe(0)
  agent = startCli(['provider', 'serve', '--plan', path.join(dir, 'ask.yaml'), '--port', String(port), '--poll', '200', '--market-poll', '200', '--max-upload', '2MiB', '--json'], {env: asProvider})
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

async function listedAsk(): Promise<bigint> {
  const end = Date.now() + 20_000
  for (;;) {
    const [ask] = await listProviderAsks(chain.client, chain.deployment.contracts.market!, provider.address)
    if (ask) return ask.id
    if (Date.now() > end) throw new Error(`the agent placed no ask: ${agentLog()}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

describe('compute order --job --upload --follow --pull', () => {
  it('rents, uploads, runs, streams the log and brings the outputs home byte-exact', async () => {
    const askId = await listedAsk()
    const input = randomBytes(1024 * 1024)
    mkdirSync(path.join(dir, 'spec/data'), {recursive: true})
    writeFileSync(path.join(dir, 'spec/data/input.bin'), input)
    writeFileSync(path.join(dir, 'extra.txt'), 'extra\n')
    // The job doubles its input into out/ and writes a report; secret.txt is not an output.
    const script = 'const fs=require("fs");const b=fs.readFileSync("data/input.bin");fs.mkdirSync("out");fs.writeFileSync("out/twice.bin",Buffer.concat([b,b]));fs.writeFileSync("report.txt",fs.readFileSync("extra.txt","utf8")+b.length+"\\n");fs.writeFileSync("secret.txt","x");console.log("done",b.length)'
    const job = path.join(dir, 'spec/job.yaml')
    writeFileSync(job, `command: ${JSON.stringify(process.execPath)}\nargs: ["-e", ${JSON.stringify(script)}]\ninputs: [data]\noutputs: [out, report.txt]\n`)
    const out = path.join(dir, 'results')
    const r = await nectar(['compute', 'order', String(askId), '--duration', '1h', '--job', job, '--upload', path.join(dir, 'extra.txt'), '--follow', '--pull', out, '--account', 'dev8', '--yes', '--json'])
    expect(r.status, r.stdout + r.stderr + agentLog()).toBe(0)
    expect(r.records.slice(0, -1).map((l) => l.data)).toEqual([`done ${input.length}\n`])
    const envelope = r.records.at(-1)
    expect(envelope).toMatchObject({data: {jobEnd: {exitStatus: 0}, pulled: {files: 2, outDir: out}, upload: {stored: false}}, ok: true})
    dealId = envelope.data.deal.id
    jobId = envelope.data.job.id
    expect(sha(readFileSync(path.join(out, 'out/twice.bin')))).toBe(sha(Buffer.concat([input, input])))
    expect(readFileSync(path.join(out, 'report.txt'), 'utf8')).toBe(`extra\n${input.length}\n`)
    expect(existsSync(path.join(out, 'secret.txt'))).toBe(false)
    // The agent never saw the renter's paths: the spec it ran names the upload by its hash.
    const jobs = (await nectar(['compute', 'jobs', dealId, '--account', 'dev8', '--json'])).envelope.data.jobs
    expect(jobs[0].spec.inputs).toBeUndefined()
    expect(jobs[0].spec.upload).toMatchObject({sha256: envelope.data.upload.sha256})
  })

  it('compute pull brings one declared path home again; an undeclared one is refused with exit 2 and a hint', async () => {
    const out = path.join(dir, 'again')
    const r = await nectar(['compute', 'pull', dealId, jobId, '--path', 'report.txt', '--out', out, '--account', 'dev8'])
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toBe(`Pulled 1 file (14 B) into ${out}.\n`)
    expect(readdirSync(out)).toEqual(['report.txt'])
    const bad = await nectar(['compute', 'pull', dealId, jobId, '--path', 'secret.txt', '--out', out, '--account', 'dev8', '--json'])
    expect(bad.status).toBe(2)
    expect(bad.envelope.error).toMatchObject({code: 'PATH_NOT_DECLARED', hint: expect.stringContaining('outputs:'), message: expect.stringContaining('"secret.txt" is not among the outputs')})
  })

  it('refuses an upload over the provider’s limit before its body, with exit 2 and a hint naming the limit flag', async () => {
    writeFileSync(path.join(dir, 'big.bin'), randomBytes(3 * 1024 * 1024))
    const job = path.join(dir, 'true.yaml')
    writeFileSync(job, 'command: "true"\n')
    const r = await nectar(['compute', 'run', dealId, '--job', job, '--upload', path.join(dir, 'big.bin'), '--account', 'dev8'])
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/UPLOAD_TOO_LARGE.*at most 2 MiB/)
    expect(r.stderr).toContain('--max-upload')
    expect(agentLog()).not.toMatch(/received upload .* \(3 MiB\)/)
    const jobs = (await nectar(['compute', 'jobs', dealId, '--account', 'dev8', '--json'])).envelope.data.jobs
    expect(jobs).toHaveLength(1)
  })
})
