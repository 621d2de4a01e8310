import {NectarError, nectarError} from '../core/errors.js'
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
  /** Where the RPC URL came from, as a person would look for it: `--rpc-url`, `ETH_RPC_URL`, `the devnet profile`. */
  rpcUrlOrigin?: string
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
  let rpcUrlOrigin: string | undefined
  if (flags['rpc-url']) [rpcUrl, rpcUrlSource, rpcUrlOrigin] = [flags['rpc-url'], 'flag', '--rpc-url']
  else if (env.NECTAR_RPC_URL) [rpcUrl, rpcUrlSource, rpcUrlOrigin] = [env.NECTAR_RPC_URL, 'env', 'NECTAR_RPC_URL']
  else if (env.ETH_RPC_URL) [rpcUrl, rpcUrlSource, rpcUrlOrigin] = [env.ETH_RPC_URL, 'env', 'ETH_RPC_URL']
  else if (network.rpcUrl) [rpcUrl, rpcUrlSource, rpcUrlOrigin] = [network.rpcUrl, 'profile', `the ${network.name} profile`]
  if (rpcUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(rpcUrl)) {
    throw nectarError('INVALID_RPC_URL', `The RPC URL ${JSON.stringify(maskUrl(rpcUrl))} (from ${rpcUrlOrigin}) is not an http(s) URL.`, {
      hint: 'Give a URL such as http://127.0.0.1:8545 or https://eth.example.org.',
    })
  }

  let account: string | undefined
  let accountSource: SettingSource | undefined
  if (flags.account) [account, accountSource] = [flags.account, 'flag']
  else if (env.NECTAR_ACCOUNT) [account, accountSource] = [env.NECTAR_ACCOUNT, 'env']
  else if (config.account) [account, accountSource] = [config.account, 'config']
  else if (network.devnet) [account, accountSource] = ['dev0', 'default']

  return {account, accountSource, network, networkSource, rpcUrl, rpcUrlOrigin, rpcUrlSource}
}

/**
 * A warning when ETH_RPC_URL, which Foundry users export for cast and forge, replaces the URL of the
 * active profile: the chain-id or connection error that may follow would otherwise be a mystery.
 */
export function rpcOverrideWarning(settings: Settings): string | undefined {
  const profileUrl = settings.network.rpcUrl
  if (settings.rpcUrlOrigin !== 'ETH_RPC_URL' || !profileUrl || profileUrl === settings.rpcUrl) return undefined
  return `ETH_RPC_URL (${maskUrl(settings.rpcUrl!)}) overrides the ${settings.network.name} profile's RPC URL (${maskUrl(profileUrl)}); unset it or pass --rpc-url to choose.`
}

const RPC_ERRORS = new Set(['RPC_BAD_RESPONSE', 'RPC_HTTP_ERROR', 'RPC_UNREACHABLE', 'WRONG_CHAIN'])

/**
 * An error about the RPC endpoint, naming where its URL came from (flag, environment or profile) and
 * how to change that. Other errors, and errors about another URL, are returned as they are.
 */
export function withRpcOrigin(error: NectarError, settings: Settings): NectarError {
  const {network, rpcUrl, rpcUrlOrigin} = settings
  if (!RPC_ERRORS.has(error.code) || !rpcUrl || !rpcUrlOrigin || error.message.includes(' comes from ')) return error
  const about = error.code === 'WRONG_CHAIN' ? `network ${network.name} expects` : maskUrl(rpcUrl)
  if (!error.message.includes(about)) return error
  const variable = rpcUrlOrigin === 'ETH_RPC_URL' || rpcUrlOrigin === 'NECTAR_RPC_URL'
  const hint = variable
    ? `${rpcUrlOrigin} is set in your environment${rpcUrlOrigin === 'ETH_RPC_URL' ? ' (Foundry reads it too)' : ''}${network.rpcUrl ? ` and takes the place of the ${network.name} profile's URL` : ''}: unset it, or pass --rpc-url.`
    : rpcUrlOrigin === '--rpc-url' || network.devnet
      ? error.hint
      : `Change the ${network.name} profile's URL with \`nectar network add ${network.name} --rpc-url URL\`, or pass --rpc-url.`
  return new NectarError(error.code, `${error.message.replace(/\.$/, '')}; the URL comes from ${rpcUrlOrigin}.`, {cause: error.cause, details: error.details, hint})
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
