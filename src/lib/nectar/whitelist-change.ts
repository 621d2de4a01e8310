// `whitelist add|remove`: batched register/deregister through the journaled batch sender.
import {type Address, type Hash, type LocalAccount} from 'viem'

import {renameSync} from 'node:fs'

import {type BatchSummary, hashInput, journalPath, runJournaledBatch} from '../chain/batch.js'
import {type ChainClient} from '../chain/client.js'
import {Journal} from '../chain/journal.js'
import {nectarControllerAbi} from '../contracts/generated/index.js'
import {canonicalSet, getAccountRoles, getRegistrationStatuses, planWhitelistBatches, requireRole, whitelistBatchSize} from './whitelist.js'

export type WhitelistAction = 'add' | 'remove'

export interface WhitelistChangeOptions {
  account: LocalAccount
  action: WhitelistAction
  addresses: readonly Address[]
  /** Override the batch size (tests); default from the block gas limit. */
  batchSize?: number
  client: ChainClient
  /** Called with the plan once, before anything new is signed; throws to stop. */
  confirm: (plan: WhitelistConfirmation) => Promise<void>
  controller: Address
  journalDir: string
  onProgress?: (addresses: number) => void
  /** Called once the plan is known (for a progress bar). */
  onPlan?: (plan: {batches: number; pending: number}) => void
}

export interface WhitelistConfirmation extends BatchSummary {
  action: WhitelistAction
  addresses: number
  batchSize: number
}

export interface WhitelistChangeResult {
  /** Addresses already in the wanted state when the run started (includes those a killed run had done). */
  already: Address[]
  batchSize: number
  /** Addresses this run changed (sent now, or signed by a killed run and mined now). */
  changed: Address[]
  duplicates: number
  journal?: string
  /** Transactions this run broadcast. */
  transactions: number
  txHashes: Hash[]
  wanted: number
}

export function whitelistKind(action: WhitelistAction): string {
  return action === 'add' ? 'whitelist-add' : 'whitelist-remove'
}

/**
 * Registers (add) or deregisters (remove) every address: checks the caller is an admin, reads which
 * addresses are already in the wanted state, and sends the rest in batches under a journal keyed by
 * the sorted wanted set and the controller, so a re-run of the same input resumes and sends nothing twice.
 */
export async function changeWhitelist(options: WhitelistChangeOptions): Promise<WhitelistChangeResult> {
  const {account, action, client, controller} = options
  const roles = await getAccountRoles(client, {account: account.address, controller})
  requireRole(roles, 'admin', action === 'add' ? 'register' : 'deregister')

  const {duplicates, sorted} = canonicalSet(options.addresses)
  const kind = whitelistKind(action)
  const [statuses, block] = await Promise.all([
    getRegistrationStatuses(client, {addresses: sorted, controller}),
    client.getBlock({blockTag: 'latest'}),
  ])
  const batchSize = options.batchSize ?? whitelistBatchSize(block.gasLimit)
  const inWantedState = statuses.map((onList) => (action === 'add' ? onList : !onList))
  const plan = planWhitelistBatches(sorted, inWantedState, batchSize, kind)
  options.onPlan?.({batches: plan.batches.length, pending: plan.pending.length})
  const base = {already: plan.already, batchSize, duplicates, wanted: sorted.length}
  if (plan.batches.length === 0) return {...base, changed: [], transactions: 0, txHashes: []}

  const inputHash = hashInput([kind, controller.toLowerCase(), ...sorted.map((a) => a.toLowerCase())])
  // A finished journal of the same input (the list changed on chain since): keep it aside and start a
  // new one, or its success records would hide batches that need sending again. It has nothing pending.
  const file = journalPath(options.journalDir, kind, client.chain!.id, inputHash)
  const previous = new Journal(file)
  if (previous.read().at(-1)?.type === 'complete') renameSync(file, `${file}.done-${Date.now()}`)
  const sizes = new Map(plan.batches.map((b) => [b.key, b.addresses.length]))
  const result = await runJournaledBatch({
    account,
    client,
    confirm: (summary) => options.confirm({...summary, action, addresses: plan.pending.length, batchSize}),
    inputHash,
    journalDir: options.journalDir,
    kind,
    onConfirmed: (key) => options.onProgress?.(sizes.get(key) ?? 0),
    window: 8,
  }, plan.batches.map((b) => ({
    abi: nectarControllerAbi,
    address: controller,
    args: [b.addresses],
    functionName: action === 'add' ? 'register' : 'deregister',
    key: b.key,
  })))
  const done = new Set(result.outcomes.filter((o) => o.status === 'success').map((o) => o.key))
  const changed = plan.batches.filter((b) => done.has(b.key)).flatMap((b) => b.addresses)
  return {...base, changed, journal: result.journal, transactions: result.sent, txHashes: result.outcomes.map((o) => o.hash)}
}
