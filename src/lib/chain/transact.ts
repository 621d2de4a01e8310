import {
  type Abi,
  type Address,
  type ContractFunctionArgs,
  type ContractFunctionName,
  type Hash,
  type Hex,
  type LocalAccount,
  type TransactionReceipt,
  createWalletClient,
  custom,
  encodeFunctionData,
  formatEther,
  keccak256,
} from 'viem'

import {nectarError} from '../core/errors.js'
import {toNectarError} from '../core/to-nectar-error.js'
import {type ChainClient} from './client.js'
import {type SentTx} from './sent-log.js'

type Mutability = 'nonpayable' | 'payable'

/**
 * A contract write, typed like viem's `writeContract`: with an `as const` ABI a misspelt function name
 * or an argument of the wrong type does not compile.
 */
export type WriteCall<
  abi extends Abi | readonly unknown[] = Abi,
  functionName extends ContractFunctionName<abi, Mutability> = ContractFunctionName<abi, Mutability>,
> = {
  abi: abi
  address: Address
  functionName: functionName
  value?: bigint
} & (ContractFunctionArgs<abi, Mutability, functionName> extends readonly []
  ? {args?: readonly []}
  : {args: ContractFunctionArgs<abi, Mutability, functionName>})

/** Builds a WriteCall with its types inferred from the ABI (for calls kept in a variable or a list). */
export function writeCall<const abi extends Abi | readonly unknown[], functionName extends ContractFunctionName<abi, Mutability>>(
  call: WriteCall<abi, functionName>,
): WriteCall<abi, functionName> {
  return call
}

/** The calldata of a write (its types were checked where the call was built). */
export function callData(call: WriteCall): Hex {
  return encodeFunctionData({abi: call.abi as Abi, args: (call.args ?? []) as readonly unknown[], functionName: call.functionName})
}

/** Fields a user may set on a transaction (the transaction flags): a stuck one is replaced with `--nonce N --max-fee X`. */
export interface TxOverrides {
  gasLimit?: bigint
  maxFeePerGas?: bigint
  maxPriorityFeePerGas?: bigint
  nonce?: number
}

export interface Fees {
  /** Blocks without a base fee (pre-London chains, SONM's sidechain) take a legacy gas price, 0 included. */
  gasPrice?: bigint
  maxFeePerGas?: bigint
  maxPriorityFeePerGas?: bigint
}

export interface TxPreview {
  /** What the user is about to do, one line ("Transfer 10 NEC to 0xabc…"). */
  action: string
  call: string
  chainId: number
  /** Extra lines that matter for this transaction (amounts, payouts, recipients). */
  details: Array<[string, string]>
  fees: Fees
  from: Address
  gas: bigint
  maxCostWei: bigint
  nonce: number
  to: Address
  value: bigint
}

export interface TxResult {
  blockNumber: bigint
  gasUsed: bigint
  hash: Hash
  receipt: TransactionReceipt
}

export interface TransactOptions {
  account: LocalAccount
  /** Called with the preview; must throw to stop (declined, or no terminal and no --yes). */
  confirm: (preview: TxPreview) => Promise<void>
  details?: Array<[string, string]>
  /**
   * Gas added to the estimate, for a call whose cost grows with the block it lands in (a Bill that
   * must pull from the renter one second later). Ignored when a gas limit is given.
   */
  gasHeadroom?: bigint
  /** Called with the hash (and the action) once the transaction is signed, before it is sent. */
  onSent?: (hash: Hash, action: string) => void
  overrides?: TxOverrides
  /** Keeps the signed transaction (fsynced) before it is sent, so it can be looked up or replaced later. */
  record?: (tx: SentTx) => void
  /**
   * Simulate and estimate against the pending block instead of the latest: for a call that is valid
   * only from the next block on (a vote on a proposal approved in the latest block).
   */
  simulatePending?: boolean
  /** Called with each warning an action has for the person sending (shown, and carried in the JSON envelope). */
  warn?: (message: string) => void
}

/** The caller's send options with an action's own preview lines first (the amounts it alone knows). */
export function withDetails(send: TransactOptions, details: Array<[string, string]>): TransactOptions {
  return {...send, details: [...details, ...(send.details ?? [])]}
}

function describeCall(call: WriteCall): string {
  const args = ((call.args ?? []) as readonly unknown[]).map((a) => (Array.isArray(a) ? `[${a.length} items]` : String(a)))
  return `${call.functionName}(${args.join(', ')})`
}

