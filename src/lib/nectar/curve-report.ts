// `rewards curve`: the flags read exactly, the rate at evenly spaced supplies, and the live supply
// marked when the chain answers. Nothing here imports viem (tryLiveState loads it when needed).
import {displayAmount, formatAmount, parseAmount} from '../core/amounts.js'
import {nectarError} from '../core/errors.js'
import {parseCount} from '../core/numbers.js'
import {type CurveName, type CurvePoint, curvePoints, INITIAL_SUPPLY, supplyCap} from './curve.js'
import {type NecSource} from './live.js'

/** The flags of `rewards curve`, as given. */
export interface CurveFlags {
  curve: string
  from?: string
  offline?: boolean
  pledged?: string
  points: string
  to?: string
}

export interface CurveRequest {
  /** As asked: v1, v2 or both. */
  curve: string
  curves: CurveName[]
  from: bigint
  offline: boolean
  /** Pledged fees for v1; undefined: the live pledged fees, else 0. */
  pledged?: bigint
  points: number
  to: bigint
}

export function parseCurveRequest(flags: CurveFlags): CurveRequest {
  const points = parseCount(flags.points, {label: '--points', max: 10_000, min: 2})
  const from = flags.from === undefined ? INITIAL_SUPPLY : parseAmount(flags.from, {allowZero: true, label: '--from', unit: 'NEC'})
  const to = flags.to === undefined ? supplyCap() : parseAmount(flags.to, {label: '--to', unit: 'NEC'})
  if (to <= from) throw nectarError('INVALID_RANGE', `--to ${formatAmount(to)} is not above --from ${formatAmount(from)}.`, {hint: 'Give a supply range with --from below --to.'})
  const curves = (flags.curve === 'both' ? ['v2', 'v1'] : [flags.curve]) as CurveName[]
  const pledged = flags.pledged === undefined ? undefined : parseAmount(flags.pledged, {allowZero: true, label: '--pledged', unit: 'ETH'})
  return {curve: flags.curve, curves, from, offline: Boolean(flags.offline), pledged, points, to}
}

/** What `rewards curve` reports: exact decimal rates (NEC per ETH of fees) per supply. */
export interface CurveReport {
  curve: string
  from: string
  /** The rate at the live supply, when the chain answered. */
  live: null | Partial<Record<CurveName, string>> & {supply: string}
  note: string
  pledgedFees: string
  points: Array<Partial<Record<CurveName, string>> & {supply: string}>
  to: string
  unit: string
}

export interface CurveChart {
  /** Index of the point nearest the live supply, when it lies in the range. */
  markAt?: number
  /** The points in base units, for the chart and the table. */
  points: CurvePoint[]
  report: CurveReport
}

export async function curveReport(request: CurveRequest, source: NecSource): Promise<CurveChart> {
  const {curves, from, points, to} = request
  let live: {pledgedFees: bigint; snapshotSupply: bigint} | undefined
  let note: string
  if (request.offline) note = 'offline: the live supply is not marked'
  else {
    const {tryLiveState} = await import('./live.js')
    const state = await tryLiveState(source)
    if (state.info) {
      live = state.info
      note = `live supply on ${source.name()}: ${displayAmount(state.info.snapshotSupply)} NEC (${state.info.rateSource === 'snapshot' ? 'window snapshot' : 'current supply; no snapshot yet this window'})`
    } else note = `no chain reachable (${state.reason}); the live supply is not marked`
  }
  const pledged = request.pledged ?? live?.pledgedFees ?? 0n
  const list = curvePoints({curves, from, pledgedFees: pledged, points, to})
  let liveJson: CurveReport['live'] = null
  let markAt: number | undefined
  if (live) {
    const s = live.snapshotSupply
    const [point] = curvePoints({curves, from: s, pledgedFees: pledged, points: 1, to: s})
    liveJson = pointJson(point)
    if (s >= from && s <= to) markAt = Number(((s - from) * BigInt(points - 1) + (to - from) / 2n) / (to - from))
  }
  return {
    markAt,
    points: list,
    report: {curve: request.curve, from: formatAmount(from), live: liveJson, note, pledgedFees: formatAmount(pledged), points: list.map((p) => pointJson(p)), to: formatAmount(to), unit: 'NEC per ETH of fees'},
  }
}

function pointJson(p: CurvePoint): Partial<Record<CurveName, string>> & {supply: string} {
  return {
    supply: formatAmount(p.supply),
    ...(p.v2 === undefined ? {} : {v2: formatAmount(p.v2)}),
    ...(p.v1 === undefined ? {} : {v1: formatAmount(p.v1)}),
  }
}

/** The points as CSV with exact decimals: a `supply,v2[,v1]` header, one line per point. */
export function curveCsv(report: CurveReport, curves: readonly CurveName[]): string {
  const head = ['supply', ...curves] as const
  return [head.join(','), ...report.points.map((r) => head.map((h) => r[h]).join(','))].join('\n')
}
