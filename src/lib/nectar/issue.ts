// `rewards issue`: one proxyAccountingCreation(maker, pledgedWei, tokensWei) per allocation row through
// the journaled batch sender, with the owner checked first and the minted amounts checked after.
import {type Address, type LocalAccount, parseEventLogs, zeroAddress} from 'viem'

import {type BatchCall, type BatchOutcome, type BatchResult, type BatchSummary, hashInput, runJournaledBatch} from '../chain/batch.js'
import {type ChainClient} from '../chain/client.js'
import {mapLimit} from '../chain/map-limit.js'
import {nectarError} from '../core/errors.js'
import {necAbi, nectarControllerAbi} from '../contracts/generated/index.js'
import {type AllocationRow, type Allocations} from './distribute.js'
import {getSupplyInfo} from './reads.js'

export const ISSUE_KIND = 'rewards-issue'

export interface IssueCheck {
  /** Rows with nothing to mint or pledge: not sent. */
  empty: number
  /** Supply the controller would use now, when it differs from the file's. */
  liveSupply: bigint
  owner: Address
}

/** Refuses (nothing sent) unless `account` owns the controller and the controller controls NEC. */
export async function checkIssuer(client: ChainClient, {account, controller, nec}: {account: Address; controller: Address; nec: Address}): Promise<{liveSupply: bigint; owner: Address}> {
  const owner = await client.readContract({abi: nectarControllerAbi, address: controller, functionName: 'owner'})
  if (owner.toLowerCase() !== account.toLowerCase()) {
    throw nectarError('NOT_OWNER', `${account} is not the controller's owner (${owner}); only the owner can issue rewards.`, {
      hint: `Run it as the owner: --account with the owner's keystore (${owner}). Nothing was sent.`,
    })
  }
  const info = await getSupplyInfo(client, {nec})
  if (info.controller.toLowerCase() !== controller.toLowerCase()) {
    throw nectarError('NOT_CONTROLLER', `NEC's controller is ${info.controller}, not the profile's ${controller}.`, {hint: 'Fix the controller address in the network profile. Nothing was sent.'})
  }
  return {liveSupply: info.snapshotSupply, owner}
}

export function issueCalls(controller: Address, rows: readonly AllocationRow[]): {calls: BatchCall[]; inputHash: string; skipped: number} {
  const sendable = rows.filter((r) => r.tokensWei > 0n || r.pledgedWei > 0n)
  const calls = sendable.map((r) => ({
    abi: nectarControllerAbi,
    address: controller,
    args: [r.address as Address, r.pledgedWei, r.tokensWei],
    functionName: 'proxyAccountingCreation',
    key: r.address,
  }))
  const inputHash = hashInput([controller.toLowerCase(), ...sendable.map((r) => `${r.address},${r.pledgedWei},${r.tokensWei}`)])
  return {calls, inputHash, skipped: rows.length - sendable.length}
}

export interface IssueVerification {
  mintedWei: bigint
  /** Rows whose transaction does not show the mint of exactly their tokens to them. */
  mismatches: Array<{address: string; expectedWei: bigint; gotWei: bigint}>
}

/**
 * Checks every row against its own transaction's receipt: NEC's Transfer(0x0, maker, tokens) must be
 * there with exactly the row's tokens. Unlike comparing balances, this holds however the makers'
 * balances move later, on a resumed or repeated run too.
 */
export async function verifyIssued(client: ChainClient, {nec, outcomes, rows}: {nec: Address; outcomes: readonly BatchOutcome[]; rows: readonly AllocationRow[]}): Promise<IssueVerification> {
  const hashes = new Map(outcomes.map((o) => [o.key, o.hash]))
  const minted = await mapLimit(rows, 16, async (row) => {
    const hash = hashes.get(row.address)
    if (!hash) return 0n
    const receipt = await client.getTransactionReceipt({hash})
    const mints = parseEventLogs({abi: necAbi, eventName: 'Transfer', logs: receipt.logs.filter((l) => l.address.toLowerCase() === nec.toLowerCase())})
      .filter((e) => e.args._from === zeroAddress && e.args._to.toLowerCase() === row.address.toLowerCase())
    return mints.reduce((sum, e) => sum + e.args._amount, 0n)
  })
  const mismatches = rows.flatMap((row, i) => (minted[i] === row.tokensWei ? [] : [{address: row.address, expectedWei: row.tokensWei, gotWei: minted[i]}]))
  return {mintedWei: minted.reduce((a, b) => a + b, 0n), mismatches}
}

export interface IssueOptions {
  account: LocalAccount
  allocations: Allocations
  client: ChainClient
  confirm: (summary: BatchSummary) => Promise<void>
  controller: Address
  journalDir: string
  nec: Address
  onConfirmed?: (key: string) => void
}

export interface IssueResult {
  batch: BatchResult
  skipped: number
  verification: IssueVerification
}

/** Sends the allocations (journaled, resumable), then checks every row's mint in its receipt. */
export async function issueAllocations(options: IssueOptions): Promise<IssueResult> {
  const {allocations, client, controller, nec} = options
  const {calls, inputHash, skipped} = issueCalls(controller, allocations.rows)
  const batch = await runJournaledBatch({
    account: options.account,
    client,
    confirm: options.confirm,
    inputHash,
    journalDir: options.journalDir,
    kind: ISSUE_KIND,
    onConfirmed: options.onConfirmed,
  }, calls)
  const verification = await verifyIssued(client, {nec, outcomes: batch.outcomes, rows: allocations.rows.filter((r) => r.tokensWei > 0n || r.pledgedWei > 0n)})
  return {batch, skipped, verification}
}
