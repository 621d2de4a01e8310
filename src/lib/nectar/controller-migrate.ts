// `controller migrate --to CANDIDATE`: copies NEC's controller's whitelist (registrations, admins,
// authorised makers) into a candidate, and tops up its ETH for redemptions when asked, through the
// journaled batch sender: batches of register(address[]) sized from the block gas limit, one addAdmin
// or authoriseMaker each, one topUpBalance. What is done is read from the candidate, so a re-run sends
// only what is missing (nothing, after a finished run), and a killed run resumes its journal.
import {renameSync} from 'node:fs'
import {type Address, type Hash} from 'viem'

import {type BatchCall, type BatchSendOptions, hashInput, journalPath, runJournaledBatch} from '../chain/batch.js'
import {type ChainClient} from '../chain/client.js'
import {Journal} from '../chain/journal.js'
import {gasText, writeCall} from '../chain/transact.js'
import {displayAmount, formatAmount} from '../core/amounts.js'
import {nectarError} from '../core/errors.js'
import {nectarControllerAbi} from '../contracts/generated/index.js'
import {type ControllerFacts, readControllerFacts, resolveController} from './controller.js'
import {canonicalSet, getAccountRoles, getRegistrationStatuses, planWhitelistBatches, requireRole, whitelistBatchSize} from './whitelist.js'
import {readWhitelistSets, roleFlags, type WhitelistSource} from './whitelist-sets.js'

export const MIGRATE_KIND = 'controller-migrate'

/** How much ETH the candidate should hold for redemptions: as much as the current controller, or an amount (wei). */
export type EthTarget = 'match' | bigint

export interface MigrationParams {
  /** Override the batch size (tests); default from the block gas limit. */
  batchSize?: number
  candidate: Address
  /** Top the candidate's ETH up to this, when given. */
  eth?: EthTarget
  nec: Address
  /** Force where the registered set comes from (default: events when the controller has them). */
  source?: WhitelistSource
}

export interface MigrationPlan {
  /** Admins of the current controller that the candidate lacks. */
  admins: {missing: Address[]; wanted: number}
  batchSize: number
  calls: BatchCall[]
  candidate: ControllerFacts
  current: ControllerFacts
  eth: {before: bigint; target: bigint; topUp: bigint} | null
  /** Stable across re-runs of the same migration (the journal's identity). */
  inputHash: string
  makers: {missing: Address[]; wanted: number}
  /** Registrations the candidate lacks, and how many are wanted in all. */
  registered: {missing: Address[]; wanted: number}
  source: WhitelistSource
  /** Read up to this block. */
  toBlock: bigint
}

/** Nothing is left to copy: the whitelist part of the upgrade's readiness. */
export function isMigrated(plan: MigrationPlan): boolean {
  return plan.registered.missing.length === 0 && plan.admins.missing.length === 0 && plan.makers.missing.length === 0
}

/**
 * What a migration into `candidate` has to send, read from both controllers. Refuses (nothing sent) a
 * candidate that is not a controller of this NEC, and a signer who cannot send what is missing:
 * registering needs an admin of the candidate, admins and makers need its owner.
 */
