// The controller of NEC: which one it is (always NEC.controller(), never a profile's guess), and what a
// controller is (owner, vault, token, windows, switches, ETH, its issuance), for `controller inspect`
// and the upgrade's checks. Works on mainnet's v1 and v2 (only functions they have are called).
import {type Address} from 'viem'

import {type ChainClient} from '../chain/client.js'
import {displayAmount, formatAmount} from '../core/amounts.js'
import {nectarError} from '../core/errors.js'
import {necAbi, nectarControllerAbi} from '../contracts/generated/index.js'
import {INITIAL_SUPPLY, issuance, WEI} from './curve.js'
import {assertContract} from './reads.js'

export interface ControllerResolution {
  controller: Address
  /** Set when the profile names another controller than the token's. */
  warning?: string
}

const same = (a?: string, b?: string) => Boolean(a && b && a.toLowerCase() === b.toLowerCase())

/**
 * NEC's controller, read from the token: the one every command uses. A profile that names another
 * one (stale after an upgrade) gets a warning naming the fix; it is never used instead.
 */
export async function resolveController(client: ChainClient, {nec, network, profileController}: {nec: Address; network: string; profileController?: Address}): Promise<ControllerResolution> {
  let controller: Address
  try {
    controller = await client.readContract({abi: necAbi, address: nec, functionName: 'controller'})
  } catch (error) {
    await assertContract(client, nec, 'NEC')
    throw error
  }
  if (!profileController || same(profileController, controller)) return {controller}
  return {
    controller,
    warning: `The network ${network} names the controller ${profileController}, but NEC's controller is ${controller} (upgraded?); using NEC's. ` +
      `Update the profile: \`nectar config set networks.${network}.contracts.controller ${controller}\`.`,
  }
}

// ------------------------------------------------------------------------------------------ facts

export type ControllerVersion = 'v1' | 'v2'

/** One controller as `controller inspect` shows it. Amounts in wei; blocks and times as bigint. */
export interface ControllerFacts {
  address: Address
  /** NEC's burning switch (it lives on the token: the same for any controller, changed only through the token's controller). */
  burningEnabled: boolean
  ethBalance: bigint
  /** windowFinalBlock[0]: the block whose supply is the controller's initial supply S0. */
  initialSnapshotBlock: bigint
  /** totalSupplyAt(windowFinalBlock[0]); 0 when that block is before NEC's first checkpoint. */
  initialSupply: bigint
  /** Whether NEC's controller() is this one. */
  isTokenController: boolean
  listActive: boolean
  owner: Address
  periodLength: bigint
  /** NEC wei per 1 ETH of fees in the current window: the window's snapshot supply, or the live supply while it is unset. */
  rateNow: bigint | null
  startTime: bigint
  token: Address
  tokenIsNec: boolean
  /** v2 has isAdmin (multi-admin whitelist) and the quadratic curve; v1 neither. */
  version: ControllerVersion
  vault: Address
  window: bigint
  /** windowFinalBlock[window-1]: this window's snapshot, 0 until the window's first mint. */
  windowSnapshotBlock: bigint
}

/**
 * Reads what a controller is. Refuses (a usage error about `label`) an address with no code or one
 * that is not a NectarController, since both are wrong inputs, not chain failures.
 */
