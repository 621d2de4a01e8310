// `rewards simulate`: the flags read exactly, the start state (--supply, offline, or live from the
// chain when it answers), and the projection with its report. Nothing here imports viem: the chain
// is read only through tryLiveState, loaded when needed.
import {displayAmount, formatAmount, parseAmount} from '../core/amounts.js'
import {nectarError} from '../core/errors.js'
import {parseCount, parsePercent} from '../core/numbers.js'
import {type CurveName, INITIAL_SUPPLY, supplyCap} from './curve.js'
import {type NecSource} from './live.js'
import {FIXED18, type PeriodRow, periodJson, simulate} from './simulate.js'

/** The flags of `rewards simulate`, as given. */
export interface SimulateFlags {
  curve: string
  'fee-growth': string
  'fee-rate'?: string
  fees?: string
  'my-volume'?: string
  offline?: boolean
  periods: string
  'pledge-ratio': string
  pledged?: string
  share?: string[]
  supply?: string
  'total-volume'?: string
  volume?: string
}

/** A projection asked for, read exactly: supply and pledged fees are undefined when not given. */
export interface ProjectionRequest {
  curve: CurveName
  feeGrowth: bigint
  fees: bigint
  offline: boolean
  periods: number
  pledgeRatio: bigint
  pledged?: bigint
  shares: bigint[]
  supply?: bigint
}

/** Reads the flags in the order a person reads them: fees, shares, periods, growth, ratio, start. */
export function parseProjection(flags: SimulateFlags): ProjectionRequest {
  const fees = projectionFees(flags)
  const shares = projectionShares(flags)
  const periods = parseCount(flags.periods, {label: '--periods', max: 1200, min: 1})
  const feeGrowth = parsePercent(flags['fee-growth'], {label: '--fee-growth', min: -100, signed: true})
  if (feeGrowth === -(100n * FIXED18)) throw nectarError('OUT_OF_RANGE', '--fee-growth -100 would end all fees after the first period.', {hint: 'Give a growth above -100 percent.'})
  const pledgeRatio = parseAmount(flags['pledge-ratio'], {allowZero: true, label: '--pledge-ratio', max: FIXED18})
  const supply = flags.supply === undefined ? undefined : parseAmount(flags.supply, {label: '--supply', unit: 'NEC'})
  const pledged = flags.pledged === undefined ? undefined : parseAmount(flags.pledged, {allowZero: true, label: '--pledged', unit: 'ETH'})
  return {curve: flags.curve as CurveName, feeGrowth, fees, offline: Boolean(flags.offline), periods, pledgeRatio, pledged, shares, supply}
}

function projectionFees(flags: SimulateFlags): bigint {
  if (flags.fees !== undefined) {
    if (flags.volume !== undefined) throw nectarError('CONFLICTING_FLAGS', 'Give --fees or --volume with --fee-rate, not both.', {hint: 'Drop one of them.'})
    return parseAmount(flags.fees, {allowZero: true, label: '--fees', unit: 'ETH'})
  }
  if (flags.volume === undefined || flags['fee-rate'] === undefined) {
    throw nectarError('MISSING_FEES', 'The fees per period are missing.', {hint: 'Give --fees ETH, or --volume ETH with --fee-rate PERCENT.'})
  }
  const volume = parseAmount(flags.volume, {allowZero: true, label: '--volume', unit: 'ETH'})
  const rate = parsePercent(flags['fee-rate'], {label: '--fee-rate', max: 100})
  return (volume * rate) / (100n * FIXED18)
}

function projectionShares(flags: SimulateFlags): bigint[] {
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
  return [(mine * 100n * FIXED18) / total]
}

/** What `rewards simulate` reports: exact decimal strings per period. */
export interface SimulationReport {
  curve: CurveName
  notes: string[]
  periods: Array<ReturnType<typeof periodJson>>
  start: {initialSupply: string; pledgedFees: string; source: string; supply: string; window: null | number}
  totals: {mine: string[]; minted: string}
}

export interface Projection {
  report: SimulationReport
  /** The periods in base units, for tables and CSV. */
  rows: PeriodRow[]
}

/**
 * Runs the projection from its start: --supply when given, nothing read when offline, else the
 * chain's window snapshot when it answers (within a few seconds), else the initial supply.
 */
export async function projectRewards(request: ProjectionRequest, source: NecSource): Promise<Projection> {
  const {curve, shares} = request
  let {pledged, supply} = request
  let initialSupply = INITIAL_SUPPLY
  let startSource: string
  let window: null | number = null
  if (supply !== undefined) startSource = 'from --supply'
  else if (request.offline) startSource = 'offline: starting from the initial supply'
  else {
    const {tryLiveState} = await import('./live.js')
    const state = await tryLiveState(source)
    if (state.info) {
      supply = state.info.snapshotSupply
      pledged ??= state.info.pledgedFees
      initialSupply = state.info.initialSupply
      window = Number(state.info.window)
      startSource = `live from ${source.name()}, window ${window} (${state.info.rateSource === 'snapshot' ? 'window snapshot' : 'current supply; no snapshot yet this window'})`
    } else startSource = `no chain reachable (${state.reason}); starting from the initial supply`
  }
  supply ??= initialSupply
  pledged ??= 0n
  const rows = simulate({curve, feeGrowth: request.feeGrowth, fees: request.fees, initialSupply, periods: request.periods, pledgeRatio: request.pledgeRatio, shares, startPledged: pledged, startSupply: supply})
  const capped = rows.filter((r) => r.capped).length
  const notes = [`start: ${startSource}`]
  if (capped > 0) notes.push(`supply is at or over the ${displayAmount(supplyCap(initialSupply), 18, 0)} NEC cap in ${capped} period(s): the rate there is 0`)
  return {
    report: {
      curve,
      notes,
      periods: rows.map((r) => periodJson(r, shares)),
      start: {initialSupply: formatAmount(initialSupply), pledgedFees: formatAmount(pledged), source: startSource, supply: formatAmount(supply), window},
      totals: {
        minted: formatAmount(rows.reduce((a, r) => a + r.minted, 0n)),
        mine: shares.map((_, i) => formatAmount(rows.at(-1)!.shares[i].cumulative)),
      },
    },
    rows,
  }
}
