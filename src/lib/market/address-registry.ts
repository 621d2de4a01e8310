// SONM's address registry (AddressHashMap): one contract whose read(bytes32) gives every other market
// address under an ASCII key right-padded to 32 bytes. SONM's own client starts from it alone
// (sonm-io/core blockchain/addresses.go); so can we.
import {type Address, getAddress, stringToHex, zeroAddress} from 'viem'

import {type ChainClient} from '../chain/client.js'
import {nectarError} from '../core/errors.js'
import {addressHashMapAbi} from '../contracts/generated/AddressHashMap.js'

/** SONM livenet's registry on its sidechain (blockchain/addresses.go). */
export const SONM_LIVENET_REGISTRY = '0xd1a6f3d1ae33b4b19565a6b283d7a05c5a0decb0'

/** Our contract names and SONM's registry keys for them. */
export const SONM_REGISTRY_KEYS = {
  blacklist: 'blacklistAddress',
  market: 'marketAddress',
  oracle: 'oracleUsdAddress',
  profileRegistry: 'profileRegistryAddress',
  snm: 'sidechainSNMAddress',
} as const

export type MarketContract = keyof typeof SONM_REGISTRY_KEYS

export const registryKey = (name: MarketContract) => stringToHex(SONM_REGISTRY_KEYS[name], {size: 32})

/** The addresses of `names` from the registry; no code there, or a key that reads 0x0, is an error naming it. */
export async function readAddressRegistry<K extends MarketContract>(client: ChainClient, registry: Address, names: readonly K[]): Promise<Record<K, Address>> {
  const code = await client.getCode({address: registry})
  if (!code || code === '0x') {
    throw nectarError('REGISTRY_NO_CODE', `There is no contract at the address registry ${registry} on this chain.`, {
      hint: 'Check the address (SONM livenet: 0xd1a6f3d1ae33b4b19565a6b283d7a05c5a0decb0) and that the RPC URL is the SONM sidechain.',
    })
  }
  const read = async (name: K) => {
    let value: Address
    try {
      value = await client.readContract({abi: addressHashMapAbi, address: registry, args: [registryKey(name)], functionName: 'read'})
    } catch (error) {
      throw nectarError('REGISTRY_UNREADABLE', `${registry} does not answer read(bytes32): it is not a SONM address registry.`, {cause: error})
    }
    if (value === zeroAddress) {
      throw nectarError('REGISTRY_KEY_MISSING', `The address registry ${registry} has no ${SONM_REGISTRY_KEYS[name]}.`, {
        hint: `Give the ${name} address yourself (\`nectar network add NAME --${name === 'profileRegistry' ? 'profile-registry' : name} ADDRESS\`).`,
      })
    }
    return [name, getAddress(value)] as const
  }
  return Object.fromEntries(await Promise.all(names.map(read))) as Record<K, Address>
}
