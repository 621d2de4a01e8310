import {type Address, type Hex} from 'viem'

import {type ChainClient} from './client.js'

export interface LogPagesRequest {
  address: Address
  fromBlock: bigint
  /** Blocks per eth_getLogs request; halved (down to 1) while the node refuses a range. */
  pageSize: bigint
  toBlock: bigint
  topics: Array<Hex | Hex[] | null>
}

/**
 * eth_getLogs over [fromBlock, toBlock] in pages, in chain order: `onPage` gets each page's logs and
 * its last block. A node that refuses a range (too many results, a provider's cap) gets smaller ones.
 */
export async function forEachLogPage(client: ChainClient, request: LogPagesRequest, onPage: (logs: Array<{topics: Hex[]}>, to: bigint) => void): Promise<void> {
  const {address, toBlock: head, topics} = request
  let from = request.fromBlock
  let size = request.pageSize
  while (from <= head) {
    const to = from + size - 1n > head ? head : from + size - 1n
    let logs: Array<{topics: Hex[]}>
    try {
      logs = (await client.request({
        method: 'eth_getLogs',
        params: [{address, fromBlock: `0x${from.toString(16)}`, toBlock: `0x${to.toString(16)}`, topics}],
      } as never)) as Array<{topics: Hex[]}>
    } catch (error) {
      if (size > 1n) {
        size /= 2n
        continue
      }
      throw error
    }
    onPage(logs, to)
    from = to + 1n
  }
}
