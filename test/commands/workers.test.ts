// `provider worker add|confirm|remove|list` and who gets paid (`compute offers`, `provider offer list`,
// `compute deals|deal|bill|close`), built commands in-process against a market of the file's own on the
// shared anvil. Refusals are checked to send nothing (the signer's nonce does not move).
import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {type Address} from 'viem'
import {inject} from 'vitest'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {writeConfig} from '../../src/lib/config/store.js'
import {marketAbi} from '../../src/lib/contracts/generated/Market.js'
import {snmAbi} from '../../src/lib/contracts/generated/SNM.js'
import {type FreshAccount, freshAccount, sharedClient} from '../setup/chain.js'
import {deployTestMarket, openDeal, placeAsk, type TestMarket} from '../setup/market.js'
import {runJson} from '../setup/run-json.js'

const client = sharedClient()
let m: TestMarket
let root: string
const previous = {config: process.env.NECTAR_CONFIG_DIR, data: process.env.NECTAR_DATA_DIR, key: process.env.NECTAR_PRIVATE_KEY}

const fresh = () => freshAccount(client)
const nonce = (who: FreshAccount) => client.getTransactionCount({address: who.address})
const snmOf = (who: Address) => client.readContract({abi: snmAbi, address: m.snm, args: [who], functionName: 'balanceOf'})
const getMaster = (who: Address) => client.readContract({abi: marketAbi, address: m.market, args: [who], functionName: 'GetMaster'})
/** The address with the case of its first hex letter flipped: still mixed case, no longer EIP-55. */
const badChecksum = (a: Address) => a.replace(/[a-fA-F]/, (c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()))
/** A command signed by `who`. */
const as = (who: FreshAccount, args: string[]) => runJson([...args, '--private-key', who.privateKey, '--yes'])

async function bind(worker: FreshAccount, master: FreshAccount): Promise<void> {
  expect((await as(worker, ['provider', 'worker', 'add', master.address])).exitCode).toBe(0)
  expect((await as(master, ['provider', 'worker', 'confirm', worker.address])).exitCode).toBe(0)
}

beforeAll(async () => {
  m = await deployTestMarket(client)
  root = mkdtempSync(path.join(os.tmpdir(), 'nectar-workers-cmd-'))
  const configDir = path.join(root, 'config')
  writeConfig(configDir, {
    network: 'devnet',
    networks: {devnet: {chainId: 31337, contracts: {blacklist: m.blacklist, market: m.market, oracle: m.oracle, profileRegistry: m.profileRegistry, snm: m.snm}, devnet: true, rpcUrl: inject('rpcUrl')}},
  })
  process.env.NECTAR_CONFIG_DIR = configDir
  process.env.NECTAR_DATA_DIR = path.join(root, 'data')
  delete process.env.NECTAR_PRIVATE_KEY
})

afterAll(() => {
  for (const [name, value] of [['NECTAR_CONFIG_DIR', previous.config], ['NECTAR_DATA_DIR', previous.data], ['NECTAR_PRIVATE_KEY', previous.key]] as const) {
    if (value === undefined) delete process.env[name]
    else process.env[name] = value
  }
  rmSync(root, {force: true, recursive: true})
})