export async function planMigration(client: ChainClient, params: MigrationParams & {account?: Address}): Promise<MigrationPlan> {
  const {candidate: to, nec} = params
  const {controller: from} = await resolveController(client, {nec, network: ''})
  const [current, candidate] = await Promise.all([
    readControllerFacts(client, {address: from, label: "NEC's controller", nec}),
    readControllerFacts(client, {address: to, label: 'candidate', nec}),
  ])
  if (from.toLowerCase() === to.toLowerCase()) {
    throw nectarError('CANDIDATE_IS_CURRENT', `${to} is already NEC's controller; there is nothing to migrate to.`, {hint: 'Give the new controller with --to.'})
  }
  if (!candidate.tokenIsNec) {
    throw nectarError('CANDIDATE_WRONG_TOKEN', `The candidate ${to} controls the token ${candidate.token}, not NEC (${nec}).`, {
      hint: 'Deploy the new controller for this NEC (its tokenContract must be NEC); nothing was sent.',
    })
  }
  if (candidate.version !== 'v2') {
    throw nectarError('NOT_A_CONTROLLER', `The candidate ${to} is a v1 controller: it has no admins, so the whitelist cannot be copied into it.`, {hint: 'Migrate into a v2 controller.'})
  }
  if (params.account) {
    const roles = await getAccountRoles(client, {account: params.account, controller: to})
    requireRole(roles, 'admin', `a migration into ${to}`)
  }

  const sets = await readWhitelistSets(client, {controller: from, nec, source: params.source})
  const registered = canonicalSet(sets.registered.filter((a) => a.toLowerCase() !== to.toLowerCase())).sorted
  const admins = canonicalSet(sets.admins).sorted
  const makers = canonicalSet(sets.makers).sorted
  const [onList, roles, block, ethBefore] = await Promise.all([
    getRegistrationStatuses(client, {addresses: registered, controller: to}),
    roleFlags(client, {addresses: [...admins, ...makers], controller: to}),
    client.getBlock({blockTag: 'latest'}),
    client.getBalance({address: to}),
  ])
  const batchSize = params.batchSize ?? whitelistBatchSize(block.gasLimit)
  const batches = planWhitelistBatches(registered, onList, batchSize, MIGRATE_KIND)
  const missingAdmins = admins.filter((_, i) => !roles.admin[i])
  const missingMakers = makers.filter((_, i) => !roles.maker[admins.length + i])
  if (params.account && (missingAdmins.length > 0 || missingMakers.length > 0)) {
    const owner = await getAccountRoles(client, {account: params.account, controller: to})
    requireRole(owner, 'owner', `copying ${missingAdmins.length} admin(s) and ${missingMakers.length} maker(s) into ${to}`)
  }

  const target = params.eth === undefined ? undefined : params.eth === 'match' ? current.ethBalance : params.eth
  const topUp = target !== undefined && target > ethBefore ? target - ethBefore : 0n
  const c = {abi: nectarControllerAbi, address: to} as const
  const calls: BatchCall[] = [
    ...batches.batches.map((b) => ({...writeCall({...c, args: [b.addresses], functionName: 'register'}), key: b.key})),
    ...missingAdmins.map((a) => ({...writeCall({...c, args: [a], functionName: 'addAdmin'}), key: `admin:${a.toLowerCase()}`})),
    ...missingMakers.map((a) => ({...writeCall({...c, args: [a], functionName: 'authoriseMaker'}), key: `maker:${a.toLowerCase()}`})),
    // No arguments: the typed call leaves `args` optional, which the untyped BatchCall does not.
    ...(topUp > 0n ? [{...writeCall({...c, args: [], functionName: 'topUpBalance', value: topUp}), args: [], key: `eth:${target}`}] : []),
  ]
  const inputHash = hashInput([MIGRATE_KIND, from.toLowerCase(), to.toLowerCase(), `eth:${target ?? ''}`, ...registered, 'admins', ...admins, 'makers', ...makers].map((s) => s.toLowerCase()))
  return {
    admins: {missing: missingAdmins, wanted: admins.length},
    batchSize,
    calls,
    candidate,
    current,
    eth: target === undefined ? null : {before: ethBefore, target, topUp},
    inputHash,
    makers: {missing: missingMakers, wanted: makers.length},
    registered: {missing: batches.pending, wanted: registered.length},
    source: sets.source,
    toBlock: sets.toBlock,
  }
}

export interface MigrationResult {
  admins: {copied: number; missing: number; wanted: number}
  batchSize: number
  candidate: Address
  current: Address
  eth: {before: string; beforeWei: bigint; sent: string; sentWei: bigint; target: string; targetWei: bigint} | null
  journal: null | string
  makers: {copied: number; missing: number; wanted: number}
  registered: {copied: number; missing: number; wanted: number}
  source: WhitelistSource
  /** Transactions this run broadcast (0 on a re-run of a finished migration). */
  transactions: number
  txHashes: Hash[]
}

