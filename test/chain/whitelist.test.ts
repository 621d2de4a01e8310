// Whitelist administration against a private anvil: batched reads, batch plans, role errors, event
// listings. (`whitelist add --file` killed with SIGKILL and re-run: test/e2e/whitelist-add-kill.test.ts.)
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {type Address, type LocalAccount} from 'viem'
import {generatePrivateKey, privateKeyToAccount} from 'viem/accounts'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'

import {type NectarError} from '../../src/lib/core/errors.js'
import {DEV_PRIVATE_KEYS} from '../../src/lib/devnet/accounts.js'
import {changeWhitelist} from '../../src/lib/nectar/whitelist-change.js'
import {canonicalSet, DEREGISTERED_TOPIC, getRegistrationStatuses, planWhitelistBatches, REGISTERED_TOPIC, replayMembership, whitelistBatchSize} from '../../src/lib/nectar/whitelist.js'
import {planOwnerOperation} from '../../src/lib/nectar/whitelist-admin.js'
import {freshAccount, type PrivateChain, privateChain} from '../setup/chain.js'

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
