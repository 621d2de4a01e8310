// Bill and CloseDeal: both pay the provider for the time since the last bill; CloseDeal also ends
// the deal and refunds the rest of the escrow. Each is checked before it is signed (open deal, a
// party to it, only the renter closes a forward deal early or blacklists).
import {type Address, type Hash} from 'viem'

import {type ChainClient} from '../chain/client.js'
import {transact, type TransactOptions, type TxResult, withDetails, writeCall} from '../chain/transact.js'
import {displayAmount, formatAmount} from '../core/amounts.js'
import {nectarError} from '../core/errors.js'
import {marketAbi} from '../contracts/generated/Market.js'
import {approveAllowance, stoppedAfterApproval} from './approve-lock.js'
import {allowanceNeeded} from './billing.js'
import {billedAmount, BLACKLIST, checkBill, checkClose, type Deal, type DealJson, dealJson, getOracleRate, requireDeal} from './deals.js'
import {raisedAllowance, renterFunds} from './renter.js'

/**
 * Seconds ahead a payment is predicted at: a spot deal's bill grows with time, so a top-up computed
 * for "now" would fall short by the time the confirmation is answered and the block is mined.
 */
export const PAYMENT_SLACK = 300n

/** The market, plus the oracle and SNM to predict the payment with (the provider agent passes only the market: no prediction then). */
type PaymentAddresses = {market: Address; oracle?: Address; snm?: Address}

/**
 * What the renter's allowance lacks for a Bill or CloseDeal mined at any time within PAYMENT_SLACK
 * seconds from now (0 when it cannot revert for the allowance), with the renter's funds as they are.
 */
async function predict(client: ChainClient, {market, oracle, snm}: PaymentAddresses, deal: Deal, kind: 'bill' | 'close'): Promise<{funds: {allowance: bigint; balance: bigint}; shortfall: bigint} | undefined> {
  if (!oracle || !snm) return undefined
  const [funds, rate, block] = await Promise.all([renterFunds(client, {market, snm}, deal.consumer), getOracleRate(client, oracle), client.getBlock({blockTag: 'latest'})])
  const needed = allowanceNeeded(deal, block.timestamp + PAYMENT_SLACK, rate, funds.balance, kind)
  return {funds, shortfall: needed > funds.allowance ? needed - funds.allowance : 0n}
}

/**
 * Gas headroom for Bill and CloseDeal: they take more gas when a second passes and a transferFrom from
 * the renter (or a refund) becomes due, so an estimate made a block earlier can run out. Two cold
 * ERC-20 transfers with fresh balance slots, with room to spare (unused gas is not paid).
 */
const PAYMENT_EXTRA_GAS = 120_000n

const allowanceShort = (deal: Deal, what: string, shortfall: bigint, renter: boolean) =>
  nectarError('RENTER_ALLOWANCE_SHORT', `${what} deal ${deal.id} would revert: the renter's SNM allowance to the Market is ${displayAmount(shortfall)} SNM short of what it pulls within the next ${PAYMENT_SLACK / 60n} minutes (the balance is there).`, {
    hint: renter ? `Raise it with \`nectar compute fund ${deal.id}\`, or close the deal with \`nectar compute close ${deal.id}\` (it approves the shortfall first).` : `Ask the renter (${deal.consumer}) to run \`nectar compute fund ${deal.id}\` or to close the deal.`,
  })

export interface DealPayment {
  blockNumber: bigint
  dealId: bigint
  /** SNM wei paid to the provider, from the receipt's Billed events. */
  paid: bigint
  txHash: Hash
}

export interface ClosedDeal extends DealPayment {
  /** The approval of the shortfall sent first, or null. */
  approvalTx: Hash | null
  blacklisted: boolean
}

const payment = (dealId: bigint, result: TxResult): DealPayment => ({blockNumber: result.blockNumber, dealId, paid: billedAmount(result.receipt), txHash: result.hash})

