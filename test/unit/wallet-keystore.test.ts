import {mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {mnemonicToAccount, privateKeyToAddress} from 'viem/accounts'
import {afterAll, describe, expect, it} from 'vitest'

import {NectarError} from '../../src/lib/core/errors.js'
import {DEV_ACCOUNTS} from '../../src/lib/wallet/dev-accounts.js'
import {decryptKeystore, encryptKeystore, normalizePrivateKey, parseKeystore, STANDARD_SCRYPT} from '../../src/lib/wallet/keystore.js'
import {listKeystores, saveKeystore, validateWalletName} from '../../src/lib/wallet/store.js'

const CHEAP = {n: 1024, p: 1, r: 8}
const DEV0_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'
const VECTOR_KEY = '0x7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d'

// The Web3 Secret Storage Definition's test vectors (Ethereum wiki), password "testpassword".
const WIKI_SCRYPT = {
  crypto: {
    cipher: 'aes-128-ctr',
    cipherparams: {iv: '83dbcc02d8ccb40e466191a123791e0e'},
    ciphertext: 'd172bf743a674da9cdad04534d56926ef8358534d458fffccd4e6ad2fbde479c',
    kdf: 'scrypt',
    kdfparams: {dklen: 32, n: 262144, p: 8, r: 1, salt: 'ab0c7876052600dd703518d6fc3fe8984592145b591fc8fb5c6d43190334ba19'},
    mac: '2103ac29920d71da29f15d75b4a16dbe95cfd7ff8faea1056c33131d846e3097',
  },
  id: '3198bc9c-6672-5ab3-d995-4942343ae5b6',
  version: 3,
}
const WIKI_PBKDF2 = {
  crypto: {
    cipher: 'aes-128-ctr',
    cipherparams: {iv: '6087dab2f9fdbbfaddc31a909735c1e6'},
    ciphertext: '5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46',
    kdf: 'pbkdf2',
    kdfparams: {c: 262144, dklen: 32, prf: 'hmac-sha256', salt: 'ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd'},
    mac: '517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2',
  },
  id: '3198bc9c-6672-5ab3-d995-4942343ae5b6',
  version: 3,
}

async function errorOf(promise: Promise<unknown>): Promise<NectarError> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(NectarError)
    return error as NectarError
  }
  throw new Error('expected an error')
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(NectarError)
    return `${(error as NectarError).code}/${(error as NectarError).exitCode}`
  }
  throw new Error('expected an error')
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'nectar-wallet-unit-'))
afterAll(() => rmSync(tmp, {force: true, recursive: true}))

