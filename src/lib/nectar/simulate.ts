// Projected rewards over 30-day periods, in exact integers: each period mints what the controller
// would mint for that period's fees at that period's snapshot supply (curve.ts), so a projection of
// one period equals the chain to the wei. Nothing here imports viem: `rewards simulate --offline`
// must start fast.
import {formatAmount} from '../core/amounts.js'
import {type CurveName, INITIAL_SUPPLY, issuance, redemptionPayout, supplyCap, WEI} from './curve.js'

/** Percentages and ratios are fixed point with 18 decimals: 2.5% is 2.5e18. */
export const FIXED18 = WEI
const HUNDRED = 100n * FIXED18

export interface SimulateInput {
  curve: CurveName
  /** Fee growth per period in percent (fixed 18; may be negative, above -100%). */
  feeGrowth: bigint
  /** ETH wei of maker fees in period 1. */
  fees: bigint
  initialSupply?: bigint
  /** Fraction of each period's fees that is pledged to NEC holders (fixed 18, 0..1). */
  pledgeRatio: bigint
  periods: number
  /** Your share of maker volume, percent (fixed 18), one column each. */
  shares: readonly bigint[]
  /** Pledged fees (wei) at the start. */
  startPledged: bigint
  /** Supply (NEC wei) at the first period's window snapshot. */
  startSupply: bigint
}

export interface ShareRow {
  cumulative: bigint
  mine: bigint
  /** Percent of the supply after the period (fixed 18, floored). */
  shareOfSupply: bigint
  /** ETH wei your cumulative NEC redeems for after the period. */
  value: bigint
}

export interface PeriodRow {
  /** Supply at or above the cap: v2 mints nothing. */
  capped: boolean
  fees: bigint
  minted: bigint
  period: number
  /** Pledged fees at the snapshot (what v1 uses). */
  pledged: bigint
  pledgedAfter: bigint
  /** NEC wei per 1 ETH of fees this period. */
  rate: bigint
  /** ETH wei per NEC on redemption after the period. */
  redemptionWeiPerNec: bigint
  shares: ShareRow[]
  /** Supply at the window snapshot (before this period's mint). */
  supply: bigint
  supplyAfter: bigint
}

export function simulate(input: SimulateInput): PeriodRow[] {
  const initialSupply = input.initialSupply ?? INITIAL_SUPPLY
  const cap = supplyCap(initialSupply)
  let supply = input.startSupply
  let pledged = input.startPledged
  let fees = input.fees
  const cumulative = input.shares.map(() => 0n)
  const rows: PeriodRow[] = []
  for (let period = 1; period <= input.periods; period++) {
    const rate = issuance(input.curve, WEI, supply, pledged, initialSupply)
    const minted = issuance(input.curve, fees, supply, pledged, initialSupply)
    const supplyAfter = supply + minted
    const pledgedAfter = pledged + (fees * input.pledgeRatio) / FIXED18
    const shares = input.shares.map((share, i) => {
      const mine = (minted * share) / HUNDRED
      cumulative[i] += mine
      return {
        cumulative: cumulative[i],
        mine,
        shareOfSupply: supplyAfter === 0n ? 0n : (cumulative[i] * HUNDRED) / supplyAfter,
        value: redemptionPayout(cumulative[i], pledgedAfter, supplyAfter),
      }
    })
    rows.push({
      capped: input.curve === 'v2' && supply >= cap,
      fees,
      minted,
      period,
      pledged,
      pledgedAfter,
      rate,
      redemptionWeiPerNec: redemptionPayout(WEI, pledgedAfter, supplyAfter),
      shares,
      supply,
      supplyAfter,
    })
    supply = supplyAfter
    pledged = pledgedAfter
    fees = (fees * (HUNDRED + input.feeGrowth)) / HUNDRED
  }
  return rows
}

/** A period as JSON/CSV show it: exact decimal strings (NEC and ETH in units, percentages in percent). */
export function periodJson(row: PeriodRow, shareInputs: readonly bigint[]) {
  const shares = row.shares.map((s, i) => ({
    cumulative: formatAmount(s.cumulative),
    mine: formatAmount(s.mine),
    share: formatAmount(shareInputs[i]),
    shareOfSupply: formatAmount(s.shareOfSupply),
    value: formatAmount(s.value),
  }))
  const single = shares.length === 1 ? {cumulative: shares[0].cumulative, mine: shares[0].mine, shareOfSupply: shares[0].shareOfSupply, value: shares[0].value} : {}
  return {
    period: row.period,
    supply: formatAmount(row.supply),
    rate: formatAmount(row.rate),
    fees: formatAmount(row.fees),
    minted: formatAmount(row.minted),
    ...single,
    redemptionEthPerNec: formatAmount(row.redemptionWeiPerNec),
    pledgedFees: formatAmount(row.pledgedAfter),
    supplyAfter: formatAmount(row.supplyAfter),
    capped: row.capped,
    shares,
  }
}

/** CSV of every field: one set of share columns per share (share1_mine, …). */
export function periodsCsv(rows: readonly PeriodRow[], shareInputs: readonly bigint[]): string {
  const shareCols = shareInputs.flatMap((_, i) => {
    const p = shareInputs.length === 1 ? '' : `share${i + 1}_`
    return [`${p}share`, `${p}mine`, `${p}cumulative`, `${p}shareOfSupply`, `${p}value`]
  })
  const head = ['period', 'supply', 'rate', 'fees', 'minted', 'redemptionEthPerNec', 'pledgedFees', 'supplyAfter', 'capped', ...shareCols]
  const lines = [head.join(',')]
  for (const row of rows) {
    const cells = [String(row.period), formatAmount(row.supply), formatAmount(row.rate), formatAmount(row.fees), formatAmount(row.minted),
      formatAmount(row.redemptionWeiPerNec), formatAmount(row.pledgedAfter), formatAmount(row.supplyAfter), String(row.capped)]
    row.shares.forEach((s, i) => cells.push(formatAmount(shareInputs[i]), formatAmount(s.mine), formatAmount(s.cumulative), formatAmount(s.shareOfSupply), formatAmount(s.value)))
    lines.push(cells.join(','))
  }
  return lines.join('\n') + '\n'
}
