// Governance by NEC held: proposals on a ProposalManager (nec-community's interface), read in batches.
// A proposal's voting weights are the balances of a MiniMe clone of NEC made when an admin approves
// it (the snapshot block); a vote moves the voter's whole clone balance to the manager, so NEC moved
// after the snapshot changes nobody's weight. Reads here; writes in governance-write.ts; the proposal
// texts (only their hash is on chain) in governance-text.ts.
import {type Address, getAddress, type Hex, zeroAddress} from 'viem'

import {abiWord, runDeployless} from '../chain/deployless.js'
import {mapChunks} from '../chain/map-limit.js'
import {type ChainClient} from '../chain/client.js'
import {displayAmount, formatAmount} from '../core/amounts.js'
import {formatDuration} from '../core/durations.js'
import {nectarError} from '../core/errors.js'
import {proposalManagerAbi, proposalReaderBytecode} from '../contracts/generated/index.js'
import {assertContract} from './reads.js'

/** Proposals per eth_call of the reader: 1,000 need more than 30M gas, 500 less, so 250 stay well under any node's eth_call cap; 1,000 proposals are 4 calls in flight at once. */
const BATCH = 250
const PARALLEL = 4
/** Words the reader returns per proposal (contracts/readers/ProposalReader.sol). */
const WORDS = 16

export type ProposalState = 'active' | 'denied' | 'ended' | 'pending'

/** One proposal as the chain has it, with the voter's side. Amounts in NEC wei. */
export interface ProposalRecord {
  approved: boolean
  denied: boolean
  /** Seconds, from approval. */
  duration: bigint
  id: bigint
  noWei: bigint
  proposer: Address
  /** Block of the snapshot (approval); 0 before approval. */
  startBlock: bigint
  /** Unix seconds of approval; 0 before. */
  startTime: bigint
  storageHash: Hex
  /** NEC supply at the snapshot block; 0 before approval. */
  supplyWei: bigint
  /** The clone of NEC whose balances are the weights; the zero address before approval. */
  token: Address
  /** The voter's clone balance now: what a vote would move (0 after voting). */
  votingBalanceWei: bigint
  /** true/false from the manager's hasVoted; null where the manager lacks it (mainnet) or before approval. */
  voted: boolean | null
  /** The voter's NEC at the snapshot block. */
  weightWei: bigint
  yesWei: bigint
}

const word = (hex: string, i: number): bigint => BigInt('0x' + hex.slice(i * 64, i * 64 + 64))
/** Checksummed addresses, cached: checksumming hashes (about 0.1 ms each), and proposers repeat across proposals. */
const checksummed = new Map<string, Address>()
function addressWord(hex: string, i: number): Address {
  const raw = '0x' + hex.slice(i * 64 + 24, i * 64 + 64)
  let address = checksummed.get(raw)
  if (!address) checksummed.set(raw, (address = getAddress(raw)))
  return address
}

async function readChunk(client: ChainClient, manager: Address, voter: Address, ids: readonly bigint[]): Promise<ProposalRecord[]> {
  const from = ids[0]
  const data = (proposalReaderBytecode + abiWord(manager) + abiWord(from.toString(16)) + abiWord(ids.length.toString(16)) + abiWord(voter)) as Hex
  const output = await runDeployless(client, data)
  const words = output.length > 2 ? output.slice(2) : ''
  // abi.encode(uint256[]): offset, length, then the words.
  const count = words.length >= 128 ? Number(word(words, 1)) : -1
  if (count !== ids.length * WORDS) {
    throw nectarError('READ_FAILED', `Could not read proposals ${from}..${from + BigInt(ids.length) - 1n} from ${manager}.`, {
      hint: 'Check that the profile’s proposalManager is a ProposalManager (`nectar network show`).',
    })
  }
  const body = words.slice(128)
  return ids.map((id, n) => {
    const at = (k: number) => n * WORDS + k
    const voted = word(body, at(15))
    const token = addressWord(body, at(9))
    return {
      approved: word(body, at(10)) !== 0n,
      denied: word(body, at(11)) !== 0n,
      duration: word(body, at(3)),
      id,
      noWei: word(body, at(8)),
      proposer: addressWord(body, at(0)),
      startBlock: word(body, at(1)),
      startTime: word(body, at(2)),
      storageHash: ('0x' + body.slice(at(4) * 64, at(4) * 64 + 64)) as Hex,
      supplyWei: word(body, at(12)),
      token,
      votingBalanceWei: word(body, at(14)),
      voted: token === zeroAddress || voted === 2n ? null : voted === 1n,
      weightWei: word(body, at(13)),
      yesWei: word(body, at(7)),
    }
  })
}

