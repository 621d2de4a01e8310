// Masters and workers, as SONM's Market has them: a worker asks with RegisterWorker(master), the master
// confirms with ConfirmWorker(worker), and from then on GetMaster(worker) = master and every payment of
// a deal on the worker's asks goes to the master; either side ends it with RemoveWorker(worker, master).
// The Market keeps requests and the "has been a master" flag private, and its reverts carry no reason
// in SONM's build, so both are rebuilt from its events (WorkerAnnounced / WorkerConfirmed /
// WorkerRemoved, indexed by worker and master) and every rule is checked before anything is sent.
import {type Address, getAddress, type Hash} from 'viem'

import {type ChainClient} from '../chain/client.js'
import {transact, type TransactOptions} from '../chain/transact.js'
import {nectarError} from '../core/errors.js'
import {marketAbi} from '../contracts/generated/Market.js'

const same = (a: Address, b: Address) => a.toLowerCase() === b.toLowerCase()

/**
 * The batchSize of a deployless multicall of GetMaster reads. viem counts only each read's own calldata
 * (36 bytes), but the call runs as creation code: its input carries about 224 bytes a read (under the
 * 48 KiB initcode limit, EIP-3860) and its result comes back as "deployed" code (under 24 KiB, EIP-170),
 * or the node refuses it. 3,600 bytes is about 100 reads a call (22 KiB in, 16 KiB out).
 */
const MULTICALL_CHUNK = 3600

/** GetMaster for each address (itself when it has none), in one eth_call. */
export async function mastersOf(client: ChainClient, market: Address, who: readonly Address[]): Promise<Map<string, Address>> {
  const unique = [...new Set(who.map((a) => a.toLowerCase()))] as Address[]
  if (unique.length === 0) return new Map()
  const masters = await client.multicall({
    allowFailure: false,
    batchSize: MULTICALL_CHUNK,
    contracts: unique.map((a) => ({abi: marketAbi, address: market, args: [a], functionName: 'GetMaster'}) as const),
    deployless: true,
  })
  return new Map(unique.map((a, i) => [a, getAddress(masters[i] as Address)]))
}

async function masterOf(client: ChainClient, market: Address, who: Address): Promise<Address> {
  return getAddress(await client.readContract({abi: marketAbi, address: market, args: [who], functionName: 'GetMaster'}))
}

interface WorkerEvent {
  at: bigint
  kind: 'announced' | 'confirmed' | 'removed'
  master: Address
  worker: Address
}

/** The worker events of a master or of a worker (indexed topics: the node filters), oldest first. */
async function workerEvents(client: ChainClient, market: Address, filter: {master?: Address; worker?: Address}): Promise<WorkerEvent[]> {
  const args = {...(filter.master ? {master: filter.master} : {}), ...(filter.worker ? {worker: filter.worker} : {})}
  const [announced, confirmed, removed] = await Promise.all(
    (['WorkerAnnounced', 'WorkerConfirmed', 'WorkerRemoved'] as const).map((eventName) => client.getContractEvents({abi: marketAbi, address: market, args, eventName, fromBlock: 0n, strict: true})),
  )
  const kinds = [
    ['announced', announced],
    ['confirmed', confirmed],
    ['removed', removed],
  ] as const
  // Block number and log index make one total order (the same transaction cannot hold two of them for one pair anyway).
  return kinds
    .flatMap(([kind, logs]) => logs.map((log) => ({at: (log.blockNumber! << 20n) + BigInt(log.logIndex!), kind, master: getAddress(log.args.master), worker: getAddress(log.args.worker)})))
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))
}

/** Whether `worker`'s request to `master` is still open: announced after the master last confirmed it (ConfirmWorker is what clears it). */
function pendingPairs(events: WorkerEvent[]): Set<string> {
  const pending = new Set<string>()
  for (const e of events) {
    const key = `${e.worker.toLowerCase()}>${e.master.toLowerCase()}`
    if (e.kind === 'announced') pending.add(key)
    else if (e.kind === 'confirmed') pending.delete(key)
  }
  return pending
}

