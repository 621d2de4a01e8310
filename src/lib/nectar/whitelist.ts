// The controller's whitelist: batched status reads, roles, event-sourced listings and the plan for
// batched register/deregister. Only functions the mainnet controller v2 has are called; the events
// (Registered, AdminAdded, …) are devnet additions, detected in the bytecode before they are relied on.
import {type Address, getAddress, type Hex, toEventSelector} from 'viem'

import {type ChainClient} from '../chain/client.js'
import {forEachLogPage} from '../chain/log-pages.js'
import {abiWord, runDeployless} from '../chain/deployless.js'
import {mapChunks} from '../chain/map-limit.js'
import {nectarError} from '../core/errors.js'
import {necAbi, nectarControllerAbi, registrationReaderBytecode} from '../contracts/generated/index.js'
import {assertContract} from './reads.js'

/** Addresses per eth_call of the RegistrationReader: 32 bytes of initcode each, under the 48 KiB cap (EIP-3860). */
const READ_BATCH = 1400
const READ_PARALLEL = 4

/**
 * Raw whitelist entries (`getRegistrationStatus`, ignoring listActive) of many addresses in few RPC
 * calls: the creation code of contracts/readers/RegistrationReader.sol runs inside eth_call (nothing is
 * deployed) and answers one byte per address.
 */
export async function getRegistrationStatuses(
  client: ChainClient,
  {addresses, controller, onProgress}: {addresses: readonly Address[]; controller: Address; onProgress?: (done: number) => void},
): Promise<boolean[]> {
  return mapChunks(addresses, READ_BATCH, READ_PARALLEL, (chunk) => readStatusChunk(client, controller, chunk), onProgress)
}

async function readStatusChunk(client: ChainClient, controller: Address, users: readonly Address[]): Promise<boolean[]> {
  // Hand-encoded constructor arguments (address, address[]): the addresses were validated when parsed.
  const data = (registrationReaderBytecode + abiWord(controller) + abiWord('40') + abiWord(users.length.toString(16)) + users.map((u) => abiWord(u)).join('')) as Hex
  const bytes = (await runDeployless(client, data)).slice(2)
  if (bytes.length !== users.length * 2) {
    throw nectarError('READ_FAILED', `Could not read whitelist entries from ${controller}.`, {
      hint: 'Check that the controller address in the network profile is a NectarController (it needs getRegistrationStatus).',
    })
  }
  return users.map((_, i) => bytes.slice(i * 2, i * 2 + 2) === '01')
}

export interface RegistrationEntry {
  address: Address
  /** isRegistered: true for everyone while the list is off. */
  effective: boolean
  /** The raw list entry. */
  registered: boolean
}

/** What `whitelist check` reports. */
export interface RegistrationCheck {
  addresses: RegistrationEntry[]
  listActive: boolean
}

/** Whether each address is on the list, and whether that matters (the list switch). */
export async function checkRegistrations(client: ChainClient, {addresses, controller}: {addresses: readonly Address[]; controller: Address}): Promise<RegistrationCheck> {
  await assertContract(client, controller, 'controller')
  const [listActive, statuses] = await Promise.all([
    client.readContract({abi: nectarControllerAbi, address: controller, functionName: 'listActive'}),
    getRegistrationStatuses(client, {addresses, controller}),
  ])
  return {addresses: addresses.map((address, i) => ({address, effective: !listActive || statuses[i], registered: statuses[i]})), listActive}
}

// ------------------------------------------------------------------------------------------ roles

export type Role = 'admin' | 'maker' | 'none' | 'owner' | 'registered'

export interface AccountRoles {
  account: Address
  authorisedMaker: boolean
  /** isRegistered: true for everyone while the list is off. */
  effectivelyRegistered: boolean
  isAdmin: boolean
  isOwner: boolean
  listActive: boolean
  /** The raw list entry. */
  onList: boolean
  owner: Address
  /** Every role the account holds, strongest first; ['none'] when it holds none. */
  roles: Role[]
}

/** Owner, list switch and the roles of `account`, in one multicall (functions mainnet v2 has). */
export async function getAccountRoles(client: ChainClient, {account, controller}: {account: Address; controller: Address}): Promise<AccountRoles> {
  const c = {abi: nectarControllerAbi, address: controller} as const
  const [owner, listActive, isAdmin, onList, authorisedMaker] = await client.multicall({
    allowFailure: false,
    contracts: [
      {...c, functionName: 'owner'},
      {...c, functionName: 'listActive'},
      {...c, args: [account], functionName: 'isAdmin'},
      {...c, args: [account], functionName: 'getRegistrationStatus'},
      {...c, args: [account], functionName: 'getAuthorisationStatus'},
    ],
    deployless: true,
  })
  const isOwner = owner.toLowerCase() === account.toLowerCase()
  const roles: Role[] = []
  if (isOwner) roles.push('owner')
  if (isAdmin) roles.push('admin')
  if (authorisedMaker) roles.push('maker')
  if (onList) roles.push('registered')
  if (roles.length === 0) roles.push('none')
  return {account, authorisedMaker, effectivelyRegistered: !listActive || onList, isAdmin, isOwner, listActive, onList, owner, roles}
}

