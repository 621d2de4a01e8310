import {type Address, type Hex} from 'viem'

import {abiWord, runDeployless} from '../chain/deployless.js'
import {mapChunks} from '../chain/map-limit.js'

import {type ChainClient} from '../chain/client.js'
import {formatAmount} from '../core/amounts.js'
import {nectarError} from '../core/errors.js'
import {balanceReaderBytecode, necAbi, nectarControllerAbi} from '../contracts/generated/index.js'
import {INITIAL_SUPPLY, rateV2, supplyCap, redemptionPayout, WEI} from './curve.js'

/** Holders per eth_call: the reader's creation code carries 32 bytes per holder and must stay under the 48 KiB initcode cap (EIP-3860). */
const BATCH = 1400
/** Calls in flight at once. */
const PARALLEL = 4

/**
 * NEC balances of many addresses in few RPC calls. Each call runs the creation code of
 * contracts/readers/BalanceReader.sol inside eth_call (nothing is deployed, so it works on any chain)
 * and reads up to 1,400 balances; about 10x cheaper than a multicall of the same reads. With
 * `blockNumber` the token's checkpoints are read (`balanceOfAt`), which works on nodes that keep no
 * historical state.
 */
export async function getBalances(
  client: ChainClient,
  {addresses, blockNumber, nec, onProgress}: {addresses: readonly Address[]; blockNumber?: bigint; nec: Address; onProgress?: (done: number) => void},
): Promise<bigint[]> {
  return mapChunks(addresses, BATCH, PARALLEL, (chunk) => readBalanceChunk(client, nec, chunk, blockNumber ?? 0n), onProgress)
}

export interface BalanceEntry {
  address: Address
  /** Decimal NEC. */
  balance: string
  wei: bigint
}

/** What `nectar balance` reports. */
export interface BalanceReport {
  balances: BalanceEntry[]
  /** The block read at, when not the latest. */
  block: bigint | null
  total: {balance: string; wei: bigint}
}

/**
 * NEC balances of `addresses` (at `blockNumber`, which must not be in the future), with their total.
 * A failed read is explained first when there is no token contract at `nec`.
 */
export async function readBalanceReport(
  client: ChainClient,
  {addresses, blockNumber, nec, onProgress}: {addresses: readonly Address[]; blockNumber?: bigint; nec: Address; onProgress?: (done: number) => void},
): Promise<BalanceReport> {
  if (blockNumber !== undefined) {
    const head = await client.getBlockNumber()
    if (blockNumber > head) throw nectarError('FUTURE_BLOCK', `Block ${blockNumber} is in the future (the chain is at ${head}).`, {hint: `Give a block up to ${head}.`})
  }
  let values: bigint[]
  try {
    values = await getBalances(client, {addresses, blockNumber, nec, onProgress})
  } catch (error) {
    await assertContract(client, nec, 'NEC')
    throw error
  }
  const total = values.reduce((a, b) => a + b, 0n)
  return {
    balances: addresses.map((address, i) => ({address, balance: formatAmount(values[i]), wei: values[i]})),
    block: blockNumber ?? null,
    total: {balance: formatAmount(total), wei: total},
  }
}

async function readBalanceChunk(client: ChainClient, nec: Address, owners: readonly Address[], blockNumber: bigint): Promise<bigint[]> {
  // Hand-encoded constructor arguments (address, address[], uint256): viem's encoder re-checksums every
  // address, which costs more than the eth_call itself; the addresses were validated when parsed.
  const data = (balanceReaderBytecode + abiWord(nec) + abiWord('60') + abiWord(blockNumber.toString(16)) + abiWord(owners.length.toString(16)) +
    owners.map((o) => abiWord(o)).join('')) as Hex
  const output = await runDeployless(client, data)
  // abi.encode(uint256[]): offset, length, then one word per holder.
  const words = output.length > 2 ? output.slice(2) : ''
  const count = Number.parseInt(words.slice(64, 128), 16)
  if (count !== owners.length) {
    throw nectarError('READ_FAILED', `Could not read balances from ${nec}.`, {hint: 'Check that it is an ERC20 token with balanceOf (and balanceOfAt for --block).'})
  }
  return Array.from({length: count}, (_, i) => BigInt('0x' + words.slice(128 + i * 64, 192 + i * 64)))
}

/** Checks there is a contract at `address`, so a wrong profile fails with a clear message, not "0 balance". */
export async function assertContract(client: ChainClient, address: Address, what: string): Promise<void> {
  const code = await client.getCode({address})
  if (!code || code === '0x') {
    throw nectarError('NO_CONTRACT', `There is no ${what} contract at ${address} on this chain.`, {
      hint: 'Check the network profile (`nectar network show`), or run `nectar devnet up` for the local chain.',
    })
  }
}

