// Whitelist administration against private anvils: batched reads, batch plans, role errors, event
// listings, and `whitelist add --file` killed with SIGKILL at several points and re-run.
import {spawn} from 'node:child_process'
import {existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {type Address, type LocalAccount} from 'viem'
import {generatePrivateKey, privateKeyToAccount} from 'viem/accounts'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'

import {type NectarError} from '../../src/lib/core/errors.js'
import {DEVNET, DEVNET_CHAIN_ID} from '../../src/lib/config/networks.js'
import {writeConfig} from '../../src/lib/config/store.js'
import {nectarControllerAbi} from '../../src/lib/contracts/generated/index.js'
import {DEV_PRIVATE_KEYS} from '../../src/lib/devnet/accounts.js'
import {profileContracts} from '../../src/lib/devnet/profile.js'
import {changeWhitelist} from '../../src/lib/nectar/whitelist-change.js'
import {canonicalSet, DEREGISTERED_TOPIC, getRegistrationStatuses, planWhitelistBatches, REGISTERED_TOPIC, replayMembership, whitelistBatchSize} from '../../src/lib/nectar/whitelist.js'
import {planOwnerOperation} from '../../src/lib/nectar/whitelist-admin.js'
import {freshAccount, type PrivateChain, privateChain} from '../setup/chain.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const BIN = path.join(root, 'bin', 'run.js')

let chain: PrivateChain
let owner: LocalAccount
let controller: Address

beforeAll(async () => {
  chain = await privateChain()
  owner = privateKeyToAccount(DEV_PRIVATE_KEYS[0])
  controller = chain.deployment.contracts.controller
})
afterAll(async () => chain?.stop())

const randomAddresses = (n: number): Address[] => Array.from({length: n}, () => privateKeyToAccount(generatePrivateKey()).address)
const yes = async () => {}

describe('whitelist library', () => {
  test('batched status reads match getRegistrationStatus one by one', async () => {
    const addresses = [...chain.deployment.registered, ...randomAddresses(3000)]
    const statuses = await getRegistrationStatuses(chain.client, {addresses, controller})
    expect(statuses.slice(0, chain.deployment.registered.length).every(Boolean)).toBe(true)
    expect(statuses.slice(chain.deployment.registered.length).some(Boolean)).toBe(false)
  })

  test('batch size stays well inside the block gas limit and 10,000 addresses need at most 25 transactions', () => {
    const size = whitelistBatchSize(30_000_000n)
    expect(Math.ceil(10_000 / size)).toBeLessThanOrEqual(25)
    expect(BigInt(size) * 24_300n).toBeLessThan(30_000_000n / 2n)
    const {sorted} = canonicalSet(randomAddresses(10))
    const plan = planWhitelistBatches(sorted, sorted.map((_, i) => i % 3 === 0), 4, 'k')
    // Slices are fixed by the input: a done address leaves its slice smaller, it never shifts others.
    expect(plan.batches.map((b) => b.key)).toEqual(['k:0:4', 'k:1:4', 'k:2:4'])
    expect(plan.batches.flatMap((b) => b.addresses)).toEqual(sorted.filter((_, i) => i % 3 !== 0))
  })

  test('add then remove in batches; duplicates merged; already-present skipped; listing replays events', async () => {
    const journalDir = mkdtempSync(path.join(tmpdir(), 'nectar-wl-'))
    const wanted = randomAddresses(95)
    const addresses = [...wanted, wanted[0], wanted[1], chain.deployment.registered[1]]
    const added = await changeWhitelist(chain.client, {action: 'add', addresses, batchSize: 20, controller, journalDir}, {account: owner, confirm: yes})
    expect(added.duplicates).toBe(2)
    expect(added.already).toEqual([chain.deployment.registered[1]])
    expect(added.changed.length).toBe(95)
    expect(added.transactions).toBe(5) // 96 unique in slices of 20; the already-registered one needs no send
    expect((await getRegistrationStatuses(chain.client, {addresses: wanted, controller})).every(Boolean)).toBe(true)
    const {members} = await replayMembership(chain.client, {added: REGISTERED_TOPIC, removed: DEREGISTERED_TOPIC}, {controller, pageSize: 3n})
    expect(new Set(members)).toEqual(new Set([...chain.deployment.registered, ...wanted]))

    const again = await changeWhitelist(chain.client, {action: 'add', addresses, batchSize: 20, controller, journalDir}, {account: owner, confirm: async () => {
      throw new Error('must not ask: nothing to send')
    }})
    expect(again.transactions).toBe(0)
    expect(again.already.length).toBe(96)

    const removed = await changeWhitelist(chain.client, {action: 'remove', addresses: wanted.slice(0, 30), controller, journalDir}, {account: owner, confirm: yes})
    expect(removed.changed.length).toBe(30)
    expect(removed.transactions).toBe(1)
    expect((await getRegistrationStatuses(chain.client, {addresses: wanted.slice(0, 30), controller})).some(Boolean)).toBe(false)
    // The same add input again after the removal: the finished journal is set aside, the 30 are re-registered.
    const readd = await changeWhitelist(chain.client, {action: 'add', addresses, batchSize: 20, controller, journalDir}, {account: owner, confirm: yes})
    expect(readd.changed.length).toBe(30)
    expect((await getRegistrationStatuses(chain.client, {addresses: wanted, controller})).every(Boolean)).toBe(true)
  })

  test('role errors name the missing role before any transaction', async () => {
    const {account, address} = await freshAccount(chain.client)
    const error = (await changeWhitelist(chain.client, {action: 'add', addresses: randomAddresses(2), controller, journalDir: tmpdir()}, {account, confirm: yes}).catch((e) => e)) as NectarError
    expect(error.code).toBe('NOT_ADMIN')
    expect(error.message).toContain('not a whitelist admin')
    for (const op of [{active: false, kind: 'activate'}, {kind: 'addAdmin', target: address}, {kind: 'authoriseMaker', target: address}] as const) {
      const e = (await planOwnerOperation(chain.client, {account: address, controller, op}).catch((x) => x)) as NectarError
      expect(e.code).toBe('NOT_OWNER')
    }
    expect(await chain.client.getTransactionCount({address})).toBe(0)
    const notAdmin = (await planOwnerOperation(chain.client, {account: owner.address, controller, op: {kind: 'removeAdmin', target: address}}).catch((x) => x)) as NectarError
    expect(notAdmin.code).toBe('ADMIN_NOT_FOUND')
  })
})

describe('whitelist add --file, killed with SIGKILL and re-run', () => {
  test('ends with exactly the wanted set, one register transaction per batch, none twice', async () => {
    // Its own chain: the owner's nonce counts the register transactions exactly.
    const own = await privateChain()
    try {
      const dir = mkdtempSync(path.join(tmpdir(), 'nectar-wl-kill-'))
      const configDir = path.join(dir, 'config')
      const dataDir = path.join(dir, 'data')
      writeConfig(configDir, {network: DEVNET, networks: {[DEVNET]: {chainId: DEVNET_CHAIN_ID, contracts: profileContracts(own.deployment), devnet: true, rpcUrl: own.rpcUrl}}})
      const env = {...process.env, NECTAR_CONFIG_DIR: configDir, NECTAR_DATA_DIR: dataDir, NO_COLOR: '1'}
      delete env.NECTAR_RPC_URL
      delete env.ETH_RPC_URL
      delete env.NECTAR_ACCOUNT
      delete env.NECTAR_PRIVATE_KEY
      const wanted = randomAddresses(600)
      const file = path.join(dir, 'list.txt')
      writeFileSync(file, ['address', ...wanted, wanted[5].toLowerCase(), '# comment', ''].join('\n'))
      const batchSize = 20
      const batches = Math.ceil(600 / batchSize)
      const start = await own.client.getTransactionCount({address: owner.address})
      const journalDir = path.join(dataDir, 'journals')
      const journalLines = () => {
        if (!existsSync(journalDir)) return 0
        return readdirSync(journalDir).filter((f) => f.endsWith('.jsonl')).reduce((n, f) => n + readFileSync(path.join(journalDir, f), 'utf8').split('\n').filter(Boolean).length, 0)
      }
      const run = (killAt?: number, resume = false) => new Promise<{code: null | number; killed: boolean; stdout: string}>((resolve) => {
        const child = spawn(process.execPath, [BIN, 'whitelist', 'add', '--file', file, '--batch-size', String(batchSize), '--yes', '--json', ...(resume ? ['--resume'] : [])], {env, stdio: ['ignore', 'pipe', 'pipe']})
        let stdout = ''
        child.stdout.on('data', (d) => (stdout += d))
        let killed = false
        const timer = killAt === undefined ? undefined : setInterval(() => {
          if (journalLines() >= killAt) {
            killed = child.kill('SIGKILL')
            clearInterval(timer)
          }
        }, 1)
        child.on('exit', (code) => {
          if (timer) clearInterval(timer)
          resolve({code, killed, stdout})
        })
      })
      // Kill points, as journal lines written so far: header only, mid-window intents, after some
      // outcomes, deep into the run. Each run resumes the journal the killed one left.
      let kills = 0
      for (const [i, at] of [1, 3, 12, 20, 30, 44].entries()) {
        const r = await run(at, i % 2 === 1)
        if (r.killed) kills++
        if (process.env.NECTAR_TEST_VERBOSE) console.log(`kill at ${at}: killed=${r.killed} lines=${journalLines()} nonce=${await own.client.getTransactionCount({address: owner.address}) - start}`)
      }
      const final = await run()
      expect(final.code).toBe(0)
      const envelope = JSON.parse(final.stdout)
      expect(envelope.ok).toBe(true)
      expect(envelope.data.invalid).toBe(0)
      expect(envelope.data.duplicates).toBe(1)
      expect(kills).toBeGreaterThanOrEqual(3)
      const statuses = await getRegistrationStatuses(own.client, {addresses: wanted, controller: own.deployment.contracts.controller})
      expect(statuses.every(Boolean)).toBe(true)
      // Exactly the wanted set was added: the event-sourced list is the seeded one plus the file.
      const {members} = await replayMembership(own.client, {added: REGISTERED_TOPIC, removed: DEREGISTERED_TOPIC}, {controller: own.deployment.contracts.controller})
      expect(new Set(members)).toEqual(new Set([...own.deployment.registered, ...wanted]))
      // One register transaction per batch was mined, none twice.
      expect(await own.client.getTransactionCount({address: owner.address})).toBe(start + batches)
      const again = await run()
      expect(JSON.parse(again.stdout).data).toMatchObject({added: 0, alreadyPresent: 600, transactions: 0})
      expect(await own.client.getTransactionCount({address: owner.address})).toBe(start + batches)
      void nectarControllerAbi
    } finally {
      await own.stop()
    }
  }, 120_000)
})
