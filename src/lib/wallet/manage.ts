// The wallet commands' work: create, import, list, remove. Plain data in and out.
import {getAddress} from 'viem'
import {generatePrivateKey, privateKeyToAddress} from 'viem/accounts'

import {readConfig, updateConfig} from '../config/store.js'
import {parseAddress} from '../core/addresses.js'
import {nectarError} from '../core/errors.js'
import {DEV_ACCOUNTS, devAccountsAllowed, isDevAccountName} from './dev-accounts.js'
import {decryptKeystore, encryptKeystore, type Hex, normalizePrivateKey, type ScryptParams} from './keystore.js'
import {newPassword, type PasswordSources, readPassword, readPasswordFile} from './passwords.js'
import {findKeystore, findKeystoresByAddress, listKeystores, readKeystoreAt, removeKeystore, saveKeystore, type StoredKeystore, unknownWallet, validateWalletName} from './store.js'

export interface WriteOptions {
  env?: NodeJS.ProcessEnv
  force?: boolean
  /** Cheaper scrypt parameters (tests only); the default is geth's standard n=262144 r=8 p=1. */
  kdfParams?: ScryptParams
}

export interface WalletWritten {
  address: Hex
  path: string
  /** Other keystores that already hold this address. */
  duplicates: string[]
  replaced?: string
}

async function writeWallet(configDir: string, name: string, privateKey: Hex, password: string, options: WriteOptions): Promise<WalletWritten> {
  validateWalletName(name)
  const address = privateKeyToAddress(privateKey)
  const duplicates = findKeystoresByAddress(configDir, address, options.env)
    .filter((k) => !(k.source === 'nectar' && k.name === name))
    .map((k) => (k.source === 'foundry' ? `${k.name} (foundry)` : k.name))
  const keystore = await encryptKeystore(privateKey, password, {kdfParams: options.kdfParams})
  const saved = saveKeystore(configDir, name, keystore, {force: options.force})
  return {address, duplicates, ...saved}
}

/** A new random key in a new keystore. */
export async function createWallet(configDir: string, name: string, password: string, options: WriteOptions = {}): Promise<WalletWritten> {
  return writeWallet(configDir, name, generatePrivateKey(), password, options)
}

function checkExpected(address: Hex, expected?: string): void {
  if (expected && expected.toLowerCase() !== address.toLowerCase()) {
    throw nectarError('ADDRESS_MISMATCH', `The key belongs to ${address}, not to the expected ${getAddress(expected)}.`, {
      hint: 'Check that you gave the right key or keystore; nothing was written.',
    })
  }
}

/** Imports a raw private key (from stdin or NECTAR_PRIVATE_KEY) into a new keystore. */
export async function importPrivateKey(
  configDir: string,
  name: string,
  privateKeyText: string,
  password: string,
  options: WriteOptions & {expectedAddress?: string} = {},
): Promise<WalletWritten> {
  validateWalletName(name)
  const privateKey = normalizePrivateKey(privateKeyText)
  checkExpected(privateKeyToAddress(privateKey), options.expectedAddress)
  return writeWallet(configDir, name, privateKey, password, options)
}

/**
 * Imports another v3 keystore file: decrypts it with its password, checks the address, and
 * re-encrypts it (standard scrypt) under `newPassword`, or the same password when none is given.
 */
export async function importKeystoreFile(
  configDir: string,
  name: string,
  file: string,
  password: string,
  options: WriteOptions & {expectedAddress?: string; newPassword?: string} = {},
): Promise<WalletWritten> {
  validateWalletName(name)
  const source = readKeystoreAt(file)
  const privateKey = await decryptKeystore(source, password, {label: `the keystore ${file}`, source: `The file ${file}`})
  checkExpected(privateKeyToAddress(privateKey), options.expectedAddress)
  return writeWallet(configDir, name, privateKey, options.newPassword ?? password, options)
}

/** What `wallet create` and `wallet import` report. */
export interface SavedWallet {
  address: Hex
  name: string
  path: string
  /** Where the keystore it replaced (--force) was moved. */
  replaced?: string
  source: 'nectar'
}

/** The report of a written wallet; a replaced keystore and other keystores of the same address are warned about. */
export function savedWallet(name: string, written: WalletWritten, warn: (message: string) => void): SavedWallet {
  if (written.replaced) warn(`The old keystore ${name} was moved to ${written.replaced}.`)
  if (written.duplicates.length > 0) warn(`The same address is also in: ${written.duplicates.join(', ')}.`)
  return {address: written.address, name, path: written.path, ...(written.replaced ? {replaced: written.replaced} : {}), source: 'nectar'}
}

/** What `wallet import` imports: a keystore file, or a raw key from one of its sources. */
export interface ImportRequest {
  /** Refuse the import unless the key belongs to this address (as given). */
  expectedAddress?: string
  force?: boolean
  /** A v3 keystore file to import. */
  keystore?: string
  name: string
  /** With `keystore`: encrypt under the password in this file instead of the old one. */
  newPasswordFile?: string
  /** A raw key given on the command line (discouraged, with a warning). */
  privateKey?: string
  /** Read the raw key from stdin. */
  privateKeyStdin?: boolean
}

