// What people see of the governance commands (gov list, gov show). JSON comes from the reports in
// src/lib/nectar/governance.ts.
import {displayAmount} from '../core/amounts.js'
import {type ProposalListing, type ProposalView} from '../nectar/governance.js'
import {type Column, type ListFlags, renderList} from './render.js'

const voted = (v: ProposalView) => (v.voter === null || v.token === null ? '' : v.voted === null ? '?' : v.voted ? 'yes' : 'no')


/** Proposals as a table, newest first. */
const PROPOSAL_COLUMNS: Column[] = [
  {align: 'right', header: 'id', priority: 10},
  {header: 'title', priority: 9, wrap: true},
  {header: 'state', priority: 8},
  {align: 'right', header: 'snapshot', priority: 1},
  {align: 'right', header: 'yes NEC', key: 'yes', priority: 6, wrap: true},
  {align: 'right', header: 'no NEC', key: 'no', priority: 5, wrap: true},
  {align: 'right', header: 'turnout', priority: 4},
  {header: 'time left', priority: 7, wrap: true},
  {align: 'right', header: 'your weight', key: 'weight', priority: 2},
  {header: 'voted', priority: 3},
]

export function proposalsTable({proposals}: ProposalListing, flags: ListFlags = {}): string {
  const rows = proposals.map((p) => [
    p.id,
    p.title ?? '(text not kept here)',
    p.state,
    p.snapshotBlock ?? '',
    p.token === null ? '' : {sort: p.yesWei, text: `${displayAmount(p.yesWei)} (${p.yesShare}%)`},
    p.token === null ? '' : {sort: p.noWei, text: `${displayAmount(p.noWei)} (${p.noShare}%)`},
    p.token === null ? '' : `${p.turnout}%`,
    p.state === 'active' ? p.timeLeft! : p.state === 'pending' ? `${p.durationDays}d once approved` : '',
    p.token === null ? '' : {csv: p.weight, sort: p.weightWei, text: displayAmount(p.weightWei)},
    voted(p),
  ])
  return renderList(PROPOSAL_COLUMNS, rows, flags)
}

/** One proposal as key/value lines. */
export function proposalLines(p: ProposalView): Array<[string, string]> {
  const lines: Array<[string, string]> = [
    ['proposal', String(p.id)],
    ['title', p.title ?? '(text not kept on this machine; `nectar gov verify` checks a copy)'],
    ['state', p.state],
    ['proposer', p.proposer],
    ['text hash', p.storageHash],
    ['duration', `${p.durationDays} days from approval`],
  ]
  if (p.token !== null) {
    lines.push(
      ['snapshot block', String(p.snapshotBlock)],
      ['voting', `${p.startedAt} → ${p.endsAt}${p.state === 'active' ? ` (${p.timeLeft} left)` : ''}`],
      ['supply at snapshot', `${displayAmount(p.supplyAtSnapshotWei)} NEC`],
      ['yes', `${displayAmount(p.yesWei)} NEC (${p.yesShare}% of the supply)`],
      ['no', `${displayAmount(p.noWei)} NEC (${p.noShare}% of the supply)`],
      ['turnout', `${p.turnout}%`],
      ['voting token', p.token],
    )
    if (p.voter !== null) lines.push(['your weight', `${displayAmount(p.weightWei)} NEC (${p.voter} at block ${p.snapshotBlock})`], ['you voted', voted(p) || 'no'])
  }
  return lines
}
