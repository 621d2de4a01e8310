// `rewards issue`: one proxyAccountingCreation(maker, pledgedWei, tokensWei) per allocation row through
// the journaled batch sender, with the owner checked first and the minted amounts checked after.
import {type Address, getAddress} from 'viem'

import {type BatchCall, type BatchSendOptions, hashInput, journalPath, runJournaledBatch} from '../chain/batch.js'
import {Journal} from '../chain/journal.js'
import {type ChainClient} from '../chain/client.js'
import {gasText, writeCall} from '../chain/transact.js'
import {displayAmount, formatAmount} from '../core/amounts.js'
import {nectarError} from '../core/errors.js'
import {nectarControllerAbi} from '../contracts/generated/index.js'
import {type AllocationRow, type Allocations} from './distribute.js'
import {currentWindowStart, firstBlockAt, matchRows, type OwnerMint, ownerMintsSince} from './mint-history.js'
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

/** Rows with tokens to mint (pledge-only rows mint nothing, so the chain shows no Transfer for them). */
const mintRows = (rows: readonly AllocationRow[]) => rows.filter((r) => r.tokensWei > 0n)

/**
 * Checks every row against the chain, not this run's receipts: exactly one owner mint of exactly the
 * row's tokens to that maker in the issuance's scope, however the run was interrupted or resumed.
 */
export function verifyOnChain(rows: readonly AllocationRow[], mints: readonly OwnerMint[]): IssueVerification {
  const history = matchRows(mintRows(rows), mints)
  const mismatches = history.flatMap((row) => (row.matches.length === 1 ? [] : [{address: row.address, expectedWei: row.tokensWei, gotWei: row.matches.reduce((sum, m) => sum + m.amount, 0n)}]))
  const mintedWei = history.reduce((sum, row) => sum + (row.matches.length === 1 ? row.tokensWei : 0n), 0n)
  return {mintedWei, mismatches}
}

/**
 * From which block the chain is searched: the start of the controller's current window, or of the one
 * before when the file was computed at another snapshot supply (a window may have turned since), or
 * the first run of this input, whichever is earliest.
 */
async function issuanceScope(
  client: ChainClient,
  {chainId, controller, fileSupply, inputHash, journalDir, liveSupply}: {chainId: number; controller: Address; fileSupply: bigint; inputHash: string; journalDir: string; liveSupply: bigint},
): Promise<{fromBlock: bigint; since: string}> {
  const {period, start} = await currentWindowStart(client, controller)
  let from = fileSupply === liveSupply || start < period ? start : start - period
  const header = new Journal(journalPath(journalDir, ISSUE_KIND, chainId, inputHash)).read().find((r) => r.type === 'header')
  if (header) from = BigInt(Math.min(Number(from), Math.floor(Date.parse(header.at) / 1000)))
  return {fromBlock: await firstBlockAt(client, from), since: new Date(Number(from) * 1000).toISOString()}
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
  const {calls: all, inputHash, skipped} = issueCalls(controller, allocations.rows)
  // What is done is read from the chain, not from the journal: a missing, truncated or foreign journal
  // cannot cause a second mint, and the same maker and amount minted twice stops the run.
  const scope = await issuanceScope(client, {chainId: client.chain!.id, controller, fileSupply: meta.supply, inputHash, journalDir, liveSupply})
  const before = matchRows(mintRows(allocations.rows), await ownerMintsSince(client, {controller, fromBlock: scope.fromBlock, nec, owner: account.address}))
  const ambiguous = before.filter((row) => row.matches.length > 1)
  if (ambiguous.length > 0) {
    throw nectarError('ISSUANCE_AMBIGUOUS', `${ambiguous.length} maker(s) already received exactly their allocation more than once since ${scope.since}; nothing was sent.`, {
      details: ambiguous.slice(0, 20).map((row) => `${getAddress(row.address)}: ${row.matches.length} mints of ${formatAmount(row.tokensWei)} NEC (${row.matches.map((m) => m.hash).join(', ')})`),
      hint: 'Find out why before issuing again (another run, a hand-made mint); this file is not sent while the history is ambiguous.',
    })
  }
  const done = new Set(before.filter((row) => row.matches.length === 1).map((row) => row.address.toLowerCase()))
  const calls = all.filter((call) => !done.has(call.key.toLowerCase()))
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
          ['gas', gasText(summary.totalGas, summary.gasPrice)],
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
    wait: send.wait,
  }, calls)
  progress?.done()
  const verification = verifyOnChain(allocations.rows, await ownerMintsSince(client, {controller, fromBlock: scope.fromBlock, nec, owner: account.address}))
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
    resumed: batch.resumed + done.size,
    sent: batch.sent,
    skippedEmptyRows: skipped,
    total: formatAmount(meta.total),
    totalWei: meta.total,
    transactions: batch.outcomes.length + done.size,
    verified: verification.mismatches.length === 0,
  }
}