/** Refuses (before anything is signed) when `account` lacks `role`, naming the role and who can grant it. */
export function requireRole(roles: AccountRoles, role: 'admin' | 'owner', action: string): void {
  if (role === 'owner' && !roles.isOwner) {
    throw nectarError('NOT_OWNER', `${roles.account} is not the controller's owner, which ${action} needs; nothing was sent.`, {
      hint: `Run it as the owner ${roles.owner} (--account).`,
    })
  }
  if (role === 'admin' && !roles.isAdmin) {
    throw nectarError('NOT_ADMIN', `${roles.account} is not a whitelist admin, which ${action} needs; nothing was sent.`, {
      hint: `Use an admin account (--account), or ask the owner ${roles.owner} to run \`nectar whitelist admins add ${roles.account}\`.`,
    })
  }
}

/** What `whitelist status` reports. */
export interface WhitelistStatus {
  /** null when no account is selected: the switches are shown without anyone's roles. */
  account: Address | null
  /** null when the controller emits no admin events (mainnet), so they cannot be counted. */
  adminCount: null | number
  burningEnabled: boolean
  controller: Address
  listActive: boolean
  owner: Address
  /** The strongest role (null without an account). */
  role: Role | null
  roles: Role[]
}

/** The whitelist's switches and roles, and those of `account` when one is given. */
export async function getWhitelistStatus(client: ChainClient, {account, controller, nec}: {account?: Address; controller: Address; nec: Address}): Promise<WhitelistStatus> {
  const c = {abi: nectarControllerAbi, address: controller} as const
  const [roles, switches, burningEnabled, adminEvents] = await Promise.all([
    account ? getAccountRoles(client, {account, controller}) : undefined,
    account
      ? undefined
      : client.multicall({allowFailure: false, contracts: [{...c, functionName: 'owner'}, {...c, functionName: 'listActive'}], deployless: true}),
    client.readContract({abi: necAbi, address: nec, functionName: 'burningEnabled'}),
    hasEvents(client, controller, [ADMIN_ADDED_TOPIC, ADMIN_REMOVED_TOPIC]),
  ])
  const admins = adminEvents ? (await replayMembership(client, {added: ADMIN_ADDED_TOPIC, removed: ADMIN_REMOVED_TOPIC}, {controller})).members : undefined
  return {
    account: account ?? null,
    adminCount: admins ? admins.length : null,
    burningEnabled,
    controller,
    listActive: roles ? roles.listActive : switches![1],
    owner: roles ? roles.owner : switches![0],
    role: roles ? roles.roles[0] : null,
    roles: roles ? roles.roles : [],
  }
}

// ------------------------------------------------------------------------------------------ events

export const REGISTERED_TOPIC = toEventSelector('Registered(address)')
export const DEREGISTERED_TOPIC = toEventSelector('Deregistered(address)')
export const ADMIN_ADDED_TOPIC = toEventSelector('AdminAdded(address)')
export const ADMIN_REMOVED_TOPIC = toEventSelector('AdminRemoved(address)')

/**
 * Whether the controller emits an event: Solidity pushes an event's topic as a 32-byte constant, so a
 * contract that can emit it carries the topic in its code. The mainnet controller has no whitelist events.
 */
export async function hasEvents(client: ChainClient, controller: Address, topics: readonly Hex[]): Promise<boolean> {
  const code = (await client.getCode({address: controller})) ?? '0x'
  if (code === '0x') {
    throw nectarError('NO_CONTRACT', `There is no controller contract at ${controller} on this chain.`, {
      hint: 'Check the network profile (`nectar network show`), or run `nectar devnet up` for the local chain.',
    })
  }
  const lower = code.toLowerCase()
  return topics.every((t) => lower.includes('7f' + t.slice(2).toLowerCase()))
}

export interface ReplayOptions {
  controller: Address
  fromBlock?: bigint
  onPage?: (toBlock: bigint, head: bigint) => void
  /** Blocks per eth_getLogs request (halved when the node refuses a range). */
  pageSize?: bigint
  toBlock?: bigint
}

/**
 * The current members of an event-sourced set: replays `added`/`removed` logs (address in topic 1)
 * in chain order over paged block ranges. Exact because the controller emits only on a change.
 */
