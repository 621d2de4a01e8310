// Web3 Secret Storage v3 keystores, as geth, Foundry and ethers read and write them.
// ox/Keystore does the format (AES-128-CTR, keccak MAC); the key is derived with node's async scrypt
// (about 30% faster than @noble/hashes, and off the main thread so spinners keep moving).
import crypto from 'node:crypto'
import {promisify} from 'node:util'

import type * as Keystore from 'ox/Keystore'

import {nectarError} from '../core/errors.js'

// ox/Keystore and viem/accounts (secp256k1, the BIP-39 word lists: ~300 KB) load only to encrypt or
// decrypt: a command that just reads which address a keystore holds does not pay for them.
const keyCode = async () => {
  const [ox, accounts] = await Promise.all([import('ox/Keystore'), import('viem/accounts')])
  return {Keystore: ox, privateKeyToAddress: accounts.privateKeyToAddress}
}

const scrypt = promisify(crypto.scrypt) as (password: Buffer | string, salt: Buffer, keylen: number, options: crypto.ScryptOptions) => Promise<Buffer>
const pbkdf2 = promisify(crypto.pbkdf2)

export type Hex = `0x${string}`

/** geth's standard ("light" is n=4096 r=8 p=6; these are the defaults of `geth account new`). */
export const STANDARD_SCRYPT = {dklen: 32, n: 262_144, p: 1, r: 8} as const

export interface ScryptParams {
  dklen?: number
  n: number
  p: number
  r: number
}

export interface KeystoreV3 {
  address?: string
  crypto: Keystore.Keystore['crypto']
  id: string
  version: 3
}

export interface EncryptOptions {
  /** Cheaper parameters for tests; the default is geth's standard n=262144 r=8 p=1. */
  kdfParams?: ScryptParams
}

/** Memory node needs for scrypt is 128·n·r bytes; allow twice that. Refuse files asking for more than 2 GiB. */
const MAX_SCRYPT_MEMORY = 2 * 1024 ** 3

/** n·r·p of 64 × geth's standard (n=2^18, r=8, p=1): a few seconds at most on any machine. */
const MAX_SCRYPT_WORK = 64 * 262_144 * 8
/** 50× the 262,144 rounds geth used for pbkdf2 keystores. */
const MAX_PBKDF2_ROUNDS = 50 * 262_144

function scryptMaxmem(n: number, r: number): number {
  return 256 * n * r + 1024 * 1024
}

/** Encrypts a 32-byte private key into a v3 keystore object (with geth's `address` field, lower-case hex, no 0x). */
export async function encryptKeystore(privateKey: Hex, password: string, options: EncryptOptions = {}): Promise<KeystoreV3> {
  const key = normalizePrivateKey(privateKey)
  const {n, p, r} = options.kdfParams ?? STANDARD_SCRYPT
  const dklen = options.kdfParams?.dklen ?? 32
  const salt = crypto.randomBytes(32)
  const iv = crypto.randomBytes(16)
  const derived = await scrypt(Buffer.from(password, 'utf8'), salt, dklen, {N: n, maxmem: scryptMaxmem(n, r), p, r})
  const {Keystore, privateKeyToAddress} = await keyCode()
  const encrypted = Keystore.encrypt(key, `0x${derived.toString('hex')}`, {
    id: crypto.randomUUID(),
    iv: Uint8Array.from(iv),
    kdf: 'scrypt',
    kdfparams: {dklen, n, p, r, salt: salt.toString('hex')},
  })
  const address = privateKeyToAddress(key).slice(2).toLowerCase()
  // geth's field order: address, crypto, id, version.
  return {address, crypto: encrypted.crypto, id: encrypted.id, version: 3}
}

/** The keystore JSON as it is written to disk. */
export function keystoreToText(keystore: KeystoreV3): string {
  return JSON.stringify(keystore, null, 2) + '\n'
}

function invalid(source: string, why: string): never {
  throw nectarError('INVALID_KEYSTORE', `${source} is not a Web3 Secret Storage v3 keystore.`, {
    details: [why],
    hint: 'Give a keystore file written by geth, Foundry (cast wallet), ethers or nectar.',
  })
}

const isHex = (value: unknown, bytes?: number): value is string =>
  typeof value === 'string' && /^[0-9a-fA-F]*$/.test(value) && value.length % 2 === 0 && (bytes === undefined ? value.length > 0 : value.length === bytes * 2)

