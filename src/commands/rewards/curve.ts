import {Flags} from '@oclif/core'

import {displayAmount, formatAmount, parseAmount} from '../../lib/core/amounts.js'
import {BaseCommand} from '../../lib/cli/base-command.js'
import {rpcFlags} from '../../lib/cli/flags.js'
import {nectarError} from '../../lib/core/errors.js'
import {parseCount} from '../../lib/core/numbers.js'
import {renderTable} from '../../lib/cli/render.js'

export default class RewardsCurve extends BaseCommand<typeof RewardsCurve> {
  static description = `Show the issuance rate (NEC minted per ETH of maker fees) against supply: an ASCII chart and a table.
v2 (the live controller): 1000 × (2 − S/S0)², 0 from the 2,000,000,000 cap. v1 (Feb–Apr 2018): 1000 × S / (S0 + 1000 × F),
which also depends on the pledged fees F (--pledged; default the live pledged fees, else 0). Rates are exact: what the
controller mints for 1 ETH of fees at that window snapshot supply. The live supply is marked when a chain is reachable.`
  static examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --from 1000000000 --to 1500000000 --points 11 --curve both',
    '<%= config.bin %> <%= command.id %> --csv > curve.csv',
    '<%= config.bin %> <%= command.id %> --offline --json',
  ]
  static flags = {
    ...rpcFlags,
    csv: Flags.boolean({description: 'Print the points as CSV (exact decimals) instead of the chart and table'}),
    curve: Flags.string({default: 'v2', description: 'Which equation', options: ['v1', 'v2', 'both']}),
    from: Flags.string({description: 'Lowest supply, NEC (default: the initial supply, 1,000,000,000)'}),
    offline: Flags.boolean({description: 'Do not contact the chain (no live supply mark)'}),
    pledged: Flags.string({description: 'Pledged fees in ETH for the v1 curve (default: live, else 0)'}),
    points: Flags.string({default: '21', description: 'Number of points, 2 to 10000'}),
    to: Flags.string({description: 'Highest supply, NEC (default: twice the initial supply)'}),
  }

  public async run() {
    const {flags} = this
    const {curvePoints, INITIAL_SUPPLY, supplyCap} = await import('../../lib/nectar/curve.js')
    const points = parseCount(flags.points, {label: '--points', max: 10_000, min: 2})
    const from = flags.from === undefined ? INITIAL_SUPPLY : parseAmount(flags.from, {allowZero: true, label: '--from', unit: 'NEC'})
    const to = flags.to === undefined ? supplyCap() : parseAmount(flags.to, {label: '--to', unit: 'NEC'})
    if (to <= from) throw nectarError('INVALID_RANGE', `--to ${formatAmount(to)} is not above --from ${formatAmount(from)}.`, {hint: 'Give a supply range with --from below --to.'})
    const curves = (flags.curve === 'both' ? ['v2', 'v1'] : [flags.curve]) as Array<'v1' | 'v2'>
    let pledged = flags.pledged === undefined ? undefined : parseAmount(flags.pledged, {allowZero: true, label: '--pledged', unit: 'ETH'})

    let live: {pledgedFees: bigint; snapshotSupply: bigint; totalSupply: bigint} | undefined
    let liveNote: string
    if (flags.offline) liveNote = 'offline: the live supply is not marked'
    else {
      const {tryLiveState} = await import('../../lib/nectar/live.js')
      const {requireContract} = await import('../../lib/config/settings.js')
      const state = await tryLiveState(() => this.client(), () => requireContract(this.settings(), 'nec'))
      if (state.info) {
        live = state.info
        liveNote = `live supply on ${this.settings().network.name}: ${displayAmount(state.info.snapshotSupply)} NEC (${state.info.rateSource === 'snapshot' ? 'window snapshot' : 'current supply; no snapshot yet this window'})`
      } else liveNote = `no chain reachable (${state.reason}); the live supply is not marked`
    }
    pledged ??= live?.pledgedFees ?? 0n
    const list = curvePoints({curves, from, pledgedFees: pledged, points, to})
    const rows = list.map((p) => ({
      supply: formatAmount(p.supply),
      ...(p.v2 === undefined ? {} : {v2: formatAmount(p.v2)}),
      ...(p.v1 === undefined ? {} : {v1: formatAmount(p.v1)}),
    }))
    let liveJson: Record<string, string> | null = null
    let markAt: number | undefined
    if (live) {
      const s = live.snapshotSupply
      const point: Record<string, string> = {supply: formatAmount(s)}
      if (curves.includes('v2')) point.v2 = formatAmount(curvePoints({curves: ['v2'], from: s, points: 1, to: s})[0].v2!)
      if (curves.includes('v1')) point.v1 = formatAmount(curvePoints({curves: ['v1'], from: s, pledgedFees: pledged, points: 1, to: s})[0].v1!)
      liveJson = point
      if (s >= from && s <= to) markAt = Number(((s - from) * BigInt(points - 1) + (to - from) / 2n) / (to - from))
    }
    const data = {curve: flags.curve, from: formatAmount(from), live: liveJson, note: liveNote, pledgedFees: formatAmount(pledged), points: rows, to: formatAmount(to), unit: 'NEC per ETH of fees'}
    if (this.jsonEnabled()) return data
    if (flags.csv) {
      const head = ['supply', ...curves]
      this.log([head.join(','), ...rows.map((r) => head.map((h) => (r as Record<string, string>)[h]).join(','))].join('\n'))
      this.note(liveNote)
      return data
    }
    const {asciiChart} = await import('../../lib/cli/chart.js')
    const series = curves.map((c) => ({name: c, symbol: c === 'v2' ? '*' : 'o', values: list.map((p) => Number(formatAmount(p[c]!)))}))
    this.log(asciiChart(series, {markAt, markLabel: 'live supply', xLabels: [`${displayAmount(from, 18, 0)} NEC`, `${displayAmount(to, 18, 0)} NEC`], yLabel: 'NEC per ETH of fees'}))
    this.log('')
    this.log(renderTable(['supply (NEC)', ...curves.map((c) => `${c} NEC/ETH`)], list.map((p) => [displayAmount(p.supply, 18, 0), ...curves.map((c) => displayAmount(p[c]!, 18, 6))]), ['right', 'right', 'right']))
    this.log(liveNote + (liveJson ? `; rate there: ${curves.map((c) => `${c} ${liveJson![c]}`).join(', ')} NEC per ETH` : ''))
    return data
  }
}
