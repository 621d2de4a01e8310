// kill -9 at several points of `nectar rewards issue`, then re-runs to completion: every maker's
// balance has grown by exactly its allocation (no row minted twice, none skipped). Spawns the BUILT
// bin/run.js against a private anvil where dev0 owns the controller.
import {existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {type Address} from 'viem'
import {generatePrivateKey, privateKeyToAccount} from 'viem/accounts'
import {afterAll, beforeAll, expect, test} from 'vitest'

import {DEVNET, DEVNET_CHAIN_ID} from '../../src/lib/config/networks.js'
import {writeConfig} from '../../src/lib/config/store.js'
import {profileContracts} from '../../src/lib/devnet/profile.js'
import {getBalances} from '../../src/lib/nectar/reads.js'
import {type PrivateChain, privateChain} from '../setup/chain.js'
import {cliEnv, runCli, startCli, stopAll} from '../setup/cli.js'

const MAKERS = 400

let chain: PrivateChain
let env: NodeJS.ProcessEnv
let dir: string
beforeAll(async () => {
  chain = await privateChain()
  dir = mkdtempSync(path.join(os.tmpdir(), 'nectar-issue-kill-'))
  const configDir = path.join(dir, 'config')
  writeConfig(configDir, {network: DEVNET, networks: {[DEVNET]: {chainId: DEVNET_CHAIN_ID, contracts: profileContracts(chain.deployment), devnet: true, rpcUrl: chain.rpcUrl}}})
  env = cliEnv({configDir, dataDir: path.join(dir, 'data')})
}, 60_000)
afterAll(async () => {
  await stopAll()
  await chain?.stop()
})

/**
 * Runs `bin/run.js args` and SIGKILLs it after `ms`, or as soon as the journal holds `intents` more
 * intent records than when it started (polled every 2 ms); resolves when it has exited.
 */
async function runAndKill(args: string[], {intents, ms}: {intents?: number; ms?: number}): Promise<{killed: boolean}> {
  const start = countIntents()
  const run = startCli(args, {env, timeout: ms})
  const poll = intents === undefined ? undefined : setInterval(() => {
    if (countIntents() - start >= intents) run.kill('SIGKILL')
  }, 2)
  const {signal} = await run.done
  clearInterval(poll)
  return {killed: signal === 'SIGKILL'}
}

const countIntents = () => journalLines().filter((l) => l.includes('"intent"')).length

function journalLines(): string[] {
  const journals = path.join(dir, 'data', 'journals')
  if (!existsSync(journals)) return []
  return readdirSync(journals).filter((f) => f.endsWith('.jsonl')).flatMap((f) => readFileSync(path.join(journals, f), 'utf8').split('\n').filter(Boolean))
}

test('killed with SIGKILL at several points, re-run to completion: every row minted exactly once', async () => {
  const makers: Address[] = Array.from({length: MAKERS}, () => privateKeyToAccount(generatePrivateKey()).address)
  const volumes = path.join(dir, 'volumes.csv')
  writeFileSync(volumes, makers.map((m, i) => `${m},${(i % 17) + 1}.${i}`).join('\n') + '\n')
  const allocations = path.join(dir, 'allocations.csv')
  const made = await runCli(['rewards', 'distribute', '--volumes', volumes, '--fees', '1234.5', '--out', allocations, '--json'], {env})
  expect(made.status, made.stdout + made.stderr).toBe(0)
  const expected = new Map(readFileSync(allocations, 'utf8').trim().split('\n').slice(1).map((l) => {
    const c = l.split(',')
    return [c[0], BigInt(c[3])] as const
  }))
  const nec = chain.deployment.contracts.nec
  const before = await getBalances(chain.client, {addresses: makers, nec})
  expect(before.every((b) => b === 0n)).toBe(true)

  const args = ['rewards', 'issue', '--allocations', allocations, '--yes', '--json']
  const kills: Array<{intents: number; killed: boolean; ms: number; outcomes: number}> = []
  // Early kills (start-up, checks, before anything is signed), then kills triggered by journal growth
  // (right after intents were fsynced: mid-window, with transactions signed but not all broadcast or mined).
  const plan: Array<{intents?: number; ms?: number}> = [{ms: 300}, {ms: 900}, {intents: 1}, {intents: 70}, {intents: 64}, {intents: 100}, {ms: 1500}]
  for (const step of plan) {
    const {killed} = await runAndKill(args, step)
    const lines = journalLines()
    kills.push({intents: lines.filter((l) => l.includes('"intent"')).length, killed, ms: step.ms ?? -1, outcomes: lines.filter((l) => l.includes('"outcome"')).length})
    if (!killed) break
  }
  // At least one kill landed after some transactions were journaled and before the run finished.
  expect(kills.filter((k) => k.killed && k.intents > 0 && k.intents < MAKERS).length, JSON.stringify(kills)).toBeGreaterThanOrEqual(3)

  const final = await runCli(args, {env})
  expect(final.status, final.stdout + final.stderr).toBe(0)
  const result = final.envelope.data
  expect(result.verified).toBe(true)
  expect(result.transactions).toBe(MAKERS)

  const after = await getBalances(chain.client, {addresses: makers, nec})
  makers.forEach((m, i) => expect(after[i] - before[i], m).toBe(expected.get(m.toLowerCase())))
  expect(after.reduce((a, b) => a + b, 0n)).toBe([...expected.values()].reduce((a, b) => a + b, 0n))
  console.log(`kills: ${JSON.stringify(kills)}; final run sent ${result.sent}, resumed ${result.resumed}`)
}, 180_000)
