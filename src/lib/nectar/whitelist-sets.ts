// The whole whitelist of a controller (registered holders, admins, authorised makers): from its events
// where it has them (the devnet's), else from every address in NEC's Transfer history, each checked on
// the controller itself (mainnet's controllers emit no whitelist events). The second way finds every
// registered address that ever held or sent NEC; an address registered but never touched by NEC is
// invisible to it, and that is said wherever it is used.
import {type Address, getAddress, toEventSelector} from 'viem'

import {type ChainClient} from '../chain/client.js'
import {mapChunks} from '../chain/map-limit.js'
import {forEachLogPage} from '../chain/log-pages.js'
import {nectarControllerAbi} from '../contracts/generated/index.js'
import {ADMIN_ADDED_TOPIC, ADMIN_REMOVED_TOPIC, DEREGISTERED_TOPIC, getRegistrationStatuses, hasEvents, REGISTERED_TOPIC, replayMembership} from './whitelist.js'

const TRANSFER_TOPIC = toEventSelector('Transfer(address,address,uint256)')
export const MAKER_AUTHORISED_TOPIC = toEventSelector('MakerAuthorised(address)')
export const MAKER_DEAUTHORISED_TOPIC = toEventSelector('MakerDeauthorised(address)')
const ZERO_WORD = '0x' + '0'.repeat(64)

export type WhitelistSource = 'events' | 'transfers'

export interface ScanOptions {
  fromBlock?: bigint
  /** Blocks per eth_getLogs request (halved when the node refuses a range). */
  pageSize?: bigint
  toBlock?: bigint
}

/** Every address that sent or received NEC (mints and burns included, the zero address not), sorted. */
export async function transferParties(client: ChainClient, {fromBlock = 0n, nec, pageSize = 50_000n, toBlock}: ScanOptions & {nec: Address}): Promise<{addresses: Address[]; toBlock: bigint}> {
  const head = toBlock ?? (await client.getBlockNumber({cacheTime: 0}))
  const seen = new Set<string>()
  await forEachLogPage(client, {address: nec, fromBlock, pageSize, toBlock: head, topics: [TRANSFER_TOPIC]}, (logs) => {
    for (const log of logs) {
      for (const word of [log.topics[1], log.topics[2]]) if (word && word !== ZERO_WORD) seen.add('0x' + word.slice(26))
    }
  })
  return {addresses: [...seen].sort().map((a) => getAddress(a)), toBlock: head}
}

/** `functionName(address)` → bool for many addresses, in multicalls of a few hundred. */
async function flags(client: ChainClient, controller: Address, functionName: 'getAuthorisationStatus' | 'isAdmin', addresses: readonly Address[]): Promise<boolean[]> {
  return mapChunks(addresses, 500, 4, (chunk) => client.multicall({
    allowFailure: false,
    contracts: chunk.map((a) => ({abi: nectarControllerAbi, address: controller, args: [a], functionName}) as const),
    deployless: true,
  }) as Promise<boolean[]>)
}

export interface WhitelistSets {
  admins: Address[]
  /** Authorised maker-fee sources. */
  makers: Address[]
  /** Addresses on the list (raw entries: getRegistrationStatus, whatever the list switch says). */
  registered: Address[]
  source: WhitelistSource
  /** Read up to this block. */
  toBlock: bigint
}

/**
 * Every registered address, admin and authorised maker of `controller`: replayed from its events
 * where it has all three pairs, else found among NEC's Transfer parties (and the owner) and checked
 * on the controller. `source: 'transfers'` forces the second way (a controller with events too).
 */
export async function readWhitelistSets(
  client: ChainClient,
  {controller, nec, source, ...scan}: ScanOptions & {controller: Address; nec: Address; source?: WhitelistSource},
): Promise<WhitelistSets> {
  const pairs = [[REGISTERED_TOPIC, DEREGISTERED_TOPIC], [ADMIN_ADDED_TOPIC, ADMIN_REMOVED_TOPIC], [MAKER_AUTHORISED_TOPIC, MAKER_DEAUTHORISED_TOPIC]] as const
  const useEvents = source === 'events' || (source === undefined && (await hasEvents(client, controller, pairs.flat())))
  if (useEvents) {
    const toBlock = scan.toBlock ?? (await client.getBlockNumber({cacheTime: 0}))
    const [registered, admins, makers] = await Promise.all(pairs.map(([added, removed]) => replayMembership(client, {added, removed}, {controller, fromBlock: scan.fromBlock, pageSize: scan.pageSize, toBlock})))
    return {admins: admins.members, makers: makers.members, registered: registered.members, source: 'events', toBlock}
  }
  const {addresses, toBlock} = await transferParties(client, {...scan, nec})
  const owner = await client.readContract({abi: nectarControllerAbi, address: controller, functionName: 'owner'})
  const people = addresses.some((a) => same(a, owner)) ? addresses : [...addresses, owner]
  const [onList, isAdmin, isMaker] = await Promise.all([
    getRegistrationStatuses(client, {addresses: people, controller}),
    // v1 has no admins (only its owner registers): no isAdmin to ask.
    flags(client, controller, 'isAdmin', people).catch(() => people.map(() => false)),
    flags(client, controller, 'getAuthorisationStatus', people),
  ])
  return {
    admins: people.filter((_, i) => isAdmin[i]),
    makers: people.filter((_, i) => isMaker[i]),
    registered: people.filter((_, i) => onList[i]),
    source: 'transfers',
    toBlock,
  }
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase()

/** Admins and makers of `controller` among `addresses`, by asking it (isAdmin, getAuthorisationStatus). */
export async function roleFlags(client: ChainClient, {addresses, controller}: {addresses: readonly Address[]; controller: Address}): Promise<{admin: boolean[]; maker: boolean[]}> {
  const [admin, maker] = await Promise.all([flags(client, controller, 'isAdmin', addresses), flags(client, controller, 'getAuthorisationStatus', addresses)])
  return {admin, maker}
}

/** What `whitelist list` reports. */
export interface WhitelistListing {
  addresses: Address[]
  block: bigint
  count: number
  /** events: replayed from the controller's Registered/Deregistered; transfers: NEC's Transfer parties checked one by one. */
  source: WhitelistSource
}

/**
 * The registered addresses: from the controller's events where it has them, else (mainnet's
 * controllers) every address in NEC's Transfer history, and the owner, that the controller has on its list.
 */
export async function listWhitelist(client: ChainClient, {controller, fromBlock, nec, pageSize}: ScanOptions & {controller: Address; nec: Address}): Promise<WhitelistListing> {
  if (await hasEvents(client, controller, [REGISTERED_TOPIC, DEREGISTERED_TOPIC])) {
    const {members, toBlock} = await replayMembership(client, {added: REGISTERED_TOPIC, removed: DEREGISTERED_TOPIC}, {controller, fromBlock, pageSize})
    return {addresses: members, block: toBlock, count: members.length, source: 'events'}
  }
  const {addresses, toBlock} = await transferParties(client, {fromBlock, nec, pageSize})
  const owner = await client.readContract({abi: nectarControllerAbi, address: controller, functionName: 'owner'})
  const people = addresses.some((a) => same(a, owner)) ? addresses : [...addresses, owner]
  const onList = await getRegistrationStatuses(client, {addresses: people, controller})
  const registered = people.filter((_, i) => onList[i])
  return {addresses: registered, block: toBlock, count: registered.length, source: 'transfers'}
}