describe('keystore', () => {
  it('round-trips with cheap params and writes geth-style fields', async () => {
    const ks = await encryptKeystore(DEV0_KEY, 'hunter2', {kdfParams: CHEAP})
    expect(Object.keys(ks)).toEqual(['address', 'crypto', 'id', 'version'])
    expect(ks.address).toBe('f39fd6e51aad88f6f4ce6ab8827279cfffb92266')
    expect(ks.version).toBe(3)
    expect(ks.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(ks.crypto.cipher).toBe('aes-128-ctr')
    expect(ks.crypto.kdf).toBe('scrypt')
    expect(ks.crypto.kdfparams).toMatchObject({dklen: 32, n: 1024, p: 1, r: 8})
    expect(await decryptKeystore(ks, 'hunter2')).toBe(DEV0_KEY)
    expect(await decryptKeystore(JSON.stringify(ks), 'hunter2')).toBe(DEV0_KEY)
  })

  it("uses geth's standard scrypt parameters by default", async () => {
    const ks = await encryptKeystore(DEV0_KEY, 'pw')
    expect(ks.crypto.kdfparams).toMatchObject({dklen: 32, n: 262144, p: 1, r: 8})
    expect(STANDARD_SCRYPT).toEqual({dklen: 32, n: 262144, p: 1, r: 8})
    const started = performance.now()
    expect(await decryptKeystore(ks, 'pw')).toBe(DEV0_KEY)
    // Not a timing assertion (those live in bench/); printed for the record.
    console.error(`standard scrypt decrypt: ${Math.round(performance.now() - started)} ms`)
  })

  it('decrypts the Web3 Secret Storage scrypt test vector', async () => {
    expect(await decryptKeystore(WIKI_SCRYPT, 'testpassword')).toBe(VECTOR_KEY)
  })

  it('decrypts the Web3 Secret Storage pbkdf2 test vector', async () => {
    expect(await decryptKeystore(WIKI_PBKDF2, 'testpassword')).toBe(VECTOR_KEY)
  })

  it("accepts ethers' capital Crypto key", async () => {
    const ks = await encryptKeystore(DEV0_KEY, 'pw', {kdfParams: CHEAP})
    const {crypto, ...rest} = ks
    const ethersStyle = {...rest, Crypto: crypto, address: `0x${ks.address}`}
    expect(await decryptKeystore(ethersStyle, 'pw')).toBe(DEV0_KEY)
  })

  it('reports a wrong password as WRONG_PASSWORD (exit 2) with a hint', async () => {
    const ks = await encryptKeystore(DEV0_KEY, 'right', {kdfParams: CHEAP})
    expect(await codeOf(decryptKeystore(ks, 'wrong'))).toBe('WRONG_PASSWORD/2')
    const error = await errorOf(decryptKeystore(ks, 'wrong'))
    expect(error.hint).toMatch(/NECTAR_PASSWORD|--password-file/)
  })

  it('tries the NFKC form of a password (ethers normalises)', async () => {
    const ks = await encryptKeystore(DEV0_KEY, 'ﬁ', {kdfParams: CHEAP}) // "ﬁ" ligature, NFKC "fi"
    expect(await decryptKeystore(ks, 'ﬁ')).toBe(DEV0_KEY)
    const normalized = await encryptKeystore(DEV0_KEY, 'fi', {kdfParams: CHEAP})
    expect(await decryptKeystore(normalized, 'ﬁ')).toBe(DEV0_KEY)
  })

  it('names the file when it is not a v3 keystore', async () => {
    const error = await errorOf(decryptKeystore('{"version":1}', 'x', {source: 'The file /tmp/x.json'}))
    expect(error.code).toBe('INVALID_KEYSTORE')
    expect(error.exitCode).toBe(2)
    expect(error.message).toContain('/tmp/x.json')
    expect(await codeOf(decryptKeystore('not json', 'x'))).toBe('INVALID_KEYSTORE/2')
    expect(() => parseKeystore({...WIKI_SCRYPT, crypto: {...WIKI_SCRYPT.crypto, cipher: 'aes-256-cbc'}})).toThrow(/not a Web3 Secret Storage/)
    expect(() => parseKeystore({...WIKI_SCRYPT, crypto: {...WIKI_SCRYPT.crypto, kdfparams: {...WIKI_SCRYPT.crypto.kdfparams, n: 2 ** 30}}})).toThrow(NectarError)
  })

  it('refuses a keystore whose address field does not match its key', async () => {
    const ks = await encryptKeystore(DEV0_KEY, 'pw', {kdfParams: CHEAP})
    expect(await codeOf(decryptKeystore({...ks, address: '70997970c51812dc3a010c7d01b50e0d17dc79c8'}, 'pw'))).toBe('KEYSTORE_ADDRESS_MISMATCH/2')
  })

  it('validates raw private keys', () => {
    expect(normalizePrivateKey(` ${DEV0_KEY.slice(2).toUpperCase()}\n`)).toBe(DEV0_KEY)
    expect(() => normalizePrivateKey('0x1234')).toThrow(expect.objectContaining({code: 'INVALID_PRIVATE_KEY'}))
    expect(() => normalizePrivateKey('0x' + '0'.repeat(64))).toThrow(expect.objectContaining({code: 'INVALID_PRIVATE_KEY'}))
    expect(() => normalizePrivateKey('0x' + 'f'.repeat(64))).toThrow(expect.objectContaining({code: 'INVALID_PRIVATE_KEY'}))
  })
})

describe('dev accounts', () => {
  it('are the ten anvil accounts of the test mnemonic', () => {
    const mnemonic = 'test test test test test test test test test test test junk'
    expect(DEV_ACCOUNTS).toHaveLength(10)
    DEV_ACCOUNTS.forEach((dev, i) => {
      expect(dev.name).toBe(`dev${i}`)
      expect(mnemonicToAccount(mnemonic, {addressIndex: i}).address).toBe(dev.address)
      expect(privateKeyToAddress(dev.privateKey)).toBe(dev.address)
    })
  })
})

describe('keystore store', () => {
  it('writes 0600 files in a 0700 dir and refuses to overwrite', async () => {
    const configDir = path.join(tmp, 'store')
    const ks = await encryptKeystore(DEV0_KEY, 'pw', {kdfParams: CHEAP})
    const {path: file} = saveKeystore(configDir, 'alice', ks)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700)
    expect(JSON.parse(readFileSync(file, 'utf8')).address).toBe('f39fd6e51aad88f6f4ce6ab8827279cfffb92266')
    expect(() => saveKeystore(configDir, 'alice', ks)).toThrow(expect.objectContaining({code: 'WALLET_EXISTS'}))
    const forced = saveKeystore(configDir, 'alice', ks, {force: true})
    expect(forced.replaced).toBeDefined()
    expect(statSync(forced.replaced!).isFile()).toBe(true)
  })

  it('validates names', () => {
    expect(validateWalletName('maker-1.main_2')).toBe('maker-1.main_2')
    for (const bad of ['', '-x', '../x', 'a/b', 'a'.repeat(65), 'dev3', '0x' + 'a'.repeat(40)]) {
      expect(() => validateWalletName(bad)).toThrow(NectarError)
    }
  })

  it("lists Foundry's keystores (no extension) under HOME, nectar winning a name clash", async () => {
    const configDir = path.join(tmp, 'list')
    const home = path.join(tmp, 'home-list')
    const env = {HOME: home}
    const ks = await encryptKeystore(DEV0_KEY, 'pw', {kdfParams: CHEAP})
    saveKeystore(configDir, 'shared', ks)
    const {mkdirSync} = await import('node:fs')
    mkdirSync(path.join(home, '.foundry', 'keystores'), {recursive: true})
    writeFileSync(path.join(home, '.foundry', 'keystores', 'shared'), JSON.stringify(ks))
    writeFileSync(path.join(home, '.foundry', 'keystores', 'forge1'), JSON.stringify(ks))
    writeFileSync(path.join(home, '.foundry', 'keystores', 'junk'), 'not a keystore')
    const {keystores, problems} = listKeystores(configDir, env)
    expect(keystores.map((k) => `${k.name}:${k.source}`)).toEqual(['shared:nectar', 'forge1:foundry'])
    expect(problems).toHaveLength(1)
    expect(problems[0]).toContain('junk')
    expect(listKeystores(path.join(tmp, 'none'), {HOME: path.join(tmp, 'no-home')}).keystores).toEqual([])
  })
})
