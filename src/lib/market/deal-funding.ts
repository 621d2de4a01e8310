// How long a deal is paid for, and topping it up. The money a deal can still draw is its escrow plus
// what the renter's allowance to the Market and balance can still cover (the smaller of the two); the
// allowance is one per renter and Market, shared by all the renter's open deals there. The next Bill is
// predicted with ./billing.ts's exact replica of InternalBill + ReserveNextPeriodFunds.
import {type Address, type Hash} from 'viem'

import {type ChainClient} from '../chain/client.js'
import {type TransactOptions} from '../chain/transact.js'
import {displayAmount, formatAmount, parseAmount} from '../core/amounts.js'
import {formatDuration} from '../core/durations.js'
import {nectarError} from '../core/errors.js'
import {snmAbi} from '../contracts/generated/SNM.js'
import {approveAllowance} from './approve-lock.js'
import {calculatePayment, DAY, fundedUntil, HOUR, MAX_TIME, type PaymentOutcome, type RenterFunds, simulateBill} from './billing.js'
import {type Deal, getOracleRate, requireDeal} from './deals.js'
import {raisedAllowance, renterFunds} from './renter.js'

export interface DealFunding {
  allowance: bigint
  balance: bigint
  /** The renter's other open deals on this Market, which draw from the same allowance. */
  otherOpenDeals: number
  /** Time the money runs out (seconds since the epoch); a forward deal's end at most. */
  fundedUntil: bigint
  /** A Bill now. */
  billNow: PaymentOutcome
  /** A Bill one period from now (spot: 1 hour; forward: min(1 day, time left)), the rate and funds unchanged. */
  billNext: PaymentOutcome & {at: bigint}
}

/** Seconds between the bills a provider agent sends (SONM's salesman: 1 hour spot, 1 day forward), capped at a forward deal's end. */
function nextBillAt(deal: Deal, now: bigint): bigint {
  if (deal.duration === 0n) return now + HOUR
  const left = deal.endTime > now ? deal.endTime - now : 0n
  return now + (left < DAY ? (left === 0n ? 1n : left) : DAY)
}

export function dealFunding(deal: Deal, now: bigint, rate: bigint, funds: RenterFunds, otherOpenDeals: number): DealFunding {
  const at = nextBillAt(deal, now)
  return {...funds, billNext: {...simulateBill(deal, at, rate, funds), at}, billNow: simulateBill(deal, now, rate, funds), fundedUntil: fundedUntil(deal, rate, funds), otherOpenDeals}
}

const when = (ts: bigint) => new Date(Number(ts) * 1000).toISOString().replace('.000Z', 'Z')

/** A warning when a bill (now, or at the next period) would fail or close the deal; undefined when both go through. */
export function fundingWarning(deal: Deal, f: DealFunding): string | undefined {
  const say = (o: PaymentOutcome, label: string) => {
    if (o.kind === 'reverts') {
      return `deal ${deal.id}: ${label} would revert: the renter's allowance is ${displayAmount(o.shortfall)} SNM short of what its ${o.step === 'bill' ? 'payment' : 'next reserve'} pulls (the balance is there). The renter can run \`nectar compute fund ${deal.id}\`, or close it with \`nectar compute close ${deal.id}\`.`
    }
    if (o.closed) return `deal ${deal.id}: ${label} would close the deal: the renter's balance cannot ${o.refund > 0n || o.paid === 0n ? 'reserve the next period' : 'pay the time used'}.`
    return undefined
  }
  return say(f.billNow, 'a Bill now') ?? say(f.billNext, `the next bill (${when(f.billNext.at)})`)
}

/** The funding lines of `compute deal`. */
export function dealFundingLines(deal: Deal, now: bigint, f: DealFunding): Array<[string, string]> {
  const left = f.fundedUntil > now ? f.fundedUntil - now : 0n
  const shared = f.otherOpenDeals > 0 ? ` (shared with ${f.otherOpenDeals} other open deal${f.otherOpenDeals === 1 ? '' : 's'} of the renter)` : ''
  return [
    ['funded for', f.fundedUntil === MAX_TIME ? 'free' : `${formatDuration(left)} (until ${when(f.fundedUntil)}${deal.duration > 0n && f.fundedUntil === deal.endTime ? ', the end' : ''})`],
    ['renter SNM', `allowance ${displayAmount(f.allowance)}${shared}, balance ${displayAmount(f.balance)}`],
  ]
}

const outcomeName = (o: PaymentOutcome) => (o.kind === 'reverts' ? 'reverts' : o.closed ? 'closes' : 'ok')

export type DealFundingJson = ReturnType<typeof fundingJson>

