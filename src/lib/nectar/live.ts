// Best-effort read of the live issuance state for projections: a chain that is down, slow or not
// configured is reported as a reason, never as a failure. Loads viem only when called.
import {type ChainClient} from '../chain/client.js'
import {toNectarError} from '../core/to-nectar-error.js'
import {type SupplyInfo} from './reads.js'

/** Where NEC lives: each part is resolved only when it is read, so an offline run touches no setting and no node. */
export interface NecSource {
  client: () => Promise<ChainClient>
  /** The network's name, for notes ("live from devnet"). */
  name: () => string
  nec: () => `0x${string}`
}

export interface LiveState {
  info?: SupplyInfo
  /** Why there is no live state (one line), when there is none. */
  reason?: string
}

export async function tryLiveState(source: NecSource, timeoutMs = 4000): Promise<LiveState> {
  let timer: NodeJS.Timeout | undefined
  try {
    const read = (async () => {
      const nec = source.nec()
      const client = await source.client()
      const {getSupplyInfo} = await import('./reads.js')
      return getSupplyInfo(client, {nec})
    })()
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs)
    })
    return {info: await Promise.race([read, timeout])}
  } catch (error) {
    return {reason: toNectarError(error).message.replace(/\.$/, '')}
  } finally {
    clearTimeout(timer)
  }
}
