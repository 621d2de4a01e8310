// Agent URLs on the ProfileRegistry (attribute 1001) and the Market's masters and workers, through the
// library against a market of the file's own on the shared anvil: what is sent, what is refused before
// sending (the nonce does not move), and what the contracts hold afterwards.
import {type Address, bytesToString, hexToBytes} from 'viem'
import {beforeAll, describe, expect, it} from 'vitest'

import {transact} from '../../src/lib/chain/transact.js'
import {marketAbi} from '../../src/lib/contracts/generated/Market.js'
import {profileRegistryAbi} from '../../src/lib/contracts/generated/ProfileRegistry.js'
import {ENDPOINT_ATTRIBUTE, endpointCertificates, endpointOf, publishEndpoint} from '../../src/lib/market/endpoints.js'
import {confirmWorker, listWorkers, registerWorker, removeWorker} from '../../src/lib/market/workers.js'
import {chainEndpointSource} from '../../src/lib/provider/deals.js'
import {dealTarget} from '../../src/lib/provider/renter.js'
import {type FreshAccount, freshAccount, sharedClient} from '../setup/chain.js'
import {deployTestMarket, openDeal, setEndpoint, type TestMarket} from '../setup/market.js'

const client = sharedClient()
let m: TestMarket
let addresses: {market: Address; profileRegistry: Address}

const send = (who: FreshAccount) => ({account: who.account, confirm: async () => {}})
const nonce = (who: FreshAccount) => client.getTransactionCount({address: who.address})
const attributeCount = (who: Address) => client.readContract({abi: profileRegistryAbi, address: m.profileRegistry, args: [who, ENDPOINT_ATTRIBUTE], functionName: 'GetAttributeCount'})
const getMaster = (who: Address) => client.readContract({abi: marketAbi, address: m.market, args: [who], functionName: 'GetMaster'})
const fresh = () => freshAccount(client)

/** The id of the last certificate created (the ids run 1..n). */
async function lastCertificateId(): Promise<bigint> {
  const logs = await client.getContractEvents({abi: profileRegistryAbi, address: m.profileRegistry, eventName: 'CertificateCreated', fromBlock: 0n, strict: true})
  return logs.at(-1)!.args.id
}

/** A worker confirmed by a master, through the library. */
async function bind(worker: FreshAccount, master: FreshAccount): Promise<void> {
  await registerWorker(client, {market: m.market, master: master.address}, send(worker))
  await confirmWorker(client, {market: m.market, worker: worker.address}, send(master))
}

beforeAll(async () => {
  m = await deployTestMarket(client)
  addresses = {market: m.market, profileRegistry: m.profileRegistry}
})