/** The number of proposals; fails clearly when there is no contract at `manager`. */
export async function proposalCount(client: ChainClient, manager: Address): Promise<bigint> {
  try {
    return await client.readContract({abi: proposalManagerAbi, address: manager, functionName: 'nProposals'})
  } catch (error) {
    await assertContract(client, manager, 'ProposalManager')
    throw error
  }
}

/** Proposals `ids` (consecutive or not) with `voter`'s weight and vote, in batched deployless reads. */
export async function readProposalRecords(client: ChainClient, {ids, manager, voter}: {ids: readonly bigint[]; manager: Address; voter?: Address}): Promise<ProposalRecord[]> {
  // The reader takes a range: split the ids into runs of consecutive ones, then into batches.
  const runs: bigint[][] = []
  for (const id of ids) {
    const run = runs.at(-1)
    if (run && run.at(-1)! + 1n === id && run.length < BATCH) run.push(id)
    else runs.push([id])
  }
  const chunks = await mapChunks(runs, 1, PARALLEL, async ([run]) => [await readChunk(client, manager, voter ?? zeroAddress, run)])
  return chunks.flat()
}

/** What `gov list` and `gov show` report for a proposal: exact wei and decimal NEC, shares of the supply at the snapshot. */
export interface ProposalView {
  approved: boolean
  denied: boolean
  durationDays: number
  /** ISO time voting ends; null before approval. */
  endsAt: null | string
  id: number
  no: string
  noShare: string
  noWei: bigint
  proposer: Address
  /** The block whose balances are the weights; null before approval. */
  snapshotBlock: null | number
  startedAt: null | string
  state: ProposalState
  storageHash: Hex
  supplyAtSnapshot: string
  supplyAtSnapshotWei: bigint
  /** Seconds of voting left (0 once ended); null before approval. */
  timeLeftSeconds: null | number
  timeLeft: null | string
  /** Title from the local text store (only the hash is on chain); null when this machine has not seen the text. */
  title: null | string
  token: Address | null
  /** Votes cast as a share of the supply at the snapshot, percent. */
  turnout: string
  /** The account the weights are for; null when there is none. */
  voter: Address | null
  /** Whether the voter voted; null when unknown (the manager lacks hasVoted, or not approved). */
  voted: boolean | null
  /** The voter's NEC at the snapshot block. */
  weight: string
  weightWei: bigint
  /** What a vote would move now (the voter's clone balance). */
  votingBalanceWei: bigint
  yes: string
  yesShare: string
  yesWei: bigint
}

/** `part` as a percentage of `whole`, floored to 4 decimals ("12.3456"); "0" when whole is 0. */
export function percentOf(part: bigint, whole: bigint): string {
  if (whole === 0n) return '0'
  return formatAmount((part * 1_000_000n) / whole, 4)
}

export function proposalState(p: Pick<ProposalRecord, 'approved' | 'denied' | 'duration' | 'startTime'>, now: bigint): ProposalState {
  if (p.denied) return 'denied'
  if (!p.approved) return 'pending'
  return now < p.startTime + p.duration ? 'active' : 'ended'
}

