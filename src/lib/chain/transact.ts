import {
  type Abi,
  type Address,
  type Hash,
  type LocalAccount,
  type TransactionReceipt,
  createWalletClient,
  custom,
  encodeFunctionData,
  formatEther,
} from 'viem'

import {nectarError} from '../core/errors.js'
import {toNectarError} from '../core/to-nectar-error.js'
import {type ChainClient} from './client.js'

export interface ContractCall {
  abi: Abi
  address: Address
  args?: readonly unknown[]
  functionName: string
  value?: bigint
}

export interface TxPreview {
  /** What the user is about to do, one line ("Transfer 10 NEC to 0xabc…"). */
  action: string
  call: string
  chainId: number
  /** Extra lines that matter for this transaction (amounts, payouts, recipients). */
  details: Array<[string, string]>
  from: Address
  gas: bigint
  maxCostWei: bigint
  maxFeePerGas: bigint
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
  onSent?: (hash: Hash) => void
}

/** A signing client for `account` that talks through the same transport as `client`. */
export function walletFor(client: ChainClient, account: LocalAccount) {
  return createWalletClient({
    account,
    chain: client.chain,
    transport: custom({request: (args) => client.request(args as never)}, {retryCount: 0}),
  })
}

function describeCall(call: ContractCall): string {
  const args = (call.args ?? []).map((a) => (Array.isArray(a) ? `[${a.length} items]` : String(a)))
  return `${call.functionName}(${args.join(', ')})`
}

/**
 * The one transaction pipeline: simulate (to surface the revert reason), estimate gas and fees, show
 * the preview and confirm, send, wait for the receipt. The chain id was checked when the client was made.
 */
export async function transact(client: ChainClient, action: string, call: ContractCall, options: TransactOptions): Promise<TxResult> {
  const {account} = options
  try {
    await client.simulateContract({...call, account, args: call.args ?? []} as never)
  } catch (error) {
    throw toNectarError(error)
  }
  const data = encodeFunctionData({abi: call.abi, args: call.args ?? [], functionName: call.functionName} as never)
  const [gasEstimate, fees] = await Promise.all([
    client.estimateGas({account, data, to: call.address, value: call.value}),
    client.estimateFeesPerGas(),
  ])
  const gas = (gasEstimate * 12n) / 10n
  const preview: TxPreview = {
    action,
    call: describeCall(call),
    chainId: client.chain!.id,
    details: options.details ?? [],
    from: account.address,
    gas,
    maxCostWei: gas * fees.maxFeePerGas! + (call.value ?? 0n),
    maxFeePerGas: fees.maxFeePerGas!,
    to: call.address,
    value: call.value ?? 0n,
  }
  await options.confirm(preview)
  const wallet = walletFor(client, account)
  const hash = await wallet.sendTransaction({
    data,
    gas,
    maxFeePerGas: fees.maxFeePerGas,
    maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
    to: call.address,
    value: call.value,
  } as never)
  options.onSent?.(hash)
  const receipt = await client.waitForTransactionReceipt({hash, pollingInterval: 100})
  if (receipt.status !== 'success') {
    throw nectarError('TX_FAILED', `Transaction ${hash} was mined but reverted.`, {
      hint: 'The chain changed between the check and the send; run the command again to see why.',
    })
  }
  return {blockNumber: receipt.blockNumber, gasUsed: receipt.gasUsed, hash, receipt}
}

export function previewLines(preview: TxPreview): Array<[string, string]> {
  return [
    ['action', preview.action],
    ...preview.details,
    ['from', preview.from],
    ['to', preview.to],
    ['call', preview.call],
    ...(preview.value > 0n ? [['value', `${formatEther(preview.value)} ETH`] as [string, string]] : []),
    ['gas limit', preview.gas.toString()],
    ['max cost', `${formatEther(preview.maxCostWei)} ETH`],
    ['chain id', String(preview.chainId)],
  ]
}
