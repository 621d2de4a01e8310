// Governance writes: propose, vote, approve, deny, admins. Each is checked against the chain before a
// transaction is prepared (bad input and doomed calls fail with nothing sent), then goes through the
// one transaction pipeline.
import {type Address, type Hash, type Hex, parseEventLogs} from 'viem'

import {type ChainClient} from '../chain/client.js'
import {transact, type TransactOptions, withDetails} from '../chain/transact.js'
import {formatAmount} from '../core/amounts.js'
import {parseDurationSeconds} from '../core/durations.js'
import {nectarError} from '../core/errors.js'
import {necAbi, proposalManagerAbi} from '../contracts/generated/index.js'
import {type ProposalRecord, readProposalRecords, requireProposal} from './governance.js'
import {type ProposalText} from './governance-text.js'
import {type AdminListing, listAdmins} from './whitelist.js'

const DAY = 86_400n
export const MIN_DAYS = 7n
export const MAX_DAYS = 45n

/** A proposal's duration in whole days, 7..45 (`14d`, `2w`, or a bare number of days). */
export function parseProposalDays(text: string): bigint {
  const hint = 'Proposals run 7 to 45 whole days, e.g. --duration 14d.'
  let seconds: bigint
  try {
    seconds = parseDurationSeconds(text, {bareUnit: 'd', label: '--duration'})
  } catch (error) {
    throw nectarError('INVALID_DURATION', (error as Error).message, {hint})
  }
  if (seconds % DAY !== 0n || seconds / DAY < MIN_DAYS || seconds / DAY > MAX_DAYS) {
    throw nectarError('INVALID_DURATION', `The --duration ${JSON.stringify(text)} is not 7 to 45 whole days.`, {hint})
  }
  return seconds / DAY
}

interface Written {
  block: bigint
  gasUsed: bigint
  txHash: Hash
}

const m = (manager: Address) => ({abi: proposalManagerAbi, address: manager}) as const

async function requireAdmin(client: ChainClient, manager: Address, account: Address, action: string): Promise<void> {
  const isAdmin = await client.readContract({...m(manager), args: [account], functionName: 'isAdmin'})
  if (!isAdmin) {
    throw nectarError('NOT_ADMIN', `${account} is not a governance admin, which ${action} needs; nothing was sent.`, {
      hint: 'Use an admin account (--account); `nectar gov admins list` shows them.',
    })
  }
}

// ------------------------------------------------------------------------------------------ propose

export interface ProposeResult extends Written {
  durationDays: number
  id: number
  proposer: Address
  storageHash: Hex
  /** Where the text is kept in the data dir. */
  textFile: string
  title: string
}

/**
 * Submits a proposal: the text's hash goes on chain (the text was kept by `keep` before sending). The
 * proposer must hold NEC (the contract requires it); checked first.
 */
export async function propose(
  client: ChainClient,
  {days, keep, manager, nec, text, title}: {days: bigint; keep: () => string; manager: Address; nec: Address; text: ProposalText; title: string},
  send: TransactOptions,
): Promise<ProposeResult> {
  const proposer = send.account.address
  const balance = await client.readContract({abi: necAbi, address: nec, args: [proposer], functionName: 'balanceOf'})
  if (balance === 0n) {
    throw nectarError('INSUFFICIENT_BALANCE', `${proposer} holds no NEC; only NEC holders may submit proposals. Nothing was sent.`, {
      hint: 'Propose from an account that holds NEC (--account).',
    })
  }
  const textFile = keep()
  const details: Array<[string, string]> = [['title', title], ['text hash', text.hash], ['duration', `${days} days from approval`]]
  const result = await transact(client, `Propose "${title}"`, {...m(manager), args: [days, text.hash], functionName: 'addProposal'}, withDetails(send, details))
  const [event] = parseEventLogs({abi: proposalManagerAbi, eventName: 'NewProposal', logs: result.receipt.logs})
  return {block: result.blockNumber, durationDays: Number(days), gasUsed: result.gasUsed, id: Number(event.args.idProposal), proposer, storageHash: text.hash, textFile, title, txHash: result.hash}
}

