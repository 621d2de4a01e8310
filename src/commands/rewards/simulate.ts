import {Flags} from '@oclif/core'

import {displayAmount, formatAmount, parseAmount} from '../../lib/core/amounts.js'
import {BaseCommand} from '../../lib/cli/base-command.js'
import {rpcFlags} from '../../lib/cli/flags.js'
import {nectarError} from '../../lib/core/errors.js'
import {parseCount, parsePercent} from '../../lib/core/numbers.js'
import {renderTable} from '../../lib/cli/render.js'

export default class RewardsSimulate extends BaseCommand<typeof RewardsSimulate> {
  static description = `Project your NEC rewards period by period (30-day windows). Each period mints exactly what the controller
would mint for that period's maker fees at the window-snapshot supply; your part is your share of maker volume.
Pledged fees grow by --pledge-ratio of each period's fees; ETH per NEC is pledged fees / supply after the period.
Without --supply the start (supply at the window snapshot, pledged fees, window) is read from the active network
when it answers, else the initial supply of 1,000,000,000 NEC is used; the output says which.`
  static examples = [
    '<%= config.bin %> <%= command.id %> --fees 500 --share 2',
    '<%= config.bin %> <%= command.id %> --fees 500 --share 2 --share 5 --periods 6',
    '<%= config.bin %> <%= command.id %> --volume 2000000 --fee-rate 0.1 --my-volume 30000 --total-volume 2000000 --periods 24 --fee-growth 3',
    '<%= config.bin %> <%= command.id %> --fees 1000 --share 1 --supply 1500000000 --pledged 20000 --offline --csv',
    '<%= config.bin %> <%= command.id %> --fees 2580.9 --share 100 --periods 1 --supply 1002626948 --curve v2 --json',
  ]
  static flags = {
    ...rpcFlags,
    csv: Flags.boolean({description: 'Print every field as CSV'}),
    curve: Flags.string({default: 'v2', description: 'Issuance equation', options: ['v2', 'v1']}),
    'fee-growth': Flags.string({default: '0', description: 'Growth of fees per period, percent (may be negative)'}),
    'fee-rate': Flags.string({description: 'Maker fee rate, percent of volume (with --volume)'}),
    fees: Flags.string({description: 'Maker fees per period, ETH'}),
    'my-volume': Flags.string({description: 'Your maker volume per period (with --total-volume), instead of --share'}),
    offline: Flags.boolean({description: 'Do not contact the chain; start from --supply or the initial supply'}),
    periods: Flags.string({default: '12', description: 'Number of 30-day periods, 1 to 1200'}),
    'pledge-ratio': Flags.string({default: '0.5', description: 'Fraction of each period’s fees pledged to NEC holders, 0 to 1'}),
    pledged: Flags.string({description: 'Pledged fees at the start, ETH (default: live, else 0)'}),
    share: Flags.string({description: 'Your share of maker volume, percent (repeat for one column each)', multiple: true}),
    supply: Flags.string({description: 'Supply at the first window snapshot, NEC (default: live, else the initial supply)'}),
    'total-volume': Flags.string({description: 'Total maker volume per period (with --my-volume)'}),
    volume: Flags.string({description: 'Maker volume per period, ETH (with --fee-rate), instead of --fees'}),
  }

