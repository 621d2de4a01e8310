// Bill and CloseDeal: both pay the provider for the time since the last bill; CloseDeal also ends
// the deal and refunds the rest of the escrow. Each is checked before it is signed (open deal, a
// party to it, only the renter closes a forward deal early or blacklists).
import {type Address, type Hash} from 'viem'

import {type ChainClient} from '../chain/client.js'
import {transact, type TransactOptions, type TxResult} from '../chain/transact.js'
import {marketAbi} from '../contracts/generated/Market.js'
import {billedAmount, BLACKLIST, checkBill, checkClose, type Deal, type DealJson, dealJson, getOracleRate, requireDeal} from './deals.js'

export interface DealPayment {
  blockNumber: bigint
  dealId: bigint
  /** SNM wei paid to the provider, from the receipt's Billed events. */
  paid: bigint
  txHash: Hash
}

export interface ClosedDeal extends DealPayment {
  blacklisted: boolean
}

const payment = (dealId: bigint, result: TxResult): DealPayment => ({blockNumber: result.blockNumber, dealId, paid: billedAmount(result.receipt), txHash: result.hash})

/** Bill(dealId), by the provider or the renter of an open deal. */
export async function billDeal(client: ChainClient, {dealId, market}: {dealId: bigint; market: Address}, send: TransactOptions): Promise<DealPayment> {
  await checkBill(client, market, dealId, send.account.address)
  const result = await transact(client, `Bill deal ${dealId}`, {abi: marketAbi, address: market, args: [dealId], functionName: 'Bill'}, send)
  return payment(dealId, result)
}

/** CloseDeal(dealId, nobody | the provider): bills the time used, closes, refunds the rest of the escrow. */
export async function closeDeal(client: ChainClient, {blacklist = false, dealId, market}: {blacklist?: boolean; dealId: bigint; market: Address}, send: TransactOptions): Promise<ClosedDeal> {
  await checkClose(client, market, dealId, send.account.address, blacklist)
  const result = await transact(
    client,
    `Close deal ${dealId}${blacklist ? ' and blacklist the provider' : ''}`,
    {abi: marketAbi, address: market, args: [dealId, blacklist ? BLACKLIST.WORKER : BLACKLIST.NOBODY], functionName: 'CloseDeal'},
    send,
  )
  return {...payment(dealId, result), blacklisted: blacklist}
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
  blacklisted: boolean
}
