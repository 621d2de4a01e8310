import {type Hex} from 'viem'

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