/** EIP-1559 fees, or a legacy gas price where blocks carry no base fee; user overrides win. */
export async function chooseFees(client: ChainClient, overrides: TxOverrides = {}): Promise<Fees> {
  const block = await client.getBlock({blockTag: 'latest'})
  if (block.baseFeePerGas === null || block.baseFeePerGas === undefined) {
    return {gasPrice: overrides.maxFeePerGas ?? (await client.getGasPrice())}
  }
  const estimate = await client.estimateFeesPerGas()
  const maxPriorityFeePerGas = overrides.maxPriorityFeePerGas ?? estimate.maxPriorityFeePerGas!
  const maxFeePerGas = overrides.maxFeePerGas ?? (estimate.maxFeePerGas! > maxPriorityFeePerGas ? estimate.maxFeePerGas! : maxPriorityFeePerGas)
  if (maxPriorityFeePerGas > maxFeePerGas) {
    throw nectarError('INVALID_FEE', `The priority fee (${formatEther(maxPriorityFeePerGas, 'gwei')} gwei) is above the max fee (${formatEther(maxFeePerGas, 'gwei')} gwei).`, {
      hint: 'Lower --priority-fee or raise --max-fee.',
    })
  }
  return {maxFeePerGas, maxPriorityFeePerGas}
}

/** The most a transaction can cost in wei. */
export function maxCost(gas: bigint, fees: Fees, value = 0n): bigint {
  return gas * (fees.gasPrice ?? fees.maxFeePerGas ?? 0n) + value
}

/**
 * The one transaction pipeline: simulate (to surface the revert reason), estimate gas and fees, show
 * the preview and confirm, sign locally (so the hash is known before anything is sent), send, wait
 * for the receipt. The chain id was checked when the client was made. After the send, no failure is
 * reported without looking the hash up first: a lost answer never turns into "run again".
 */
export async function transact<const abi extends Abi | readonly unknown[], functionName extends ContractFunctionName<abi, Mutability>>(
  client: ChainClient,
  action: string,
  call: WriteCall<abi, functionName>,
  options: TransactOptions,
): Promise<TxResult> {
  const {account, overrides = {}} = options
  const blockTag = options.simulatePending ? 'pending' : undefined
  const write = call as unknown as WriteCall
  const data = callData(write)
  try {
    await client.simulateContract({abi: write.abi as Abi, account, address: write.address, args: (write.args ?? []) as readonly unknown[], blockTag, functionName: write.functionName, value: write.value})
  } catch (error) {
    throw toNectarError(error)
  }
  const [gasEstimate, fees, nonce] = await Promise.all([
    // By address: with the local account viem would fill fees first (eth_fillTransaction), and anvil
    // --hardfork byzantium fills EIP-1559 fields there (a tip above a 0 fee cap when gas is free).
    overrides.gasLimit === undefined ? client.estimateGas({account: account.address, blockTag, data, to: call.address, value: call.value}) : undefined,
    chooseFees(client, overrides),
    overrides.nonce ?? client.getTransactionCount({address: account.address, blockTag: 'pending'}),
  ])
  const gas = overrides.gasLimit ?? (gasEstimate! * 12n) / 10n + (options.gasHeadroom ?? 0n)
  const preview: TxPreview = {
    action,
    call: describeCall(write),
    chainId: client.chain!.id,
    details: options.details ?? [],
    fees,
    from: account.address,
    gas,
    maxCostWei: maxCost(gas, fees, call.value),
    nonce,
    to: call.address,
    value: call.value ?? 0n,
  }
  await options.confirm(preview)
  const raw = await signTx(account, {chainId: preview.chainId, data, fees, gas, nonce, to: call.address, value: call.value})
  const hash = keccak256(raw)
  options.record?.({action, at: new Date().toISOString(), chainId: preview.chainId, from: account.address, hash, nonce, raw})
  options.onSent?.(hash, action)
  return sendAndWait(client, raw, hash, nonce, account.address)
}

/** Signs locally: EIP-1559 fields, or a legacy gas price where the chain has no base fee. */
export function signTx(account: LocalAccount, tx: {chainId: number; data: Hex; fees: Fees; gas: bigint; nonce: number; to?: Address; value?: bigint}): Promise<Hex> {
  const {fees, ...rest} = tx
  return account.signTransaction(
    fees.gasPrice === undefined
      ? {...rest, maxFeePerGas: fees.maxFeePerGas, maxPriorityFeePerGas: fees.maxPriorityFeePerGas, type: 'eip1559'}
      : {...rest, gasPrice: fees.gasPrice, type: 'legacy'},
  )
}

/**
 * Sends a signed transaction and waits for its receipt. A failure after the send is checked against the
 * chain first (is the hash known? is the nonce used?), so the user hears "sent, not confirmed: HASH"
 * and how to check it, never "nothing was sent" about a transaction that may be pending.
 */
