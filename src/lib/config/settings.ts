import {nectarError} from '../core/errors.js'
import {maskUrl} from '../core/urls.js'
import {DEVNET, type NamedProfile, requireNetwork} from './networks.js'
import {type ConfigData} from './store.js'

export interface SettingFlags {
  account?: string
  network?: string
  'rpc-url'?: string
}

export type SettingSource = 'default' | 'env' | 'flag' | 'profile' | 'config'

export interface Settings {
  account?: string
  accountSource?: SettingSource
  network: NamedProfile
  networkSource: SettingSource
  rpcUrl?: string
  rpcUrlSource?: SettingSource
}

/**
 * Resolves the network, RPC URL and account: flag, then environment (NECTAR_*; ETH_RPC_URL as
 * Foundry users expect), then the config store, then the built-in default.
 */
export function resolveSettings(flags: SettingFlags, env: NodeJS.ProcessEnv, config: ConfigData): Settings {
  const [networkName, networkSource]: [string, SettingSource] = flags.network
    ? [flags.network, 'flag']
    : env.NECTAR_NETWORK
      ? [env.NECTAR_NETWORK, 'env']
      : config.network
        ? [config.network, 'config']
        : [DEVNET, 'default']
  const network = requireNetwork(config, networkName)

  let rpcUrl: string | undefined
  let rpcUrlSource: SettingSource | undefined
  if (flags['rpc-url']) [rpcUrl, rpcUrlSource] = [flags['rpc-url'], 'flag']
  else if (env.NECTAR_RPC_URL) [rpcUrl, rpcUrlSource] = [env.NECTAR_RPC_URL, 'env']
  else if (env.ETH_RPC_URL) [rpcUrl, rpcUrlSource] = [env.ETH_RPC_URL, 'env']
  else if (network.rpcUrl) [rpcUrl, rpcUrlSource] = [network.rpcUrl, 'profile']
  if (rpcUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(rpcUrl)) {
    throw nectarError('INVALID_RPC_URL', `The RPC URL ${JSON.stringify(maskUrl(rpcUrl))} is not an http(s) URL.`, {
      hint: 'Give a URL such as http://127.0.0.1:8545 or https://eth.example.org.',
    })
  }

  let account: string | undefined
  let accountSource: SettingSource | undefined
  if (flags.account) [account, accountSource] = [flags.account, 'flag']
  else if (env.NECTAR_ACCOUNT) [account, accountSource] = [env.NECTAR_ACCOUNT, 'env']
  else if (config.account) [account, accountSource] = [config.account, 'config']
  else if (network.devnet) [account, accountSource] = ['dev0', 'default']

  return {account, accountSource, network, networkSource, rpcUrl, rpcUrlSource}
}

export function requireRpcUrl(settings: Settings): string {
  if (settings.rpcUrl) return settings.rpcUrl
  const {builtin, chainId, name} = settings.network
  throw nectarError('NO_RPC_URL', `The network ${name} has no RPC URL.`, {
    hint: `Pass --rpc-url, set ETH_RPC_URL, or save one with \`nectar network add ${name} --rpc-url URL${builtin ? '' : ` --chain-id ${chainId}`}\`.`,
  })
}

/** A contract address from the active profile, or an error naming the profile and the fix. */
export function requireContract(settings: Settings, name: keyof NonNullable<Settings['network']['contracts']>): `0x${string}` {
  const address = settings.network.contracts?.[name]
  if (address) return address
  const devnet = settings.network.devnet
  throw nectarError('NO_CONTRACT_ADDRESS', `The network ${settings.network.name} has no ${name} address.`, {
    hint: devnet
      ? 'Start the devnet with `nectar devnet up`; it deploys the contracts and records their addresses.'
      : `Set it with \`nectar config set networks.${settings.network.name}.contracts.${name} 0x…\`.`,
  })
}
