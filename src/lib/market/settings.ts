// Where the market's contracts are: each address from the profile when it names one, else from the
// SONM address registry it names (sonmRegistry), read once per command. A command asks only for the
// contracts it uses, so reading offers works with a market (and an oracle) alone.
import {type Address} from 'viem'

import {type ChainClient} from '../chain/client.js'
import {requireContract, type Settings} from '../config/settings.js'
import {type MarketContract, readAddressRegistry} from './address-registry.js'

export type MarketAddresses = Record<MarketContract, Address>

/** The market plus `also`: from the profile, else the address registry; a missing one is an error naming the fix. */
export async function marketAddresses<K extends Exclude<MarketContract, 'market'>>(
  client: ChainClient,
  settings: Settings,
  also: readonly K[],
): Promise<Pick<MarketAddresses, 'market' | K>> {
  const contracts = settings.network.contracts ?? {}
  const names: Array<'market' | K> = ['market', ...also]
  const missing = names.filter((name) => !contracts[name])
  const registry = contracts.sonmRegistry
  const fromRegistry = missing.length > 0 && registry ? await readAddressRegistry(client, registry, missing) : {}
  const out = {} as Record<'market' | K, Address>
  for (const name of names) out[name] = contracts[name] ?? (fromRegistry as Record<string, Address>)[name] ?? requireContract(settings, name)
  return out
}
