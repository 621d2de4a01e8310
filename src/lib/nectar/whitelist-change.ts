// `whitelist add|remove`: batched register/deregister through the journaled batch sender.
import {type Address, type Hash} from 'viem'

import {renameSync} from 'node:fs'

import {type BatchSendOptions, hashInput, journalPath, runJournaledBatch} from '../chain/batch.js'
import {type ChainClient} from '../chain/client.js'
import {Journal} from '../chain/journal.js'
import {gasText, writeCall} from '../chain/transact.js'
import {collectAddresses} from '../core/address-list.js'
import {type NameResolver} from '../core/addresses.js'
import {nectarError} from '../core/errors.js'
import {nectarControllerAbi} from '../contracts/generated/index.js'
import {assertContract} from './reads.js'
import {canonicalSet, getAccountRoles, getRegistrationStatuses, planWhitelistBatches, requireRole, whitelistBatchSize} from './whitelist.js'

export type WhitelistAction = 'add' | 'remove'

export interface WhitelistChangeParams {
  action: WhitelistAction
  addresses: readonly Address[]
  /** Override the batch size (tests); default from the block gas limit. */
  batchSize?: number
  controller: Address
  journalDir: string
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
 * The addresses of a `whitelist add|remove` run, from the arguments and/or a file: at least one, every
 * bad line reported at once, and neither the token nor the controller (they are never holders).
 */
export function whitelistTargets(action: WhitelistAction, given: readonly string[], file: string | undefined, {controller, names, nec, poke}: {controller: Address; names?: NameResolver; nec: Address; poke?: () => void}): Address[] {
  if (given.length === 0 && !file) throw nectarError('USAGE', 'Give at least one ADDRESS or --file.', {hint: `e.g. \`nectar whitelist ${action} 0x… 0x…\` or \`--file list.txt\`.`})
  const exclude = new Map([[nec.toLowerCase(), 'the NEC token'], [controller.toLowerCase(), 'the controller']])
  return collectAddresses(given, file, {exclude, names, poke})
}

/**
 * Registers (add) or deregisters (remove) every address: checks the controller is there and the
 * signer is an admin, reads which addresses are already in the wanted state, and sends the rest in
 * batches under a journal keyed by the sorted wanted set and the controller, so a re-run of the same
 * input resumes and sends nothing twice.
 */
export async function changeWhitelist(client: ChainClient, params: WhitelistChangeParams, send: BatchSendOptions): Promise<WhitelistChangeResult> {
  const {action, controller} = params
  const {account} = send
  await assertContract(client, controller, 'controller')
  const roles = await getAccountRoles(client, {account: account.address, controller})
  requireRole(roles, 'admin', action === 'add' ? 'register' : 'deregister')

  const {duplicates, sorted} = canonicalSet(params.addresses)
  const kind = whitelistKind(action)
  const [statuses, block] = await Promise.all([
    getRegistrationStatuses(client, {addresses: sorted, controller}),
    client.getBlock({blockTag: 'latest'}),
  ])
  const batchSize = params.batchSize ?? whitelistBatchSize(block.gasLimit)
  const inWantedState = statuses.map((onList) => (action === 'add' ? onList : !onList))
  const plan = planWhitelistBatches(sorted, inWantedState, batchSize, kind)
  const progress = send.progress?.(action === 'add' ? 'Registering' : 'Deregistering', plan.pending.length)
  const base = {already: plan.already, batchSize, duplicates, wanted: sorted.length}
  if (plan.batches.length === 0) {
    progress?.done()
    return {...base, changed: [], transactions: 0, txHashes: []}
  }

  const inputHash = hashInput([kind, controller.toLowerCase(), ...sorted.map((a) => a.toLowerCase())])
  // A finished journal of the same input (the list changed on chain since): keep it aside and start a
  // new one, or its success records would hide batches that need sending again. It has nothing pending.
  const file = journalPath(params.journalDir, kind, client.chain!.id, inputHash)
  const previous = new Journal(file)
  if (previous.read().at(-1)?.type === 'complete') renameSync(file, `${file}.done-${Date.now()}`)
  const sizes = new Map(plan.batches.map((b) => [b.key, b.addresses.length]))
  const verb = action === 'add' ? 'register' : 'deregister'
  const n = plan.pending.length
  const result = await runJournaledBatch({
    account,
    client,
    confirm: (summary) => send.confirm({
      action: `${verb} ${n} address${n === 1 ? '' : 'es'} on ${controller}`,
      details: [
        ['transactions', `${summary.toSend} new (${batchSize} addresses each at most)${summary.pending > 0 ? `, ${summary.pending} signed earlier and re-sent` : ''}${summary.alreadyDone > 0 ? `, ${summary.alreadyDone} done earlier` : ''}`],
        ['gas', gasText(summary.totalGas, summary.gasPrice)],
        ['from', account.address],
        ['journal', summary.journal],
      ],
      question: `Send ${summary.toSend} transaction(s)?`,
      summary,
    }),
    inputHash,
    journalDir: params.journalDir,
    kind,
    onConfirmed: (key) => progress?.tick(sizes.get(key) ?? 0),
    wait: send.wait,
    window: 8,
  }, plan.batches.map((b) => ({
    ...(action === 'add'
      ? writeCall({abi: nectarControllerAbi, address: controller, args: [b.addresses], functionName: 'register'})
      : writeCall({abi: nectarControllerAbi, address: controller, args: [b.addresses], functionName: 'deregister'})),
    key: b.key,
  })))
  progress?.done()
  const done = new Set(result.outcomes.filter((o) => o.status === 'success').map((o) => o.key))
  const changed = plan.batches.filter((b) => done.has(b.key)).flatMap((b) => b.addresses)
  return {...base, changed, journal: result.journal, transactions: result.sent, txHashes: result.outcomes.map((o) => o.hash)}
}

/** What `whitelist add` reports (`whitelist remove` names its counts removed/alreadyAbsent). */
interface WhitelistReportBase {
  batchSize: number
  controller: Address
  duplicates: number
  invalid: 0
  journal: null | string
  transactions: number
  txHashes: Hash[]
  wanted: number
}
export type WhitelistAddReport = WhitelistReportBase & {added: number; alreadyPresent: number}
export type WhitelistRemoveReport = WhitelistReportBase & {alreadyAbsent: number; removed: number}
export type WhitelistChangeReport = WhitelistAddReport | WhitelistRemoveReport

export function whitelistReport(action: WhitelistAction, controller: Address, r: WhitelistChangeResult): WhitelistChangeReport {
  const base: WhitelistReportBase = {
    batchSize: r.batchSize,
    controller,
    duplicates: r.duplicates,
    invalid: 0,
    journal: r.journal ?? null,
    transactions: r.transactions,
    txHashes: r.txHashes,
    wanted: r.wanted,
  }
  return action === 'add'
    ? {alreadyPresent: r.already.length, added: r.changed.length, ...base}
    : {alreadyAbsent: r.already.length, removed: r.changed.length, ...base}
}

