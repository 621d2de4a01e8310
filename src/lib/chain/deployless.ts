import {
  type ContractFunctionParameters,
  decodeAbiParameters,
  decodeFunctionResult,
  encodeDeployData,
  encodeFunctionData,
  type Hex,
  type MulticallContracts,
  type MulticallReturnType,
  type Narrow,
  toFunctionSelector,
} from 'viem'

import {callReaderAbi, callReaderBytecode} from '../contracts/generated/CallReader.js'
import {nectarError} from '../core/errors.js'
import {type ChainClient} from './client.js'

/** One ABI word (32 bytes) of hex, left-padded; for hand-encoding constructor arguments of readers. */
export const abiWord = (hex: string): string => hex.toLowerCase().replace(/^0x/, '').padStart(64, '0')

/**
 * Runs creation code inside eth_call (no `to`, nothing deployed, works on any chain) and returns what
 * it reverts with. The readers in contracts/readers return their results as revert data, because
 * creation output is capped at 24 KiB (EIP-170) and revert data is not.
 */
export async function runDeployless(client: ChainClient, data: Hex): Promise<Hex> {
  try {
    await client.request({method: 'eth_call', params: [{data}, 'latest']} as never)
  } catch (error) {
    const output = revertData(error)
    if (output !== undefined) return output
    throw error
  }
  return '0x'
}

function revertData(error: unknown): Hex | undefined {
  for (let e = error as {cause?: unknown; data?: unknown} | undefined, depth = 0; e && depth < 10; e = e.cause as typeof e, depth++) {
    if (typeof e.data === 'string' && e.data.startsWith('0x')) return e.data as Hex
    if (e.data && typeof e.data === 'object' && typeof (e.data as {data?: unknown}).data === 'string') return (e.data as {data: Hex}).data
  }
  return undefined
}

/**
 * Many read-only contract calls in one eth_call, typed like viem's multicall with allowFailure false.
 * It runs contracts/readers/CallReader.sol (compiled for byzantium) instead of viem's deployless
 * multicall, whose bytecode needs SHR and so fails on SONM's 2018 sidechain. A failing call is a
 * READ_FAILED error naming the function.
 */
export async function readMany<const contracts extends readonly unknown[]>(
  client: ChainClient,
  contracts: MulticallContracts<Narrow<contracts>, {mutability: 'pure' | 'view'}>,
): Promise<MulticallReturnType<Narrow<contracts>, false>> {
  const calls = contracts as unknown as ContractFunctionParameters[]
  if (calls.length === 0) return [] as never
  const data = encodeDeployData({
    abi: callReaderAbi,
    args: [calls.map((c) => c.address), calls.map((c) => encodeFunctionData(c as never))],
    bytecode: callReaderBytecode,
  })
  const output = await runDeployless(client, data)
  if (output.startsWith(CALL_FAILED)) {
    const [index] = decodeAbiParameters([{type: 'uint256'}, {type: 'bytes'}], `0x${output.slice(10)}`)
    const call = calls[Number(index)]
    throw nectarError('READ_FAILED', `Reading ${call.functionName} from ${call.address} failed.`, {hint: 'Check the contract address in the network profile (`nectar network show`).'})
  }
  const [results] = decodeAbiParameters([{type: 'bytes[]'}], output)
  return results.map((result, i) => decodeFunctionResult({abi: calls[i].abi, args: calls[i].args, data: result, functionName: calls[i].functionName} as never)) as never
}

const CALL_FAILED = toFunctionSelector('CallFailed(uint256,bytes)')
