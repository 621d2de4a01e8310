// `transfer`: a NEC transfer, checked before anything is signed, through the transaction pipeline.
import {type Address, type Hash} from 'viem'

import {type ChainClient} from '../chain/client.js'
import {transact, type TransactOptions, withDetails} from '../chain/transact.js'
import {displayAmount, formatAmount} from '../core/amounts.js'
import {nectarError} from '../core/errors.js'
import {necAbi, nectarControllerAbi} from '../contracts/generated/index.js'

export interface TransferCheck {
  balance: bigint
  controller: Address
}

/**
 * Everything a NEC transfer needs to succeed, checked before anything is signed. MiniMe's transfer
 * returns false (it does not revert) on a short balance, and the controller refuses unregistered ends
 * while the whitelist is active: both would cost gas and move nothing.
 */
export async function checkTransfer(client: ChainClient, {amount, from, nec, to}: {amount: bigint; from: Address; nec: Address; to: Address}): Promise<TransferCheck> {
  const [balance, controller, transfersEnabled] = await client.multicall({
    allowFailure: false,
    contracts: [
      {abi: necAbi, address: nec, args: [from], functionName: 'balanceOf'},
      {abi: necAbi, address: nec, functionName: 'controller'},
      {abi: necAbi, address: nec, functionName: 'transfersEnabled'},
    ],
    deployless: true,
  })
  if (!transfersEnabled) throw nectarError('TRANSFERS_DISABLED', 'NEC transfers are disabled on this token.', {hint: 'Only the controller can enable them again.'})
  if (to.toLowerCase() === nec.toLowerCase()) throw nectarError('BAD_RECIPIENT', 'The recipient is the NEC token itself, which refuses transfers.', {hint: 'Check the address.'})
  if (balance < amount) {
    throw nectarError('INSUFFICIENT_BALANCE', `${from} holds ${displayAmount(balance)} NEC, less than the ${displayAmount(amount)} NEC to send.`, {
      hint: 'Lower the amount; `nectar balance` shows what you hold.',
    })
  }
  const code = await client.getCode({address: controller})
  if (code && code !== '0x') {
    const c = {abi: nectarControllerAbi, address: controller} as const
    const [listActive, fromOk, toOk] = await client.multicall({
      allowFailure: false,
      contracts: [
        {...c, functionName: 'listActive'},
        {...c, args: [from], functionName: 'isRegistered'},
        {...c, args: [to], functionName: 'isRegistered'},
      ],
      deployless: true,
    })
    if (listActive && (!fromOk || !toOk)) {
      const missing = [!fromOk && `the sender ${from}`, !toOk && `the recipient ${to}`].filter(Boolean).join(' and ')
      throw nectarError('NOT_WHITELISTED', `The whitelist is active and ${missing} ${!fromOk && !toOk ? 'are' : 'is'} not registered.`, {
        hint: 'A whitelist admin can register them with `nectar whitelist add ADDRESS`.',
      })
    }
  }
  return {balance, controller}
}

export interface TransferResult {
  /** Decimal NEC. */
  amount: string
  amountWei: bigint
  block: bigint
  from: Address
  gasUsed: bigint
  to: Address
  txHash: Hash
}

/** Sends `amount` NEC wei from the signing account to `to`, after checkTransfer. */
export async function transfer(client: ChainClient, {amount, nec, to}: {amount: bigint; nec: Address; to: Address}, send: TransactOptions): Promise<TransferResult> {
  const from = send.account.address
  const {balance} = await checkTransfer(client, {amount, from, nec, to})
  const details: Array<[string, string]> = [['amount', `${formatAmount(amount)} NEC`], ['balance after', `${displayAmount(balance - amount)} NEC`]]
  const result = await transact(client, `Transfer ${displayAmount(amount)} NEC to ${to}`, {abi: necAbi, address: nec, args: [to, amount], functionName: 'transfer'}, withDetails(send, details))
  return {amount: formatAmount(amount), amountWei: amount, block: result.blockNumber, from, gasUsed: result.gasUsed, to, txHash: result.hash}
}