describe('agent endpoints (ProfileRegistry attribute 1001)', () => {
  it('publishes, reads back, sends nothing for the same URL, and replaces the old certificate with a new URL', async () => {
    const provider = await fresh()
    expect(await endpointOf(client, addresses, provider.address)).toBeUndefined()

    const first = await publishEndpoint(client, {endpoint: 'http://127.0.0.1:8701/', profileRegistry: m.profileRegistry}, send(provider))
    expect(first.txHash).toMatch(/^0x[0-9a-f]{64}$/)
    expect(first.removed).toEqual([])
    expect(first.endpoint).toBe('http://127.0.0.1:8701')
    expect(await endpointOf(client, addresses, provider.address)).toEqual({from: 'provider', owner: provider.address, url: 'http://127.0.0.1:8701'})
    const firstId = await lastCertificateId()

    const before = await nonce(provider)
    const again = await publishEndpoint(client, {endpoint: 'http://127.0.0.1:8701', profileRegistry: m.profileRegistry}, send(provider))
    expect(again.txHash).toBeNull()
    expect(await nonce(provider)).toBe(before)

    // Other providers' certificates sit between: the scan must pick only this provider's.
    await publishEndpoint(client, {endpoint: 'https://other.example.org', profileRegistry: m.profileRegistry}, send(await fresh()))
    const second = await publishEndpoint(client, {endpoint: 'https://agent.example.org:8443', profileRegistry: m.profileRegistry}, send(provider))
    expect(second.removed).toHaveLength(1)
    expect(second.txHash).not.toBeNull()
    expect(await nonce(provider)).toBe(before + 2) // RemoveCertificate, then CreateCertificate
    expect(await attributeCount(provider.address)).toBe(1n)
    const [, to, type, oldValue] = await client.readContract({abi: profileRegistryAbi, address: m.profileRegistry, args: [firstId], functionName: 'GetCertificate'})
    expect([to, type, oldValue]).toEqual([provider.address, ENDPOINT_ATTRIBUTE, '0x'])
    const value = await client.readContract({abi: profileRegistryAbi, address: m.profileRegistry, args: [provider.address, ENDPOINT_ATTRIBUTE], functionName: 'GetAttributeValue'})
    expect(bytesToString(hexToBytes(value))).toBe('https://agent.example.org:8443')
    expect((await endpointOf(client, addresses, provider.address))?.url).toBe('https://agent.example.org:8443')
  })

  it('the certificate scan finds exactly the live ones of the owner and type, across ranges and to the last id', async () => {
    const [provider, other] = await Promise.all([fresh(), fresh()])
    await setEndpoint(m, other, 'http://other.example.org') // same type, someone else
    await transact(client, 'another type', {abi: profileRegistryAbi, address: m.profileRegistry, args: [provider.address, 1002n, '0x01'], functionName: 'CreateCertificate'}, send(provider))
    await setEndpoint(m, provider, 'http://mine.example.org')
    const live = await lastCertificateId()
    await setEndpoint(m, provider, 'http://mine.example.org') // a second certificate of the same value is allowed
    const second = await lastCertificateId()
    // Ranges of 1, 2, 3 and 1000 ids: waves of four, the end met inside a range, at its edge, or past it.
    for (const range of [1, 2, 3, 1000]) expect(await endpointCertificates(client, m.profileRegistry, provider.address, range)).toEqual([live, second])
    await transact(client, 'remove', {abi: profileRegistryAbi, address: m.profileRegistry, args: [live], functionName: 'RemoveCertificate'}, send(provider))
    expect(await endpointCertificates(client, m.profileRegistry, provider.address, 2)).toEqual([second]) // removed: value empty
  })

  it.each(['ftp://example.org', 'not a url', 'javascript:alert(1)', ''])('refuses %j before sending anything', async (bad) => {
    const provider = await fresh()
    await expect(publishEndpoint(client, {endpoint: bad, profileRegistry: m.profileRegistry}, send(provider))).rejects.toMatchObject({code: 'INVALID_ENDPOINT'})
    expect(await nonce(provider)).toBe(0)
  })

  it('names the owner of a bad value written with CreateCertificate directly, and a new publish replaces it', async () => {
    const provider = await fresh()
    await setEndpoint(m, provider, 'gopher://nowhere')
    await expect(endpointOf(client, addresses, provider.address)).rejects.toMatchObject({code: 'BAD_PUBLISHED_ENDPOINT', message: expect.stringContaining(provider.address)})
    const fixed = await publishEndpoint(client, {endpoint: 'http://10.0.0.1:80', profileRegistry: m.profileRegistry}, send(provider))
    expect(fixed.removed).toHaveLength(1)
    expect((await endpointOf(client, addresses, provider.address))?.url).toBe('http://10.0.0.1')
    expect(await attributeCount(provider.address)).toBe(1n)
  })

  it("a worker without its own URL inherits its master's; its own URL wins; a bad master value names the master", async () => {
    const [master, worker, other] = await Promise.all([fresh(), fresh(), fresh()])
    await publishEndpoint(client, {endpoint: 'https://master.example.org', profileRegistry: m.profileRegistry}, send(master))
    expect(await endpointOf(client, addresses, worker.address)).toBeUndefined() // not bound yet
    await bind(worker, master)
    expect(await endpointOf(client, addresses, worker.address)).toEqual({from: 'master', owner: master.address, url: 'https://master.example.org'})
    await publishEndpoint(client, {endpoint: 'https://worker.example.org', profileRegistry: m.profileRegistry}, send(worker))
    expect(await endpointOf(client, addresses, worker.address)).toMatchObject({from: 'provider', url: 'https://worker.example.org'})

    const worker2 = await fresh()
    await setEndpoint(m, other, 'file:///etc/passwd')
    await bind(worker2, other)
    await expect(endpointOf(client, addresses, worker2.address)).rejects.toMatchObject({code: 'BAD_PUBLISHED_ENDPOINT', message: expect.stringContaining(other.address)})
  })

  it('finds a deal’s agent: --endpoint first, then the profile’s entry for the provider or its master, then the chain', async () => {
    const [supplier, renter, master] = await Promise.all([fresh(), fresh(), fresh()])
    const dealId = await openDeal(m, supplier, renter)
    await publishEndpoint(client, {endpoint: 'http://chain.example.org:1', profileRegistry: m.profileRegistry}, send(supplier))
    const target = (extra: {endpoint?: string; endpoints?: Record<string, string>}) =>
      dealTarget({account: renter.account, chain: async () => ({client, ...addresses}), chainId: 31337, dealId, ...extra}).then((t) => t.endpoint)
    expect(await target({})).toBe('http://chain.example.org:1')
    expect(await target({endpoints: {[supplier.address.toLowerCase()]: 'http://config.example.org:2'}})).toBe('http://config.example.org:2')
    expect(await target({endpoint: 'http://flag.example.org:3', endpoints: {[supplier.address.toLowerCase()]: 'http://config.example.org:2'}})).toBe('http://flag.example.org:3')
    // An entry for someone else changes nothing; an entry for the supplier's master applies once it is bound.
    expect(await target({endpoints: {[master.address.toLowerCase()]: 'http://master.example.org:4'}})).toBe('http://chain.example.org:1')
    await bind(supplier, master)
    expect(await target({endpoints: {[master.address.toLowerCase()]: 'http://master.example.org:4'}})).toBe('http://master.example.org:4')
    // The source alone: a provider with no entry and nothing published.
    expect(await chainEndpointSource(client, addresses, {'0x0000000000000000000000000000000000000001': 'http://x'}).endpointOf((await fresh()).address)).toBeUndefined()
  })
})