describe('provider worker', () => {
  it('add → list (pending) → confirm → list (confirmed) → remove by the master, each checked on chain', async () => {
    const [master, worker] = await Promise.all([fresh(), fresh()])
    const added = await as(worker, ['provider', 'worker', 'add', master.address])
    expect(added.exitCode).toBe(0)
    expect(added.envelope.data).toMatchObject({master: master.address, txHash: expect.stringMatching(/^0x[0-9a-f]{64}$/), worker: worker.address})
    const again = await as(worker, ['provider', 'worker', 'add', master.address.toLowerCase()])
    expect(again.envelope.data.txHash).toBeNull()

    const pending = await runJson(['provider', 'worker', 'list', '--account', master.address])
    expect(pending.envelope.data).toEqual({master: master.address, masterOf: null, workers: [{address: worker.address, status: 'pending', workerOf: null}]})

    const confirmed = await as(master, ['provider', 'worker', 'confirm', worker.address])
    expect(confirmed.exitCode).toBe(0)
    expect(confirmed.envelope.data.txHash).toMatch(/^0x/)
    expect(await getMaster(worker.address)).toBe(master.address)
    const listed = await runJson(['provider', 'worker', 'list', '--master', master.address])
    expect(listed.envelope.data.workers).toEqual([{address: worker.address, status: 'confirmed', workerOf: null}])
    expect((await runJson(['provider', 'worker', 'list', '--account', worker.address])).envelope.data.masterOf).toBe(master.address)

    const removed = await as(master, ['provider', 'worker', 'remove', worker.address])
    expect(removed.exitCode).toBe(0)
    expect(removed.envelope.data.master).toBe(master.address)
    expect(await getMaster(worker.address)).toBe(worker.address)
    expect((await runJson(['provider', 'worker', 'list', '--master', master.address])).envelope.data.workers).toEqual([])
  })

  it('the worker removes itself (its master found on chain, or named with --master)', async () => {
    const [master, worker] = await Promise.all([fresh(), fresh()])
    await bind(worker, master)
    const removed = await as(worker, ['provider', 'worker', 'remove', worker.address, '--master', master.address])
    expect(removed.exitCode).toBe(0)
    expect(await getMaster(worker.address)).toBe(worker.address)
  })

  const cases: Array<[string, (w: Record<'master' | 'master2' | 'newcomer' | 'worker', FreshAccount>) => [FreshAccount, string[]], string, number]> = [
    ['a master that is not an address', (w) => [w.newcomer, ['provider', 'worker', 'add', '0x1234']], 'INVALID_ADDRESS', 2],
    ['a bad checksum', (w) => [w.newcomer, ['provider', 'worker', 'add', badChecksum(w.master.address)]], 'BAD_CHECKSUM', 2],
    ['oneself as master', (w) => [w.newcomer, ['provider', 'worker', 'add', w.newcomer.address]], 'OWN_MASTER', 2],
    ['a worker that already has a master', (w) => [w.worker, ['provider', 'worker', 'add', w.master2.address]], 'ALREADY_A_WORKER', 1],
    ['a master that is itself a worker', (w) => [w.newcomer, ['provider', 'worker', 'add', w.worker.address]], 'MASTER_IS_A_WORKER', 1],
    ['a master asking to be a worker', (w) => [w.master, ['provider', 'worker', 'add', w.master2.address]], 'IS_A_MASTER', 1],
    ['confirming with no pending request', (w) => [w.master2, ['provider', 'worker', 'confirm', w.newcomer.address]], 'NO_WORKER_REQUEST', 1],
    ['confirming a worker that has a master', (w) => [w.master2, ['provider', 'worker', 'confirm', w.worker.address]], 'WORKER_HAS_MASTER', 1],
    ['removing a worker that is not this master’s', (w) => [w.master2, ['provider', 'worker', 'remove', w.worker.address]], 'NOT_YOUR_WORKER', 1],
    ['removing with a wrong --master', (w) => [w.worker, ['provider', 'worker', 'remove', w.worker.address, '--master', w.master2.address]], 'NOT_YOUR_WORKER', 1],
    ['a bad --master', (w) => [w.worker, ['provider', 'worker', 'remove', w.worker.address, '--master', 'nope']], 'INVALID_ADDRESS', 2],
  ]
  it.each(cases)('refuses %s with its code and exit status, sending nothing', async (_, make, code, exit) => {
    const [master, master2, newcomer, worker] = await Promise.all([fresh(), fresh(), fresh(), fresh()])
    await bind(worker, master)
    const [signer, args] = make({master, master2, newcomer, worker})
    const before = await nonce(signer)
    const {envelope, exitCode} = await as(signer, args)
    expect(envelope.ok).toBe(false)
    expect(envelope.error.code).toBe(code)
    expect(envelope.error.hint).toBeTruthy()
    expect(exitCode).toBe(exit)
    expect(await nonce(signer)).toBe(before)
  })
})

