// `controller upgrade --to CANDIDATE`: NEC.changeController through the current controller's
// upgradeController, sent only when the candidate is ready (a NectarController of this NEC that the
// signer owns, its whitelist migrated, no rewards issuance half done) and, with --proposal, the
// governance proposal passed; verified on the token after.
import {readdirSync} from 'node:fs'
import path from 'node:path'
import {type Address, type Hash, type Hex} from 'viem'

import {type ChainClient} from '../chain/client.js'
import {Journal} from '../chain/journal.js'
import {transact, type TransactOptions, withDetails, writeCall} from '../chain/transact.js'
import {displayAmount} from '../core/amounts.js'
import {nectarError} from '../core/errors.js'
import {necAbi, nectarControllerAbi} from '../contracts/generated/index.js'
import {type ControllerFacts, differences} from './controller.js'
import {isMigrated, type MigrationPlan, planMigration} from './controller-migrate.js'
import {type PassedProposal, requirePassedProposal} from './governance.js'
import {ISSUE_KIND} from './issue.js'

/** Journals of `rewards issue` on this chain that did not finish (their mints may be half done). */
export function openIssuanceJournals(journalDir: string, chainId: number): string[] {
  let names: string[]
  try {
    names = readdirSync(journalDir)
  } catch {
    return []
  }
  return names
    .filter((name) => name.startsWith(`${ISSUE_KIND}-${chainId}-`) && name.endsWith('.jsonl'))
    .map((name) => path.join(journalDir, name))
    .filter((file) => new Journal(file).read().at(-1)?.type !== 'complete')
}

export interface UpgradeReadiness {
  candidate: ControllerFacts
  current: ControllerFacts
  /** What changes, one line each. */
  changes: string[]
  migration: MigrationPlan
  /** The governance proposal that passed, when one was required; null otherwise. */
  proposal: null | PassedProposal
}

/** The governance proposal an upgrade must follow: its id on the profile's ProposalManager. */
export interface ProposalGate {
  id: bigint
  manager: Address
  /** Titles from the local text store, to name the proposal. */
  titles?: (hash: Hex) => null | string
}

/**
 * Every check of the upgrade, before anything is signed: the candidate has code and is a controller of
 * this NEC (usage errors), the governance proposal (when given) exists and passed
 * (requirePassedProposal), the signer owns the current controller (only its owner may call
 * upgradeController) and the candidate, no issuance journal is open, and nothing of the whitelist is
 * left to migrate.
 */
export async function checkUpgrade(
  client: ChainClient,
  {account, candidate, journalDir, nec, proposal}: {account: Address; candidate: Address; journalDir: string; nec: Address; proposal?: ProposalGate},
): Promise<UpgradeReadiness> {
  const migration = await planMigration(client, {candidate, nec})
  const passed = proposal ? await requirePassedProposal(client, proposal) : null
  const {current, candidate: cand} = migration
  const owns = (f: ControllerFacts) => f.owner.toLowerCase() === account.toLowerCase()
  if (!owns(current)) {
    throw nectarError('NOT_OWNER', `${account} is not the owner of NEC's controller ${current.address}, which upgradeController needs; nothing was sent.`, {
      hint: `Run it as the owner ${current.owner} (--account).`,
    })
  }
  if (!owns(cand)) {
    throw nectarError('CANDIDATE_NOT_OWNED', `You (${account}) do not own the candidate ${cand.address}; its owner is ${cand.owner}. Nothing was sent.`, {
      hint: `Have its owner run \`nectar controller owner transfer ${account} --controller ${cand.address}\`, or deploy the candidate from your account.`,
    })
  }
  const open = openIssuanceJournals(journalDir, client.chain!.id)
  if (open.length > 0) {
    throw nectarError('ISSUANCE_IN_PROGRESS', `A rewards issuance did not finish (${open[0]}); upgrading now would strand its remaining mints on the old controller. Nothing was sent.`, {
      details: open.slice(1),
      hint: 'Finish it first: run the same `nectar rewards issue --allocations FILE` again (it resumes).',
    })
  }
  if (!isMigrated(migration)) {
    throw nectarError('CANDIDATE_NOT_MIGRATED', `The candidate lacks ${migration.registered.missing.length} registration(s), ${migration.admins.missing.length} admin(s) and ${migration.makers.missing.length} maker(s) of the current whitelist; holders would be locked out. Nothing was sent.`, {
      hint: `Copy them first: \`nectar controller migrate --to ${cand.address}\`.`,
    })
  }
  return {candidate: cand, changes: differences(current, cand), current, migration, proposal: passed}
}

export interface UpgradeResult {
  block: bigint
  candidate: Address
  changes: string[]
  /** NEC.controller() read after the receipt. */
  controller: Address
  previous: Address
  /** The governance proposal that authorised it (--proposal); null when none was asked for. */
  proposal: null | PassedProposal
  txHash: Hash
  verified: true
}

/** Checks, then upgradeController(candidate) on the current controller, then NEC.controller() must be the candidate. */
export async function upgradeController(
  client: ChainClient,
  {candidate, journalDir, nec, proposal}: {candidate: Address; journalDir: string; nec: Address; proposal?: ProposalGate},
  send: TransactOptions,
): Promise<UpgradeResult> {
  const ready = await checkUpgrade(client, {account: send.account.address, candidate, journalDir, nec, proposal})
  const {current} = ready
  const details: Array<[string, string]> = [
    ['from controller', current.address],
    ['to controller', ready.candidate.address],
    ...(ready.proposal ? [['proposal', proposalLine(ready.proposal)] as [string, string]] : []),
    ['whitelist', `${ready.migration.registered.wanted} registered, ${ready.migration.admins.wanted} admins, ${ready.migration.makers.wanted} makers: all present on the candidate`],
    ...ready.changes.map((line): [string, string] => ['changes', line]),
  ]
  for (const line of ready.changes) send.warn?.(`After the upgrade: ${line}.`)
  const call = writeCall({abi: nectarControllerAbi, address: current.address, args: [ready.candidate.address], functionName: 'upgradeController'})
  const result = await transact(client, `Make ${ready.candidate.address} NEC's controller`, call, withDetails(send, details))
  const controller = await client.readContract({abi: necAbi, address: nec, blockNumber: result.blockNumber, functionName: 'controller'})
  if (controller.toLowerCase() !== ready.candidate.address.toLowerCase()) {
    throw nectarError('UPGRADE_NOT_VERIFIED', `upgradeController was mined (${result.hash}) but NEC's controller is ${controller}, not ${ready.candidate.address}.`, {
      hint: 'Inspect the transaction; the old controller may not be NEC’s controller any more.',
    })
  }
  return {
    block: result.blockNumber,
    candidate: ready.candidate.address,
    changes: ready.changes,
    controller,
    previous: current.address,
    proposal: ready.proposal,
    txHash: result.hash,
    verified: true,
  }
}

/** "3 "Title": passed, 120 NEC yes, 20 NEC no, vote ended 2026-…Z". */
export function proposalLine(p: PassedProposal): string {
  return `${p.id}${p.title ? ` "${p.title}"` : ''}: passed, ${displayAmount(p.yesWei)} NEC yes, ${displayAmount(p.noWei)} NEC no, vote ended ${p.endedAt}`
}
