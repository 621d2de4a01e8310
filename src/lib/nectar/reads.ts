import {type Address} from 'viem'

import {type ChainClient} from '../chain/client.js'
import {runtimeError} from '../cli/errors.js'
import {necAbi, nectarControllerAbi} from '../contracts/generated/index.js'
import {INITIAL_SUPPLY, rateV2, supplyCap, redemptionPayout, WEI} from './curve.js'

export interface NectarAddresses {
  controller?: Address
  nec: Address
}

/** Calls per multicall batch: each balanceOfAt walks a checkpoint array, so keep a batch well inside the call gas cap. */
const BATCH = 1000
/** Batches in flight at once. */
const PARALLEL = 4

/**
 * NEC balances of many addresses in few RPC calls (multicall, deployless so it works on any chain).
 * With `blockNumber` the token's checkpoint history is read (`balanceOfAt`), which works on nodes that
 * keep no historical state.
 */
export async function getBalances(
  client: ChainClient,
  {addresses, blockNumber, nec, onProgress}: {addresses: readonly Address[]; blockNumber?: bigint; nec: Address; onProgress?: (done: number) => void},
): Promise<bigint[]> {
  const out: bigint[] = new Array(addresses.length)
  const batches: Array<[number, readonly Address[]]> = []
  for (let i = 0; i < addresses.length; i += BATCH) batches.push([i, addresses.slice(i, i + BATCH)])
  let next = 0
  const worker = async () => {
    while (next < batches.length) {
      const [offset, chunk] = batches[next++]
      const contracts = chunk.map((address) =>
        blockNumber === undefined
          ? ({abi: necAbi, address: nec, args: [address], functionName: 'balanceOf'} as const)
          : ({abi: necAbi, address: nec, args: [address, blockNumber], functionName: 'balanceOfAt'} as const),
      )
      const results = chunk.length === 1
        ? [await client.readContract(contracts[0] as never) as bigint]
        : ((await client.multicall({allowFailure: false, contracts: contracts as never, deployless: true})) as bigint[])
      results.forEach((value, i) => (out[offset + i] = value))
      onProgress?.(chunk.length)
    }
  }
  await Promise.all(Array.from({length: Math.min(PARALLEL, batches.length)}, worker))
  return out
}

/** Checks there is a contract at `address`, so a wrong profile fails with a clear message, not "0 balance". */
export async function assertContract(client: ChainClient, address: Address, what: string): Promise<void> {
  const code = await client.getCode({address})
  if (!code || code === '0x') {
    throw runtimeError('NO_CONTRACT', `There is no ${what} contract at ${address} on this chain.`, {
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
