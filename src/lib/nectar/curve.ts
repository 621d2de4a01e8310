/**
 * The controller's issuance equations, replicated in integers exactly as it computes them
 * (reference/nectar.md §2). Amounts are wei; results are NEC wei.
 */

export const WEI = 10n ** 18n
export const INITIAL_SUPPLY = 1_000_000_000n * WEI
const FIXED = 10n ** 10n

/**
 * v2: `contributed × 1000 × (2 − S/S0)²` with S/S0 in 10^10 fixed point, floored at each division;
 * 0 at or above 2·S0; no floor below S0 (the rate climbs towards 4000 as S falls).
 */
export function issuanceV2(contributed: bigint, previousSupply: bigint, initialSupply: bigint = INITIAL_SUPPLY): bigint {
  if (previousSupply >= 2n * initialSupply) return 0n
  const ratio = (previousSupply * FIXED) / initialSupply
  const f = 2n * FIXED - ratio
  return (contributed * 1000n * f * f) / (FIXED * FIXED)
}

/**
 * v1: `((contributed × (S/1000)) / ((S0/1000) + F)) × 1000` with F the pledged fees at the snapshot,
 * truncated to multiples of 1000 wei as the v1 controller did.
 */
export function issuanceV1(contributed: bigint, previousSupply: bigint, pledgedFees: bigint, initialSupply: bigint = INITIAL_SUPPLY): bigint {
  return ((contributed * (previousSupply / 1000n)) / (initialSupply / 1000n + pledgedFees)) * 1000n
}

/** NEC wei minted per 1 ETH of fees under v2 at supply S. */
export function rateV2(previousSupply: bigint, initialSupply: bigint = INITIAL_SUPPLY): bigint {
  return issuanceV2(WEI, previousSupply, initialSupply)
}

/** The supply cap: issuance stops at twice the initial supply. */
export function supplyCap(initialSupply: bigint = INITIAL_SUPPLY): bigint {
  return 2n * initialSupply
}

/** ETH wei paid for burning `amount` NEC wei: floor(pledged × amount / supply), as onBurn computes it. */
export function redemptionPayout(amount: bigint, totalPledgedFees: bigint, totalSupply: bigint): bigint {
  if (totalSupply === 0n) return 0n
  return (totalPledgedFees * amount) / totalSupply
}

/** NEC wei minted per 1 ETH of fees under v1 at supply S with pledged fees F (wei) at the snapshot. */
export function rateV1(previousSupply: bigint, pledgedFees: bigint, initialSupply: bigint = INITIAL_SUPPLY): bigint {
  return issuanceV1(WEI, previousSupply, pledgedFees, initialSupply)
}

export type CurveName = 'v1' | 'v2'

/** What `curve` mints for `contributed` wei of fees at a snapshot: v2 ignores the pledged fees. */
export function issuance(curve: CurveName, contributed: bigint, previousSupply: bigint, pledgedFees: bigint, initialSupply: bigint = INITIAL_SUPPLY): bigint {
  return curve === 'v1' ? issuanceV1(contributed, previousSupply, pledgedFees, initialSupply) : issuanceV2(contributed, previousSupply, initialSupply)
}

export interface CurvePoint {
  supply: bigint
  /** NEC wei per 1 ETH of fees under v1 (with the given pledged fees), when asked for. */
  v1?: bigint
  /** NEC wei per 1 ETH of fees under v2, when asked for. */
  v2?: bigint
}

export interface CurveOptions {
  curves: readonly CurveName[]
  from: bigint
  initialSupply?: bigint
  /** Pledged fees (wei) the v1 rate is computed with. */
  pledgedFees?: bigint
  points: number
  to: bigint
}

/** The rate at `points` evenly spaced supplies from `from` to `to` inclusive (each supply floored to a wei). */
export function curvePoints({curves, from, initialSupply = INITIAL_SUPPLY, pledgedFees = 0n, points, to}: CurveOptions): CurvePoint[] {
  const n = BigInt(Math.max(1, points))
  const out: CurvePoint[] = []
  for (let i = 0n; i < n; i++) {
    const supply = n === 1n ? from : from + ((to - from) * i) / (n - 1n)
    const point: CurvePoint = {supply}
    if (curves.includes('v2')) point.v2 = rateV2(supply, initialSupply)
    if (curves.includes('v1')) point.v1 = rateV1(supply, pledgedFees, initialSupply)
    out.push(point)
  }
  return out
}
