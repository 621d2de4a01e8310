import {createPublicClient, custom, defineChain, type PublicClient} from 'viem'

import {nectarError} from '../core/errors.js'
import {deploylessMulticall} from './deployless.js'
import {rpcCall} from './rpc.js'

export type ChainClient = PublicClient

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
  const client = createPublicClient({
    batch: undefined,
    chain,
    pollingInterval: 250,
    transport: custom({request: ({method, params}) => rpcCall(rpcUrl, {method, params})}, {retryCount: 0}),
  }) as ChainClient
  const viemMulticall = client.multicall
  const multicall = ((args: Parameters<ChainClient['multicall']>[0]) =>
    args.deployless && args.allowFailure === false ? deploylessMulticall(extended, args as Parameters<typeof deploylessMulticall>[1]) : viemMulticall(args)) as ChainClient['multicall']
  const extended = client.extend(() => ({multicall})) as unknown as ChainClient
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