/** Bill(dealId), by the provider or the renter of an open deal. */
export async function billDeal(client: ChainClient, {dealId, ...addresses}: PaymentAddresses & {dealId: bigint}, send: TransactOptions): Promise<DealPayment> {
  const {market} = addresses
  const deal = await checkBill(client, market, dealId, send.account.address)
  const shortfall = (await predict(client, addresses, deal, 'bill'))?.shortfall ?? 0n
  if (shortfall > 0n) throw allowanceShort(deal, 'Billing', shortfall, deal.consumer.toLowerCase() === send.account.address.toLowerCase())
  const call = writeCall({abi: marketAbi, address: market, args: [dealId], functionName: 'Bill'})
  const result = await transact(client, `Bill deal ${dealId}`, call, {...send, gasHeadroom: PAYMENT_EXTRA_GAS})
  return payment(dealId, result)
}

/**
 * CloseDeal(dealId, nobody | the provider): bills the time used, closes, refunds the rest of the escrow.
 * When the renter closes a deal whose payment would revert for the allowance (the balance is there,
 * the allowance is not), it first raises the allowance by exactly the shortfall (of a close
 * PAYMENT_SLACK seconds from now), so a renter can always close. `onPlan` shows both steps first.
 */
export async function closeDeal(
  client: ChainClient,
  {blacklist = false, dealId, onPlan, ...addresses}: PaymentAddresses & {blacklist?: boolean; dealId: bigint; onPlan?: (lines: Array<[string, string]>) => void},
  send: TransactOptions,
): Promise<ClosedDeal> {
  const {market} = addresses
  const caller = send.account.address
  const deal = await checkClose(client, market, dealId, caller, blacklist)
  const predicted = await predict(client, addresses, deal, 'close')
  const close = `Close deal ${dealId}${blacklist ? ' and blacklist the provider' : ''}`
  let approvalTx: Hash | null = null
  if (predicted && predicted.shortfall > 0n) {
    const {funds, shortfall} = predicted
    if (deal.consumer.toLowerCase() !== caller.toLowerCase()) throw allowanceShort(deal, 'Closing', shortfall, false)
    const to = raisedAllowance(funds.allowance, shortfall)
    onPlan?.([
      ['allowance', `${displayAmount(funds.allowance)} SNM, ${displayAmount(shortfall)} SNM short of the time used`],
      ['step 1', `approve(Market, ${formatAmount(to)} SNM): the shortfall, so the close can pay`],
      ['step 2', `CloseDeal(${dealId})`],
    ])
    approvalTx = await approveAllowance(client, {addresses: {market, snm: addresses.snm!}, from: funds.allowance, purpose: `the shortfall of closing deal ${dealId}; step 1 of 2, then the close`, to}, send)
  }
  try {
    const call = writeCall({abi: marketAbi, address: market, args: [dealId, blacklist ? BLACKLIST.WORKER : BLACKLIST.NOBODY], functionName: 'CloseDeal'})
    const options = approvalTx ? withDetails(send, [['step', `2 of 2 (approved in ${approvalTx})`]]) : send
    const result = await transact(client, close, call, {...options, gasHeadroom: PAYMENT_EXTRA_GAS})
    return {...payment(dealId, result), approvalTx, blacklisted: blacklist}
  } catch (error) {
    if (!approvalTx) throw error
    throw await stoppedAfterApproval(client, error, {addresses: {market, snm: addresses.snm!}, approvalTx, owner: caller, step: close})
  }
}

/** After a Bill or CloseDeal: the deal as it now stands (and as `--json` shows it, at the payment's block). */
export async function dealAfterPayment(client: ChainClient, {market, oracle}: {market: Address; oracle: Address}, {blockNumber, dealId}: Pick<DealPayment, 'blockNumber' | 'dealId'>): Promise<{deal: Deal; json: DealJson}> {
  const [deal, rate, block] = await Promise.all([requireDeal(client, market, dealId), getOracleRate(client, oracle), client.getBlock({blockNumber})])
  return {deal, json: dealJson(deal, block.timestamp, rate)}
}

/** `compute bill`'s result. */
export interface BillReport {
  deal: DealJson
  paid: bigint
  /** Who was paid: the deal's master (the provider, or its master when the provider is a worker). */
  paidTo: Address
  txHash: Hash
}

/** `compute close`'s result. */
export interface CloseReport extends BillReport {
  approvalTx: Hash | null
  blacklisted: boolean
}
