// Renting an offer: QuickBuy(ask, duration) after every check (./renter.ts planQuickBuy) and an
// approval of exactly the SNM the Market locks, then the deal it opened.
import {type Hash} from 'viem'

import {type ChainClient} from '../chain/client.js'
import {transact, type TransactOptions, withDetails} from '../chain/transact.js'
import {displayAmount, formatAmount} from '../core/amounts.js'
import {nectarError} from '../core/errors.js'
import {marketAbi} from '../contracts/generated/Market.js'
import {approveLock} from './approve-lock.js'
import {type Deal, type DealJson, dealJson, dealOpenedId, getOracleRate, requireDeal} from './deals.js'
import {type MarketAddresses, planQuickBuy, type QuickBuyPlan} from './renter.js'
import {formatDealDuration, parsePrice, snmPerHourText, usdPerHourText} from './units.js'

export interface RentOfferParameters {
  addresses: MarketAddresses
  askId: bigint
  /** Seconds; 0 = spot. */
  duration: bigint
  /** A price ceiling as typed (0.5usd/h, or 3snm/h at the oracle rate): a dearer offer is refused. */
  maxPrice?: string
  /** Called with the checked plan before anything is signed (to show it). */
  onPlan?: (plan: QuickBuyPlan) => void
}

export interface RentedOffer {
  /** The approval sent first, or null when the allowance covered the lock. */
  approvalTx: Hash | null
  blockNumber: bigint
  deal: Deal
  /** The opening block's time. */
  openedAt: bigint
  plan: QuickBuyPlan
  txHash: Hash
}

/** Checks the offer and the renter's funds, approves exactly the lock when needed, sends QuickBuy and reads the deal it opened. */
export async function rentOffer(client: ChainClient, {addresses, askId, duration, maxPrice, onPlan}: RentOfferParameters, send: TransactOptions): Promise<RentedOffer> {
  const ceiling = maxPrice === undefined ? undefined : parsePrice(maxPrice, await getOracleRate(client, addresses.oracle), '--max-price').price
  const plan = await planQuickBuy(client, addresses, {askId, buyer: send.account.address, duration, maxPrice: ceiling})
  onPlan?.(plan)
  const approvalTx = plan.needsApproval ? await approveLock(client, {addresses, amount: plan.lock}, send) : null
  const result = await transact(
    client,
    `QuickBuy offer ${askId} for ${formatDealDuration(duration)}`,
    {abi: marketAbi, address: addresses.market, args: [askId, duration], functionName: 'QuickBuy'},
    withDetails(send, [['lock', `${formatAmount(plan.lock)} SNM`]]),
  )
  const dealId = dealOpenedId(result.receipt)
  if (dealId === undefined) throw nectarError('NO_DEAL_OPENED', `QuickBuy ${result.hash} opened no deal.`, {hint: 'Check the transaction with --debug.'})
  const [deal, block] = await Promise.all([requireDeal(client, addresses.market, dealId), client.getBlock({blockNumber: result.blockNumber})])
  return {approvalTx, blockNumber: result.blockNumber, deal, openedAt: block.timestamp, plan, txHash: result.hash}
}

/** What the renter sees before confirming: price, lock, balance, allowance. */
export function rentPlanLines(plan: QuickBuyPlan): Array<[string, string]> {
  const {ask, duration} = plan
  return [
    ['offer', `${ask.id} by ${ask.author}`],
    ['duration', formatDealDuration(duration)],
    ['price', `${usdPerHourText(ask.price)} USD/h = ${snmPerHourText(ask.price, plan.rate)} SNM/h at the oracle rate`],
    ['lock', `${formatAmount(plan.lock)} SNM (${duration === 0n ? '1 hour, spot' : duration < 86_400n ? 'the whole duration' : '1 day'})`],
    ['balance', `${displayAmount(plan.balance)} SNM`],
    ['allowance', plan.needsApproval ? `${displayAmount(plan.allowance)} SNM: approve exactly ${formatAmount(plan.lock)} SNM first` : `${displayAmount(plan.allowance)} SNM (enough; no approval)`],
  ]
}

/** One line once the deal is open. */
export function rentedOfferText(rented: RentedOffer): string {
  return `Deal ${rented.deal.id} opened with ${rented.deal.supplier} in ${rented.txHash} (block ${rented.blockNumber}); ${formatAmount(rented.deal.blockedBalance)} SNM in escrow.`
}

/** `compute order`'s result without a job. */
export interface RentReport {
  approvalTx: Hash | null
  /** SNM wei approved (0 when the allowance sufficed). */
  approved: bigint
  deal: DealJson
  lock: bigint
  txHash: Hash
}

export function rentReport(rented: RentedOffer): RentReport {
  const {plan} = rented
  return {approvalTx: rented.approvalTx, approved: plan.needsApproval ? plan.lock : 0n, deal: dealJson(rented.deal, rented.openedAt, plan.rate), lock: plan.lock, txHash: rented.txHash}
}