const isPositiveInt = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value > 0

/**
 * Checks the shape of a parsed keystore and returns it in ox's shape (lower-case `crypto`; ethers
 * writes `Crypto`). `source` names the file in the error.
 */
export function parseKeystore(raw: unknown, source = 'The file'): KeystoreV3 {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) invalid(source, 'It is not a JSON object.')
  const object = raw as Record<string, unknown>
  if (object.version !== 3) invalid(source, `Its version is ${JSON.stringify(object.version)}, not 3.`)
  const c = (object.crypto ?? object.Crypto) as Record<string, unknown> | undefined
  if (!c || typeof c !== 'object') invalid(source, 'It has no "crypto" section.')
  if (c.cipher !== 'aes-128-ctr') invalid(source, `Its cipher ${JSON.stringify(c.cipher)} is not supported (only aes-128-ctr).`)
  const iv = (c.cipherparams as {iv?: unknown} | undefined)?.iv
  if (!isHex(iv, 16)) invalid(source, 'Its cipherparams.iv is not 16 bytes of hex.')
  if (!isHex(c.ciphertext)) invalid(source, 'Its ciphertext is not hex.')
  if (!isHex(c.mac, 32)) invalid(source, 'Its mac is not 32 bytes of hex.')
  const k = c.kdfparams as Record<string, unknown> | undefined
  if (!k || typeof k !== 'object') invalid(source, 'It has no kdfparams.')
  if (!isHex(k.salt)) invalid(source, 'Its kdfparams.salt is not hex.')
  // A hostile file can ask for hours of CPU or gigabytes of memory before the password is even checked.
  if (!isPositiveInt(k.dklen) || k.dklen < 32 || k.dklen > 64) invalid(source, 'Its kdfparams.dklen is not between 32 and 64.')
  if (c.kdf === 'scrypt') {
    if (!isPositiveInt(k.n) || k.n < 2 || !Number.isInteger(Math.log2(k.n))) invalid(source, 'Its scrypt n is not a power of two.')
    if (!isPositiveInt(k.r) || !isPositiveInt(k.p)) invalid(source, 'Its scrypt r and p are not positive integers.')
    if (128 * k.n * k.r > MAX_SCRYPT_MEMORY) invalid(source, `Its scrypt parameters (n=${k.n}, r=${k.r}) need more than 2 GiB of memory.`)
    if (k.n * k.r * k.p > MAX_SCRYPT_WORK) invalid(source, `Its scrypt parameters (n=${k.n}, r=${k.r}, p=${k.p}) would take minutes to hours to check a password.`)
  } else if (c.kdf === 'pbkdf2') {
    if (!isPositiveInt(k.c)) invalid(source, 'Its pbkdf2 iteration count c is not a positive integer.')
    if (k.c > MAX_PBKDF2_ROUNDS) invalid(source, `Its pbkdf2 iteration count (${k.c}) would take minutes to hours to check a password.`)
    if (k.prf !== 'hmac-sha256') invalid(source, `Its pbkdf2 prf ${JSON.stringify(k.prf)} is not supported (only hmac-sha256).`)
  } else {
    invalid(source, `Its kdf ${JSON.stringify(c.kdf)} is not supported (scrypt or pbkdf2).`)
  }
  const address = typeof object.address === 'string' && /^(0x)?[0-9a-fA-F]{40}$/.test(object.address) ? object.address : undefined
  return {
    ...(address ? {address} : {}),
    crypto: {...c, cipherparams: {iv: iv as string}} as unknown as Keystore.Keystore['crypto'],
    id: typeof object.id === 'string' ? object.id : '',
    version: 3,
  }
}

/** Parses keystore text (file contents). */
export function parseKeystoreText(text: string, source = 'The file'): KeystoreV3 {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    invalid(source, 'It is not valid JSON.')
  }
  return parseKeystore(raw, source)
}

/** The address a keystore says it holds (checksum not applied), without decrypting; undefined when it has none. */
export function keystoreAddress(keystore: KeystoreV3): Hex | undefined {
  if (!keystore.address) return undefined
  const hex = keystore.address.replace(/^0x/i, '').toLowerCase()
  return `0x${hex}`
}

