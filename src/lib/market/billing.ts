// SONM's billing math, replicated in bigint to the wei.
//
// Market.sol (sonm-io/core v0.4.31 and contracts/market/Market.sol here):
//
//   CalculatePayment(price, period) = oracle.getCurrentPrice() * price * period / 1e18
//
// with `price` in USD per second x 1e18, `period` in seconds and getCurrentPrice() in SNM per USD
// x 1e18, so the result is SNM in wei. One integer division at the end, rounding down (Solidity's `/`).
// What Bill pays for a period is exactly calculatePayment(deal price, seconds billed, rate at billing).
//
// Escrow (PlaceOrder for a BID, and QuickBuy through it) locks:
//   spot (duration 0)            -> 1 hour
//   forward, duration < 1 day    -> the whole duration
//   forward, duration >= 1 day   -> 1 day
// Bill then pays price x elapsed (a forward deal never past endTime) and reserves the next period:
// 1 hour for spot, min(1 day, time left) for forward; a consumer who cannot cover it has the deal closed
// and the rest refunded.

export const WAD = 10n ** 18n
export const HOUR = 3600n
export const DAY = 86_400n

/** SNM wei owed for `seconds` at `price` (USD/s x 1e18) and oracle `rate` (SNM/USD x 1e18). */
export function calculatePayment(price: bigint, seconds: bigint, rate: bigint): bigint {
  return (rate * price * seconds) / WAD
}

/** Seconds of escrow a BID of this duration locks when it is placed. */
export function lockPeriod(duration: bigint): bigint {
  if (duration === 0n) return HOUR
  return duration < DAY ? duration : DAY
}

/** SNM wei locked by PlaceOrder(BID)/QuickBuy for this duration and price at this rate. */
export function lockedSum(price: bigint, duration: bigint, rate: bigint): bigint {
  return calculatePayment(price, lockPeriod(duration), rate)
}

export interface BillableDeal {
  duration: bigint
  endTime: bigint
  lastBillTS: bigint
  price: bigint
}

/** Seconds the next Bill at time `now` pays for (InternalBill's three cases). */
export function billableSeconds(deal: BillableDeal, now: bigint): bigint {
  const spot = deal.duration === 0n
  if (!spot && deal.lastBillTS >= deal.endTime) return 0n
  if (!spot && now > deal.endTime) return deal.endTime - deal.lastBillTS
  return now > deal.lastBillTS ? now - deal.lastBillTS : 0n
}

/** What a Bill at `now` pays before any shortfall closes the deal. */
export function billAmount(deal: BillableDeal, now: bigint, rate: bigint): bigint {
  return calculatePayment(deal.price, billableSeconds(deal, now), rate)
}

