// kill -9 at several points of `nectar whitelist add --file`, each run resuming the journal the killed
// one left, then a run to completion: exactly the wanted set is registered, one register transaction
// per batch, none twice. Spawns the BUILT bin/run.js against a private anvil where dev0 owns the
// controller (so the owner's nonce counts the register transactions exactly).
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {type Address} from 'viem'
import {generatePrivateKey, privateKeyToAccount} from 'viem/accounts'
import {afterAll, beforeAll, expect, test} from 'vitest'

import {DEVNET, DEVNET_CHAIN_ID} from '../../src/lib/config/networks.js'
import {writeConfig} from '../../src/lib/config/store.js'
import {DEV_PRIVATE_KEYS} from '../../src/lib/devnet/accounts.js'
import {profileContracts} from '../../src/lib/devnet/profile.js'
import {DEREGISTERED_TOPIC, getRegistrationStatuses, REGISTERED_TOPIC, replayMembership} from '../../src/lib/nectar/whitelist.js'
import {type PrivateChain, privateChain} from '../setup/chain.js'
import {cliEnv, runCli, startCli, stopAll} from '../setup/cli.js'

const owner = privateKeyToAccount(DEV_PRIVATE_KEYS[0])
let chain: PrivateChain
let dir: string
let env: NodeJS.ProcessEnv

beforeAll(async () => {
  chain = await privateChain()
  dir = mkdtempSync(path.join(tmpdir(), 'nectar-wl-kill-'))
  const configDir = path.join(dir, 'config')
  writeConfig(configDir, {network: DEVNET, networks: {[DEVNET]: {chainId: DEVNET_CHAIN_ID, contracts: profileContracts(chain.deployment), devnet: true, rpcUrl: chain.rpcUrl}}})
  env = cliEnv({configDir, dataDir: path.join(dir, 'data')})
})
afterAll(async () => {
  await stopAll()
  await chain?.stop()
  if (dir) rmSync(dir, {force: true, recursive: true})
})

const randomAddresses = (n: number): Address[] => Array.from({length: n}, () => privateKeyToAccount(generatePrivateKey()).address)

test('ends with exactly the wanted set, one register transaction per batch, none twice', async () => {
  const wanted = randomAddresses(600)
  const file = path.join(dir, 'list.txt')
  writeFileSync(file, ['address', ...wanted, wanted[5].toLowerCase(), '# comment', ''].join('\n'))
  const batchSize = 20
  const batches = Math.ceil(600 / batchSize)
  const start = await chain.client.getTransactionCount({address: owner.address})
  const journalDir = path.join(dir, 'data', 'journals')
  const journalLines = () => {
    if (!existsSync(journalDir)) return 0
    return readdirSync(journalDir).filter((f) => f.endsWith('.jsonl')).reduce((n, f) => n + readFileSync(path.join(journalDir, f), 'utf8').split('\n').filter(Boolean).length, 0)
  }
  const args = (resume: boolean) => ['whitelist', 'add', '--file', file, '--batch-size', String(batchSize), '--yes', '--json', ...(resume ? ['--resume'] : [])]
  /** Runs once, SIGKILLed as soon as the journal holds `killAt` lines (polled every 1 ms). */
  const runKilledAt = async (killAt: number, resume: boolean): Promise<boolean> => {
    const run = startCli(args(resume), {env})
    const timer = setInterval(() => {
      if (journalLines() >= killAt) {
        run.kill('SIGKILL')
        clearInterval(timer)
      }
    }, 1)
    const {signal} = await run.done
    clearInterval(timer)
    return signal === 'SIGKILL'
  }
  // Kill points, as journal lines written so far: header only, mid-window intents, after some
  // outcomes, deep into the run. Each run resumes the journal the killed one left.
  let kills = 0
  for (const [i, at] of [1, 3, 12, 20, 30, 44].entries()) {
    if (await runKilledAt(at, i % 2 === 1)) kills++
    if (process.env.NECTAR_TEST_VERBOSE) console.log(`kill at ${at}: lines=${journalLines()} nonce=${(await chain.client.getTransactionCount({address: owner.address})) - start}`)
  }
  const final = await runCli(args(false), {env})
  expect(final.status, final.stdout + final.stderr).toBe(0)
  expect(final.envelope.ok).toBe(true)
  expect(final.envelope.data.invalid).toBe(0)
  expect(final.envelope.data.duplicates).toBe(1)
  expect(kills).toBeGreaterThanOrEqual(3)
  const controller = chain.deployment.contracts.controller
  const statuses = await getRegistrationStatuses(chain.client, {addresses: wanted, controller})
  expect(statuses.every(Boolean)).toBe(true)
  // Exactly the wanted set was added: the event-sourced list is the seeded one plus the file.
  const {members} = await replayMembership(chain.client, {added: REGISTERED_TOPIC, removed: DEREGISTERED_TOPIC}, {controller})
  expect(new Set(members)).toEqual(new Set([...chain.deployment.registered, ...wanted]))
  // One register transaction per batch was mined, none twice.
  expect(await chain.client.getTransactionCount({address: owner.address})).toBe(start + batches)
  const again = await runCli(args(false), {env})
  expect(again.envelope.data).toMatchObject({added: 0, alreadyPresent: 600, transactions: 0})
  expect(await chain.client.getTransactionCount({address: owner.address})).toBe(start + batches)
}, 120_000)
