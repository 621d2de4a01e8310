// Human views of `controller inspect|migrate|upgrade`.
import {displayAmount} from '../core/amounts.js'
import {type ControllerFacts, type ControllerInspection} from '../nectar/controller.js'
import {type MigrationResult} from '../nectar/controller-migrate.js'
import {proposalLine, type UpgradeResult} from '../nectar/controller-upgrade.js'
import {color, renderKeyValues, renderTable} from './render.js'

const rate = (r: bigint | null) => (r === null ? 'unknown' : displayAmount(r))
const iso = (s: bigint) => new Date(Number(s) * 1000).toISOString()

/** The two controllers side by side, what changes, and the issuance of both at sample supplies. */
export function inspectionText(x: ControllerInspection): string {
  const {candidate: b, current: a} = x
  const row = (label: string, f: (c: ControllerFacts) => string) => [label, f(a), f(b)]
  const facts = renderTable(['', {header: `current ${a.address}`, wrap: true}, {header: `candidate ${b.address}`, wrap: true}], [
    row('version', (c) => c.version),
    row('NEC controller now', (c) => (c.isTokenController ? 'yes' : 'no')),
    row('owner', (c) => c.owner),
    row('vault', (c) => c.vault),
    row('token', (c) => `${c.token}${c.tokenIsNec ? ' (NEC)' : color.red(' (not NEC)')}`),
    row('window start', (c) => `${iso(c.startTime)} (${c.periodLength} days each)`),
    row('window', (c) => String(c.window)),
    row('S0 snapshot block', (c) => String(c.initialSnapshotBlock)),
    row('S0 (initial supply)', (c) => `${displayAmount(c.initialSupply)} NEC`),
    row('window snapshot block', (c) => (c.windowSnapshotBlock === 0n ? 'unset (live supply)' : String(c.windowSnapshotBlock))),
    row('whitelist', (c) => (c.listActive ? 'active' : 'off')),
    row('burning (NEC)', (c) => (c.burningEnabled ? 'enabled' : 'disabled')),
    row('ETH held', (c) => `${displayAmount(c.ethBalance)} ETH`),
    row('rate now', (c) => `${rate(c.rateNow)} NEC/ETH`),
  ])
  const issuance = renderTable([{align: 'right', header: 'supply (NEC)', wrap: true}, {align: 'right', header: `current ${a.version} (NEC/ETH)`}, {align: 'right', header: `candidate ${b.version} (NEC/ETH)`}], x.issuance.map((s) => [
    `${displayAmount(s.supply, 18, 0)}${s.note ? ` (${s.note})` : ''}`,
    rate(s.current),
    rate(s.candidate),
  ]))
  const changes = x.differences.length === 0 ? 'nothing' : x.differences.map((d) => `- ${d}`).join('\n')
  return `${facts}\n\nIssuance per 1 ETH of fees at sample supplies:\n${issuance}\n\nWhat the upgrade changes:\n${changes}`
}

export function migrationLines(r: MigrationResult): Array<[string, string]> {
  const part = (p: {copied: number; missing: number; wanted: number}) => `${p.copied} copied, ${p.wanted - p.missing} already there, ${p.wanted} in all`
  return [
    ['from', r.current],
    ['to', r.candidate],
    ['registered', `${part(r.registered)} (from ${r.source === 'events' ? 'the controller’s events' : 'NEC’s Transfer history'})`],
    ['admins', part(r.admins)],
    ['makers', part(r.makers)],
    ...(r.eth ? [['ETH', `${displayAmount(r.eth.sentWei)} sent; held ${displayAmount(r.eth.beforeWei + r.eth.sentWei)} of ${displayAmount(r.eth.targetWei)} wanted`] as [string, string]] : []),
    ['transactions', String(r.transactions)],
  ]
}

export function upgradeText(r: UpgradeResult): string {
  return renderKeyValues([
    ['previous', r.previous],
    ['controller', `${r.controller} (NEC.controller(), verified at block ${r.block})`],
    ...(r.proposal ? [['proposal', proposalLine(r.proposal)] as [string, string]] : []),
    ['transaction', r.txHash],
  ])
}
