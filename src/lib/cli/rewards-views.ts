// What people see of the rewards commands: the projection table, the curve chart and table, the
// issue summary. JSON and CSV come from the reports in src/lib/nectar.
import {displayAmount, formatAmount, parseAmount} from '../core/amounts.js'
import {type CurveChart, type CurveRequest} from '../nectar/curve-report.js'
import {type IssueRewardsResult} from '../nectar/issue.js'
import {type PeriodRow, type ShareRow} from '../nectar/simulate.js'
import {asciiChart} from './chart.js'
import {color, type Column, renderTable, terminalWidth} from './render.js'
import {textWidth, wrapText} from './wrap-text.js'

const SERIES_STYLE = [
  {colour: 'cyan', symbol: '*'},
  {colour: 'magenta', symbol: 'o'},
  {colour: 'green', symbol: '+'},
  {colour: 'yellow', symbol: 'x'},
  {colour: 'blue', symbol: '#'},
  {colour: 'red', symbol: '@'},
] as const

const nec = (v: bigint) => displayAmount(v, 18, 2)
const right = (header: string): Column => ({align: 'right', header})

/**
 * `rewards simulate`: one row per period with four columns per share, when that fits the terminal;
 * else the periods once, then one block per share (period, yours, cumulative, % of supply, ETH value).
 */
export function simulationTable(rows: readonly PeriodRow[], shares: readonly bigint[], width: number | undefined = terminalWidth()): string {
  const tag = (s: bigint) => (shares.length > 1 ? ` @${formatAmount(s)}%` : '')
  const shareHeads = (s: bigint) => [`yours${tag(s)}`, `cumulative${tag(s)}`, `% supply${tag(s)}`, `ETH value${tag(s)}`]
  const shareCells = (r: ShareRow) => [nec(r.mine), nec(r.cumulative), displayAmount(r.shareOfSupply, 18, 6), displayAmount(r.value, 18, 6)]
  const common = (r: PeriodRow) => [nec(r.supply), displayAmount(r.rate, 18, 4), nec(r.minted)]
  const redemption = (r: PeriodRow) => displayAmount(r.redemptionWeiPerNec, 18, 10)
  const one = renderTable(
    [{header: 'period'}, ...['supply (NEC)', 'NEC/ETH', 'minted', ...shares.flatMap((s) => shareHeads(s)), 'ETH/NEC'].map((h) => right(h))],
    rows.map((r) => [r.period, ...common(r), ...r.shares.flatMap((s) => shareCells(s)), redemption(r)]),
    {width: undefined},
  )
  if (width === undefined || Math.max(...one.split('\n').map((l) => textWidth(l))) <= width) return one
  const blocks = [
    renderTable([{header: 'period'}, ...['supply (NEC)', 'NEC/ETH', 'minted', 'ETH/NEC'].map((h) => right(h))], rows.map((r) => [r.period, ...common(r), redemption(r)]), {width}),
    ...shares.map((s, i) => {
      const table = renderTable([{header: 'period'}, ...['yours', 'cumulative', '% supply', 'ETH value'].map((h) => right(h))], rows.map((r) => [r.period, ...shareCells(r.shares[i])]), {width})
      return `${color.bold(`Your share ${formatAmount(s)}% of maker volume:`)}\n${table}`
    }),
  ]
  return blocks.join('\n\n')
}

/** `rewards simulate --chart`: your cumulative NEC, and what it redeems for in ETH, period by period (one series per share). */
export function simulationCharts(rows: readonly PeriodRow[], shares: readonly bigint[], width: number | undefined = terminalWidth()): string {
  const last = rows.at(-1)?.period ?? 1
  const xLabels = rows.length > 2 ? ['1', String(Math.round((1 + last) / 2)), String(last)] : ['1', String(last)]
  const series = (pick: (r: ShareRow) => bigint) =>
    shares.map((s, i) => ({...SERIES_STYLE[i % SERIES_STYLE.length], name: `share ${formatAmount(s)}%`, values: rows.map((r) => Number(formatAmount(pick(r.shares[i]))))}))
  const options = {height: 11, maxWidth: width, xLabels, xTitle: 'period (30 days each)'}
  return [
    asciiChart(series((r) => r.cumulative), {...options, yTitle: 'Your NEC, cumulative'}),
    asciiChart(series((r) => r.value), {...options, yTitle: 'Its value on redemption (ETH)'}),
  ].join('\n\n')
}

/** `rewards curve`: the chart (live supply marked), the table, and the note with the rate at the live supply. */
export function curveView({markAt, points, report}: CurveChart, {curves, from, to}: CurveRequest, width: number | undefined = terminalWidth()): string {
  const series = curves.map((c, i) => ({...SERIES_STYLE[i], name: `${c} rate`, values: points.map((p) => Number(formatAmount(p[c]!)))}))
  const {live} = report
  // The marker at the live supply itself, not at the nearest point.
  const liveSupply = live ? parseAmount(live.supply, {allowZero: true, label: 'supply'}) : undefined
  const exactMark = liveSupply !== undefined && markAt !== undefined && to > from ? (Number(formatAmount(liveSupply - from)) / Number(formatAmount(to - from))) * (points.length - 1) : markAt
  const supplies = [from, (from + to) / 2n, to].map((v) => displayAmount(v, 18, 0))
  const chart = asciiChart(series, {
    markAt: exactMark,
    markLabel: liveSupply === undefined ? 'live supply' : `live supply ${displayAmount(liveSupply, 18, 0)}`,
    maxWidth: width,
    xLabels: supplies,
    xTitle: 'supply at the window snapshot (NEC)',
    yTitle: 'NEC minted per ETH of fees',
  })
  const table = renderTable([right('supply (NEC)'), ...curves.map((c) => right(`${c} NEC/ETH`))], points.map((p) => [displayAmount(p.supply, 18, 0), ...curves.map((c) => displayAmount(p[c]!, 18, 6))]), {width})
  const note = report.note + (live ? `; rate there: ${curves.map((c) => `${c} ${live[c]}`).join(', ')} NEC per ETH` : '')
  return [chart, '', table, wrapText(note, width)].join('\n')
}

/** `rewards issue`: what was minted, and how. */
export function issueLines(r: IssueRewardsResult): Array<[string, string]> {
  return [
    ['minted', `${displayAmount(r.mintedWei)} NEC of ${displayAmount(r.totalWei)} (every row checked against its transaction's mint)`],
    ['transactions', `${r.sent} sent this run, ${r.resumed} done earlier${r.skippedEmptyRows ? `, ${r.skippedEmptyRows} empty rows skipped` : ''}`],
    ['journal', r.journal],
  ]
}
