// Where keystores live: nectar's own in <configDir>/keystores/<name>.json (dir 0700, files 0600,
// written atomically), plus Foundry's in ~/.foundry/keystores/<name> (no extension), read-only here.
import {chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {nectarError} from '../core/errors.js'
import {atomicWrite} from '../config/store.js'
import {isDevAccountName} from './dev-accounts.js'
import {type KeystoreV3, keystoreAddress, keystoreToText, parseKeystoreText} from './keystore.js'

export type KeystoreSource = 'foundry' | 'nectar'

export interface StoredKeystore {
  /** Lower-case 0x address from the file's `address` field; undefined when the file has none (some Foundry files). */
  address?: `0x${string}`
  name: string
  path: string
  source: KeystoreSource
}

export interface ListResult {
  keystores: StoredKeystore[]
  /** Files in the keystore dirs that could not be read as keystores (one line each). */
  problems: string[]
}

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/
const MAX_KEYSTORE_BYTES = 1024 * 1024

export function keystoreDir(configDir: string): string {
  return path.join(configDir, 'keystores')
}

/** Foundry's keystore dir; honours HOME from the given environment. */
export function foundryKeystoreDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.HOME || os.homedir(), '.foundry', 'keystores')
}

export function keystorePath(configDir: string, name: string): string {
  return path.join(keystoreDir(configDir), `${name}.json`)
}

/** Checks a name for a new nectar keystore. */
export function validateWalletName(name: string): string {
  if (!NAME.test(name)) {
    throw nectarError('INVALID_WALLET_NAME', `${JSON.stringify(name)} is not a valid wallet name.`, {
      hint: 'Use 1-64 letters, digits, "_", "." or "-", starting with a letter or digit.',
    })
  }
  if (isDevAccountName(name)) {
    throw nectarError('RESERVED_WALLET_NAME', `${name} is reserved for the devnet's dev accounts.`, {hint: 'Choose another name.'})
  }
  if (/^0x[0-9a-fA-F]{40}$/.test(name)) {
    throw nectarError('INVALID_WALLET_NAME', 'A wallet name cannot be an address.', {hint: 'Choose a name such as alice or maker-1.'})
  }
  return name
}

function readKeystoreFile(file: string, label: string): KeystoreV3 {
  let text: string
  try {
    if (statSync(file).size > MAX_KEYSTORE_BYTES) throw nectarError('INVALID_KEYSTORE', `${label} is too large to be a keystore.`)
    text = readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw nectarError('KEYSTORE_NOT_FOUND', `There is no keystore file ${file}.`, {hint: 'Check the path.'})
    }
    if ((error as {code?: string}).code === 'INVALID_KEYSTORE') throw error
    throw nectarError('KEYSTORE_UNREADABLE', `Cannot read the keystore file ${file}.`, {cause: error, hint: 'Check its permissions.'})
  }
  return parseKeystoreText(text, label)
}

/** Reads and checks a keystore file from anywhere (for `wallet import --keystore FILE`). */
export function readKeystoreAt(file: string): KeystoreV3 {
  return readKeystoreFile(file, `The file ${file}`)
}

function scan(dir: string, source: KeystoreSource, problems: string[]): StoredKeystore[] {
  let entries: string[]
  try {
    entries = readdirSync(dir)
  } catch {
    return []
  }
  const out: StoredKeystore[] = []
  for (const entry of entries.sort()) {
    if (entry.startsWith('.') || entry.includes('.tmp-')) continue
    const file = path.join(dir, entry)
    let name: string
    if (source === 'nectar') {
      if (!entry.endsWith('.json')) continue
      name = entry.slice(0, -'.json'.length)
      if (!NAME.test(name)) continue
    } else {
      name = entry
    }
    try {
      if (!statSync(file).isFile()) continue
      const keystore = readKeystoreFile(file, `The file ${file}`)
      out.push({address: keystoreAddress(keystore), name, path: file, source})
    } catch (error) {
      problems.push(`${file}: ${(error as Error).message}`)
    }
  }
  return out
}

/**
 * All keystores: nectar's, then Foundry's (when ~/.foundry/keystores exists). A Foundry keystore
 * with the same name as a nectar one is shadowed (nectar wins) and left out.
 */
export function listKeystores(configDir: string, env: NodeJS.ProcessEnv = process.env): ListResult {
  const problems: string[] = []
  const nectar = scan(keystoreDir(configDir), 'nectar', problems)
  const names = new Set(nectar.map((k) => k.name))
  const foundry = scan(foundryKeystoreDir(env), 'foundry', problems).filter((k) => !names.has(k.name))
  return {keystores: [...nectar, ...foundry], problems}
}

