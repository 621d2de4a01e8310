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

/** Seconds ReserveNextPeriodFunds tops the escrow up to at `now`: 1 hour for spot, min(1 day, time left) for forward (0 after the end). */
export function reserveSeconds(deal: BillableDeal, now: bigint): bigint {
  if (deal.duration === 0n) return HOUR
  if (now > deal.endTime) return 0n
  return deal.endTime - now < DAY ? deal.endTime - now : DAY
}

/** The consumer's SNM as the Market sees it: its balance and its allowance to the Market. */
export interface RenterFunds {
  allowance: bigint
  balance: bigint
}

export interface PayableDeal extends BillableDeal {
  blockedBalance: bigint
}

/**
 * What a Bill (or a CloseDeal) at `now` does, replicating Market.sol step by step:
 * - `reverts`: a transferFrom the consumer's balance could cover but the allowance cannot (the SNM
 *   token reverts, so the whole call reverts); `shortfall` is what the allowance lacks.
 * - otherwise `paid` to the provider, `pulled` from the consumer, `refund` back to the consumer,
 *   `escrow` left, and `closed` when the Market closed the deal (a balance too short to pay or reserve).
 */
export type PaymentOutcome =
  | {escrow: bigint; kind: 'ok'; closed: boolean; paid: bigint; pulled: bigint; refund: bigint}
  | {kind: 'reverts'; shortfall: bigint; step: 'bill' | 'reserve'}

/** A transferFrom of `amount` from the consumer: undefined when it goes through, the allowance's shortfall when it reverts. */
function pull(funds: RenterFunds, amount: bigint): bigint | undefined {
  if (funds.allowance < amount) return amount - funds.allowance
  funds.allowance -= amount
  funds.balance -= amount
  return undefined
}

/** InternalBill: pays the time since the last bill from the escrow, pulling a shortfall from the consumer. */
function internalBill(deal: PayableDeal, now: bigint, rate: bigint, funds: RenterFunds) {
  const state = {closed: false, escrow: deal.blockedBalance, paid: 0n, pulled: 0n, shortfall: undefined as bigint | undefined}
  if (deal.duration > 0n && deal.lastBillTS >= deal.endTime) return state // already billed up to the end
  const amount = billAmount(deal, now, rate)
  if (amount > state.escrow) {
    const missing = amount - state.escrow
    if (funds.balance >= missing) {
      state.shortfall = pull(funds, missing)
      if (state.shortfall !== undefined) return state
      state.pulled += missing
      state.escrow += missing
    } else {
      // The consumer cannot pay: the Market pays out what is blocked and closes the deal.
      state.paid = state.escrow
      state.escrow = 0n
      state.closed = true
      return state
    }
  }
  state.paid = amount
  state.escrow -= amount
  return state
}

/** Bill(dealId) at `now` with the consumer's `funds` and the oracle `rate` (InternalBill, then ReserveNextPeriodFunds). */
export function simulateBill(deal: PayableDeal, now: bigint, rate: bigint, funds: RenterFunds): PaymentOutcome {
  const left = {...funds}
  const bill = internalBill(deal, now, rate, left)
  if (bill.shortfall !== undefined) return {kind: 'reverts', shortfall: bill.shortfall, step: 'bill'}
  const out = {closed: bill.closed, escrow: bill.escrow, kind: 'ok' as const, paid: bill.paid, pulled: bill.pulled, refund: 0n}
  // ReserveNextPeriodFunds. A forward deal closed by InternalBill has endTime = now, so it reserves nothing.
  if (bill.closed) return out
  const needed = calculatePayment(deal.price, reserveSeconds(deal, now), rate)
  if (needed > out.escrow) {
    const sum = needed - out.escrow
    if (left.balance >= sum) {
      const shortfall = pull(left, sum)
      if (shortfall !== undefined) return {kind: 'reverts', shortfall, step: 'reserve'}
      out.pulled += sum
      out.escrow += sum
    } else {
      out.closed = true
      out.refund = out.escrow
      out.escrow = 0n
    }
  }
  return out
}

/** CloseDeal(dealId) at `now`: InternalBill, then the deal closes and the rest of the escrow is refunded. */
export function simulateClose(deal: PayableDeal, now: bigint, rate: bigint, funds: RenterFunds): PaymentOutcome {
  const bill = internalBill(deal, now, rate, {...funds})
  if (bill.shortfall !== undefined) return {kind: 'reverts', shortfall: bill.shortfall, step: 'bill'}
  return {closed: true, escrow: 0n, kind: 'ok', paid: bill.paid, pulled: bill.pulled, refund: bill.escrow}
}

/**
 * How long the deal is paid for, counted from its last bill: the escrow plus what the consumer's
 * allowance and balance can still cover (the smaller of the two), at `rate`. A forward deal is never
 * funded past its end. Returns the time (seconds since the epoch) the money runs out at.
 */
export function fundedUntil(deal: PayableDeal, rate: bigint, funds: RenterFunds): bigint {
  const perSecond = rate * deal.price
  const available = deal.blockedBalance + (funds.allowance < funds.balance ? funds.allowance : funds.balance)
  if (perSecond === 0n) return deal.duration > 0n ? deal.endTime : MAX_TIME
  const until = deal.lastBillTS + (available * WAD) / perSecond
  return deal.duration > 0n && until > deal.endTime ? deal.endTime : until
}

/** "Forever" for a deal that costs nothing. */
export const MAX_TIME = 2n ** 64n - 1n

/** The budget's default for a spot deal, in hours of the ask's price. */
export const DEFAULT_SPOT_BUDGET_HOURS = 24n
/** The default margin over the oracle rate for a forward deal's whole cost, percent. */
export const DEFAULT_RATE_MARGIN_PCT = 10n

/** `rate` raised by `marginPct` percent, rounded up. */
export function rateWithMargin(rate: bigint, marginPct: bigint): bigint {
  return (rate * (100n + marginPct) + 99n) / 100n
}

/**
 * A forward deal's whole cost at the oracle rate plus the margin. Every Bill pays at most the elapsed
 * time at the rate of its moment and the escrow never holds more than the time left at that rate, so
 * as long as the rate stays within the margin the Market never pulls more than this over the deal.
 */
export function forwardBudget(price: bigint, duration: bigint, rate: bigint, marginPct: bigint): bigint {
  return calculatePayment(price, duration, rateWithMargin(rate, marginPct))
}

/**
 * The allowance a Bill (or CloseDeal) at any time up to `at` needs so that it cannot revert: what it
 * would pull with unlimited funds at `at`, capped at the balance. What a payment pulls only grows with
 * time (the rate fixed), and one the balance cannot cover closes the deal instead of reverting, so an
 * allowance of min(balance, pull at `at`) covers every moment before `at`. (Checking `at` alone is not
 * enough: a payment that closes the deal at `at` for want of balance may revert a little earlier, when
 * the balance still covers it and the allowance does not.)
 */
export function allowanceNeeded(deal: PayableDeal, at: bigint, rate: bigint, balance: bigint, kind: 'bill' | 'close'): bigint {
  const unlimited = {allowance: 1n << 255n, balance: 1n << 255n}
  const outcome = (kind === 'bill' ? simulateBill : simulateClose)(deal, at, rate, unlimited)
  const pulled = outcome.kind === 'ok' ? outcome.pulled : 0n
  return pulled < balance ? pulled : balance
}