export async function readControllerFacts(client: ChainClient, {address, label = 'controller', nec}: {address: Address; label?: string; nec: Address}): Promise<ControllerFacts> {
  const code = await client.getCode({address})
  if (!code || code === '0x') {
    throw nectarError('CONTROLLER_NO_CODE', `The ${label} ${address} has no code on this chain: it is not a controller.`, {
      hint: 'Check the address and the network; deploy the controller first (on the devnet: `nectar devnet deploy-controller`).',
    })
  }
  const c = {abi: nectarControllerAbi, address} as const
  const reads = await client.multicall({
    allowFailure: true,
    contracts: [
      {...c, functionName: 'owner'},
      {...c, functionName: 'vaultAddress'},
      {...c, functionName: 'tokenContract'},
      {...c, functionName: 'startTime'},
      {...c, functionName: 'periodLength'},
      {...c, functionName: 'currentWindow'},
      {...c, args: [0n], functionName: 'windowFinalBlock'},
      {...c, functionName: 'listActive'},
      {...c, args: ['0x0000000000000000000000000000000000000000'], functionName: 'isAdmin'},
      {abi: necAbi, address: nec, functionName: 'controller'},
      {abi: necAbi, address: nec, functionName: 'burningEnabled'},
      {abi: necAbi, address: nec, functionName: 'totalSupply'},
      {abi: necAbi, address: nec, functionName: 'totalPledgedFees'},
    ],
    deployless: true,
  })
  const [owner, vault, token, startTime, periodLength, window, initialSnapshotBlock, listActive, isAdmin, necController, burningEnabled, totalSupply, pledged] = reads
  const core = [owner, vault, token, startTime, periodLength, window, initialSnapshotBlock, listActive]
  if (core.some((r) => r.status !== 'success')) {
    throw nectarError('NOT_A_CONTROLLER', `The ${label} ${address} is not a NectarController (it does not answer owner, vaultAddress, tokenContract, windows and listActive).`, {
      hint: 'Give the address of a NectarController deployed for this NEC.',
    })
  }
  for (const r of [necController, burningEnabled, totalSupply, pledged]) if (r.status !== 'success') throw r.error
  const w = window.result as bigint
  const windowSnapshotBlock = w > 0n ? await client.readContract({...c, args: [w - 1n], functionName: 'windowFinalBlock'}) : 0n
  const [initialAt, snapshotAt, snapshotPledged, ethBalance] = await Promise.all([
    client.readContract({abi: necAbi, address: nec, args: [initialSnapshotBlock.result as bigint], functionName: 'totalSupplyAt'}),
    client.readContract({abi: necAbi, address: nec, args: [windowSnapshotBlock], functionName: 'totalSupplyAt'}),
    client.readContract({abi: necAbi, address: nec, args: [windowSnapshotBlock], functionName: 'totalPledgedFeesAt'}),
    client.getBalance({address}),
  ])
  const version: ControllerVersion = isAdmin.status === 'success' ? 'v2' : 'v1'
  // As the contract computes it: supply (and, for v1, pledged fees) at the window's snapshot; the live values while it is unset.
  const snapshotSet = windowSnapshotBlock > 0n && snapshotAt > 0n
  const snapshotSupply = snapshotSet ? snapshotAt : (totalSupply.result as bigint)
  const fees = snapshotSet ? snapshotPledged : (pledged.result as bigint)
  return {
    address,
    burningEnabled: burningEnabled.result as boolean,
    ethBalance,
    initialSnapshotBlock: initialSnapshotBlock.result as bigint,
    initialSupply: initialAt,
    isTokenController: same(necController.result as string, address),
    listActive: listActive.result as boolean,
    owner: owner.result as Address,
    periodLength: periodLength.result as bigint,
    rateNow: initialAt > 0n ? issuance(version, WEI, snapshotSupply, fees, initialAt) : null,
    startTime: startTime.result as bigint,
    token: token.result as Address,
    tokenIsNec: same(token.result as string, nec),
    version,
    vault: vault.result as Address,
    window: w,
    windowSnapshotBlock,
  }
}

// ------------------------------------------------------------------------------------------ inspect

export interface IssuanceSample {
  /** The supply the rates are computed at (NEC wei). */
  supply: bigint
  /** NEC wei per 1 ETH of fees under the current controller and the candidate; null where its S0 is unknown. */
  current: bigint | null
  candidate: bigint | null
  /** Which supply this is, when it is a landmark ("live", "S0"). */
  note?: string
}

export interface ControllerInspection {
  candidate: ControllerFacts
  current: ControllerFacts
  /** What would change with the upgrade, one line each (empty when nothing does). */
  differences: string[]
  issuance: IssuanceSample[]
  /** Pledged fees now (v1's curve depends on them), wei. */
  pledgedFees: bigint
  totalSupply: bigint
}

/** Rate per 1 ETH of fees under `f`'s curve at supply `s`. */
function rateOf(f: ControllerFacts, s: bigint, pledged: bigint): bigint | null {
  return f.initialSupply > 0n ? issuance(f.version, WEI, s, pledged, f.initialSupply) : null
}

