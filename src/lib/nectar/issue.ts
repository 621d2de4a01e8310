// `rewards issue`: one proxyAccountingCreation(maker, pledgedWei, tokensWei) per allocation row through
// the journaled batch sender, with the owner checked first and the minted amounts checked after.
import {closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync} from 'node:fs'
import path from 'node:path'
import {type Address, type LocalAccount, getAddress} from 'viem'

import {type BatchCall, type BatchResult, type BatchSummary, hashInput, journalPath, runJournaledBatch} from '../chain/batch.js'
import {type ChainClient} from '../chain/client.js'
import {runtimeError} from '../cli/errors.js'
import {nectarControllerAbi} from '../contracts/generated/index.js'
import {type AllocationRow, type Allocations} from './distribute.js'
import {getBalances, getSupplyInfo} from './reads.js'

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
    throw runtimeError('NOT_OWNER', `${account} is not the controller's owner (${owner}); only the owner can issue rewards.`, {
      hint: `Run it as the owner: --account with the owner's keystore (${owner}). Nothing was sent.`,
    })
  }
  const info = await getSupplyInfo(client, {nec})
  if (info.controller.toLowerCase() !== controller.toLowerCase()) {
    throw runtimeError('NOT_CONTROLLER', `NEC's controller is ${info.controller}, not the profile's ${controller}.`, {hint: 'Fix the controller address in the network profile. Nothing was sent.'})
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

/** Where the balances from before the first mint of this input are kept, next to its journal. */
export function beforeFile(journalDir: string, chainId: number, inputHash: string): string {
  return journalPath(journalDir, ISSUE_KIND, chainId, inputHash).replace(/\.jsonl$/, '.before.json')
}

/**
 * Records every maker's balance before anything of this input is minted (once: a resumed run keeps
 * the first record), fsynced, so the final check compares against the state before the first run.
 */
export async function recordBalancesBefore(client: ChainClient, {file, makers, nec}: {file: string; makers: readonly Address[]; nec: Address}): Promise<void> {
  if (existsSync(file)) return
  const balances = await getBalances(client, {addresses: makers, nec})
  mkdirSync(path.dirname(file), {mode: 0o700, recursive: true})
  const tmp = `${file}.tmp`
  const fd = openSync(tmp, 'w', 0o600)
  writeSync(fd, JSON.stringify(Object.fromEntries(makers.map((m, i) => [m.toLowerCase(), balances[i].toString()]))))
  fsyncSync(fd)
  closeSync(fd)
  renameSync(tmp, file)
}

export interface IssueVerification {
  /** False when no record of the balances before the first run exists (then nothing is compared). */
  checked: boolean
  mintedWei: bigint
  /** Makers whose balance moved by other than their allocation (transfers in between, or a fault). */
  mismatches: Array<{address: string; expectedWei: bigint; gotWei: bigint}>
}

export async function verifyIssued(client: ChainClient, {file, nec, rows}: {file: string; nec: Address; rows: readonly AllocationRow[]}): Promise<IssueVerification> {
  const after = await getBalances(client, {addresses: rows.map((r) => r.address as Address), nec})
  if (!existsSync(file)) return {checked: false, mintedWei: 0n, mismatches: []}
  const before = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>
  let mintedWei = 0n
  const mismatches: IssueVerification['mismatches'] = []
  rows.forEach((r, i) => {
    const got = after[i] - BigInt(before[r.address] ?? '0')
    mintedWei += got
    if (got !== r.tokensWei) mismatches.push({address: r.address, expectedWei: r.tokensWei, gotWei: got})
  })
  return {checked: true, mintedWei, mismatches}
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
  before: string
  skipped: number
  verification: IssueVerification
}

/** Sends the allocations (journaled, resumable), then checks every maker's balance moved by exactly its tokens. */
export async function issueAllocations(options: IssueOptions): Promise<IssueResult> {
  const {allocations, client, controller, nec} = options
  const {calls, inputHash, skipped} = issueCalls(controller, allocations.rows)
  const before = beforeFile(options.journalDir, client.chain!.id, inputHash)
  const makers = allocations.rows.map((r) => getAddress(r.address))
  const batch = await runJournaledBatch({
    account: options.account,
    client,
    async confirm(summary) {
      await options.confirm(summary)
      // Only before anything of this input was ever signed is the state "before"; a resumed run keeps the record.
      if (summary.alreadyDone === 0 && summary.pending === 0) await recordBalancesBefore(client, {file: before, makers, nec})
    },
    inputHash,
    journalDir: options.journalDir,
    kind: ISSUE_KIND,
    onConfirmed: options.onConfirmed,
  }, calls)
  const verification = await verifyIssued(client, {file: before, nec, rows: allocations.rows})
  return {batch, before, skipped, verification}
}