export async function replayMembership(
  client: ChainClient,
  {added, removed}: {added: Hex; removed: Hex},
  {controller, fromBlock = 0n, onPage, pageSize = 50_000n, toBlock}: ReplayOptions,
): Promise<{members: Address[]; toBlock: bigint}> {
  const head = toBlock ?? (await client.getBlockNumber({cacheTime: 0}))
  const members = new Map<string, Address>()
  await forEachLogPage(client, {address: controller, fromBlock, pageSize, toBlock: head, topics: [[added, removed]]}, (logs, to) => {
    for (const log of logs) {
      const address = ('0x' + log.topics[1].slice(26)) as Address
      if (log.topics[0] === added) members.set(address, address)
      else members.delete(address)
    }
    onPage?.(to, head)
  })
  return {members: [...members.values()].map((a) => getAddress(a)), toBlock: head}
}

/** What `whitelist admins list` reports. */
export interface AdminListing {
  admins: Address[]
  block: bigint
  count: number
  owner: Address
}

/**
 * The admins of a contract that logs AdminAdded/AdminRemoved (the whitelist controller, the governance
 * ProposalManager; both share those events and `owner()`), replayed from its events, and its owner. The
 * mainnet contracts emit none: then this fails clearly, with `hint` naming the one-address check.
 */
export async function listAdmins(client: ChainClient, {contract, hint, name}: {contract: Address; hint: string; name: string}): Promise<AdminListing> {
  if (!(await hasEvents(client, contract, [ADMIN_ADDED_TOPIC, ADMIN_REMOVED_TOPIC]))) {
    throw nectarError('NO_ADMIN_EVENTS', `The ${name} ${contract} emits no AdminAdded/AdminRemoved events, so its admins cannot be listed here.`, {hint})
  }
  const [{members, toBlock}, owner] = await Promise.all([
    replayMembership(client, {added: ADMIN_ADDED_TOPIC, removed: ADMIN_REMOVED_TOPIC}, {controller: contract}),
    client.readContract({abi: nectarControllerAbi, address: contract, functionName: 'owner'}),
  ])
  return {admins: members, block: toBlock, count: members.length, owner}
}

// ------------------------------------------------------------------------------------------ batches

/** Measured on the devnet: register costs ≈24,300 gas per new address (cold SSTORE + event); rounded up. */
export const GAS_PER_ADDRESS = 25_000n
/** Largest gas a batch may use: 40% of the block gas limit, and under EIP-7825's 2^24 per-transaction cap. */
const MAX_TX_GAS = 16_000_000n

/** Addresses per register/deregister transaction for a chain with this block gas limit (480 at 30M). */
export function whitelistBatchSize(blockGasLimit: bigint): number {
  let cap = (blockGasLimit * 4n) / 10n
  if (cap > MAX_TX_GAS) cap = MAX_TX_GAS
  const size = Number(cap / GAS_PER_ADDRESS)
  return Math.max(1, Math.min(size, 1000))
}

export interface WhitelistBatch {
  /** Addresses of this slice that still need the change (what the transaction carries). */
  addresses: Address[]
  /** Stable identity across re-runs: the slice of the sorted wanted set, whatever already changed. */
  key: string
}

export interface WhitelistPlan {
  /** Addresses already in the wanted state. */
  already: Address[]
  batches: WhitelistBatch[]
  /** Addresses to change. */
  pending: Address[]
}

/**
 * Sorted wanted set → fixed slices of `batchSize` → in each, the addresses not yet in the wanted state.
 * The slices (and so the journal keys) depend only on the input, never on what an interrupted run
 * already did, so a re-run re-sends a signed-but-unmined batch as the same transaction and never
 * re-batches its addresses into a new one.
 */
export function planWhitelistBatches(sortedWanted: readonly Address[], inWantedState: readonly boolean[], batchSize: number, kind: string): WhitelistPlan {
  const already: Address[] = []
  const pending: Address[] = []
  const batches: WhitelistBatch[] = []
  for (let start = 0; start < sortedWanted.length; start += batchSize) {
    const slice: Address[] = []
    for (let i = start; i < Math.min(start + batchSize, sortedWanted.length); i++) {
      if (inWantedState[i]) already.push(sortedWanted[i])
      else slice.push(sortedWanted[i])
    }
    pending.push(...slice)
    if (slice.length > 0) batches.push({addresses: slice, key: `${kind}:${start / batchSize}:${batchSize}`})
  }
  return {already, batches, pending}
}

/** Unique addresses sorted by their lower-case hex: the canonical wanted set. */
export function canonicalSet(addresses: readonly Address[]): {duplicates: number; sorted: Address[]} {
  const unique = new Map<string, Address>()
  for (const a of addresses) unique.set(a.toLowerCase(), a)
  const sorted = [...unique.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, a]) => a)
  return {duplicates: addresses.length - sorted.length, sorted}
}
