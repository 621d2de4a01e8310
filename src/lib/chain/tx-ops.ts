// The account's transactions, never in limbo: what became of a hash, waiting for it, and replacing or
// cancelling a pending one by its nonce (same nonce, higher fees).
import {type Address, getAddress, type Hash, type Hex, keccak256, parseTransaction} from 'viem'

import {nectarError} from '../core/errors.js'
import {type ChainClient} from './client.js'
import {type SentTx} from './sent-log.js'
import {chooseFees, type Fees, maxCost, sendAndWait, signTx, type TransactOptions, type TxPreview, type TxResult} from './transact.js'

export type TxState = 'dropped' | 'pending' | 'reverted' | 'success' | 'unknown'

export interface TxStatus {
  blockNumber: bigint | null
  confirmations: bigint
  feeWei: bigint | null
  from: Address | null
  gasUsed: bigint | null
  hash: Hash
  nonce: number | null
  /** Recorded locally by this CLI (the action it described). */
  action: string | null
  state: TxState
  to: Address | null
}

/**
 * What became of a transaction: mined (success or reverted), pending in the node's pool, dropped (its
 * nonce was used by another transaction), or unknown to the node.
 */
export async function txStatus(client: ChainClient, hash: Hash, sent: readonly SentTx[] = []): Promise<TxStatus> {
  const local = sent.find((tx) => tx.hash.toLowerCase() === hash.toLowerCase())
  const [tx, receipt, head] = await Promise.all([
    client.getTransaction({hash}).catch(() => null),
    client.getTransactionReceipt({hash}).catch(() => null),
    client.getBlockNumber({cacheTime: 0}),
  ])
  const sender = tx?.from ?? local?.from
  const from = sender ? getAddress(sender) : null
  const nonce = tx?.nonce ?? local?.nonce ?? null
  const base = {action: local?.action ?? null, from, hash, nonce, to: tx?.to ? getAddress(tx.to) : null}
  if (receipt) {
    return {
      ...base,
      blockNumber: receipt.blockNumber,
      confirmations: head - receipt.blockNumber + 1n,
      feeWei: receipt.gasUsed * receipt.effectiveGasPrice,
      gasUsed: receipt.gasUsed,
      state: receipt.status === 'success' ? 'success' : 'reverted',
    }
  }
  let state: TxState = tx ? 'pending' : 'unknown'
  if (!tx && from && nonce !== null) {
    const mined = await client.getTransactionCount({address: from, blockTag: 'latest'})
    if (mined > nonce) state = 'dropped'
  }
  return {...base, blockNumber: null, confirmations: 0n, feeWei: null, gasUsed: null, state}
}

/** Waits until the transaction is mined (or dropped); a timeout leaves it as it is and says so. */
export async function waitForTx(client: ChainClient, hash: Hash, timeoutMs: number, sent: readonly SentTx[] = []): Promise<TxStatus> {
  const deadline = Date.now() + timeoutMs
  for (let delay = 100; ; delay = Math.min(delay * 2, 2000)) {
    const status = await txStatus(client, hash, sent)
    if (status.state !== 'pending' && status.state !== 'unknown') return status
    if (Date.now() >= deadline) {
      throw nectarError('TX_UNCONFIRMED', `${hash} is still ${status.state === 'pending' ? 'pending' : 'not known to the node'} after ${Math.round(timeoutMs / 1000)} s.`, {
        hint: status.state === 'pending'
          ? `Wait longer, or replace it with \`nectar tx replace --nonce ${status.nonce}\` and a higher --max-fee.`
          : 'Check the RPC URL and the network; the node may have dropped it.',
      })
    }
    await new Promise((resolve) => setTimeout(resolve, delay))
  }
}

export interface PendingTx {
  hash: Hash | null
  nonce: number
  action: string | null
  state: TxState
}

/** What `tx status` reports without a hash: the account's transactions sent but not mined. */
export interface PendingReport {
  account: Address
  /** The account's mined transaction count (its next nonce once the pending ones are mined). */
  mined: number
  pending: PendingTx[]
}

/** The account's nonces between the mined count and the pool's, with what this CLI recorded for each. */
export async function pendingTxs(client: ChainClient, from: Address, sent: readonly SentTx[]): Promise<{mined: number; pending: PendingTx[]}> {
  const [mined, pooled] = await Promise.all([
    client.getTransactionCount({address: from, blockTag: 'latest'}),
    client.getTransactionCount({address: from, blockTag: 'pending'}),
  ])
  const pending: PendingTx[] = []
  const highest = Math.max(pooled, ...sent.map((tx) => tx.nonce + 1))
  for (let nonce = mined; nonce < highest; nonce++) {
    const candidates = sent.filter((tx) => tx.nonce === nonce)
    const statuses = await Promise.all(candidates.map((tx) => txStatus(client, tx.hash, sent)))
    const live = statuses.find((s) => s.state === 'pending') ?? statuses.at(-1)
    pending.push({action: live?.action ?? null, hash: live?.hash ?? null, nonce, state: live?.state ?? (nonce < pooled ? 'pending' : 'unknown')})
  }
  return {mined, pending}
}