  public async run() {
    const {flags} = this
    const fees = this.fees()
    const shares = this.shares()
    const periods = parseCount(flags.periods, {label: '--periods', max: 1200, min: 1})
    const feeGrowth = parsePercent(flags['fee-growth'], {label: '--fee-growth', min: -100, signed: true})
    if (feeGrowth === -(100n * 10n ** 18n)) throw nectarError('OUT_OF_RANGE', '--fee-growth -100 would end all fees after the first period.', {hint: 'Give a growth above -100 percent.'})
    const pledgeRatio = parseAmount(flags['pledge-ratio'], {allowZero: true, label: '--pledge-ratio', max: 10n ** 18n})
    const curve = flags.curve as 'v1' | 'v2'
    const {INITIAL_SUPPLY, supplyCap} = await import('../../lib/nectar/curve.js')
    let supply = flags.supply === undefined ? undefined : parseAmount(flags.supply, {label: '--supply', unit: 'NEC'})
    let pledged = flags.pledged === undefined ? undefined : parseAmount(flags.pledged, {allowZero: true, label: '--pledged', unit: 'ETH'})
    let initialSupply = INITIAL_SUPPLY
    let source: string
    let window: number | null = null
    if (supply !== undefined) source = 'from --supply'
    else if (flags.offline) source = 'offline: starting from the initial supply'
    else {
      const {tryLiveState} = await import('../../lib/nectar/live.js')
      const {requireContract} = await import('../../lib/config/settings.js')
      const state = await tryLiveState(() => this.client(), () => requireContract(this.settings(), 'nec'))
      if (state.info) {
        supply = state.info.snapshotSupply
        pledged ??= state.info.pledgedFees
        initialSupply = state.info.initialSupply
        window = Number(state.info.window)
        source = `live from ${this.settings().network.name}, window ${window} (${state.info.rateSource === 'snapshot' ? 'window snapshot' : 'current supply; no snapshot yet this window'})`
      } else source = `no chain reachable (${state.reason}); starting from the initial supply`
    }
    supply ??= initialSupply
    pledged ??= 0n
    const {periodJson, periodsCsv, simulate} = await import('../../lib/nectar/simulate.js')
    const rows = simulate({curve, feeGrowth, fees, initialSupply, periods, pledgeRatio, shares, startPledged: pledged, startSupply: supply})
    const capped = rows.filter((r) => r.capped).length
    const notes = [`start: ${source}`]
    if (capped > 0) notes.push(`supply is at or over the ${displayAmount(supplyCap(initialSupply), 18, 0)} NEC cap in ${capped} period(s): the rate there is 0`)
    const data = {
      curve,
      notes,
      periods: rows.map((r) => periodJson(r, shares)),
      start: {initialSupply: formatAmount(initialSupply), pledgedFees: formatAmount(pledged), source, supply: formatAmount(supply), window},
      totals: {
        minted: formatAmount(rows.reduce((a, r) => a + r.minted, 0n)),
        mine: shares.map((_, i) => formatAmount(rows.at(-1)!.shares[i].cumulative)),
      },
    }
    if (this.jsonEnabled()) return data
    for (const n of notes) this.note(n)
    if (flags.csv) {
      process.stdout.write(periodsCsv(rows, shares))
      return data
    }
    const nec = (v: bigint) => displayAmount(v, 18, 2)
    const head = ['period', 'supply (NEC)', 'NEC/ETH', 'minted', ...shares.flatMap((s) => {
      const tag = shares.length > 1 ? ` @${formatAmount(s)}%` : ''
      return [`yours${tag}`, `cumulative${tag}`, `% supply${tag}`, `ETH value${tag}`]
    }), 'ETH/NEC']
    const table = rows.map((r) => [r.period, nec(r.supply), displayAmount(r.rate, 18, 4), nec(r.minted),
      ...r.shares.flatMap((s) => [nec(s.mine), nec(s.cumulative), displayAmount(s.shareOfSupply, 18, 6), displayAmount(s.value, 18, 6)]),
      displayAmount(r.redemptionWeiPerNec, 18, 10)])
    this.log(renderTable(head, table, head.map((_, i) => (i === 0 ? 'left' : 'right'))))
    return data
  }

  private fees(): bigint {
    const {flags} = this
    if (flags.fees !== undefined) {
      if (flags.volume !== undefined) throw nectarError('CONFLICTING_FLAGS', 'Give --fees or --volume with --fee-rate, not both.', {hint: 'Drop one of them.'})
      return parseAmount(flags.fees, {allowZero: true, label: '--fees', unit: 'ETH'})
    }
    if (flags.volume === undefined || flags['fee-rate'] === undefined) {
      throw nectarError('MISSING_FEES', 'The fees per period are missing.', {hint: 'Give --fees ETH, or --volume ETH with --fee-rate PERCENT.'})
    }
    const volume = parseAmount(flags.volume, {allowZero: true, label: '--volume', unit: 'ETH'})
    const rate = parsePercent(flags['fee-rate'], {label: '--fee-rate', max: 100})
    return (volume * rate) / (100n * 10n ** 18n)
  }

  private shares(): bigint[] {
    const {flags} = this
    if (flags.share && flags.share.length > 0) {
      if (flags['my-volume'] !== undefined) throw nectarError('CONFLICTING_FLAGS', 'Give --share or --my-volume with --total-volume, not both.', {hint: 'Drop one of them.'})
      return flags.share.map((s) => parsePercent(s, {label: '--share', max: 100}))
    }
    if (flags['my-volume'] === undefined || flags['total-volume'] === undefined) {
      throw nectarError('MISSING_SHARE', 'Your share of maker volume is missing.', {hint: 'Give --share PERCENT (repeatable), or --my-volume with --total-volume.'})
    }
    const mine = parseAmount(flags['my-volume'], {allowZero: true, label: '--my-volume'})
    const total = parseAmount(flags['total-volume'], {label: '--total-volume'})
    if (mine > total) throw nectarError('OUT_OF_RANGE', `--my-volume ${flags['my-volume']} is more than --total-volume ${flags['total-volume']}.`, {hint: 'Your volume is part of the total.'})
    return [(mine * 100n * 10n ** 18n) / total]
  }
}