export function proposalView(p: ProposalRecord, {now, title, voter}: {now: bigint; title?: null | string; voter?: Address}): ProposalView {
  const end = p.startTime + p.duration
  const left = p.approved ? (end > now ? end - now : 0n) : null
  const iso = (s: bigint) => new Date(Number(s) * 1000).toISOString()
  return {
    approved: p.approved,
    denied: p.denied,
    durationDays: Number(p.duration / 86_400n),
    endsAt: p.approved ? iso(end) : null,
    id: Number(p.id),
    no: formatAmount(p.noWei),
    noShare: percentOf(p.noWei, p.supplyWei),
    noWei: p.noWei,
    proposer: p.proposer,
    snapshotBlock: p.approved ? Number(p.startBlock) : null,
    startedAt: p.approved ? iso(p.startTime) : null,
    state: proposalState(p, now),
    storageHash: p.storageHash,
    supplyAtSnapshot: formatAmount(p.supplyWei),
    supplyAtSnapshotWei: p.supplyWei,
    timeLeft: left === null ? null : formatDuration(left),
    timeLeftSeconds: left === null ? null : Number(left),
    title: title ?? null,
    token: p.token === zeroAddress ? null : p.token,
    turnout: percentOf(p.yesWei + p.noWei, p.supplyWei),
    voted: p.voted,
    voter: voter ?? null,
    votingBalanceWei: p.votingBalanceWei,
    weight: formatAmount(p.weightWei),
    weightWei: p.weightWei,
    yes: formatAmount(p.yesWei),
    yesShare: percentOf(p.yesWei, p.supplyWei),
    yesWei: p.yesWei,
  }
}

/** A proposal id from the command line: a non-negative integer. */
export function parseProposalId(text: string): bigint {
  if (!/^\d{1,30}$/.test(text.trim())) {
    throw nectarError('INVALID_PROPOSAL_ID', `${JSON.stringify(text.slice(0, 80))} is not a proposal id.`, {hint: 'Give the proposal number, e.g. 3 (see `nectar gov list`).'})
  }
  return BigInt(text.trim())
}

/** Fails (usage) when proposal `id` does not exist; returns the count. */
export async function requireProposal(client: ChainClient, manager: Address, id: bigint): Promise<bigint> {
  const count = await proposalCount(client, manager)
  if (id >= count) {
    throw nectarError('NO_SUCH_PROPOSAL', `There is no proposal ${id}: ${count === 0n ? 'there are none yet' : `ids run from 0 to ${count - 1n}`}.`, {
      hint: 'List them with `nectar gov list`.',
    })
  }
  return count
}

export interface ProposalListing {
  /** Block the list was read at. */
  block: number
  count: number
  proposals: ProposalView[]
  /** Proposals on chain (all states). */
  total: number
}

async function latest(client: ChainClient): Promise<{number: bigint; timestamp: bigint}> {
  const block = await client.getBlock({blockTag: 'latest'})
  return {number: block.number, timestamp: block.timestamp}
}

/** Every proposal (or only the active ones), newest first, with `voter`'s weight and vote; `titles` maps storage hashes to titles. */
export async function listProposals(
  client: ChainClient,
  {active, manager, titles, voter}: {active?: boolean; manager: Address; titles?: (hash: Hex) => null | string; voter?: Address},
): Promise<ProposalListing> {
  const [total, head] = await Promise.all([proposalCount(client, manager), latest(client)])
  const ids = Array.from({length: Number(total)}, (_, i) => BigInt(i))
  const records = await readProposalRecords(client, {ids, manager, voter})
  const views = records
    .map((r) => proposalView(r, {now: head.timestamp, title: titles?.(r.storageHash), voter}))
    .filter((v) => !active || v.state === 'active')
    .reverse()
  return {block: Number(head.number), count: views.length, proposals: views, total: Number(total)}
}

