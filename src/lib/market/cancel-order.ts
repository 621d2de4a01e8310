// CancelOrder: an author withdraws an active order (a provider's offer, a renter's bid).
import {type Address, type Hash} from 'viem'

import {type ChainClient} from '../chain/client.js'
import {transact, type TransactOptions} from '../chain/transact.js'
import {nectarError} from '../core/errors.js'
import {marketAbi} from '../contracts/generated/Market.js'
import {requireOrder} from './orders.js'

export interface CancelledOrder {
  /** The order's id. */
  id: bigint
  txHash: Hash
}

/** Checks the order exists, is the signer's and is still active, then cancels it. */
export async function cancelOrder(client: ChainClient, {market, orderId}: {market: Address; orderId: bigint}, send: TransactOptions): Promise<CancelledOrder> {
  const me = send.account.address
  const order = await requireOrder(client, market, orderId)
  if (order.author.toLowerCase() !== me.toLowerCase()) throw nectarError('NOT_YOUR_ORDER', `Order ${orderId} belongs to ${order.author}, not ${me}.`, {hint: 'Cancel with the account that placed it (--account).'})
  if (order.status !== 'active') throw nectarError('ORDER_INACTIVE', `Order ${orderId} is no longer active${order.dealId > 0n ? ` (deal ${order.dealId})` : ''}.`, {hint: '`nectar provider offer list` shows your active offers.'})
  const result = await transact(client, `Cancel order ${orderId}`, {abi: marketAbi, address: market, args: [orderId], functionName: 'CancelOrder'}, send)
  return {id: orderId, txHash: result.hash}
}
