// The tx commands' shared parts: hash parsing, the status lines people read, and replace/cancel with
// the account's recorded transactions.
import {formatEther, type Hash, isHash} from 'viem'

import {nectarError} from '../core/errors.js'
import {type ChainClient} from './client.js'
import {readSent} from './sent-log.js'
import {type TransactOptions} from './transact.js'
import {replaceTx, type ReplaceResult, type TxStatus} from './tx-ops.js'

export function parseTxHash(text: string): Hash {
  if (!isHash(text)) {
    throw nectarError('INVALID_TX_HASH', `${JSON.stringify(text.slice(0, 200))} is not a transaction hash.`, {hint: 'A hash is 0x and 64 hex digits.'})
  }
  return text.toLowerCase() as Hash
}

export function statusLines(status: TxStatus): Array<[string, string]> {
  const lines: Array<[string, string]> = [['hash', status.hash], ['state', status.state]]
  if (status.action) lines.push(['action', status.action])
  if (status.from) lines.push(['from', `${status.from}${status.nonce === null ? '' : ` (nonce ${status.nonce})`}`])
  if (status.blockNumber !== null) lines.push(['block', `${status.blockNumber} (${status.confirmations} confirmations)`])
  if (status.gasUsed !== null) lines.push(['gas used', status.gasUsed.toLocaleString('en-US')])
  if (status.feeWei !== null) lines.push(['fee', `${formatEther(status.feeWei)} ETH`])
  return lines
}

/** A wait ends in success, or in an error that says what happened. */
export function settledOrThrow(status: TxStatus): TxStatus {
  if (status.state === 'reverted') throw nectarError('TX_FAILED', `${status.hash} was mined in block ${status.blockNumber} but reverted.`)
  if (status.state === 'dropped') {
    throw nectarError('TX_DROPPED', `${status.hash} was dropped: nonce ${status.nonce} was used by another transaction.`, {
      hint: 'See which with `nectar tx status`; send again only if that other transaction was not the same operation.',
    })
  }
  return status
}

export async function replacePending(client: ChainClient, params: {cancel: boolean; dataDir: string; nonce: number}, send: TransactOptions): Promise<ReplaceResult> {
  const sent = readSent(params.dataDir, client.chain!.id, send.account.address)
  return replaceTx(client, {cancel: params.cancel, nonce: params.nonce, sent}, send)
}
