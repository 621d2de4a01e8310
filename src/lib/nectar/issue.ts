// `rewards issue`: one proxyAccountingCreation(maker, pledgedWei, tokensWei) per allocation row through
// the journaled batch sender, with the owner checked first and the minted amounts checked after.
import {type Address, parseEventLogs, zeroAddress} from 'viem'

import {type BatchCall, type BatchOutcome, type BatchSendOptions, hashInput, runJournaledBatch} from '../chain/batch.js'
import {type ChainClient} from '../chain/client.js'
import {mapLimit} from '../chain/map-limit.js'
import {writeCall} from '../chain/transact.js'
import {displayAmount, formatAmount} from '../core/amounts.js'
import {nectarError} from '../core/errors.js'
import {necAbi, nectarControllerAbi} from '../contracts/generated/index.js'
import {type AllocationRow, type Allocations} from './distribute.js'
import {getSupplyInfo} from './reads.js'

export const ISSUE_KIND = 'rewards-issue'

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
    ...writeCall({abi: nectarControllerAbi, address: controller, args: [r.address as Address, r.pledgedWei, r.tokensWei], functionName: 'proxyAccountingCreation'}),
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

export interface IssueRewardsParams {
  allocations: Allocations
  controller: Address
  journalDir: string
  nec: Address
}

/** What `rewards issue` reports: every row minted exactly as allocated. */
export interface IssueRewardsResult {
  /** The allocations file. */
  allocations: string
  journal: string
  makers: number
  minted: string
  mintedWei: bigint
  /** Always empty in a result: a run with mismatches fails with MINT_MISMATCH. */
  mismatches: Array<{address: string; expectedWei: bigint; gotWei: bigint}>
  pledged: string
  pledgedWei: bigint
  /** Transactions found done in the journal from an earlier run. */
  resumed: number
  /** Transactions this run broadcast. */
  sent: number
  skippedEmptyRows: number
  total: string
  totalWei: bigint
  transactions: number
  verified: boolean
}

/**
 * Mints a period's allocations from the signing account, the controller's owner: one
 * proxyAccountingCreation per row with something to mint or pledge, journaled and resumable, then
 * every row checked against its own transaction's mint. A file computed at another supply than the
 * controller's snapshot is minted as written, with a warning.
 */
export async function issueRewards(client: ChainClient, {allocations, controller, journalDir, nec}: IssueRewardsParams, send: BatchSendOptions): Promise<IssueRewardsResult> {
  const {account} = send
  const {meta} = allocations
  const {liveSupply} = await checkIssuer(client, {account: account.address, controller, nec})
  if (liveSupply !== meta.supply) {
    send.warn?.(`The file was computed at supply ${displayAmount(meta.supply)} NEC; the controller's snapshot supply now is ${displayAmount(liveSupply)} NEC (the rate differs). Minting the file's amounts as written.`)
  }
  const {calls, inputHash, skipped} = issueCalls(controller, allocations.rows)
  let progress: ReturnType<NonNullable<BatchSendOptions['progress']>> | undefined
  const batch = await runJournaledBatch({
    account,
    client,
    async confirm(summary) {
      await send.confirm({
        action: `Mint ${displayAmount(meta.total)} NEC to ${meta.makers} makers, pledging ${displayAmount(meta.pledged)} ETH`,
        details: [
          ['controller', controller],
          ['from', account.address],
          ['transactions', `${summary.toSend} to send${summary.alreadyDone ? `, ${summary.alreadyDone} already done` : ''}${summary.pending ? `, ${summary.pending} pending from an earlier run` : ''}`],
          ['gas', summary.totalGas.toString()],
          ['journal', summary.journal],
        ],
        question: `Send ${summary.toSend} transactions?`,
        summary,
      })
      progress = send.progress?.('Issuing', summary.toSend + summary.pending)
    },
    inputHash,
    journalDir,
    kind: ISSUE_KIND,
    onConfirmed: () => progress?.tick(),
  }, calls)
  progress?.done()
  const verification = await verifyIssued(client, {nec, outcomes: batch.outcomes, rows: allocations.rows.filter((r) => r.tokensWei > 0n || r.pledgedWei > 0n)})
  if (verification.mismatches.length > 0) {
    const [first] = verification.mismatches
    throw nectarError('MINT_MISMATCH', `${verification.mismatches.length} row(s) were not minted as allocated, e.g. ${first.address}: ${first.gotWei} wei instead of ${first.expectedWei}.`, {
      hint: `Compare the chain with the journal ${batch.journal} before doing anything else.`,
    })
  }
  return {
    allocations: allocations.file,
    journal: batch.journal,
    makers: meta.makers,
    minted: formatAmount(verification.mintedWei),
    mintedWei: verification.mintedWei,
    mismatches: verification.mismatches,
    pledged: formatAmount(meta.pledged),
    pledgedWei: meta.pledged,
    resumed: batch.resumed,
    sent: batch.sent,
    skippedEmptyRows: skipped,
    total: formatAmount(meta.total),
    totalWei: meta.total,
    transactions: batch.outcomes.length,
    verified: verification.mismatches.length === 0,
  }
}
