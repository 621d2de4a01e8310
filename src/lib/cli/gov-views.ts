// What people see of the governance commands (gov list, gov show). JSON comes from the reports in
// src/lib/nectar/governance.ts.
import {displayAmount} from '../core/amounts.js'
import {type ProposalListing, type ProposalView} from '../nectar/governance.js'
import {renderTable} from './render.js'

const voted = (v: ProposalView) => (v.voter === null || v.token === null ? '' : v.voted === null ? '?' : v.voted ? 'yes' : 'no')
const short = (title: null | string) => (title === null ? '(text not kept here)' : title.length > 40 ? title.slice(0, 39) + '…' : title)

/** Proposals as a table, newest first. */
export function proposalsTable({proposals}: ProposalListing): string {
  const rows = proposals.map((p) => [
    p.id,
    short(p.title),
    p.state,
    p.snapshotBlock ?? '',
    p.token === null ? '' : `${displayAmount(p.yesWei)} (${p.yesShare}%)`,
    p.token === null ? '' : `${displayAmount(p.noWei)} (${p.noShare}%)`,
    p.token === null ? '' : `${p.turnout}%`,
    p.state === 'active' ? p.timeLeft! : p.state === 'pending' ? `${p.durationDays}d once approved` : '',
    p.token === null ? '' : displayAmount(p.weightWei),
    voted(p),
  ])
  return renderTable(['id', 'title', 'state', 'snapshot', 'yes NEC', 'no NEC', 'turnout', 'time left', 'your weight', 'voted'], rows, ['right', 'left', 'left', 'right', 'right', 'right', 'right', 'left', 'right', 'left'])
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
