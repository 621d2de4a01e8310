// `rewards issue` decides what is done from the chain, not from its journal: with the journal
// truncated mid-file or deleted, a re-run mints nobody twice (balances prove it); the same maker and
// amount minted twice in the window stops the run before anything is sent; two runs at once, one is
// refused by the lock and waits with --wait. Spawns the BUILT bin/run.js against a private anvil where dev0 owns the controller.
import {spawn} from 'node:child_process'
import {mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {type Address} from 'viem'
import {generatePrivateKey, privateKeyToAccount} from 'viem/accounts'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {transact, writeCall} from '../../src/lib/chain/transact.js'
import {DEVNET, DEVNET_CHAIN_ID} from '../../src/lib/config/networks.js'
import {writeConfig} from '../../src/lib/config/store.js'
import {nectarControllerAbi} from '../../src/lib/contracts/generated/index.js'
import {DEV_PRIVATE_KEYS} from '../../src/lib/devnet/accounts.js'
import {profileContracts} from '../../src/lib/devnet/profile.js'
import {getBalances} from '../../src/lib/nectar/reads.js'
import {type PrivateChain, privateChain} from '../setup/chain.js'
import {cliEnv, runCli, startCli, stopAll} from '../setup/cli.js'

const MAKERS = 300

let chain: PrivateChain
let env: NodeJS.ProcessEnv
let dir: string
let makers: Address[]
let allocations: string
let expected: Map<string, bigint>

beforeAll(async () => {
  chain = await privateChain()
  dir = mkdtempSync(path.join(os.tmpdir(), 'nectar-issue-chain-'))
  const configDir = path.join(dir, 'config')
  writeConfig(configDir, {network: DEVNET, networks: {[DEVNET]: {chainId: DEVNET_CHAIN_ID, contracts: profileContracts(chain.deployment), devnet: true, rpcUrl: chain.rpcUrl}}})
  env = cliEnv({configDir, dataDir: path.join(dir, 'data')})
  makers = Array.from({length: MAKERS}, () => privateKeyToAccount(generatePrivateKey()).address)
  const volumes = path.join(dir, 'volumes.csv')
  writeFileSync(volumes, makers.map((m, i) => `${m},${(i % 13) + 1}.${i}`).join('\n') + '\n')
  allocations = path.join(dir, 'allocations.csv')
  const made = await runCli(['rewards', 'distribute', '--volumes', volumes, '--fees', '321.5', '--out', allocations, '--json'], {env})
  expect(made.status, made.stdout + made.stderr).toBe(0)
  expected = new Map(readFileSync(allocations, 'utf8').trim().split('\n').slice(1).map((line) => {
    const cells = line.split(',')
    return [cells[0].toLowerCase(), BigInt(cells[3])] as const
  }))
}, 120_000)

afterAll(async () => {
  await stopAll()
  await chain?.stop()
  rmSync(dir, {force: true, recursive: true})
})

const issue = () => runCli(['rewards', 'issue', '--allocations', allocations, '--yes', '--json'], {env})
const journals = () => readdirSync(path.join(dir, 'data', 'journals')).filter((f) => f.startsWith('rewards-issue') && f.endsWith('.jsonl')).map((f) => path.join(dir, 'data', 'journals', f))

async function balancesAreExactlyTheAllocations(): Promise<void> {
  const balances = await getBalances(chain.client, {addresses: makers, nec: chain.deployment.contracts.nec})
  const wrong = makers.filter((maker, i) => balances[i] !== expected.get(maker.toLowerCase()))
  expect(wrong).toEqual([])
}

describe('rewards issue against the chain’s record', () => {
  it('a run while another holds the lock is refused naming its pid; with --wait it waits, then sends nothing twice', async () => {
    const first = await issue()
    expect(first.status, first.stderr).toBe(0)
    expect(first.envelope.data.sent).toBe(MAKERS)
    await balancesAreExactlyTheAllocations()
    // Another run of the same input, alive (a process that holds the lock as a run would).
    const holder = spawn('sleep', ['30'])
    const lock = `${journals()[0]}.lock`
    writeFileSync(lock, JSON.stringify({host: os.hostname(), pid: holder.pid, since: new Date().toISOString()}))
    const refused = await issue()
    expect(refused.status).toBe(1)
    expect(refused.envelope.error.code).toBe('RUN_LOCKED')
    expect(refused.envelope.error.message).toContain(`pid ${holder.pid}`)
    const waiting = startCli(['rewards', 'issue', '--allocations', allocations, '--yes', '--wait', '--json'], {env})
    await new Promise((resolve) => setTimeout(resolve, 1500))
    expect(waiting.child.exitCode).toBeNull()
    holder.kill('SIGKILL') // the holder dies: its lock is taken over
    const waited = await waiting.done
    expect(waited.status, waited.stderr).toBe(0)
    expect(waited.envelope.data.sent).toBe(0)
    await balancesAreExactlyTheAllocations()
  }, 120_000)

  it('with the journal truncated mid-file, a re-run mints nobody twice', async () => {
    const [journal] = journals()
    const text = readFileSync(journal, 'utf8')
    writeFileSync(journal, text.slice(0, Math.floor(text.length / 2)))
    const again = await issue()
    expect(again.status, again.stderr).toBe(0)
    expect(again.envelope.data.sent).toBe(0)
    expect(again.envelope.data.verified).toBe(true)
    await balancesAreExactlyTheAllocations()
  }, 120_000)

  it('with the journal deleted, a re-run mints nobody twice', async () => {
    for (const file of journals()) rmSync(file)
    const again = await issue()
    expect(again.status, again.stderr).toBe(0)
    expect(again.envelope.data.sent).toBe(0)
    await balancesAreExactlyTheAllocations()
  }, 120_000)

  it('stops before sending anything when a maker already got its amount twice', async () => {
    const owner = privateKeyToAccount(DEV_PRIVATE_KEYS[0])
    const maker = makers[7]
    const tokens = expected.get(maker.toLowerCase())!
    // A hand-made second mint of exactly the row's amount (as a mistaken second run would make).
    await transact(chain.client, 'mint again', writeCall({abi: nectarControllerAbi, address: chain.deployment.contracts.controller, args: [maker, 0n, tokens], functionName: 'proxyAccountingCreation'}), {account: owner, confirm: async () => {}})
    const nonce = await chain.client.getTransactionCount({address: owner.address})
    for (const file of journals()) rmSync(file)
    const refused = await issue()
    expect(refused.status).toBe(1)
    expect(refused.envelope.error.code).toBe('ISSUANCE_AMBIGUOUS')
    expect(refused.envelope.error.details.join('\n')).toContain(maker)
    expect(await chain.client.getTransactionCount({address: owner.address})).toBe(nonce)
  }, 120_000)
})

