// `network add|remove|use`: changes to the network profiles in the config store. viem (address
// checksums) is loaded only by `network add`, and only when it needs it; the chain id is read by the
// caller's function (this layer does not talk to nodes).
import {nectarError} from '../core/errors.js'
import {isReservedName} from '../core/names.js'
import {BUILTIN_NETWORKS, requireNetwork} from './networks.js'
import {type ConfigData, type NetworkProfile, readConfig, updateConfig} from './store.js'

/** Own properties only: `constructor` or `__proto__` must not find Object.prototype's. */
const builtinProfile = (name: string): NetworkProfile | undefined => (Object.hasOwn(BUILTIN_NETWORKS, name) ? BUILTIN_NETWORKS[name] : undefined)
const storedProfile = (config: ConfigData, name: string): NetworkProfile | undefined =>
  config.networks && Object.hasOwn(config.networks, name) ? config.networks[name] : undefined

export interface AddNetworkRequest {
  /** Chain id; read from the endpoint when not given. */
  chainId?: number
  /** Contact the endpoint to read or check the chain id (default true). */
  check?: boolean
  controller?: string
  /** Replace an existing profile of that name. */
  force?: boolean
  name: string
  nec?: string
  rpcUrl?: string
  /** Make it the active network. */
  use?: boolean
}

/** What `network add` reports: the saved profile with its name. */
export type SavedNetwork = NetworkProfile & {name: string}

/**
 * Adds a profile, or sets the RPC URL of a built-in one. The chain id is read from the endpoint with
 * `readChainId` when not given, and checked against it when it is (unless `check` is false).
 */
export async function addNetwork(configDir: string, request: AddNetworkRequest, readChainId: (rpcUrl: string) => Promise<number>): Promise<SavedNetwork> {
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
  let chainId = request.chainId ?? existing?.chainId ?? builtin?.chainId
  if (rpcUrl && request.check !== false) {
    const served = await readChainId(rpcUrl)
    if (chainId !== undefined && served !== chainId) {
      throw nectarError('WRONG_CHAIN', `${rpcUrl} serves chain id ${served}, not ${chainId}.`, {hint: 'Check the URL, or pass the right --chain-id.'})
    }
    chainId = served
  }
  if (chainId === undefined) throw nectarError('NO_CHAIN_ID', 'The chain id is unknown.', {hint: 'Pass --chain-id, or drop --no-check so it is read from the endpoint.'})
  const contracts: NetworkProfile['contracts'] = {...(force ? {} : existing?.contracts)}
  if (request.nec || request.controller) {
    const {parseAddress} = await import('../core/addresses.js')
    if (request.nec) contracts.nec = parseAddress(request.nec, '--nec')
    if (request.controller) contracts.controller = parseAddress(request.controller, '--controller')
  }
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