// ------------------------------------------------------------------------------------------ vote

export interface VoteCheck {
  /** The proposal was approved in the latest block: a vote is valid from the next one (simulate against pending). */
  opensNextBlock: boolean
  record: ProposalRecord
  /** The weight as the voter sees it first: NEC at the snapshot block. */
  weightWei: bigint
}

/** Everything a vote needs, checked before signing: the proposal exists and is open, the voter has weight and has not voted. */
export async function checkVote(client: ChainClient, {id, manager, voter}: {id: bigint; manager: Address; voter: Address}): Promise<VoteCheck> {
  await requireProposal(client, manager, id)
  const [[record], block] = await Promise.all([readProposalRecords(client, {ids: [id], manager, voter}), client.getBlock({blockTag: 'latest'})])
  if (record.denied || !record.approved) {
    throw nectarError('PROPOSAL_NOT_ACTIVE', `Proposal ${id} is ${record.denied ? 'denied' : 'not approved yet'}, so it takes no votes; nothing was sent.`, {
      hint: record.denied ? 'Vote on an active proposal (`nectar gov list --active`).' : 'An admin approves it with `nectar gov approve ID`; voting opens then.',
    })
  }
  if (block.timestamp >= record.startTime + record.duration) {
    throw nectarError('PROPOSAL_NOT_ACTIVE', `Voting on proposal ${id} ended at ${new Date(Number(record.startTime + record.duration) * 1000).toISOString()}; nothing was sent.`, {
      hint: 'Vote on an active proposal (`nectar gov list --active`).',
    })
  }
  if (record.voted === true || (record.voted === null && record.weightWei > 0n && record.votingBalanceWei === 0n)) {
    throw nectarError('ALREADY_VOTED', `${voter} has already voted on proposal ${id}; a vote cannot be changed or repeated. Nothing was sent.`, {
      hint: `See the tally with \`nectar gov show ${id}\`.`,
    })
  }
  if (record.votingBalanceWei === 0n) {
    throw nectarError('NO_VOTING_WEIGHT', `${voter} held no NEC at proposal ${id}'s snapshot block ${record.startBlock}, so its vote would weigh 0; nothing was sent.`, {
      hint: 'Only NEC held at the snapshot block counts; NEC received later does not.',
    })
  }
  return {opensNextBlock: block.number <= record.startBlock, record, weightWei: record.weightWei}
}

export interface VoteResult extends Written {
  amount: string
  amountWei: bigint
  id: number
  noWei: bigint
  snapshotBlock: number
  voter: Address
  yes: boolean
  yesWei: bigint
}

/** Votes yes or no with the voter's whole snapshot weight (checkVote first; `onWeight` shows it before anything is signed). */
export async function vote(
  client: ChainClient,
  {id, manager, onWeight, yes}: {id: bigint; manager: Address; onWeight?: (weightWei: bigint, snapshotBlock: bigint) => void; yes: boolean},
  send: TransactOptions,
): Promise<VoteResult> {
  const voter = send.account.address
  const {opensNextBlock, record} = await checkVote(client, {id, manager, voter})
  onWeight?.(record.weightWei, record.startBlock)
  const details: Array<[string, string]> = [
    ['vote', yes ? 'yes' : 'no'],
    ['weight', `${formatAmount(record.votingBalanceWei)} NEC (held at snapshot block ${record.startBlock})`],
  ]
  const result = await transact(client, `Vote ${yes ? 'yes' : 'no'} on proposal ${id}`, {...m(manager), args: [id, yes], functionName: 'vote'}, {...withDetails(send, details), simulatePending: opensNextBlock})
  const [event] = parseEventLogs({abi: proposalManagerAbi, eventName: 'Vote', logs: result.receipt.logs})
  const [after] = await readProposalRecords(client, {ids: [id], manager, voter})
  return {
    amount: formatAmount(event.args.amount),
    amountWei: event.args.amount,
    block: result.blockNumber,
    gasUsed: result.gasUsed,
    id: Number(id),
    noWei: after.noWei,
    snapshotBlock: Number(record.startBlock),
    txHash: result.hash,
    voter,
    yes,
    yesWei: after.yesWei,
  }
}

