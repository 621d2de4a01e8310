// The journaled batch sender against a real anvil: mints are sent exactly once across crashes.
import {mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {type Address, type Hex, type LocalAccount} from 'viem'
import {generatePrivateKey, privateKeyToAccount} from 'viem/accounts'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'

import {type BatchCall, hashInput, runJournaledBatch} from '../../src/lib/chain/batch.js'
import {type ChainClient} from '../../src/lib/chain/client.js'
import {nectarControllerAbi, necAbi} from '../../src/lib/contracts/generated/index.js'
import {DEV_PRIVATE_KEYS} from '../../src/lib/devnet/accounts.js'
import {type PrivateChain, privateChain} from '../setup/chain.js'

let chain: PrivateChain
let owner: LocalAccount

beforeAll(async () => {
  chain = await privateChain()
  owner = privateKeyToAccount(DEV_PRIVATE_KEYS[0])
})
afterAll(async () => chain?.stop())

function mints(count: number, seed: number): {calls: BatchCall[]; expected: Map<Address, bigint>} {
  const expected = new Map<Address, bigint>()
  const calls: BatchCall[] = []
  for (let i = 0; i < count; i++) {
    const to = privateKeyToAccount(generatePrivateKey()).address
    const tokens = BigInt(seed * 1000 + i + 1) * 10n ** 15n
    expected.set(to, tokens)
    calls.push({abi: nectarControllerAbi, address: chain.deployment.contracts.controller, args: [to, 0n, tokens], functionName: 'proxyAccountingCreation', key: `row:${i}:${to}`})
  }
  return {calls, expected}
}

async function balances(client: ChainClient, addresses: Address[]): Promise<bigint[]> {
  return Promise.all(addresses.map((a) => client.readContract({abi: necAbi, address: chain.deployment.contracts.nec, args: [a], functionName: 'balanceOf'})))
}

/** An account that dies (throws) after signing `limit` transactions: a crash between signing and journaling. */
function dyingSigner(account: LocalAccount, limit: number): LocalAccount {
  let signed = 0
  return {...account, async signTransaction(tx, options) {
    if (++signed > limit) throw new Error('simulated crash while signing')
    return account.signTransaction(tx, options)
  }} as LocalAccount
}

/** A client whose broadcasts die after `limit`: a crash after the journal recorded intents. */
function dyingClient(client: ChainClient, limit: number): ChainClient {
  let sent = 0
  return new Proxy(client, {get(target, prop, receiver) {
    if (prop === 'request') {
      return async (args: {method: string}) => {
        if (args.method === 'eth_sendRawTransaction' && ++sent > limit) throw new Error('simulated crash while broadcasting')
        return target.request(args as never)
      }
    }
    return Reflect.get(target, prop, receiver)
  }})
}

describe('runJournaledBatch', () => {
  test('sends every item once, pipelined, and a re-run sends nothing', async () => {
    const journalDir = mkdtempSync(path.join(tmpdir(), 'nectar-journal-'))
    const {calls, expected} = mints(40, 1)
    const options = {account: owner, client: chain.client, confirm: async () => {}, inputHash: hashInput(calls.map((c) => c.key)), journalDir, kind: 'test-mint', window: 16}
    const first = await runJournaledBatch(options, calls)
    expect(first.sent).toBe(40)
    expect(first.outcomes.every((o) => o.status === 'success')).toBe(true)
    expect(await balances(chain.client, [...expected.keys()])).toEqual([...expected.values()])
    let confirmed = false
    const again = await runJournaledBatch({...options, confirm: async () => {
      confirmed = true
    }}, calls)
    expect(again.sent).toBe(0)
    expect(again.resumed).toBe(40)
    expect(confirmed).toBe(false)
    expect(await balances(chain.client, [...expected.keys()])).toEqual([...expected.values()])
  })

  test.each([
    ['signing', 7],
    ['broadcasting', 23],
    ['broadcasting', 0],
  ])('a crash while %s after %i resumes to exactly one mint per item', async (phase, limit) => {
    const journalDir = mkdtempSync(path.join(tmpdir(), 'nectar-journal-'))
    const {calls, expected} = mints(30, 2 + limit)
    const base = {account: owner, client: chain.client, confirm: async () => {}, inputHash: hashInput(calls.map((c) => c.key)), journalDir, kind: 'test-mint', window: 10}
    const crashing = phase === 'signing' ? {...base, account: dyingSigner(owner, limit)} : {...base, client: dyingClient(chain.client, limit)}
    await expect(runJournaledBatch(crashing, calls)).rejects.toThrow(/simulated crash/)
    const resumed = await runJournaledBatch(base, calls)
    expect(resumed.outcomes).toHaveLength(30)
    expect(await balances(chain.client, [...expected.keys()])).toEqual([...expected.values()])
    const journal = readFileSync(resumed.journal, 'utf8').trim().split('\n').map((l) => JSON.parse(l))
    expect(journal[0].type).toBe('header')
    expect(journal.at(-1).type).toBe('complete')
  })

  test('an intent whose nonce went to another transaction is sent anew, once', async () => {
    const journalDir = mkdtempSync(path.join(tmpdir(), 'nectar-journal-'))
    const {calls, expected} = mints(5, 99)
    const base = {account: owner, client: chain.client, confirm: async () => {}, inputHash: hashInput(calls.map((c) => c.key)), journalDir, kind: 'test-mint'}
    // Journal all five intents, broadcast none.
    await expect(runJournaledBatch({...base, client: dyingClient(chain.client, 0)}, calls)).rejects.toThrow()
    // Another transaction takes the first nonce.
    const {walletFor} = await import('../../src/lib/chain/transact.js')
    const hash: Hex = await walletFor(chain.client, owner).sendTransaction({to: owner.address, value: 0n} as never)
    await chain.client.waitForTransactionReceipt({hash})
    const resumed = await runJournaledBatch(base, calls)
    expect(resumed.outcomes.filter((o) => o.status === 'success')).toHaveLength(5)
    expect(await balances(chain.client, [...expected.keys()])).toEqual([...expected.values()])
  })

  test('two runs of the same input at once: the second is refused by the lock, or waits and sends nothing', async () => {
    const journalDir = mkdtempSync(path.join(tmpdir(), 'nectar-journal-'))
    const {calls, expected} = mints(20, 123)
    const base = {account: owner, client: chain.client, confirm: async () => {}, inputHash: hashInput(calls.map((c) => c.key)), journalDir, kind: 'test-mint', window: 5}
    const first = runJournaledBatch(base, calls)
    await expect(runJournaledBatch(base, calls)).rejects.toMatchObject({code: 'RUN_LOCKED'})
    const waited = runJournaledBatch({...base, wait: true}, calls)
    const [a, b] = await Promise.all([first, waited])
    expect(a.sent).toBe(20)
    expect(b.sent).toBe(0)
    expect(b.resumed).toBe(20)
    expect(await balances(chain.client, [...expected.keys()])).toEqual([...expected.values()])
  })

  test('an item that would revert stops the run before anything is signed', async () => {
    const journalDir = mkdtempSync(path.join(tmpdir(), 'nectar-journal-'))
    const {calls} = mints(3, 7)
    const stranger = privateKeyToAccount(generatePrivateKey())
    await chain.client.request({method: 'anvil_setBalance', params: [stranger.address, '0x56BC75E2D63100000']} as never)
    const nonce = await chain.client.getTransactionCount({address: stranger.address})
    await expect(runJournaledBatch({account: stranger, client: chain.client, confirm: async () => {}, inputHash: 'x', journalDir, kind: 'test-mint'}, calls))
      .rejects.toMatchObject({code: 'BATCH_ITEM_FAILS'})
    expect(await chain.client.getTransactionCount({address: stranger.address})).toBe(nonce)
  })
})
