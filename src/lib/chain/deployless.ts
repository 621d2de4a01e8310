import {type Abi, type Address, type BlockTag, decodeAbiParameters, decodeErrorResult, decodeFunctionResult, encodeDeployData, encodeFunctionData, type Hex, numberToHex} from 'viem'

import {nectarError} from '../core/errors.js'
import {callReaderAbi, callReaderBytecode} from '../contracts/generated/CallReader.js'
import {type ChainClient} from './client.js'
import {rpcCall, RpcResponseError} from './rpc.js'

/** One ABI word (32 bytes) of hex, left-padded; for hand-encoding constructor arguments of readers. */
export const abiWord = (hex: string): string => hex.toLowerCase().replace(/^0x/, '').padStart(64, '0')

/**
 * Runs creation code inside eth_call (no `to`, nothing deployed, works on any chain) and returns what
 * it reverts with. The readers in contracts/readers return their results as revert data, because
 * creation output is capped at 24 KiB (EIP-170) and revert data is not.
 */
export async function runDeployless(client: ChainClient, data: Hex, block: BlockTag | Hex = 'latest'): Promise<Hex> {
  try {
    // Straight to the RPC when the client names it: viem's request wrapper would build two errors around
    // each answer, copying its message (on anvil, the whole revert data again as text: 250 KB a call).
    // Any other answer is asked again through viem, whose errors the rest of nectar knows how to word.
    if (client.rpcUrl) {
      const direct = await rpcCall(client.rpcUrl, {method: 'eth_call', params: [{data}, block]}).catch((error: unknown) => error)
      if (direct instanceof RpcResponseError && typeof direct.data === 'string' && direct.data.startsWith('0x')) return direct.data as Hex
      if (!(direct instanceof Error)) return '0x' // no revert: the reader returned nothing
      if (!(direct instanceof RpcResponseError)) throw direct
    }
    await client.request({method: 'eth_call', params: [{data}, block]} as never)
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

interface ReadCall {
  abi: Abi | readonly unknown[]
  address: Address
  args?: readonly unknown[]
  functionName: string
}

/**
 * viem's `multicall({deployless: true, allowFailure: false})` on any EVM since byzantium: the calls run
 * in one eth_call of contracts/readers/CallReader.sol, where viem's own deployless Multicall3 needs
 * PUSH0 (Shanghai) and fails on a 2018-era chain such as SONM's sidechain. A call that fails, or whose
 * answer does not decode, is read again alone with readContract, so it throws viem's own error for it
 * (the revert reason, or "returned no data"), as viem's multicall does.
 */
export async function deploylessMulticall(client: ChainClient, request: {blockNumber?: bigint; blockTag?: BlockTag; contracts: readonly ReadCall[]}): Promise<unknown[]> {
  const {blockNumber, blockTag, contracts} = request
  const data = encodeDeployData({
    abi: callReaderAbi,
    args: [contracts.map((c) => c.address), contracts.map((c) => encodeFunctionData(c as Parameters<typeof encodeFunctionData>[0]))],
    bytecode: callReaderBytecode,
  })
  const out = await runDeployless(client, data, blockNumber === undefined ? (blockTag ?? 'latest') : numberToHex(blockNumber))
  const readAlone = async (index: number): Promise<never> => {
    await client.readContract({...(contracts[index] as Parameters<ChainClient['readContract']>[0]), blockNumber, blockTag} as never)
    throw nectarError('READ_FAILED', `The call ${contracts[index].functionName} on ${contracts[index].address} failed in a batch but not alone.`, {hint: 'Run the command again.'})
  }
  let results: readonly Hex[]
  try {
    ;[results] = decodeAbiParameters([{type: 'bytes[]'}], out)
  } catch {
    const failed = decodeErrorResult({abi: callReaderAbi, data: out})
    return readAlone(Number(failed.args[0]))
  }
  return Promise.all(results.map(async (result, i) => {
    try {
      return decodeFunctionResult({abi: contracts[i].abi as Abi, data: result, functionName: contracts[i].functionName})
    } catch {
      return readAlone(i)
    }
  }))
}