describe('masters and workers', () => {
  it('add, list pending, confirm, list confirmed, remove by the worker; GetMaster follows', async () => {
    const [master, worker] = await Promise.all([fresh(), fresh()])
    const asked = await registerWorker(client, {market: m.market, master: master.address}, send(worker))
    expect(asked.txHash).not.toBeNull()
    expect(await listWorkers(client, {market: m.market, master: master.address})).toEqual({master: master.address, masterOf: null, workers: [{address: worker.address, status: 'pending', workerOf: null}]})
    const n = await nonce(worker)
    expect((await registerWorker(client, {market: m.market, master: master.address}, send(worker))).txHash).toBeNull() // asked already
    expect(await nonce(worker)).toBe(n)

    await confirmWorker(client, {market: m.market, worker: worker.address}, send(master))
    expect(await getMaster(worker.address)).toBe(master.address)
    expect((await listWorkers(client, {market: m.market, master: master.address})).workers).toEqual([{address: worker.address, status: 'confirmed', workerOf: null}])
    expect((await listWorkers(client, {market: m.market, master: worker.address})).masterOf).toBe(master.address)

    const removed = await removeWorker(client, {market: m.market, worker: worker.address}, send(worker)) // the master is found
    expect(removed.master).toBe(master.address)
    expect(await getMaster(worker.address)).toBe(worker.address)
    expect((await listWorkers(client, {market: m.market, master: master.address})).workers).toEqual([])
  })

  it('the master removes a worker; the worker may then ask again', async () => {
    const [master, worker] = await Promise.all([fresh(), fresh()])
    await bind(worker, master)
    await removeWorker(client, {market: m.market, worker: worker.address}, send(master))
    expect(await getMaster(worker.address)).toBe(worker.address)
    await bind(worker, master)
    expect(await getMaster(worker.address)).toBe(master.address)
  })

  it('refuses every broken rule before sending', async () => {
    const [master, worker, master2, stranger, newcomer] = await Promise.all([fresh(), fresh(), fresh(), fresh(), fresh()])
    await bind(worker, master)
    const nonces = async () => Promise.all([master, worker, master2, stranger, newcomer].map((a) => nonce(a)))
    const before = await nonces()
    const refused = (p: Promise<unknown>, code: string) => expect(p).rejects.toMatchObject({code})
    // add: the signer already has a master; the master is itself a worker; a master cannot be a worker; oneself.
    await refused(registerWorker(client, {market: m.market, master: master2.address}, send(worker)), 'ALREADY_A_WORKER')
    await refused(registerWorker(client, {market: m.market, master: worker.address}, send(newcomer)), 'MASTER_IS_A_WORKER')
    await refused(registerWorker(client, {market: m.market, master: master2.address}, send(master)), 'IS_A_MASTER')
    await refused(registerWorker(client, {market: m.market, master: newcomer.address}, send(newcomer)), 'OWN_MASTER')
    // confirm: no request; a worker that has a master already; a confirming master that is a worker.
    await refused(confirmWorker(client, {market: m.market, worker: newcomer.address}, send(master2)), 'NO_WORKER_REQUEST')
    await refused(confirmWorker(client, {market: m.market, worker: worker.address}, send(master2)), 'WORKER_HAS_MASTER')
    await refused(confirmWorker(client, {market: m.market, worker: newcomer.address}, send(worker)), 'MASTER_IS_A_WORKER')
    // remove: not this master's; a stranger; nobody's worker.
    await refused(removeWorker(client, {market: m.market, worker: worker.address}, send(master2)), 'NOT_YOUR_WORKER')
    await refused(removeWorker(client, {market: m.market, master: master.address, worker: worker.address}, send(stranger)), 'NOT_YOUR_WORKER')
    await refused(removeWorker(client, {market: m.market, worker: newcomer.address}, send(newcomer)), 'NOT_YOUR_WORKER')
    expect(await nonces()).toEqual(before)
  })

  it('a request to a second master that a first master took is not confirmable (it would take the worker over)', async () => {
    const [a, b, worker] = await Promise.all([fresh(), fresh(), fresh()])
    await registerWorker(client, {market: m.market, master: a.address}, send(worker))
    await registerWorker(client, {market: m.market, master: b.address}, send(worker))
    await confirmWorker(client, {market: m.market, worker: worker.address}, send(a))
    expect((await listWorkers(client, {market: m.market, master: b.address})).workers).toEqual([{address: worker.address, status: 'pending', workerOf: a.address}])
    const n = await nonce(b)
    await expect(confirmWorker(client, {market: m.market, worker: worker.address}, send(b))).rejects.toMatchObject({code: 'WORKER_HAS_MASTER', message: expect.stringContaining(a.address)})
    expect(await nonce(b)).toBe(n)
  })
})
