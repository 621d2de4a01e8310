// `network add|remove|use`: changes to the network profiles in the config store. viem (address
// checksums) is loaded only by `network add`, and only when it needs it; the chain id and a SONM
// address registry are read by the caller's functions (this layer does not talk to nodes).
import {nectarError} from '../core/errors.js'
import {isReservedName} from '../core/names.js'
import {BUILTIN_NETWORKS, requireNetwork} from './networks.js'
import {type ConfigData, type ContractName, type NetworkProfile, readConfig, updateConfig} from './store.js'

/** Own properties only: `constructor` or `__proto__` must not find Object.prototype's. */
const builtinProfile = (name: string): NetworkProfile | undefined => (Object.hasOwn(BUILTIN_NETWORKS, name) ? BUILTIN_NETWORKS[name] : undefined)
const storedProfile = (config: ConfigData, name: string): NetworkProfile | undefined =>
  config.networks && Object.hasOwn(config.networks, name) ? config.networks[name] : undefined

/** The market's contracts a SONM address registry names (market/address-registry.ts has SONM's keys for them). */
export const REGISTRY_CONTRACTS = ['market', 'snm', 'oracle', 'blacklist', 'profileRegistry'] as const
export type RegistryContract = (typeof REGISTRY_CONTRACTS)[number]

/** Contract addresses `network add` takes as flags, under the config's names. */
const ADDRESS_FLAGS: ReadonlyArray<[Exclude<ContractName, 'multicall3' | 'proposalManager'>, string]> = [
  ['nec', '--nec'],
  ['controller', '--controller'],
  ['market', '--market'],
  ['snm', '--snm'],
  ['oracle', '--oracle'],
  ['blacklist', '--blacklist'],
  ['profileRegistry', '--profile-registry'],
  ['sonmRegistry', '--sonm-registry'],
]

export interface AddNetworkRequest {
  blacklist?: string
  /** Chain id; read from the endpoint when not given. */
  chainId?: number
  /** Contact the endpoint to read or check the chain id, and read the SONM registry (default true). */
  check?: boolean
  controller?: string
  /** Replace an existing profile of that name. */
  force?: boolean
  market?: string
  name: string
  nec?: string
  oracle?: string
  profileRegistry?: string
  rpcUrl?: string
  snm?: string
  /** SONM's address registry (AddressHashMap): the market's addresses not given are read from it. */
  sonmRegistry?: string
  /** Make it the active network. */
  use?: boolean
}

/** Reads `names` from the SONM address registry at `registry` over `rpcUrl` (market/address-registry.ts). */
export type ReadRegistry = (rpcUrl: string, chainId: number, registry: `0x${string}`, names: RegistryContract[]) => Promise<Partial<Record<RegistryContract, `0x${string}`>>>

/** What `network add` reports: the saved profile with its name. */
export type SavedNetwork = NetworkProfile & {name: string}

/**
 * Adds a profile, or sets the RPC URL of a built-in one. The chain id is read from the endpoint with
 * `readChainId` when not given, and checked against it when it is (unless `check` is false). With a
 * SONM registry, the market's addresses not given as flags are read from it with `readRegistry` and
 * stored with it (with `check` false, the registry alone is stored and read at run time). Every
 * address is checked before anything is contacted, and nothing is written unless all of it worked.
 */
export async function addNetwork(
  configDir: string,
  request: AddNetworkRequest,
  readChainId: (rpcUrl: string) => Promise<number>,
  readRegistry?: ReadRegistry,
): Promise<SavedNetwork> {
  const {force, name, rpcUrl} = request
  if (!/^[a-z0-9][a-z0-9_-]{0,31}$/.test(name) || isReservedName(name)) {
    throw nectarError('INVALID_NETWORK_NAME', `${JSON.stringify(name)} is not a valid profile name${isReservedName(name) ? ' (every object has it)' : ''}.`, {hint: 'Use lower case letters, digits, - and _ (up to 32).'})
  }
  const builtin = builtinProfile(name)
  if (!rpcUrl && !builtin) throw nectarError('NO_RPC_URL', 'A new network needs --rpc-url.', {hint: `nectar network add ${name} --rpc-url URL`})
  const existing = storedProfile(readConfig(configDir), name)
  if (existing && !force && !builtin) {
    throw nectarError('NETWORK_EXISTS', `A network named ${name} exists already.`, {hint: 'Pass --force to replace it, or pick another name.'})
  }
  const given: NetworkProfile['contracts'] = {}
  if (ADDRESS_FLAGS.some(([key]) => request[key])) {
    const {parseAddress} = await import('../core/addresses.js')
    for (const [key, flag] of ADDRESS_FLAGS) if (request[key]) given[key] = parseAddress(request[key], flag)
  }
  let chainId = request.chainId ?? existing?.chainId ?? builtin?.chainId
  if (rpcUrl && request.check !== false) {
    const served = await readChainId(rpcUrl)
    if (chainId !== undefined && served !== chainId) {
      throw nectarError('WRONG_CHAIN', `${rpcUrl} serves chain id ${served}, not ${chainId}.`, {hint: 'Check the URL, or pass the right --chain-id.'})
    }
    chainId = served
  }
  if (chainId === undefined) throw nectarError('NO_CHAIN_ID', 'The chain id is unknown.', {hint: 'Pass --chain-id, or drop --no-check so it is read from the endpoint.'})
  let fromRegistry: Partial<Record<RegistryContract, `0x${string}`>> = {}
  const unread = REGISTRY_CONTRACTS.filter((key) => !given[key])
  if (given.sonmRegistry && request.check !== false && unread.length > 0) {
    const url = rpcUrl ?? existing?.rpcUrl ?? builtin?.rpcUrl
    if (!readRegistry) throw new Error('addNetwork: a SONM registry needs readRegistry')
    if (!url) {
      throw nectarError('NO_RPC_URL', `Reading the address registry needs the ${name} network's RPC URL.`, {
        hint: 'Pass --rpc-url URL, or --no-check to store the registry and read it at run time.',
      })
    }
    fromRegistry = await readRegistry(url, chainId, given.sonmRegistry, unread)
  }
  const contracts: NetworkProfile['contracts'] = {...(force ? {} : existing?.contracts), ...fromRegistry, ...given}
  const profile: NetworkProfile = {...(force ? {} : existing), chainId, contracts, ...(rpcUrl ? {rpcUrl} : {})}
  updateConfig(configDir, (config) => {
    config.networks = {...config.networks, [name]: profile}
    if (request.use) config.network = name
  })
  return {name, ...profile}
}

/** What `network remove` reports. */
export interface RemovedNetwork {
  name: string
  removed: boolean
}

/** Removes a stored profile (for a built-in one, its overrides); the active network falls back to the default. */
export function removeNetwork(configDir: string, name: string): RemovedNetwork {
  let removed = false
  updateConfig(configDir, (config) => {
    if (!storedProfile(config, name)) {
      throw nectarError('UNKNOWN_NETWORK', builtinProfile(name) ? `${name} is built in and has no overrides to remove.` : `There is no network profile named ${JSON.stringify(name)}.`, {
        hint: 'See `nectar network list`.',
      })
    }
    delete config.networks![name]
    removed = true
    if (config.network === name && !builtinProfile(name)) delete config.network
  })
  return {name, removed}
}

/** What `network use` reports. */
export interface ActiveNetwork {
  network: string
}

export function useNetwork(configDir: string, name: string): ActiveNetwork {
  updateConfig(configDir, (config) => {
    requireNetwork(config, name)
    config.network = name
  })
  return {network: name}
}