/** Finds a keystore by name: nectar's first, then Foundry's. */
export function findKeystore(configDir: string, name: string, env: NodeJS.ProcessEnv = process.env): StoredKeystore | undefined {
  if (NAME.test(name)) {
    const file = keystorePath(configDir, name)
    if (existsSync(file)) {
      const keystore = readKeystoreFile(file, `The keystore file ${file}`)
      return {address: keystoreAddress(keystore), name, path: file, source: 'nectar'}
    }
  }
  // Foundry names are matched against the directory listing, never joined into a path as given.
  const dir = foundryKeystoreDir(env)
  let entries: string[] = []
  try {
    entries = readdirSync(dir)
  } catch {
    return undefined
  }
  if (!entries.includes(name) || name.startsWith('.')) return undefined
  const file = path.join(dir, name)
  if (!statSync(file).isFile()) return undefined
  const keystore = readKeystoreFile(file, `The Foundry keystore file ${file}`)
  return {address: keystoreAddress(keystore), name, path: file, source: 'foundry'}
}

/** Finds keystores holding an address (by their `address` field). */
export function findKeystoresByAddress(configDir: string, address: string, env: NodeJS.ProcessEnv = process.env): StoredKeystore[] {
  const lower = address.toLowerCase()
  return listKeystores(configDir, env).keystores.filter((k) => k.address === lower)
}

/** Reads a stored keystore's JSON. */
export function loadKeystore(stored: StoredKeystore): KeystoreV3 {
  return readKeystoreFile(stored.path, `The keystore file ${stored.path}`)
}

export interface SaveOptions {
  /** Replace an existing keystore of that name; the old file is kept in keystores/.replaced/. */
  force?: boolean
}

export interface SaveResult {
  path: string
  /** Where the replaced keystore was moved (with force). */
  replaced?: string
}

/** Writes a nectar keystore atomically with mode 0600 in a 0700 dir; refuses to overwrite unless forced. */
export function saveKeystore(configDir: string, name: string, keystore: KeystoreV3, options: SaveOptions = {}): SaveResult {
  validateWalletName(name)
  const dir = keystoreDir(configDir)
  mkdirSync(dir, {mode: 0o700, recursive: true})
  chmodSync(dir, 0o700)
  const file = keystorePath(configDir, name)
  let replaced: string | undefined
  if (existsSync(file)) {
    if (!options.force) {
      throw nectarError('WALLET_EXISTS', `A wallet named ${name} already exists (${file}).`, {
        hint: `Choose another name, or pass --force to replace it (the old file is kept in ${path.join(dir, '.replaced')}).`,
      })
    }
    const backupDir = path.join(dir, '.replaced')
    mkdirSync(backupDir, {mode: 0o700, recursive: true})
    replaced = path.join(backupDir, `${name}-${new Date().toISOString().replaceAll(':', '')}.json`)
    renameSync(file, replaced)
  }
  atomicWrite(file, keystoreToText(keystore), 0o600)
  return {path: file, ...(replaced ? {replaced} : {})}
}

/** Deletes a nectar keystore by name. Foundry keystores and dev accounts are refused. */
export function removeKeystore(configDir: string, name: string, env: NodeJS.ProcessEnv = process.env): StoredKeystore {
  if (isDevAccountName(name)) {
    throw nectarError('CANNOT_REMOVE_DEV_ACCOUNT', `${name} is a built-in dev account and cannot be removed.`, {
      hint: 'Dev accounts exist only on the devnet; nothing is stored for them.',
    })
  }
  const stored = findKeystore(configDir, name, env)
  if (!stored) throw unknownWallet(configDir, name, env)
  if (stored.source === 'foundry') {
    throw nectarError('CANNOT_REMOVE_FOUNDRY_KEYSTORE', `${name} is a Foundry keystore (${stored.path}); nectar does not delete it.`, {
      hint: `Use \`cast wallet remove --name ${name}\` or delete the file yourself.`,
    })
  }
  rmSync(stored.path)
  return stored
}

export function unknownWallet(configDir: string, name: string, env: NodeJS.ProcessEnv = process.env, extra: string[] = []) {
  const known = [...extra, ...listKeystores(configDir, env).keystores.map((k) => k.name)]
  return nectarError('UNKNOWN_ACCOUNT', `There is no account named ${JSON.stringify(name)}.`, {
    details: [known.length > 0 ? `Known accounts: ${known.join(', ')}.` : 'There are no keystores yet.'],
    hint: 'See `nectar wallet list`, or create one with `nectar wallet create NAME`.',
  })
}