export function fundingJson(now: bigint, f: DealFunding) {
  return {
    allowance: f.allowance.toString(),
    balance: f.balance.toString(),
    fundedSeconds: (f.fundedUntil > now ? f.fundedUntil - now : 0n).toString(),
    fundedUntil: f.fundedUntil.toString(),
    /** What a Bill now would do: ok, reverts (the allowance is short) or closes (the balance is short). */
    billNow: outcomeName(f.billNow),
    /** The same for a bill one period from now (spot: 1 hour; forward: min(1 day, time left)). */
    nextBill: outcomeName(f.billNext),
    otherOpenDeals: f.otherOpenDeals,
  }
}

/** Balance and allowance of each renter (once each). */
export async function fundsOf(client: ChainClient, addresses: {market: Address; snm: Address}, renters: Address[]): Promise<Map<string, RenterFunds>> {
  const unique = [...new Set(renters.map((r) => r.toLowerCase()))] as Address[]
  const results = await client.multicall({
    allowFailure: false,
    batchSize: 0,
    contracts: unique.flatMap((r) => [
      {abi: snmAbi, address: addresses.snm, args: [r], functionName: 'balanceOf'} as const,
      {abi: snmAbi, address: addresses.snm, args: [r, addresses.market], functionName: 'allowance'} as const,
    ]),
    deployless: true,
  })
  return new Map(unique.map((r, i) => [r, {allowance: results[2 * i + 1] as bigint, balance: results[2 * i] as bigint}]))
}

export interface FundParameters {
  addresses: {market: Address; oracle: Address; snm: Address}
  /** SNM as typed (--amount). */
  amount?: string
  dealId: bigint
  /** Hours of the deal's price at the oracle rate, as typed (--hours 24, 1.5). */
  hours?: string
}

export interface FundedDeal {
  allowance: {after: bigint; before: bigint}
  amount: bigint
  balance: bigint
  txHash: Hash
}

/**
 * `compute fund`: raises the renter's allowance by hours of the deal's price or an amount of SNM.
 * Refuses a closed deal and a signer who is not the renter. A balance below the new allowance only
 * warns: an approval moves nothing and the renter may add SNM later, and when the balance does run
 * short the Market closes the deal at a bill (paying what is blocked) instead of getting stuck.
 */
export async function fundDeal(client: ChainClient, {addresses, amount: typed, dealId, hours}: FundParameters, send: TransactOptions): Promise<FundedDeal> {
  const owner = send.account.address
  const amountFromFlag = typed === undefined ? undefined : parseAmount(typed, {label: '--amount', unit: 'SNM'})
  // Hours as a decimal with up to 3 places, exactly: seconds = hours x 3600.
  const seconds = hours === undefined ? undefined : parseAmount(hours, {decimals: 3, label: '--hours', unit: 'hours'}) * 3600n / 1000n
  const deal = await requireDeal(client, addresses.market, dealId)
  if (deal.status !== 'accepted') throw nectarError('DEAL_CLOSED', `Deal ${dealId} is closed; there is nothing to fund.`, {hint: 'Fund an open deal (see `nectar compute deals`).'})
  if (deal.consumer.toLowerCase() !== owner.toLowerCase()) {
    throw nectarError('NOT_CONSUMER', `${owner} is not the renter of deal ${dealId} (${deal.consumer}); only the renter's allowance pays for it.`, {hint: 'Run it with the renter\'s account (--account).'})
  }
  const rate = await getOracleRate(client, addresses.oracle)
  const amount = amountFromFlag ?? calculatePayment(deal.price, seconds ?? 0n, rate)
  if (amount === 0n) throw nectarError('INVALID_AMOUNT', `That funds deal ${dealId} with 0 SNM.`, {hint: 'Give more --hours or an --amount.'})
  const funds = await renterFunds(client, addresses, owner)
  const after = raisedAllowance(funds.allowance, amount)
  if (after === funds.allowance) throw nectarError('INVALID_AMOUNT', `Your allowance to the Market is already unlimited (${displayAmount(funds.allowance)} SNM); there is nothing to raise.`, {hint: 'Nothing was sent.'})
  if (funds.balance < after) {
    send.warn?.(`Your balance (${displayAmount(funds.balance)} SNM) is below the new allowance (${displayAmount(after)} SNM): the Market can pull only what you hold, and closes the deal at a bill when the balance runs short.`)
  }
  const txHash = await approveAllowance(client, {addresses, from: funds.allowance, purpose: `fund deal ${dealId}${seconds === undefined ? '' : ` for ${formatDuration(seconds)} more`}`, to: after}, send)
  return {allowance: {after, before: funds.allowance}, amount, balance: funds.balance, txHash}
}

/** `compute fund`'s result. */
export interface FundReport {
  allowance: bigint
  amount: bigint
  dealId: bigint
  fundedUntil: bigint
  txHash: Hash
}

export function fundedText(dealId: bigint, f: FundedDeal, until: bigint): string {
  return `Raised your allowance to the Market by ${formatAmount(f.amount)} SNM to ${formatAmount(f.allowance.after)} SNM (${f.txHash}); deal ${dealId} is funded until ${until === MAX_TIME ? 'forever' : when(until)}.`
}