export async function sendAndWait(client: ChainClient, raw: Hex, hash: Hash, nonce: number, from: Address): Promise<TxResult> {
  try {
    await client.request({method: 'eth_sendRawTransaction', params: [raw]})
  } catch (error) {
    const known = await lookUp(client, hash)
    if (known === 'unknown') {
      // The node refused it in words (a JSON-RPC error) and does not have it: truly not sent.
      if (isNodeRefusal(error)) throw toNectarError(error)
      throw unconfirmed(hash, nonce, from, error)
    }
    if (known === 'unreachable') throw unconfirmed(hash, nonce, from, error)
  }
  let receipt: TransactionReceipt
  let replacedBy: Hash | undefined
  try {
    receipt = await client.waitForTransactionReceipt({
      hash,
      // viem follows a replacement (same nonce, e.g. `nectar tx cancel`) and returns ITS receipt: never report that as ours.
      onReplaced: (replacement) => (replacedBy = replacement.transaction.hash),
      pollingInterval: 100,
      timeout: 10 * 60_000,
    })
  } catch (error) {
    throw unconfirmed(hash, nonce, from, error)
  }
  if (replacedBy) {
    throw nectarError('TX_REPLACED', `Transaction ${hash} was replaced by ${replacedBy} (nonce ${nonce}); it will not be mined.`, {
      hint: `See what the replacement did with \`nectar tx status ${replacedBy}\`.`,
    })
  }
  if (receipt.status !== 'success') {
    throw nectarError('TX_FAILED', `Transaction ${hash} was mined but reverted.`, {
      hint: 'The chain changed between the check and the send; run the command again to see why.',
    })
  }
  return {blockNumber: receipt.blockNumber, gasUsed: receipt.gasUsed, hash, receipt}
}

async function lookUp(client: ChainClient, hash: Hash): Promise<'known' | 'unknown' | 'unreachable'> {
  try {
    const tx = await client.request({method: 'eth_getTransactionByHash', params: [hash]})
    return tx ? 'known' : 'unknown'
  } catch {
    return 'unreachable'
  }
}

function isNodeRefusal(error: unknown): boolean {
  for (let e = error as {cause?: unknown; name?: string} | undefined, i = 0; e && i < 10; e = e.cause as typeof e, i++) {
    if (e.name === 'RpcResponseError') return true
  }
  return false
}

function unconfirmed(hash: Hash, nonce: number, from: Address, cause: unknown) {
  return nectarError('TX_UNCONFIRMED', `Sent, not confirmed: ${hash} (nonce ${nonce} of ${from}).`, {
    cause,
    details: [toNectarError(cause).message],
    hint: `Check it with \`nectar tx status ${hash}\` or wait with \`nectar tx wait ${hash}\`; do not run the command again until it is settled.`,
  })
}

/** Significant digits of a decimal string (for an estimate), without trailing zeros. */
function approx(text: string, digits = 3): string {
  const [whole, fraction = ''] = text.split('.')
  if (whole !== '0') return fraction ? `${whole}.${fraction.slice(0, Math.max(0, digits - whole.length))}`.replace(/\.?0*$/, '') : whole
  const lead = fraction.match(/^0*/)![0].length
  return `0.${fraction.slice(0, lead + digits)}`.replace(/\.?0*$/, '') || '0'
}

/** Gas as a person reads it: "121,430,740 (≈0.0243 ETH at 0.2 gwei)". */
export function gasText(gas: bigint, gasPrice: bigint): string {
  const units = gas.toLocaleString('en-US')
  if (gasPrice === 0n) return `${units} (free: gas price 0)`
  return `${units} (≈${approx(formatEther(gas * gasPrice))} ETH at ${approx(formatEther(gasPrice, 'gwei'))} gwei)`
}

export function previewLines(preview: TxPreview): Array<[string, string]> {
  const {fees} = preview
  return [
    ['action', preview.action],
    ...preview.details,
    ['from', preview.from],
    ['to', preview.to],
    ['call', preview.call],
    ...(preview.value > 0n ? [['value', `${formatEther(preview.value)} ETH`] as [string, string]] : []),
    ['gas limit', preview.gas.toLocaleString('en-US')],
    fees.gasPrice === undefined
      ? ['max fee', `${formatEther(fees.maxFeePerGas ?? 0n, 'gwei')} gwei (priority ${formatEther(fees.maxPriorityFeePerGas ?? 0n, 'gwei')} gwei)`]
      : ['gas price', `${formatEther(fees.gasPrice, 'gwei')} gwei`],
    ['max cost', `${formatEther(preview.maxCostWei)} ETH`],
    ['nonce', String(preview.nonce)],
    ['chain id', String(preview.chainId)],
  ]
}

/**
 * A signing client for `account` that talks through the same transport as `client` (devnet deploys and
 * tests). It tells viem the node has no eth_fillTransaction: anvil --hardfork byzantium fills EIP-1559
 * fees there that it then refuses, and viem signs what it is given. Without it viem picks the type
 * from the latest block (legacy where there is no base fee), as chooseFees does.
 */
export function walletFor(client: ChainClient, account: LocalAccount) {
  return createWalletClient({
    account,
    chain: client.chain,
    transport: custom({
      request: async (args) => {
        if (args.method === 'eth_fillTransaction') throw Object.assign(new Error('eth_fillTransaction is not available'), {code: -32601})
        return client.request(args as Parameters<ChainClient['request']>[0])
      },
    }, {retryCount: 0}),
  })
}
