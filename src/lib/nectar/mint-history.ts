// The chain's own record of what the controller's owner minted in an issuance window, so `rewards
// issue` decides what is done from the chain, not from its journal: a missing, truncated or foreign
// journal can never cause a second mint. An owner mint is NEC's Transfer(0x0, maker, tokens) in a
// transaction whose LogContributions names the owner (proxyAccountingCreation logs the caller, not the
// recipient; see reference/nectar.md), the same on mainnet's controller and ours.
import {type Address, type Hash, parseAbiItem} from 'viem'

import {type ChainClient} from '../chain/client.js'
import {nectarControllerAbi} from '../contracts/generated/index.js'

const TRANSFER = parseAbiItem('event Transfer(address indexed _from, address indexed _to, uint256 _amount)')
const CONTRIBUTIONS = parseAbiItem('event LogContributions(address _user, uint256 _amount, bool _maker)')

export interface OwnerMint {
  amount: bigint
  block: bigint
  hash: Hash
  to: Address
}

/** The first block whose timestamp is at or after `timestamp` (binary search; `latest` when none is). */
export async function firstBlockAt(client: ChainClient, timestamp: bigint): Promise<bigint> {
  const latest = await client.getBlock({blockTag: 'latest'})
  if (latest.timestamp < timestamp) return latest.number + 1n
  let [low, high] = [0n, latest.number]
  while (low < high) {
    const mid = (low + high) / 2n
    const block = await client.getBlock({blockNumber: mid}).catch(() => undefined)
    // A pruned or missing old block counts as before the window.
    if (!block || block.timestamp < timestamp) low = mid + 1n
    else high = mid
  }
  return low
}

/** When the controller's current issuance window began (unix seconds) and its number. */
export async function currentWindowStart(client: ChainClient, controller: Address): Promise<{period: bigint; start: bigint; window: bigint}> {
  const read = <T>(functionName: 'currentWindow' | 'periodLength' | 'startTime') => client.readContract({abi: nectarControllerAbi, address: controller, functionName}) as Promise<T>
  const [window, periodLength, startTime] = await Promise.all([read<bigint>('currentWindow'), read<bigint>('periodLength'), read<bigint>('startTime')])
  const period = periodLength * 86_400n
  const start = window === 0n ? 0n : startTime + (window - 1n) * period
  return {period, start, window}
}

/** getLogs over a long range in chunks (public RPCs cap the range), halving a chunk the node refuses. */
async function logsInRange<T>(fromBlock: bigint, toBlock: bigint, fetch: (from: bigint, to: bigint) => Promise<T[]>): Promise<T[]> {
  const out: T[] = []
  let size = 10_000n
  for (let from = fromBlock; from <= toBlock; ) {
    const to = from + size - 1n < toBlock ? from + size - 1n : toBlock
    try {
      out.push(...(await fetch(from, to)))
      from = to + 1n
    } catch (error) {
      if (size === 1n) throw error
      size /= 2n
    }
  }
  return out
}

/** Every mint by `owner` through the controller since `fromBlock`. */
export async function ownerMintsSince(
  client: ChainClient,
  {controller, fromBlock, nec, owner}: {controller: Address; fromBlock: bigint; nec: Address; owner: Address},
): Promise<OwnerMint[]> {
  // No cached block number: the verification reads right after this run's own transactions.
  const toBlock = await client.getBlockNumber({cacheTime: 0})
  if (fromBlock > toBlock) return []
  const [mints, contributions] = await Promise.all([
    logsInRange(fromBlock, toBlock, (from, to) => client.getLogs({address: nec, args: {_from: '0x0000000000000000000000000000000000000000'}, event: TRANSFER, fromBlock: from, toBlock: to})),
    logsInRange(fromBlock, toBlock, (from, to) => client.getLogs({address: controller, event: CONTRIBUTIONS, fromBlock: from, toBlock: to})),
  ])
  const byOwner = new Set(contributions.filter((log) => log.args._user?.toLowerCase() === owner.toLowerCase()).map((log) => log.transactionHash))
  return mints
    .filter((log) => byOwner.has(log.transactionHash))
    .map((log) => ({amount: log.args._amount!, block: log.blockNumber, hash: log.transactionHash, to: log.args._to!}))
}

export interface RowHistory {
  address: Address
  /** Owner mints of exactly this row's tokens to this maker in the window. */
  matches: OwnerMint[]
  tokensWei: bigint
}

/**
 * Each row's owner mints of exactly its amount: none (to send), one (done), more (ambiguous: stop).
 * Allocation files hold each maker once (distribute merges duplicates).
 */
export function matchRows(rows: ReadonlyArray<{address: string; tokensWei: bigint}>, mints: readonly OwnerMint[]): RowHistory[] {
  const index = new Map<string, OwnerMint[]>()
  for (const mint of mints) {
    const key = `${mint.to.toLowerCase()}:${mint.amount}`
    index.set(key, [...(index.get(key) ?? []), mint])
  }
  return rows.map((row) => ({address: row.address as Address, matches: index.get(`${row.address.toLowerCase()}:${row.tokensWei}`) ?? [], tokensWei: row.tokensWei}))
}
