// Renting an offer in two steps, both shown before the first confirmation: approve (the allowance
// raised by this deal's budget, ./renter.ts), then QuickBuy(ask, duration); then the deal it opened.
import {type Hash} from 'viem'

import {type ChainClient} from '../chain/client.js'
import {transact, type TransactOptions, withDetails} from '../chain/transact.js'
import {displayAmount, formatAmount} from '../core/amounts.js'
import {nectarError} from '../core/errors.js'
import {marketAbi} from '../contracts/generated/Market.js'
import {approveAllowance, stoppedAfterApproval} from './approve-lock.js'
import {type Deal, type DealJson, dealJson, dealOpenedId, getOracleRate, requireDeal} from './deals.js'
import {identityName} from './orders.js'
import {type CheckAddresses, type FundingOptions, fundingLines, planQuickBuy, type QuickBuyPlan} from './renter.js'
import {formatDealDuration, parsePrice} from './units.js'

export interface RentOfferParameters {
  addresses: CheckAddresses
  askId: bigint
  /** Seconds; 0 = spot. */
  duration: bigint
  /** --budget (spot) and --rate-margin (forward). */
  funding?: FundingOptions
  /** A price ceiling as typed (0.5usd/h, or 3snm/h at the oracle rate): a dearer offer is refused. */
  maxPrice?: string
  /** Called with the checked plan before anything is signed (to show it). */
  onPlan?: (plan: QuickBuyPlan) => void
}

export interface RentedOffer {
  /** The approval sent first, or null when the allowance is already unlimited. */
  approvalTx: Hash | null
  blockNumber: bigint
  deal: Deal
  /** The opening block's time. */
  openedAt: bigint
  plan: QuickBuyPlan
  txHash: Hash
}

/** Checks the offer and the renter's funds, raises the allowance by the deal's budget, sends QuickBuy and reads the deal it opened. */
export async function rentOffer(client: ChainClient, {addresses, askId, duration, funding, maxPrice, onPlan}: RentOfferParameters, send: TransactOptions): Promise<RentedOffer> {
  const ceiling = maxPrice === undefined ? undefined : parsePrice(maxPrice, await getOracleRate(client, addresses.oracle), '--max-price').price
  const buyer = send.account.address
  const plan = await planQuickBuy(client, addresses, {askId, buyer, duration, funding, maxPrice: ceiling})
  onPlan?.(plan)
  if (plan.balance < plan.budget) {
    send.warn?.(`Your balance (${displayAmount(plan.balance)} SNM) is below this deal's budget (${displayAmount(plan.budget)} SNM): when it runs short, the Market closes the deal at the next bill.`)
  }
  const quickBuy = `QuickBuy offer ${askId} for ${formatDealDuration(duration)}`
  const approvalTx = plan.needsApproval ? await approveAllowance(client, {addresses, from: plan.allowance, purpose: `budget of offer ${askId}; step 1 of 2, then ${quickBuy}`, to: plan.newAllowance}, send) : null
  let result
  try {
    result = await transact(client, quickBuy, {abi: marketAbi, address: addresses.market, args: [askId, duration], functionName: 'QuickBuy'}, withDetails(send, [
      ['step', approvalTx ? `2 of 2 (approved in ${approvalTx})` : '1 of 1'],
      ['lock', `${formatAmount(plan.lock)} SNM`],
    ]))
  } catch (error) {
    if (!approvalTx) throw error
    throw await stoppedAfterApproval(client, error, {addresses, approvalTx, owner: buyer, step: quickBuy})
  }
  const dealId = dealOpenedId(result.receipt)
  if (dealId === undefined) throw nectarError('NO_DEAL_OPENED', `QuickBuy ${result.hash} opened no deal.`, {hint: 'Check the transaction with --debug.'})
  const [deal, block] = await Promise.all([requireDeal(client, addresses.market, dealId), client.getBlock({blockNumber: result.blockNumber})])
  return {approvalTx, blockNumber: result.blockNumber, deal, openedAt: block.timestamp, plan, txHash: result.hash}
}

/** What the renter sees before the first confirmation: the offer, the money, and both steps. */
export function rentPlanLines(plan: QuickBuyPlan): Array<[string, string]> {
  const {ask, duration} = plan
  const quickBuy = `QuickBuy(${ask.id}, ${duration}): opens the deal and locks ${formatAmount(plan.lock)} SNM`
  return [
    ['offer', `${ask.id} by ${ask.author}${ask.identityLevel > 1 ? ` (requires ${identityName(ask.identityLevel)})` : ''}`],
    ['duration', formatDealDuration(duration)],
    ...fundingLines(plan, ask.price, duration),
    ...(plan.needsApproval
      ? ([
          ['step 1', `approve(Market, ${formatAmount(plan.newAllowance)} SNM)`],
          ['step 2', quickBuy],
        ] as Array<[string, string]>)
      : ([['step 1', quickBuy]] as Array<[string, string]>)),
  ]
}

/** One line once the deal is open. */
export function rentedOfferText(rented: RentedOffer): string {
  return `Deal ${rented.deal.id} opened with ${rented.deal.supplier} in ${rented.txHash} (block ${rented.blockNumber}); ${formatAmount(rented.deal.blockedBalance)} SNM in escrow, ${formatAmount(rented.plan.budget)} SNM budgeted.`
}

/** `compute order`'s result without a job. */
export interface RentReport {
  approvalTx: Hash | null
  /** SNM wei this deal added to the allowance (its budget; 0 when the allowance was unlimited). */
  approved: bigint
  /** The allowance the approval set. */
  allowance: bigint
  budget: bigint
  deal: DealJson
  lock: bigint
  txHash: Hash
}

export function rentReport(rented: RentedOffer): RentReport {
  const {plan} = rented
  return {
    allowance: plan.newAllowance,
    approvalTx: rented.approvalTx,
    approved: plan.newAllowance - plan.allowance,
    budget: plan.budget,
    deal: dealJson(rented.deal, rented.openedAt, plan.rate),
    lock: plan.lock,
    txHash: rented.txHash,
  }
}
