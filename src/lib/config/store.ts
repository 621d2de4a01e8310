import {randomBytes} from 'node:crypto'
import {closeSync, fsyncSync, mkdirSync, openSync, readFileSync, realpathSync, renameSync, rmSync, writeSync} from 'node:fs'
import path from 'node:path'

import {nectarError} from '../core/errors.js'
import validate from './validate-config.gen.js'

export type ContractName = 'blacklist' | 'controller' | 'market' | 'multicall3' | 'nec' | 'oracle' | 'profileRegistry' | 'proposalManager' | 'snm' | 'sonmRegistry'

export interface NetworkProfile {
  chainId: number
  contracts?: Partial<Record<ContractName, `0x${string}`>>
  devnet?: boolean
  /** Agent URLs by provider address (lower case), used before the URL the provider published on chain. */
  endpoints?: Record<string, string>
  rpcUrl?: string
}

export interface ConfigData {
  account?: string
  network?: string
  networks?: Record<string, NetworkProfile>
  version?: 1
}

/** What `config path` reports. */
export interface ConfigPaths {
  configDir: string
  configFile: string
  dataDir: string
}

export function configFilePath(configDir: string): string {
  return path.join(configDir, 'config.json')
}

function describeErrors(): string[] {
  return (validate.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message}${e.params && 'allowedValues' in e.params ? ' ' + JSON.stringify(e.params.allowedValues) : ''}`)
}

/**
 * Reads the config file. A missing file is an empty config; a file that is not JSON or breaks the
 * schema is an error naming the path: it is never silently replaced.
 */
export function readConfig(configDir: string): ConfigData {
  const file = configFilePath(configDir)
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {version: 1}
    throw nectarError('CONFIG_UNREADABLE', `Cannot read the config file ${file}.`, {cause: error, hint: 'Check its permissions.'})
  }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw nectarError('CONFIG_CORRUPT', `The config file ${file} is not valid JSON.`, {
      cause: error,
      details: [(error as Error).message],
      hint: `Fix it by hand, or move it away (mv ${file} ${file}.bak) to start afresh.`,
    })
  }
  dropRetiredKeys(data)
  if (!validate(data)) {
    throw nectarError('CONFIG_INVALID', `The config file ${file} does not match the schema.`, {
      details: describeErrors(),
      hint: `Fix the listed fields (nectar config list shows the rest), or move the file away to start afresh.`,
    })
  }
  return data as ConfigData
}

/**
 * Keys earlier versions wrote that mean nothing now, dropped on read (and so on the next write):
 * `contracts.registry` was our own ProviderRegistry, replaced by SONM's ProfileRegistry.
 */
function dropRetiredKeys(data: unknown): void {
  const networks = (data as ConfigData | null)?.networks
  if (!networks || typeof networks !== 'object') return
  for (const profile of Object.values(networks)) {
    const contracts = (profile as NetworkProfile | null)?.contracts as Record<string, unknown> | undefined
    if (contracts && typeof contracts === 'object') delete contracts.registry
  }
}

/** Validates and writes the whole config atomically (temp file, fsync, rename) with mode 0600. */
export function writeConfig(configDir: string, data: ConfigData): void {
  const next = {...data, version: 1 as const}
  if (!validate(next)) {
    throw nectarError('CONFIG_INVALID_VALUE', 'That change would break the config schema.', {
      details: describeErrors(),
      hint: 'See `nectar config list` for the keys and their current values.',
    })
  }
  mkdirSync(configDir, {mode: 0o700, recursive: true})
  atomicWrite(throughLinks(configFilePath(configDir)), JSON.stringify(next, null, 2) + '\n')
}

/** Reads, changes and writes the config in one step. */
export function updateConfig(configDir: string, change: (data: ConfigData) => void): ConfigData {
  const data = readConfig(configDir)
  change(data)
  writeConfig(configDir, data)
  return data
}

/** A symlinked config (dotfiles kept in a repo, say) is written where the link points, not replaced by a plain file. */
function throughLinks(file: string): string {
  try {
    return realpathSync(file)
  } catch {
    return file
  }
}

export function atomicWrite(file: string, contents: string, mode = 0o600): void {
  const tmp = `${file}.tmp-${randomBytes(4).toString('hex')}`
  const fd = openSync(tmp, 'w', mode)
  try {
    writeSync(fd, contents)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  try {
    renameSync(tmp, file)
  } catch (error) {
    rmSync(tmp, {force: true})
    throw error
  }
}