/** The candidate beside NEC's current controller, with the issuance of both at sample supplies. */
export async function inspectCandidate(client: ChainClient, {candidate, nec}: {candidate: Address; nec: Address}): Promise<ControllerInspection> {
  const {controller} = await resolveController(client, {nec, network: ''})
  const [current, cand, totalSupply, pledgedFees] = await Promise.all([
    readControllerFacts(client, {address: controller, label: "NEC's controller", nec}),
    readControllerFacts(client, {address: candidate, label: 'candidate', nec}),
    client.readContract({abi: necAbi, address: nec, functionName: 'totalSupply'}),
    client.readContract({abi: necAbi, address: nec, functionName: 'totalPledgedFees'}),
  ])
  const s0 = current.initialSupply > 0n ? current.initialSupply : INITIAL_SUPPLY
  const landmarks = new Map<bigint, string>([[s0, 'S0'], [totalSupply, 'live']])
  for (const pct of [110n, 125n, 150n, 190n]) if (!landmarks.has((s0 * pct) / 100n)) landmarks.set((s0 * pct) / 100n, '')
  const samples = [...landmarks.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return {
    candidate: cand,
    current,
    differences: differences(current, cand),
    issuance: samples.map(([supply, note]) => ({candidate: rateOf(cand, supply, pledgedFees), current: rateOf(current, supply, pledgedFees), supply, ...(note ? {note} : {})})),
    pledgedFees,
    totalSupply,
  }
}

/** What the upgrade changes, in words. */
export function differences(current: ControllerFacts, candidate: ControllerFacts): string[] {
  const out: string[] = []
  if (!candidate.tokenIsNec) out.push(`token: the candidate controls ${candidate.token}, not NEC`)
  if (!same(current.owner, candidate.owner)) out.push(`owner: ${current.owner} → ${candidate.owner}`)
  if (!same(current.vault, candidate.vault)) out.push(`vault: ${current.vault} → ${candidate.vault}`)
  if (current.version !== candidate.version) out.push(`issuance curve: ${current.version} → ${candidate.version}`)
  if (current.initialSupply !== candidate.initialSupply) {
    out.push(`initial supply S0 (block ${current.initialSnapshotBlock} → ${candidate.initialSnapshotBlock}): ${displayAmount(current.initialSupply)} → ${displayAmount(candidate.initialSupply)} NEC, so the rate at a given supply changes`)
  }
  if (current.startTime !== candidate.startTime || current.periodLength !== candidate.periodLength) {
    out.push(`windows: start ${current.startTime}, ${current.periodLength} days → start ${candidate.startTime}, ${candidate.periodLength} days (window ${current.window} → ${candidate.window})`)
  }
  if (current.rateNow !== candidate.rateNow) {
    const r = (x: bigint | null) => (x === null ? 'unknown' : displayAmount(x))
    out.push(`rate now: ${r(current.rateNow)} → ${r(candidate.rateNow)} NEC per ETH of fees`)
  }
  if (current.listActive !== candidate.listActive) out.push(`whitelist: ${current.listActive ? 'on' : 'off'} → ${candidate.listActive ? 'on' : 'off'}`)
  if (candidate.ethBalance < current.ethBalance) {
    out.push(`ETH for redemptions: ${formatAmount(current.ethBalance)} → ${formatAmount(candidate.ethBalance)} (top it up: \`nectar controller migrate --to ${candidate.address} --top-up\`)`)
  }
  return out
}

// ------------------------------------------------------------------------------------------ report

type Amount<K extends string> = Record<K, string> & Record<`${K}Wei`, bigint>
type MaybeAmount<K extends string> = Record<K, null | string> & Record<`${K}Wei`, bigint | null>

/** A controller as `controller inspect --json` reports it: amounts as decimal strings beside exact wei. */
export type ControllerFactsReport = Omit<ControllerFacts, 'ethBalance' | 'initialSupply' | 'rateNow'> & Amount<'eth'> & Amount<'initialSupply'> & MaybeAmount<'rateNow'>

export interface ControllerInspectionReport {
  candidate: ControllerFactsReport
  current: ControllerFactsReport
  differences: string[]
  issuance: Array<{note?: string} & Amount<'supply'> & MaybeAmount<'current'> & MaybeAmount<'candidate'>>
  pledgedFees: string
  pledgedFeesWei: bigint
  totalSupply: string
  totalSupplyWei: bigint
}

const maybe = (x: bigint | null) => (x === null ? null : formatAmount(x))

function factsReport({ethBalance, initialSupply, rateNow, ...rest}: ControllerFacts): ControllerFactsReport {
  return {...rest, eth: formatAmount(ethBalance), ethWei: ethBalance, initialSupply: formatAmount(initialSupply), initialSupplyWei: initialSupply, rateNow: maybe(rateNow), rateNowWei: rateNow}
}

export function inspectionReport(x: ControllerInspection): ControllerInspectionReport {
  return {
    candidate: factsReport(x.candidate),
    current: factsReport(x.current),
    differences: x.differences,
    issuance: x.issuance.map((s) => ({
      candidate: maybe(s.candidate),
      candidateWei: s.candidate,
      current: maybe(s.current),
      currentWei: s.current,
      ...(s.note ? {note: s.note} : {}),
      supply: formatAmount(s.supply),
      supplyWei: s.supply,
    })),
    pledgedFees: formatAmount(x.pledgedFees),
    pledgedFeesWei: x.pledgedFees,
    totalSupply: formatAmount(x.totalSupply),
    totalSupplyWei: x.totalSupply,
  }
}
