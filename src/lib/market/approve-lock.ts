// The renter's approval before a QuickBuy, a BID, a top-up or a close: the allowance raised by a
// bounded amount, never unlimited. And when a later step fails, an error that says what was sent.
import {type Address, type Hash} from 'viem'

import {type ChainClient} from '../chain/client.js'
import {transact, type TransactOptions, withDetails} from '../chain/transact.js'
import {formatAmount} from '../core/amounts.js'
import {type NectarError, nectarError} from '../core/errors.js'
import {toNectarError} from '../core/to-nectar-error.js'
import {snmAbi} from '../contracts/generated/SNM.js'

/** approve(market, to) on SNM, raising the allowance from `from`; returns the transaction hash. */
export async function approveAllowance(
  client: ChainClient,
  {addresses, from, purpose, to}: {addresses: {market: Address; snm: Address}; from: bigint; purpose: string; to: bigint},
  send: TransactOptions,
): Promise<Hash> {
  const result = await transact(
    client,
    `Raise the Market's SNM allowance by ${formatAmount(to - from)} SNM (${purpose})`,
    {abi: snmAbi, address: addresses.snm, args: [addresses.market, to], functionName: 'approve'},
    withDetails(send, [['allowance', `${formatAmount(from)} -> ${formatAmount(to)} SNM`]]),
  )
  return result.hash
}

/**
 * The error of a step that failed after the approval went through: the same code, and a message that
 * names the approval and the allowance now (never "nothing was sent": something was).
 */
export async function stoppedAfterApproval(client: ChainClient, error: unknown, {addresses, approvalTx, owner, step}: {addresses: {market: Address; snm: Address}; approvalTx: Hash; owner: Address; step: string}): Promise<NectarError> {
  const base = toNectarError(error)
  const allowance = await client.readContract({abi: snmAbi, address: addresses.snm, args: [owner, addresses.market], functionName: 'allowance'}).catch(() => undefined)
  const strip = (text: string) => text.replace(/[;,.]?\s*nothing was sent\.?\s*/i, '. ').replace(/^\.\s*/, '').replace(/\.\.\s*/g, '. ').trim()
  const what = /[.!?]$/.test(strip(base.message)) ? strip(base.message) : `${strip(base.message)}.`
  const now = allowance === undefined ? 'could not be read' : `is now ${formatAmount(allowance)} SNM`
  // A step that failed after its own send (unconfirmed, reverted on chain, replaced) was sent too.
  const stepSent = base.code === 'TX_UNCONFIRMED' || base.code === 'TX_FAILED' || base.code === 'TX_REPLACED'
  const message = stepSent
    ? `${step} failed after it was sent: ${what} The approval ${approvalTx} was sent before it; the Market's allowance ${now}.`
    : `${step} was not sent: ${what} Only the approval ${approvalTx} was sent; the Market's allowance ${now}.`
  return nectarError(base.code, message, {
    cause: base,
    details: base.details,
    hint: `${base.hint && strip(base.hint) ? strip(base.hint) + ' ' : ''}The allowance stays and is shared by your deals on this Market; running the command again adds its budget once more.`,
  })
}