export interface SupplyInfo {
  burningEnabled: boolean
  capRemaining: bigint
  controller: Address
  initialSupply: bigint
  pledgedFees: bigint
  /** NEC wei minted per 1 ETH of fees now (v2), from the window's snapshot or, when unset, the live supply. */
  rate: bigint
  rateSource: 'live' | 'snapshot'
  redemptionWeiPerNec: bigint
  snapshotSupply: bigint
  totalSupply: bigint
  whitelistActive: boolean
  window: bigint
  windowEnds: bigint
  windowStarts: bigint
}

/** Everything `nectar supply` shows, in one multicall: only functions the mainnet contracts have. */
export async function getSupplyInfo(client: ChainClient, {nec}: {nec: Address}): Promise<SupplyInfo> {
  const [totalSupply, pledgedFees, controller, burningEnabled] = await client.multicall({
    allowFailure: false,
    contracts: [
      {abi: necAbi, address: nec, functionName: 'totalSupply'},
      {abi: necAbi, address: nec, functionName: 'totalPledgedFees'},
      {abi: necAbi, address: nec, functionName: 'controller'},
      {abi: necAbi, address: nec, functionName: 'burningEnabled'},
    ],
    deployless: true,
  })
  const c = {abi: nectarControllerAbi, address: controller} as const
  const [window, startTime, periodLength, listActive, firstSnapshot] = await client.multicall({
    allowFailure: false,
    contracts: [
      {...c, functionName: 'currentWindow'},
      {...c, functionName: 'startTime'},
      {...c, functionName: 'periodLength'},
      {...c, functionName: 'listActive'},
      {...c, args: [0n], functionName: 'windowFinalBlock'},
    ],
    deployless: true,
  })
  const windowSnapshot = window > 0n ? await client.readContract({...c, args: [window - 1n], functionName: 'windowFinalBlock'}) : 0n
  const [initialAt, snapshotAt] = await client.multicall({
    allowFailure: false,
    contracts: [
      {abi: necAbi, address: nec, args: [firstSnapshot], functionName: 'totalSupplyAt'},
      {abi: necAbi, address: nec, args: [windowSnapshot], functionName: 'totalSupplyAt'},
    ],
    deployless: true,
  })
  const initialSupply = initialAt > 0n ? initialAt : INITIAL_SUPPLY
  const snapshotSet = windowSnapshot > 0n && snapshotAt > 0n
  const snapshotSupply = snapshotSet ? snapshotAt : totalSupply
  const period = periodLength * 86_400n
  const windowStarts = startTime + (window > 0n ? window - 1n : 0n) * period
  const cap = supplyCap(initialSupply)
  return {
    burningEnabled,
    capRemaining: totalSupply >= cap ? 0n : cap - totalSupply,
    controller,
    initialSupply,
    pledgedFees,
    rate: rateV2(snapshotSupply, initialSupply),
    rateSource: snapshotSet ? 'snapshot' : 'live',
    redemptionWeiPerNec: redemptionPayout(WEI, pledgedFees, totalSupply),
    snapshotSupply,
    totalSupply,
    whitelistActive: listActive,
    window,
    windowEnds: windowStarts + period,
    windowStarts,
  }
}

/** What `nectar supply` reports: decimal strings, exact integers in base units, ISO times. */
export interface SupplyReport {
  burningEnabled: boolean
  capRemaining: string
  capRemainingWei: bigint
  controller: Address
  initialSupply: string
  initialSupplyWei: bigint
  pledgedFees: string
  pledgedFeesWei: bigint
  rate: string
  rateSource: 'live' | 'snapshot'
  rateWei: bigint
  redemptionEthPerNec: string
  redemptionWeiPerNec: bigint
  snapshotSupply: string
  totalSupply: string
  totalSupplyWei: bigint
  whitelistActive: boolean
  window: number
  windowEnds: string
  windowStarts: string
}

/** The supply and issuance state of the NEC at `nec` (which must be a contract). */
export async function readSupplyReport(client: ChainClient, {nec}: {nec: Address}): Promise<SupplyReport> {
  await assertContract(client, nec, 'NEC')
  const info = await getSupplyInfo(client, {nec})
  const iso = (s: bigint) => new Date(Number(s) * 1000).toISOString()
  return {
    burningEnabled: info.burningEnabled,
    capRemaining: formatAmount(info.capRemaining),
    capRemainingWei: info.capRemaining,
    controller: info.controller,
    initialSupply: formatAmount(info.initialSupply),
    initialSupplyWei: info.initialSupply,
    pledgedFees: formatAmount(info.pledgedFees),
    pledgedFeesWei: info.pledgedFees,
    rate: formatAmount(info.rate),
    rateSource: info.rateSource,
    rateWei: info.rate,
    redemptionEthPerNec: formatAmount(info.redemptionWeiPerNec),
    redemptionWeiPerNec: info.redemptionWeiPerNec,
    snapshotSupply: formatAmount(info.snapshotSupply),
    totalSupply: formatAmount(info.totalSupply),
    totalSupplyWei: info.totalSupply,
    whitelistActive: info.whitelistActive,
    window: Number(info.window),
    windowEnds: iso(info.windowEnds),
    windowStarts: iso(info.windowStarts),
  }
}