export interface ImportIo extends PasswordSources {
  /** Everything piped to stdin. */
  readStdin: () => Promise<string>
  warn: (message: string) => void
}

/**
 * `wallet import`: a keystore file (decrypted with its password, re-encrypted under the same or a new
 * one), or a raw key from stdin, the command line, NECTAR_PRIVATE_KEY or the prompt, in that order,
 * encrypted under a new password.
 */
export async function importWallet(configDir: string, request: ImportRequest, io: ImportIo): Promise<SavedWallet> {
  const name = validateWalletName(request.name)
  const expectedAddress = request.expectedAddress ? parseAddress(request.expectedAddress, 'expected address', {allowZero: true}) : undefined
  const options = {env: io.env, expectedAddress, force: request.force}
  let written: WalletWritten
  if (request.keystore) {
    const file = request.keystore
    const password = await readPassword(io, `Password of ${file}:`)
    const newPassword = request.newPasswordFile ? readPasswordFile(request.newPasswordFile) : undefined
    if (newPassword === '') throw nectarError('EMPTY_PASSWORD', 'The new password is empty; a keystore needs a password.', {hint: 'Put a non-empty password on the first line of --new-password-file.'})
    written = await importKeystoreFile(configDir, name, file, password, {...options, newPassword})
  } else {
    const key = await importedKey(request, io)
    written = await importPrivateKey(configDir, name, key, await newPassword(io), options)
  }
  return savedWallet(name, written, io.warn)
}

async function importedKey(request: ImportRequest, io: ImportIo): Promise<string> {
  if (request.privateKeyStdin) return io.readStdin()
  if (request.privateKey !== undefined) {
    io.warn('A private key on the command line stays in your shell history; prefer --private-key-stdin.')
    return request.privateKey
  }
  if (io.env.NECTAR_PRIVATE_KEY) return io.env.NECTAR_PRIVATE_KEY
  if (io.askPassword) return io.askPassword('Private key (hex):')
  throw nectarError('NO_KEY_TO_IMPORT', 'There is no key to import.', {
    hint: 'Pipe the key in with --private-key-stdin, set NECTAR_PRIVATE_KEY, or give a keystore file with --keystore FILE.',
  })
}

export interface WalletEntry {
  address: Hex | null
  default: boolean
  name: string
  path: string | null
  source: 'dev' | 'foundry' | 'nectar'
}

/** What `wallet list` reports. */
export interface WalletListing {
  wallets: WalletEntry[]
}

export interface ListOptions {
  /** The active account (name or address), marked `default`. */
  active?: string
  chainId: number
  devnet: boolean
  env?: NodeJS.ProcessEnv
}

/** Nectar keystores, Foundry keystores, and dev0..dev9 when the active network is the devnet. */
export function listWallets(configDir: string, options: ListOptions): {problems: string[]; wallets: WalletEntry[]} {
  const {keystores, problems} = listKeystores(configDir, options.env)
  const entries: WalletEntry[] = keystores.map((k: StoredKeystore) => ({
    address: k.address ? getAddress(k.address) : null,
    default: false,
    name: k.name,
    path: k.path,
    source: k.source,
  }))
  if (devAccountsAllowed(options.devnet, options.chainId)) {
    for (const dev of DEV_ACCOUNTS) entries.push({address: dev.address, default: false, name: dev.name, path: null, source: 'dev'})
  }
  const active = options.active?.trim()
  if (active) {
    const isAddress = /^0x[0-9a-fA-F]{40}$/.test(active)
    const match = entries.find((e) => (isAddress ? e.address?.toLowerCase() === active.toLowerCase() : e.name === active))
    if (match) match.default = true
  }
  return {problems, wallets: entries}
}

/** A nectar keystore that may be removed; refuses (with the right error) dev accounts, Foundry keystores and unknown names. */
export function removableWallet(configDir: string, name: string, env?: NodeJS.ProcessEnv): {address: Hex | null; name: string; path: string} {
  const stored = isDevAccountName(name) ? undefined : findKeystore(configDir, name, env)
  if (!stored || stored.source === 'foundry') removeKeystore(configDir, name, env) // throws the right error
  if (!stored) throw unknownWallet(configDir, name, env)
  return {address: stored.address ? getAddress(stored.address) : null, name, path: stored.path}
}

/** What `wallet remove` reports. */
export interface RemovedWallet {
  address: Hex | null
  name: string
  path: string
  removed: true
  /** The wallet was the default account, which is now unset. */
  unsetDefault: boolean
}

/** Unsets the default account when it is `name`; says whether it was. */
export function forgetDefaultAccount(configDir: string, name: string): boolean {
  if (readConfig(configDir).account !== name) return false
  updateConfig(configDir, (config) => {
    delete config.account
  })
  return true
}

/** Deletes a nectar keystore; refuses Foundry keystores and dev accounts. */
export function removeWallet(configDir: string, name: string, env?: NodeJS.ProcessEnv): {address: Hex | null; name: string; path: string} {
  const removed = removeKeystore(configDir, name, env)
  return {address: removed.address ? getAddress(removed.address) : null, name, path: removed.path}
}
