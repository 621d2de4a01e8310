// The deals of a `compute batch`, checked before any job starts: each must exist, be rented by the
// signer, and be open (not closed, and a forward deal not past its end). A deal's slots, the tasks it
// runs at once, are its cpuCores benchmark: one task per CPU thread the renter bought (the agent sets
// no cap of its own, and a container job is limited to the deal's cores).
import {type Address, isAddressEqual} from 'viem'

import {type ChainClient} from '../chain/client.js'
import {nectarError} from '../core/errors.js'
import {getDeal} from '../market/deals.js'

export interface BatchDealCheck {
  /** The deal's cpuCores (at least 1). */
  cores: number
  dealId: bigint
}

export async function checkBatchDeals(client: ChainClient, {dealIds, market, signer}: {dealIds: readonly bigint[]; market: Address; signer: Address}): Promise<BatchDealCheck[]> {
  const [deals, block] = await Promise.all([Promise.all(dealIds.map((id) => getDeal(client, market, id))), client.getBlock({blockTag: 'latest'})])
  return dealIds.map((dealId, i) => {
    const deal = deals[i]
    if (!deal) throw nectarError('NO_SUCH_DEAL', `There is no deal ${dealId} on this market; no job was started.`, {hint: 'List your deals with `nectar compute deals`, and give each with --deal.'})
    if (!isAddressEqual(deal.consumer, signer)) {
      throw nectarError('NOT_CONSUMER', `Deal ${dealId} is not yours: it was rented by ${deal.consumer}, and you sign as ${signer}; no job was started.`, {
        hint: `Drop --deal ${dealId}, or run as the account that rented it (--account).`,
      })
    }
    const ended = deal.status === 'closed' || (deal.duration > 0n && deal.endTime <= block.timestamp)
    if (ended) {
      throw nectarError('DEAL_CLOSED', `Deal ${dealId} is ${deal.status === 'closed' ? 'closed' : 'past its end'}: it runs no more jobs; no job was started.`, {
        hint: `Drop --deal ${dealId}; rent another machine with \`nectar compute order\` (see \`nectar compute deals\`).`,
      })
    }
    const cores = Number(deal.benchmarks.cpuCores ?? 0n)
    return {cores: Number.isSafeInteger(cores) && cores > 0 ? cores : 1, dealId}
  })
}
