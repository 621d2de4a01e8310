import {nectarError, quote} from '../core/errors.js'
import {closest} from '../core/suggest.js'
import {isReservedName} from '../core/names.js'
import {BUILTIN_NETWORKS} from './networks.js'
import {type Settings, type SettingSource} from './settings.js'
import {type ConfigData} from './store.js'

const PROFILE_FIELDS = ['chainId', 'rpcUrl', 'devnet', 'contracts', 'endpoints']
const CONTRACTS = ['nec', 'controller', 'multicall3', 'snm', 'oracle', 'market', 'blacklist', 'profileRegistry', 'sonmRegistry', 'proposalManager']
/** Keys `config get|set|unset` accept: top-level settings and dot paths into network profiles. */
const KEY = new RegExp(`^(network|account|networks\\.[a-z0-9][a-z0-9_-]{0,31}(\\.(chainId|rpcUrl|devnet|contracts(\\.(${CONTRACTS.join('|')}))?|endpoints(\\.0x[0-9a-fA-F]{40})?))?)$`)

/** The keys a misspelt `key` may have meant: the top-level ones, and the fields of the profile it names. */
function keysLike(key: string): string[] {
  const [, name = 'NAME'] = key.split('.')
  const profile = `networks.${name.toLowerCase()}`
  return ['network', 'account', ...PROFILE_FIELDS.map((f) => `${profile}.${f}`), ...CONTRACTS.map((c) => `${profile}.contracts.${c}`)]
}

export function checkKey(key: string): string[] {
  if (!KEY.test(key) || key.split('.').some(isReservedName)) {
    const guess = key.length <= 200 ? closest(key, keysLike(key)) : undefined
    const keys = 'Keys: network, account, networks.NAME.rpcUrl, networks.NAME.chainId, networks.NAME.contracts.nec, networks.NAME.endpoints.PROVIDER_ADDRESS (see `nectar config list`).'
    throw nectarError('UNKNOWN_CONFIG_KEY', `${quote(key)} is not a config key.`, {hint: guess ? `Did you mean \`${guess}\`? ${keys}` : keys})
  }
  const path = key.split('.')
  // One entry per provider however its address is written: endpoints are keyed in lower case.
  if (path[2] === 'endpoints' && path[3]) path[3] = path[3].toLowerCase()
  return path
}

export function getKey(config: ConfigData, key: string): unknown {
  let node: unknown = config
  for (const part of checkKey(key)) node = node && typeof node === 'object' && Object.hasOwn(node, part) ? (node as Record<string, unknown>)[part] : undefined
  return node
}

/** Values are strings on the command line; chainId becomes an integer and devnet a boolean. */
function coerce(path: string[], value: string): unknown {
  const last = path.at(-1)
  if (last === 'chainId') {
    if (!/^\d{1,16}$/.test(value)) throw nectarError('CONFIG_INVALID_VALUE', `chainId must be a positive integer, not ${JSON.stringify(value)}.`)
    return Number(value)
  }
  if (path[2] === 'endpoints' && path.length === 4) {
    let url: URL | undefined
    try {
      url = new URL(value)
    } catch {}
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
      throw nectarError('CONFIG_INVALID_VALUE', `An agent endpoint must be an http(s) URL, not ${JSON.stringify(value)}.`, {hint: 'Give a URL such as https://agent.example.org:8701.'})
    }
    return value.replace(/\/+$/, '')
  }
  if (last === 'devnet') {
    if (value !== 'true' && value !== 'false') throw nectarError('CONFIG_INVALID_VALUE', 'devnet must be true or false.')
    return value === 'true'
  }
  return value
}

export function setKey(config: ConfigData, key: string, value: string): void {
  const path = checkKey(key)
  // A first setting of a built-in profile (networks.mainnet.rpcUrl) starts from its chain id, which every stored profile has.
  const [, name] = path
  if (path[0] === 'networks' && name && path.length > 2 && !(config.networks && Object.hasOwn(config.networks, name)) && Object.hasOwn(BUILTIN_NETWORKS, name)) {
    config.networks = {...config.networks, [name]: {chainId: BUILTIN_NETWORKS[name].chainId}}
  }
  let node = config as Record<string, unknown>
  for (const part of path.slice(0, -1)) {
    if (!Object.hasOwn(node, part)) node[part] = {}
    node = node[part] as Record<string, unknown>
  }
  node[path.at(-1)!] = coerce(path, value)
}

export function unsetKey(config: ConfigData, key: string): boolean {
  const path = checkKey(key)
  let node = config as Record<string, unknown> | undefined
  for (const part of path.slice(0, -1)) node = node && Object.hasOwn(node, part) ? (node[part] as Record<string, unknown>) : undefined
  if (!node || !Object.hasOwn(node, path.at(-1)!)) return false
  delete node[path.at(-1)!]
  return true
}

/** Every set value as flat dot-path pairs. */
export function flatten(value: unknown, prefix = ''): Array<[string, unknown]> {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    return Object.entries(value).flatMap(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k))
  }
  return [[prefix, value]]
}

/** What `config get` and `config set` report. */
export interface ConfigValue {
  key: string
  value: unknown
}

/** What `config unset` reports. */
export interface UnsetKey {
  key: string
  removed: boolean
}

/** What `config list` reports: every value set in the file, and where the effective settings come from. */
export interface ConfigListing {
  effective: Record<'account' | 'network' | 'rpcUrl', {source: SettingSource | null; value: string | null}>
  values: Record<string, unknown>
}

export function configListing(config: ConfigData, s: Settings): ConfigListing {
  const values = flatten({account: config.account, network: config.network, networks: config.networks}).filter(([, v]) => v !== undefined)
  return {
    effective: {
      account: {source: s.accountSource ?? null, value: s.account ?? null},
      network: {source: s.networkSource, value: s.network.name},
      rpcUrl: {source: s.rpcUrlSource ?? null, value: s.rpcUrl ?? null},
    },
    values: Object.fromEntries(values),
  }
}
