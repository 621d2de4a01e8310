import {nectarError} from '../core/errors.js'
import {closest} from '../core/suggest.js'
import {type ConfigData, type NetworkProfile} from './store.js'

export const DEVNET = 'devnet'
export const DEVNET_CHAIN_ID = 31337
export const DEVNET_DEFAULT_PORT = 8545

/** Profiles every user has. Stored profiles of the same name override their fields. */
export const BUILTIN_NETWORKS: Readonly<Record<string, NetworkProfile>> = {
  devnet: {chainId: DEVNET_CHAIN_ID, devnet: true, rpcUrl: `http://127.0.0.1:${DEVNET_DEFAULT_PORT}`},
  mainnet: {
    chainId: 1,
    contracts: {
      controller: '0x0e55c54249f25f70d519b7fb1c20e3331e7ba76d',
      nec: '0xcc80c051057b774cd75067dc48f8987c4eb97a5e',
      // nec-community's ProposalManager (nectar.community governance); `gov list|show|verify` read it.
      proposalManager: '0xb24ed9d62d4c660faf56a4cddada06c88b2d5ddb',
    },
  },
  // SONM livenet, on SONM's sidechain. 444 is the network id of SONM's Truffle network `privateLive`
  // (the sidechain's chain id is taken to be the same; `network add sonm --rpc-url URL` checks it
  // against the node, and --chain-id corrects it). No RPC URL until the user sets one. The market's
  // addresses come from SONM's address registry at run time (market/settings.ts), as SONM's own
  // client finds them (sonm-io/core blockchain/addresses.go); market/address-registry.ts has the same.
  sonm: {chainId: 444, contracts: {sonmRegistry: '0xd1a6f3d1ae33b4b19565a6b283d7a05c5a0decb0'}},
}

export interface NamedProfile extends NetworkProfile {
  builtin: boolean
  name: string
}

/** All profiles, built-in and stored, merged by name. */
export function listNetworks(config: ConfigData): NamedProfile[] {
  const names = [...new Set([...Object.keys(BUILTIN_NETWORKS), ...Object.keys(config.networks ?? {})])]
  return names.sort().map((name) => getNetwork(config, name)!)
}

export function getNetwork(config: ConfigData, name: string): NamedProfile | undefined {
  // Own properties only: `__proto__` or `constructor` must not find Object.prototype's.
  const builtin = Object.hasOwn(BUILTIN_NETWORKS, name) ? BUILTIN_NETWORKS[name] : undefined
  const stored = config.networks && Object.hasOwn(config.networks, name) ? config.networks[name] : undefined
  if (!builtin && !stored) return undefined
  return {
    ...builtin,
    ...stored,
    builtin: Boolean(builtin),
    chainId: stored?.chainId ?? builtin!.chainId,
    contracts: {...builtin?.contracts, ...stored?.contracts},
    name,
  }
}

export function requireNetwork(config: ConfigData, name: string): NamedProfile {
  const profile = getNetwork(config, name)
  if (!profile) {
    const known = listNetworks(config).map((n) => n.name)
    const guess = closest(name, known)
    throw nectarError('UNKNOWN_NETWORK', `There is no network profile named ${JSON.stringify(name)}.`, {
      hint: `${guess ? `Did you mean \`${guess}\`? ` : ''}Known networks: ${known.join(', ')}. Add one with \`nectar network add ${name} --rpc-url URL --chain-id N\`.`,
    })
  }
  return profile
}

/** One profile as `network list` shows it. */
export interface NetworkRow {
  active: boolean
  builtin: boolean
  chainId: number
  contracts: NonNullable<NetworkProfile['contracts']>
  name: string
  rpcUrl: null | string
}

/** What `network list` reports. */
export interface NetworkListing {
  active: string
  networks: NetworkRow[]
}

export function networkListing(config: ConfigData, active: string): NetworkListing {
  return {
    active,
    networks: listNetworks(config).map((n) => ({
      active: n.name === active,
      builtin: n.builtin,
      chainId: n.chainId,
      contracts: n.contracts ?? {},
      name: n.name,
      rpcUrl: n.rpcUrl ?? null,
    })),
  }
}
