// The wallet commands' work: create, import, list, remove. Plain data in and out.
import {getAddress} from 'viem'
import {generatePrivateKey, privateKeyToAddress} from 'viem/accounts'

import {nectarError} from '../core/errors.js'
import {DEV_ACCOUNTS, devAccountsAllowed} from './dev-accounts.js'
import {decryptKeystore, encryptKeystore, type Hex, normalizePrivateKey, type ScryptParams} from './keystore.js'
import {findKeystoresByAddress, listKeystores, readKeystoreAt, removeKeystore, saveKeystore, type StoredKeystore, validateWalletName} from './store.js'

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

export interface WalletEntry {
  address: Hex | null
  default: boolean
  name: string
  path: string | null
  source: 'dev' | 'foundry' | 'nectar'
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

/** Deletes a nectar keystore; refuses Foundry keystores and dev accounts. */
export function removeWallet(configDir: string, name: string, env?: NodeJS.ProcessEnv): {address: Hex | null; name: string; path: string} {
  const removed = removeKeystore(configDir, name, env)
  return {address: removed.address ? getAddress(removed.address) : null, name, path: removed.path}
}
