import {createClient, custom, defineChain, type PublicClient} from 'viem'
import {
  estimateFeesPerGas,
  estimateGas,
  getBalance,
  getBlock,
  getBlockNumber,
  getChainId,
  getCode,
  getContractEvents,
  getGasPrice,
  getLogs,
  getTransaction,
  getTransactionCount,
  getTransactionReceipt,
  multicall as viemMulticall,
  readContract,
  simulateContract,
  waitForTransactionReceipt,
} from 'viem/actions'

import {nectarError} from '../core/errors.js'
import {deploylessMulticall} from './deployless.js'
import {rpcCall} from './rpc.js'

/** A viem public client that also names its RPC URL (for reads that skip viem's request wrapper). */
export type ChainClient = PublicClient & {rpcUrl?: string}

/**
 * The public actions nectar calls, bound to a client. viem's createPublicClient binds all ~50 (ENS, watch*,
 * EIP-5792 …), which more than doubles the viem code a command loads at start-up; actions called
 * inside viem that are not here fall back to viem's own (getAction).
 */
const boundActions = (c: PublicClient) => ({
    estimateFeesPerGas: (args?: Parameters<PublicClient['estimateFeesPerGas']>[0]) => estimateFeesPerGas(c, args),
    estimateGas: (args: Parameters<PublicClient['estimateGas']>[0]) => estimateGas(c, args),
    getBalance: (args: Parameters<PublicClient['getBalance']>[0]) => getBalance(c, args),
    getBlock: (args?: Parameters<PublicClient['getBlock']>[0]) => getBlock(c, args),
    getBlockNumber: (args?: Parameters<PublicClient['getBlockNumber']>[0]) => getBlockNumber(c, args),
    getChainId: () => getChainId(c),
    getCode: (args: Parameters<PublicClient['getCode']>[0]) => getCode(c, args),
    getContractEvents: (args: Parameters<PublicClient['getContractEvents']>[0]) => getContractEvents(c, args),
    getGasPrice: () => getGasPrice(c),
    getLogs: (args?: Parameters<PublicClient['getLogs']>[0]) => getLogs(c, args),
    getTransaction: (args: Parameters<PublicClient['getTransaction']>[0]) => getTransaction(c, args),
    getTransactionCount: (args: Parameters<PublicClient['getTransactionCount']>[0]) => getTransactionCount(c, args),
    getTransactionReceipt: (args: Parameters<PublicClient['getTransactionReceipt']>[0]) => getTransactionReceipt(c, args),
    readContract: (args: Parameters<PublicClient['readContract']>[0]) => readContract(c, args),
    simulateContract: (args: Parameters<PublicClient['simulateContract']>[0]) => simulateContract(c, args),
    waitForTransactionReceipt: (args: Parameters<PublicClient['waitForTransactionReceipt']>[0]) => waitForTransactionReceipt(c, args),
})

/**
 * A viem public client over our node:http transport, for a chain we describe ourselves (no viem/chains).
 * Its `multicall({deployless: true, allowFailure: false})` runs our own byzantium-compiled reader
 * (chain/deployless.ts), so every batched read works on a 2018-era EVM too.
 */
export function createChainClient(rpcUrl: string, chainId: number, name = `chain ${chainId}`): ChainClient {
  const chain = defineChain({
    id: chainId,
    name,
    nativeCurrency: {decimals: 18, name: 'Ether', symbol: 'ETH'},
    rpcUrls: {default: {http: [rpcUrl]}},
  })
  const client = createClient({
    batch: undefined,
    chain,
    pollingInterval: 250,
    transport: custom({request: ({method, params}) => rpcCall(rpcUrl, {method, params})}, {retryCount: 0}),
  })
  const multicall = ((args: Parameters<ChainClient['multicall']>[0]) =>
    args.deployless && args.allowFailure === false ? deploylessMulticall(extended, args as Parameters<typeof deploylessMulticall>[1]) : viemMulticall(extended, args)) as ChainClient['multicall']
  const extended = client as unknown as ChainClient
  Object.assign(extended, boundActions(extended), {multicall, rpcUrl})
  return extended
}

/** The chain id an RPC endpoint serves. */
export function readChainId(rpcUrl: string): Promise<number> {
  return createChainClient(rpcUrl, 1).getChainId()
}

/** Refuses to go on when the node's chain id is not the profile's: nothing is read or sent on the wrong chain. */
export async function assertChainId(client: ChainClient, expected: number, networkName: string): Promise<void> {
  const actual = await client.getChainId()
  if (actual !== expected) {
    throw nectarError('WRONG_CHAIN', `The RPC endpoint serves chain id ${actual}, but network ${networkName} expects ${expected}.`, {
      hint: `Point --rpc-url at a ${networkName} node, or pick the network that matches with --network.`,
    })
  }
}