/**
 * Copies what the candidate lacks, in journaled batches: the signer must administer the candidate
 * (and own it for admins and makers). A re-run of the same migration sends only what is still missing.
 */
export async function migrateController(client: ChainClient, params: MigrationParams & {journalDir: string}, send: BatchSendOptions): Promise<MigrationResult> {
  const {account} = send
  const plan = await planMigration(client, {...params, account: account.address})
  const {candidate, current} = plan
  const base = (done: Set<string>, journal: null | string, transactions: number, txHashes: Hash[]): MigrationResult => {
    const copied = (prefix: string) => plan.calls.filter((call) => call.key.startsWith(prefix) && done.has(call.key))
    const registeredCopied = copied(`${MIGRATE_KIND}:`).reduce((n, call) => n + ((call.args as readonly [readonly Address[]])[0].length), 0)
    const ethCall = plan.calls.find((call) => call.key.startsWith('eth:'))
    const sent = ethCall && done.has(ethCall.key) ? plan.eth!.topUp : 0n
    return {
      admins: {copied: copied('admin:').length, missing: plan.admins.missing.length, wanted: plan.admins.wanted},
      batchSize: plan.batchSize,
      candidate: candidate.address,
      current: current.address,
      eth: plan.eth && {before: formatAmount(plan.eth.before), beforeWei: plan.eth.before, sent: formatAmount(sent), sentWei: sent, target: formatAmount(plan.eth.target), targetWei: plan.eth.target},
      journal,
      makers: {copied: copied('maker:').length, missing: plan.makers.missing.length, wanted: plan.makers.wanted},
      registered: {copied: registeredCopied, missing: plan.registered.missing.length, wanted: plan.registered.wanted},
      source: plan.source,
      transactions,
      txHashes,
    }
  }
  if (plan.calls.length === 0) return base(new Set(), null, 0, [])

  // A finished journal of the same migration (the list changed since): set it aside, or its success
  // records would hide what needs sending again. It has nothing pending.
  const file = journalPath(params.journalDir, MIGRATE_KIND, client.chain!.id, plan.inputHash)
  if (new Journal(file).read().at(-1)?.type === 'complete') renameSync(file, `${file}.done-${Date.now()}`)
  const progress = send.progress?.('Migrating', plan.calls.length)
  const result = await runJournaledBatch({
    account,
    client,
    confirm: (summary) => send.confirm({
      action: `Copy the whitelist of ${current.address} into ${candidate.address}`,
      details: [
        ['registrations', `${plan.registered.missing.length} of ${plan.registered.wanted} missing (from ${plan.source === 'events' ? 'the controller’s events' : 'NEC’s Transfer history'}), ${plan.batchSize} per transaction at most`],
        ['admins', `${plan.admins.missing.length} of ${plan.admins.wanted} missing`],
        ['makers', `${plan.makers.missing.length} of ${plan.makers.wanted} missing`],
        ...(plan.eth ? [['ETH', `top up ${displayAmount(plan.eth.topUp)} ETH (to ${displayAmount(plan.eth.target)})`] as [string, string]] : []),
        ['transactions', `${summary.toSend} new${summary.pending > 0 ? `, ${summary.pending} signed earlier and re-sent` : ''}${summary.alreadyDone > 0 ? `, ${summary.alreadyDone} done earlier` : ''}`],
        ['gas', gasText(summary.totalGas, summary.gasPrice)],
        ['from', account.address],
        ['journal', summary.journal],
      ],
      question: `Send ${summary.toSend} transaction(s)?`,
      summary,
    }),
    inputHash: plan.inputHash,
    journalDir: params.journalDir,
    kind: MIGRATE_KIND,
    onConfirmed: () => progress?.tick(),
    wait: send.wait,
    window: 8,
  }, plan.calls)
  progress?.done()
  const done = new Set(result.outcomes.filter((o) => o.status === 'success').map((o) => o.key))
  return base(done, result.journal, result.sent, result.outcomes.map((o) => o.hash))
}