/** One proposal (which must exist) with `voter`'s weight and vote. */
export async function showProposal(
  client: ChainClient,
  {id, manager, titles, voter}: {id: bigint; manager: Address; titles?: (hash: Hex) => null | string; voter?: Address},
): Promise<ProposalView & {block: number}> {
  await requireProposal(client, manager, id)
  const [[record], head] = await Promise.all([readProposalRecords(client, {ids: [id], manager, voter}), latest(client)])
  return {...proposalView(record, {now: head.timestamp, title: titles?.(record.storageHash), voter}), block: Number(head.number)}
}

export interface VerifyResult {
  id: number
  /** The hash on chain (the proposal's storageHash). */
  onChain: Hex
  /** keccak256 of the file's bytes. */
  text: Hex
  verified: true
}

/** Checks a copy of a proposal's text against the hash on chain; a different text is an error naming both hashes. */
export async function verifyProposalText(client: ChainClient, {hash, id, manager}: {hash: Hex; id: bigint; manager: Address}): Promise<VerifyResult> {
  await requireProposal(client, manager, id)
  const onChain = (await client.readContract({abi: proposalManagerAbi, address: manager, args: [id], functionName: 'proposal'}))[4]
  if (onChain.toLowerCase() !== hash.toLowerCase()) {
    throw nectarError('TEXT_MISMATCH', `This text is not proposal ${id}'s: its hash is ${hash}, the chain has ${onChain}.`, {
      hint: 'Get the text from the proposer; even one changed byte (a line ending, say) changes the hash.',
    })
  }
  return {id: Number(id), onChain, text: hash, verified: true}
}

/** The proposal that authorised a `controller upgrade --proposal`: its id, title and final tally. */
export interface PassedProposal {
  /** ISO time its voting ended. */
  endedAt: string
  id: number
  no: string
  noWei: bigint
  /** From the local text store; null when this machine has not seen the text. */
  title: null | string
  yes: string
  yesWei: bigint
}

/**
 * Proposal `id` passed, by this rule on what the manager's `proposal(id)` holds: an admin approved it
 * and did not deny it, its voting period is over (the latest block's time is at or past approval time
 * + duration, so no vote can be added), and its yes weight is larger than its no weight (a tie, or no
 * votes, does not pass). Fails with NO_SUCH_PROPOSAL (usage), PROPOSAL_OPEN or PROPOSAL_NOT_PASSED.
 */
export async function requirePassedProposal(
  client: ChainClient,
  {id, manager, titles}: {id: bigint; manager: Address; titles?: (hash: Hex) => null | string},
): Promise<PassedProposal> {
  const view = await showProposal(client, {id, manager, titles})
  const name = `Proposal ${id}${view.title ? ` "${view.title}"` : ''}`
  const tally = `${displayAmount(view.yesWei)} NEC yes, ${displayAmount(view.noWei)} NEC no`
  const hint = `An upgrade needs a proposal an admin approved whose vote has ended with more yes than no; see \`nectar gov show ${id}\`.`
  if (view.state === 'active') {
    throw nectarError('PROPOSAL_OPEN', `${name} is still open: voting ends ${view.endsAt} (in ${view.timeLeft}); so far ${tally}. Nothing was sent.`, {
      hint: `Run the upgrade again after ${view.endsAt}, if yes still leads (\`nectar gov show ${id}\`).`,
    })
  }
  if (view.state === 'denied') throw nectarError('PROPOSAL_NOT_PASSED', `${name} was denied by a governance admin (${tally}); it did not pass. Nothing was sent.`, {hint})
  if (view.state === 'pending') throw nectarError('PROPOSAL_NOT_PASSED', `${name} was never approved, so never voted on (${tally}); it did not pass. Nothing was sent.`, {hint})
  if (view.yesWei <= view.noWei) {
    throw nectarError('PROPOSAL_NOT_PASSED', `${name} was rejected: ${tally} (yes must exceed no). Nothing was sent.`, {hint})
  }
  return {endedAt: view.endsAt!, id: view.id, no: view.no, noWei: view.noWei, title: view.title, yes: view.yes, yesWei: view.yesWei}
}