const pairKey = (worker: Address, master: Address) => `${worker.toLowerCase()}>${master.toLowerCase()}`

export interface WorkerEntry {
  address: Address
  /** confirmed: GetMaster(worker) is this master; pending: asked, not yet confirmed. */
  status: 'confirmed' | 'pending'
  /** For a pending request: the master the worker has meanwhile (null when it has none). */
  workerOf: Address | null
}

/** `provider worker list`'s result. */
export interface WorkersReport {
  master: Address
  /** The listed account's own master when it is itself a worker (null otherwise). */
  masterOf: Address | null
  workers: WorkerEntry[]
}

/** A master's confirmed workers (checked with GetMaster) and the requests it has not confirmed yet. */
export async function listWorkers(client: ChainClient, {market, master}: {market: Address; master: Address}): Promise<WorkersReport> {
  const events = await workerEvents(client, market, {master})
  const pending = pendingPairs(events)
  const seen = [...new Map(events.map((e) => [e.worker.toLowerCase(), e.worker])).values()]
  const masters = await mastersOf(client, market, [master, ...seen])
  const workers: WorkerEntry[] = []
  for (const worker of seen) {
    const current = masters.get(worker.toLowerCase())!
    if (same(current, master) && !same(worker, master)) workers.push({address: worker, status: 'confirmed', workerOf: null})
    else if (pending.has(pairKey(worker, master))) workers.push({address: worker, status: 'pending', workerOf: same(current, worker) ? null : current})
  }
  workers.sort((a, b) => (a.status === b.status ? 0 : a.status === 'confirmed' ? -1 : 1))
  const own = masters.get(master.toLowerCase())!
  return {master: getAddress(master), masterOf: same(own, master) ? null : own, workers}
}

/** A master's confirmed workers: what `provider offer list` adds to the master's own asks. */
export async function confirmedWorkers(client: ChainClient, {market, master}: {market: Address; master: Address}): Promise<Address[]> {
  return (await listWorkers(client, {market, master})).workers.filter((w) => w.status === 'confirmed').map((w) => w.address)
}

export interface WorkerChange {
  master: Address
  /** null when nothing had to be sent. */
  txHash: Hash | null
  worker: Address
}

/**
 * RegisterWorker(master), sent by the worker. Refused before sending when the signer already has a
 * master, has ever confirmed a worker (the Market never forgets a master), or names itself, or when
 * the master is itself a worker. Asking the same master again sends nothing.
 */
export async function registerWorker(client: ChainClient, {market, master}: {market: Address; master: Address}, send: TransactOptions): Promise<WorkerChange> {
  const me = getAddress(send.account.address)
  master = getAddress(master)
  if (same(me, master)) throw nectarError('OWN_MASTER', `${me} cannot be its own master.`, {hint: 'Give the address of the master account that will be paid for your deals.'})
  const [masters, asMaster, mine] = await Promise.all([
    mastersOf(client, market, [me, master]),
    client.getContractEvents({abi: marketAbi, address: market, args: {master: me}, eventName: 'WorkerConfirmed', fromBlock: 0n, strict: true}),
    workerEvents(client, market, {worker: me}),
  ])
  const myMaster = masters.get(me.toLowerCase())!
  if (!same(myMaster, me)) {
    throw nectarError('ALREADY_A_WORKER', `${me} is already a worker of ${myMaster}.`, {hint: `Leave it first with \`nectar provider worker remove ${me}\`, then ask again.`})
  }
  if (asMaster.length > 0) {
    throw nectarError('IS_A_MASTER', `${me} has confirmed workers (first ${getAddress(asMaster[0].args.worker)}), so the Market refuses it as a worker.`)
  }
  const theirs = masters.get(master.toLowerCase())!
  if (!same(theirs, master)) throw nectarError('MASTER_IS_A_WORKER', `${master} is itself a worker of ${theirs}, so it cannot be a master.`, {hint: `Ask ${theirs} instead, or another master.`})
  if (pendingPairs(mine).has(pairKey(me, master))) return {master, txHash: null, worker: me}
  const result = await transact(client, `Ask ${master} to confirm ${me} as its worker`, {abi: marketAbi, address: market, args: [master], functionName: 'RegisterWorker'}, send)
  return {master, txHash: result.hash, worker: me}
}