export interface ReplaceParams {
  /** Send a 0-value transaction to yourself instead of the recorded one. */
  cancel: boolean
  nonce: number
  sent: readonly SentTx[]
}

export interface ReplaceResult extends TxResult {
  nonce: number
  replaced: Hash | null
}

// Nodes take a replacement only with fees at least 10% above the pending one's.
const bump = (fee: bigint) => (fee * 1125n) / 1000n + 1n

/**
 * Replaces the account's pending transaction at `nonce` with the same call at higher fees, or with a
 * 0-value transfer to itself (`cancel`). The new fees are the higher of a 12.5% bump, today's
 * estimate, and the user's --max-fee/--priority-fee.
 */
export async function replaceTx(client: ChainClient, params: ReplaceParams, send: TransactOptions): Promise<ReplaceResult> {
  const {account, overrides = {}} = send
  const chainId = client.chain!.id
  const mined = await client.getTransactionCount({address: account.address, blockTag: 'latest'})
  if (params.nonce < mined) {
    throw nectarError('NONCE_USED', `Nonce ${params.nonce} of ${account.address} is already mined; there is nothing to replace.`, {
      hint: 'List what is pending with `nectar tx status`.',
    })
  }
  const recorded = params.sent.filter((tx) => tx.nonce === params.nonce && tx.from.toLowerCase() === account.address.toLowerCase()).at(-1)
  if (!recorded && !params.cancel) {
    throw nectarError('NO_RECORDED_TX', `No transaction with nonce ${params.nonce} was sent from ${account.address} by this CLI on chain ${chainId}.`, {
      hint: `Cancel that nonce instead with \`nectar tx cancel --nonce ${params.nonce}\`.`,
    })
  }
  const old = recorded ? parseTransaction(recorded.raw) : undefined
  const current = await chooseFees(client)
  const fees = newFees(old, current, overrides)
  const to = params.cancel ? account.address : old!.to!
  const value = params.cancel ? 0n : (old!.value ?? 0n)
  const data: Hex = params.cancel ? '0x' : (old!.data ?? '0x')
  const gas = overrides.gasLimit ?? (params.cancel ? 21_000n : old!.gas!)
  const preview: TxPreview = {
    action: params.cancel ? `Cancel nonce ${params.nonce}` : `Replace nonce ${params.nonce}${recorded ? ` (${recorded.action})` : ''} at higher fees`,
    call: params.cancel ? 'a 0 ETH transfer to yourself' : `the same call as ${recorded!.hash}`,
    chainId,
    details: recorded ? [['replaces', recorded.hash]] : [],
    fees,
    from: account.address,
    gas,
    maxCostWei: maxCost(gas, fees, value),
    nonce: params.nonce,
    to,
    value,
  }
  await send.confirm(preview)
  const raw = await signTx(account, {chainId, data, fees, gas, nonce: params.nonce, to, value})
  const hash = keccak256(raw)
  send.record?.({action: preview.action, at: new Date().toISOString(), chainId, from: account.address, hash, nonce: params.nonce, raw})
  send.onSent?.(hash, preview.action)
  const result = await sendAndWait(client, raw, hash, params.nonce, account.address)
  return {...result, nonce: params.nonce, replaced: recorded?.hash ?? null}
}

function newFees(old: ReturnType<typeof parseTransaction> | undefined, current: Fees, overrides: TransactOptions['overrides'] = {}): Fees {
  const atLeast = (...values: Array<bigint | undefined>) => values.reduce<bigint>((a, b) => (b !== undefined && b > a ? b : a), 0n)
  if (current.gasPrice !== undefined) {
    return {gasPrice: atLeast(old?.gasPrice === undefined ? undefined : bump(old.gasPrice), current.gasPrice, overrides.maxFeePerGas)}
  }
  const priority = atLeast(old?.maxPriorityFeePerGas === undefined ? undefined : bump(old.maxPriorityFeePerGas), current.maxPriorityFeePerGas, overrides.maxPriorityFeePerGas)
  const max = atLeast(old?.maxFeePerGas === undefined ? undefined : bump(old.maxFeePerGas), current.maxFeePerGas, overrides.maxFeePerGas, priority)
  return {maxFeePerGas: max, maxPriorityFeePerGas: priority}
}
