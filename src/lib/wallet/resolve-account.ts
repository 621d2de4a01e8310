// Which account a command acts as, and how it signs.
// Order: --private-key, then NECTAR_PRIVATE_KEY (both with a warning), then the account name
// (--account / NECTAR_ACCOUNT / config / dev0 on the devnet): dev0..dev9, a nectar keystore, a
// Foundry keystore, or an address that matches a keystore (or, for read-only use, any address).
import {type LocalAccount} from 'viem'

import {parseAddress} from '../core/addresses.js'
import {nectarError} from '../core/errors.js'
import {lookUpName} from './address-names.js'
import {devAccountsAllowed, findDevAccount} from './dev-accounts.js'
import {decryptKeystore, normalizePrivateKey} from './keystore.js'
import {readPassword} from './passwords.js'
import {findKeystoresByAddress, loadKeystore, type StoredKeystore} from './store.js'

/** What `wallet address` reports: the address, and the wallet's name unless a raw key was used. */
export interface AccountAddress {
  address: `0x${string}`
  name: null | string
}

export interface AccountOptions {
  askPassword?: (message: string) => Promise<string> // undefined when there is no terminal
  chainId: number
  configDir: string
  devnet: boolean
  env: NodeJS.ProcessEnv // NECTAR_PRIVATE_KEY, NECTAR_PASSWORD
  name?: string // from --account / NECTAR_ACCOUNT / config / 'dev0' default on the devnet
  passwordFile?: string
  privateKey?: string // --private-key
  warn: (message: string) => void
}

type Resolved =
  | {kind: 'address'; address: `0x${string}`}
  | {kind: 'dev'; address: `0x${string}`; privateKey: `0x${string}`}
  | {kind: 'keystore'; address?: `0x${string}`; keystore: StoredKeystore}
  | {kind: 'raw'; address: `0x${string}`; privateKey: `0x${string}`}

// One warning per environment object (one per process in the CLI), however often the account is resolved.
const warned = new WeakSet<object>()

function rawKey(o: AccountOptions): `0x${string}` | undefined {
  const [text, where] = o.privateKey !== undefined ? [o.privateKey, '--private-key'] : o.env.NECTAR_PRIVATE_KEY ? [o.env.NECTAR_PRIVATE_KEY, 'NECTAR_PRIVATE_KEY'] : []
  if (text === undefined) return undefined
  const key = normalizePrivateKey(text)
  if (!warned.has(o.env)) {
    warned.add(o.env)
    o.warn(`Signing with a raw private key from ${where} is discouraged; import it into an encrypted keystore with \`nectar wallet import NAME --private-key-stdin\`.`)
  }
  return key
}

async function resolve(o: AccountOptions): Promise<Resolved> {
  const key = rawKey(o)
  if (key) {
    const {privateKeyToAddress} = await import('viem/accounts')
    return {address: privateKeyToAddress(key), kind: 'raw', privateKey: key}
  }

  const name = o.name?.trim()
  if (!name) {
    throw nectarError('NO_ACCOUNT', 'No account is selected.', {
      hint: 'Pass --account NAME, create a keystore with `nectar wallet create NAME`, or choose a default with `nectar config set account NAME`.',
    })
  }

  if (/^0x[0-9a-fA-F]{40}$/.test(name)) {
    const address = parseAddress(name, 'account address', {allowZero: true})
    const [match] = findKeystoresByAddress(o.configDir, address, o.env)
    if (match) return {address, keystore: match, kind: 'keystore'}
    const dev = findDevAccount(address)
    if (dev && devAccountsAllowed(o.devnet, o.chainId)) return {address: dev.address, kind: 'dev', privateKey: dev.privateKey}
    return {address, kind: 'address'}
  }

  const named = lookUpName(name, o)
  if (named.kind === 'dev') return {address: named.dev.address, kind: 'dev', privateKey: named.dev.privateKey}
  return {address: named.keystore.address, keystore: named.keystore, kind: 'keystore'}
}

function checksum(address: `0x${string}`): Promise<`0x${string}`> {
  return Promise.resolve(parseAddress(address, 'account address', {allowZero: true}))
}

/** The active account's address, without decrypting anything (unless a keystore lacks its address field). */
export async function resolveAccountAddress(o: AccountOptions): Promise<`0x${string}`> {
  const resolved = await resolve(o)
  if (resolved.address) return checksum(resolved.address)
  // A keystore without an `address` field (some Foundry files): only decryption can tell.
  const account = await resolveAccount(o)
  return account.address
}

/** The signing account: a raw key, a dev account (devnet only), or a decrypted keystore. */
export async function resolveAccount(o: AccountOptions): Promise<LocalAccount> {
  const resolved = await resolve(o)
  const {privateKeyToAccount} = await import('viem/accounts')
  switch (resolved.kind) {
    case 'raw':
    case 'dev':
      return privateKeyToAccount(resolved.privateKey)
    case 'address':
      throw nectarError('NO_KEY_FOR_ADDRESS', `No keystore holds the key for ${resolved.address}, so nectar cannot sign as it.`, {
        hint: 'Import its key with `nectar wallet import NAME`, or pass --account with a keystore name (see `nectar wallet list`).',
      })
    case 'keystore': {
      const {keystore} = resolved
      const label = keystore.source === 'foundry' ? `the Foundry keystore ${keystore.name}` : `the keystore ${keystore.name}`
      const password = await readPassword(o, `Password for ${label}:`)
      const privateKey = await decryptKeystore(loadKeystore(keystore), password, {label, source: `The keystore file ${keystore.path}`})
      return privateKeyToAccount(privateKey)
    }
  }
}

/**
 * The signing account, its key unlocked only when something is signed: a keystore that records its
 * address asks for its password at the first signature, so the checks and the preview that need only
 * the address come first (`unlock` is the caller's memoised resolveAccount, one prompt per run).
 */
export async function deferredAccount(o: AccountOptions, unlock: () => Promise<LocalAccount>): Promise<LocalAccount> {
  const resolved = await resolve(o)
  if (resolved.kind !== 'keystore' || !resolved.address) return unlock()
  const {toAccount} = await import('viem/accounts')
  const address = await checksum(resolved.address)
  return toAccount({
    address,
    signMessage: async (args) => (await unlock()).signMessage(args),
    signTransaction: async (transaction, options) => (await unlock()).signTransaction(transaction, options),
    signTypedData: async (args) => (await unlock()).signTypedData(args as never),
  }) as LocalAccount
}