describe('who gets paid', () => {
  it("offers show the master as payee of a worker's ask; the master's offer list includes it, marked with the worker", async () => {
    const [master, worker, loner] = await Promise.all([fresh(), fresh(), fresh()])
    await bind(worker, master)
    const [workerAsk, lonerAsk, masterAsk] = await Promise.all([placeAsk(client, m.market, worker), placeAsk(client, m.market, loner), placeAsk(client, m.market, master)])
    const offers = (await runJson(['compute', 'offers'])).envelope.data.offers as Array<{id: string; payee: string; provider: string}>
    expect(offers.find((o) => o.id === String(workerAsk))).toMatchObject({payee: master.address, provider: worker.address})
    expect(offers.find((o) => o.id === String(lonerAsk))).toMatchObject({payee: loner.address, provider: loner.address})

    const mine = await runJson(['provider', 'offer', 'list', '--account', master.address])
    expect(mine.exitCode).toBe(0)
    expect(mine.envelope.data.workers).toEqual([worker.address])
    expect(mine.envelope.data.payee).toBeNull()
    const byId = new Map(mine.envelope.data.offers.map((o: {id: string}) => [o.id, o]))
    expect(byId.get(String(workerAsk))).toMatchObject({payee: master.address, provider: worker.address, worker: worker.address})
    expect(byId.get(String(masterAsk))).toMatchObject({payee: master.address, provider: master.address, worker: null})
    expect(byId.has(String(lonerAsk))).toBe(false)

    const theirs = await runJson(['provider', 'offer', 'list', '--account', worker.address])
    expect(theirs.envelope.data.payee).toBe(master.address)
    expect(theirs.envelope.data.offers.map((o: {id: string; payee: string}) => [o.id, o.payee])).toEqual([[String(workerAsk), master.address]])
  })

  it("a deal on a worker's ask pays the master: deals/deal show it, Bill and Close grow the master's SNM, not the worker's", async () => {
    const [master, worker, renter] = await Promise.all([fresh(), fresh(), fresh()])
    await bind(worker, master)
    const dealId = await openDeal(m, worker, renter, 3600n, {price: 10n ** 15n})

    const deals = await runJson(['compute', 'deals', '--account', master.address])
    expect(deals.envelope.data.deals.map((d: {id: string; master: string; supplier: string}) => [d.id, d.supplier, d.master])).toEqual([[String(dealId), worker.address, master.address]])
    const deal = await runJson(['compute', 'deal', String(dealId)])
    expect(deal.envelope.data).toMatchObject({consumer: renter.address, master: master.address, supplier: worker.address})

    await new Promise((r) => setTimeout(r, 1100)) // a second of the deal to pay for
    const [masterBefore, workerBefore] = await Promise.all([snmOf(master.address), snmOf(worker.address)])
    const billed = await as(worker, ['compute', 'bill', String(dealId)])
    expect(billed.exitCode).toBe(0)
    const paid = BigInt(billed.envelope.data.paid)
    expect(paid).toBeGreaterThan(0n)
    expect(billed.envelope.data.paidTo).toBe(master.address)
    expect(await snmOf(master.address)).toBe(masterBefore + paid)
    expect(await snmOf(worker.address)).toBe(workerBefore)

    await new Promise((r) => setTimeout(r, 1100))
    const closed = await as(renter, ['compute', 'close', String(dealId)])
    expect(closed.exitCode).toBe(0)
    expect(closed.envelope.data.paidTo).toBe(master.address)
    expect(await snmOf(master.address)).toBe(masterBefore + paid + BigInt(closed.envelope.data.paid))
    expect(await snmOf(worker.address)).toBe(workerBefore)
  })
})
