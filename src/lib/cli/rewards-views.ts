// What people see of the rewards commands: the projection table, the curve chart and table, the
// issue summary. JSON and CSV come from the reports in src/lib/nectar.
import {displayAmount, formatAmount} from '../core/amounts.js'
import {type CurveChart, type CurveRequest} from '../nectar/curve-report.js'
import {type IssueRewardsResult} from '../nectar/issue.js'
import {type PeriodRow} from '../nectar/simulate.js'
import {asciiChart} from './chart.js'
import {renderTable} from './render.js'

/** `rewards simulate`: one row per period, four columns per share (tagged with the share when several). */
export function simulationTable(rows: readonly PeriodRow[], shares: readonly bigint[]): string {
  const nec = (v: bigint) => displayAmount(v, 18, 2)
  const head = ['period', 'supply (NEC)', 'NEC/ETH', 'minted', ...shares.flatMap((s) => {
    const tag = shares.length > 1 ? ` @${formatAmount(s)}%` : ''
    return [`yours${tag}`, `cumulative${tag}`, `% supply${tag}`, `ETH value${tag}`]
  }), 'ETH/NEC']
  const table = rows.map((r) => [r.period, nec(r.supply), displayAmount(r.rate, 18, 4), nec(r.minted),
    ...r.shares.flatMap((s) => [nec(s.mine), nec(s.cumulative), displayAmount(s.shareOfSupply, 18, 6), displayAmount(s.value, 18, 6)]),
    displayAmount(r.redemptionWeiPerNec, 18, 10)])
  return renderTable(head, table, head.map((_, i) => (i === 0 ? 'left' : 'right')))
}

/** `rewards curve`: the chart (live supply marked), the table, and the note with the rate at the live supply. */
export function curveView({markAt, points, report}: CurveChart, {curves, from, to}: CurveRequest): string {
  const series = curves.map((c) => ({name: c, symbol: c === 'v2' ? '*' : 'o', values: points.map((p) => Number(formatAmount(p[c]!)))}))
  const chart = asciiChart(series, {markAt, markLabel: 'live supply', xLabels: [`${displayAmount(from, 18, 0)} NEC`, `${displayAmount(to, 18, 0)} NEC`], yLabel: 'NEC per ETH of fees'})
  const table = renderTable(['supply (NEC)', ...curves.map((c) => `${c} NEC/ETH`)], points.map((p) => [displayAmount(p.supply, 18, 0), ...curves.map((c) => displayAmount(p[c]!, 18, 6))]), ['right', 'right', 'right'])
  const {live} = report
  const note = report.note + (live ? `; rate there: ${curves.map((c) => `${c} ${live[c]}`).join(', ')} NEC per ETH` : '')
  return [chart, '', table, note].join('\n')
}

/** `rewards issue`: what was minted, and how. */
export function issueLines(r: IssueRewardsResult): Array<[string, string]> {
  return [
    ['minted', `${displayAmount(r.mintedWei)} NEC of ${displayAmount(r.totalWei)} (every row checked against its transaction's mint)`],
    ['transactions', `${r.sent} sent this run, ${r.resumed} done earlier${r.skippedEmptyRows ? `, ${r.skippedEmptyRows} empty rows skipped` : ''}`],
    ['journal', r.journal],
  ]
}