/**
 * ConfirmWorker(worker), sent by the master. Refused before sending when the worker has no open
 * request to the signer, already has a master (ConfirmWorker would silently take it over), or when the
 * signer is itself a worker.
 */
export async function confirmWorker(client: ChainClient, {market, worker}: {market: Address; worker: Address}, send: TransactOptions): Promise<WorkerChange> {
  const me = getAddress(send.account.address)
  worker = getAddress(worker)
  if (same(me, worker)) throw nectarError('OWN_MASTER', `${me} cannot be its own worker.`, {hint: 'Give the address of the worker that asked you.'})
  const [masters, events] = await Promise.all([mastersOf(client, market, [me, worker]), workerEvents(client, market, {master: me, worker})])
  const myMaster = masters.get(me.toLowerCase())!
  if (!same(myMaster, me)) throw nectarError('MASTER_IS_A_WORKER', `${me} is itself a worker of ${myMaster}, so it cannot confirm workers.`, {hint: `Leave ${myMaster} first with \`nectar provider worker remove ${me}\`.`})
  const theirs = masters.get(worker.toLowerCase())!
  if (same(theirs, me)) return {master: me, txHash: null, worker}
  if (!same(theirs, worker)) throw nectarError('WORKER_HAS_MASTER', `${worker} is already a worker of ${theirs}.`, {hint: `${theirs} or the worker must remove it first (\`nectar provider worker remove ${worker}\`).`})
  if (!pendingPairs(events).has(pairKey(worker, me))) {
    throw nectarError('NO_WORKER_REQUEST', `${worker} has not asked ${me} to be its master.`, {hint: `The worker asks first with \`nectar provider worker add ${me}\`; \`nectar provider worker list\` shows pending requests.`})
  }
  const result = await transact(client, `Confirm ${worker} as a worker of ${me}`, {abi: marketAbi, address: market, args: [worker], functionName: 'ConfirmWorker'}, send)
  return {master: me, txHash: result.hash, worker}
}

/**
 * RemoveWorker(worker, master), sent by either side. The master defaults to the worker's own master
 * when the signer is the worker, else to the signer. Refused before sending unless GetMaster(worker)
 * is that master and the signer is one of the two.
 */
export async function removeWorker(client: ChainClient, {market, master, worker}: {market: Address; master?: Address; worker: Address}, send: TransactOptions): Promise<WorkerChange> {
  const me = getAddress(send.account.address)
  worker = getAddress(worker)
  const current = await masterOf(client, market, worker)
  const claimed = master ? getAddress(master) : same(me, worker) ? current : me
  if (same(current, worker)) throw nectarError('NOT_YOUR_WORKER', `${worker} is nobody's worker.`, {hint: `See a master's workers with \`nectar provider worker list --master ADDRESS\`.`})
  if (!same(current, claimed)) throw nectarError('NOT_YOUR_WORKER', `${worker} is a worker of ${current}, not of ${claimed}.`, {hint: `Only ${current} or the worker itself can remove it.`})
  if (!same(me, worker) && !same(me, claimed)) throw nectarError('NOT_YOUR_WORKER', `${me} is neither ${worker} nor its master ${current}.`, {hint: 'Remove it with the account of the worker or of its master (--account).'})
  const result = await transact(client, `Remove ${worker} from the workers of ${current}`, {abi: marketAbi, address: market, args: [worker, current], functionName: 'RemoveWorker'}, send)
  return {master: current, txHash: result.hash, worker}
}
