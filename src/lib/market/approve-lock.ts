// The renter's approval before a QuickBuy or a BID: exactly the SNM the Market will pull, never more.
import {type Hash} from 'viem'

import {type ChainClient} from '../chain/client.js'
import {transact, type TransactOptions, withDetails} from '../chain/transact.js'
import {formatAmount} from '../core/amounts.js'
import {snmAbi} from '../contracts/generated/SNM.js'
import {type MarketAddresses} from './renter.js'

/** approve(market, amount) on SNM; returns the transaction hash. */
export async function approveLock(client: ChainClient, {addresses, amount}: {addresses: MarketAddresses; amount: bigint}, send: TransactOptions): Promise<Hash> {
  const result = await transact(
    client,
    `Approve the Market to take exactly ${formatAmount(amount)} SNM`,
    {abi: snmAbi, address: addresses.snm, args: [addresses.market, amount], functionName: 'approve'},
    withDetails(send, [['amount', `${formatAmount(amount)} SNM`]]),
  )
  return result.hash
}