// ------------------------------------------------------------------------------------------ approve / deny

export interface DecisionResult extends Written {
  decision: 'approved' | 'denied'
  id: number
  /** The snapshot block (approval only). */
  snapshotBlock: null | number
  /** The clone whose balances are the weights (approval only). */
  token: Address | null
}

/** Approves (starts the vote: clones NEC at this block) or denies a pending proposal; admins only, checked first. */
export async function decideProposal(
  client: ChainClient,
  {approve, id, manager}: {approve: boolean; id: bigint; manager: Address},
  send: TransactOptions,
): Promise<DecisionResult> {
  const account = send.account.address
  await requireProposal(client, manager, id)
  await requireAdmin(client, manager, account, approve ? 'approveProposal' : 'denyProposal')
  const [record] = await readProposalRecords(client, {ids: [id], manager})
  if (record.approved || record.denied) {
    throw nectarError('PROPOSAL_DECIDED', `Proposal ${id} is already ${record.approved ? 'approved' : 'denied'}; nothing was sent.`, {hint: 'Only pending proposals can be approved or denied.'})
  }
  const call = approve
    ? ({...m(manager), args: [id], functionName: 'approveProposal'} as const)
    : ({...m(manager), args: [id], functionName: 'denyProposal'} as const)
  const result = approve
    ? await transact(client, `Approve proposal ${id} (voting opens; NEC balances at this block are the weights)`, call, send)
    : await transact(client, `Deny proposal ${id}`, call, send)
  let snapshotBlock: null | number = null
  let token: Address | null = null
  if (approve) {
    const [after] = await readProposalRecords(client, {ids: [id], manager})
    snapshotBlock = Number(after.startBlock)
    token = after.token
  }
  return {block: result.blockNumber, decision: approve ? 'approved' : 'denied', gasUsed: result.gasUsed, id: Number(id), snapshotBlock, token, txHash: result.hash}
}

// ------------------------------------------------------------------------------------------ admins

/** The manager's admins, from its AdminAdded/AdminRemoved events (mainnet's emits none: then this fails clearly). */
export function listGovAdmins(client: ChainClient, {manager}: {manager: Address}): Promise<AdminListing> {
  return listAdmins(client, {contract: manager, hint: 'isAdmin(address) answers for one address at a time.', name: 'ProposalManager'})
}

export interface AdminChangeResult extends Partial<Written> {
  action: string
  changed: boolean
  target: Address
}

/** Adds (any admin may) or removes (only the owner may) a governance admin; a no-op is reported, not sent. */
export async function changeGovAdmin(
  client: ChainClient,
  {add, manager, target}: {add: boolean; manager: Address; target: Address},
  send: TransactOptions,
): Promise<AdminChangeResult> {
  const account = send.account.address
  const [isAdmin, owner] = await Promise.all([
    client.readContract({...m(manager), args: [target], functionName: 'isAdmin'}),
    client.readContract({...m(manager), functionName: 'owner'}),
  ])
  const action = add ? `Make ${target} a governance admin` : `Remove ${target} from the governance admins`
  if (add) await requireAdmin(client, manager, account, 'addAdmin')
  else if (owner.toLowerCase() !== account.toLowerCase()) {
    throw nectarError('NOT_OWNER', `${account} is not the ProposalManager's owner, which removeAdmin needs; nothing was sent.`, {hint: `Run it as the owner ${owner} (--account).`})
  }
  if (add && isAdmin) return {action, changed: false, target}
  if (!add && !isAdmin) {
    throw nectarError('ADMIN_NOT_FOUND', `${target} is not a governance admin, so there is nothing to remove; nothing was sent.`, {hint: 'List them with `nectar gov admins list`.'})
  }
  const result = add
    ? await transact(client, action, {...m(manager), args: [target], functionName: 'addAdmin'}, send)
    : await transact(client, action, {...m(manager), args: [target], functionName: 'removeAdmin'}, send)
  return {action, block: result.blockNumber, changed: true, gasUsed: result.gasUsed, target, txHash: result.hash}
}