async function deriveKey(keystore: KeystoreV3, password: string): Promise<Hex> {
  const {kdf, kdfparams} = keystore.crypto
  const salt = Buffer.from(kdfparams.salt, 'hex')
  if (kdf === 'scrypt') {
    const {dklen, n, p, r} = kdfparams as Keystore.ScryptDeriveOpts['kdfparams']
    // OpenSSL enforces RFC 7914's N < 2^(16·r); old files (the Web3 Secret Storage test vector:
    // n=262144 r=1 p=8) break it. @noble/hashes (through ox) does not check it: use it for those.
    if (16 * r < 53 && n >= 2 ** (16 * r)) {
      const {Keystore} = await keyCode()
      const key = Keystore.toKey(keystore as Keystore.Keystore, {password})
      return typeof key === 'function' ? key() : key
    }
    const derived = await scrypt(Buffer.from(password, 'utf8'), salt, dklen, {N: n, maxmem: scryptMaxmem(n, r), p, r})
    return `0x${derived.toString('hex')}`
  }
  const {c, dklen} = kdfparams as Keystore.Pbkdf2DeriveOpts['kdfparams']
  const derived = await pbkdf2(Buffer.from(password, 'utf8'), salt, c, dklen, 'sha256')
  return `0x${derived.toString('hex')}`
}

function tryDecrypt(Keystore: typeof import('ox/Keystore'), keystore: KeystoreV3, key: Hex): Hex | undefined {
  try {
    return Keystore.decrypt(keystore as Keystore.Keystore, key) as Hex
  } catch (error) {
    if ((error as Error).message === 'corrupt keystore') return undefined
    throw error
  }
}

export interface DecryptOptions {
  /** Names the keystore in the wrong-password error ("the keystore alice"). */
  label?: string
  /** Names the file in the not-a-keystore error. */
  source?: string
}

/**
 * Decrypts a v3 keystore (object or text; `crypto` or ethers' `Crypto`) with a password and returns
 * the private key. A wrong password is a usage error WRONG_PASSWORD. The password is used as given
 * (geth, Foundry); when that fails and its NFKC form differs (ethers normalises), that is tried too.
 */
export async function decryptKeystore(json: unknown, password: string, options: DecryptOptions = {}): Promise<Hex> {
  const source = options.source ?? 'The file'
  const keystore = typeof json === 'string' ? parseKeystoreText(json, source) : parseKeystore(json, source)
  const {Keystore, privateKeyToAddress} = await keyCode()
  let privateKey = tryDecrypt(Keystore, keystore, await deriveKey(keystore, password))
  const normalized = password.normalize('NFKC')
  if (privateKey === undefined && normalized !== password) privateKey = tryDecrypt(Keystore, keystore, await deriveKey(keystore, normalized))
  if (privateKey === undefined) {
    throw nectarError('WRONG_PASSWORD', `Wrong password for ${options.label ?? 'the keystore'}.`, {
      hint: 'Check the password (NECTAR_PASSWORD, --password-file, or the prompt) and try again.',
    })
  }
  if (privateKey.length !== 66) invalid(source, `It decrypts to ${(privateKey.length - 2) / 2} bytes, not a 32-byte private key.`)
  const stored = keystoreAddress(keystore)
  if (stored && privateKeyToAddress(privateKey).toLowerCase() !== stored) {
    throw nectarError('KEYSTORE_ADDRESS_MISMATCH', `${source} says it holds ${stored}, but its key belongs to ${privateKeyToAddress(privateKey)}.`, {
      hint: 'The file was edited or damaged; do not use it until you know why.',
    })
  }
  return privateKey
}

/** Checks a raw private key (with or without 0x; surrounding space ignored) and returns it lower-case with 0x. */
export function normalizePrivateKey(text: string): Hex {
  const raw = String(text ?? '').trim()
  const hex = raw.replace(/^0x/i, '')
  const invalidKey = () =>
    nectarError('INVALID_PRIVATE_KEY', 'That private key is not 32 bytes of hex.', {
      hint: 'A private key is 64 hex digits, optionally after 0x.',
    })
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw invalidKey()
  const value = BigInt(`0x${hex}`)
  // secp256k1 group order: keys must be in [1, n-1].
  if (value === 0n || value >= 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n) throw invalidKey()
  return `0x${hex.toLowerCase()}`
}
