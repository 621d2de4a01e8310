import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest'

import {NectarError} from '../../src/lib/core/errors.js'
import {encryptKeystore} from '../../src/lib/wallet/keystore.js'
import {type AccountOptions, resolveAccount, resolveAccountAddress} from '../../src/lib/wallet/resolve-account.js'
import {saveKeystore} from '../../src/lib/wallet/store.js'

const CHEAP = {n: 1024, p: 1, r: 8}
const DEV0 = {address: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266', key: '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'} as const
const DEV1 = {address: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', key: '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d'} as const
const DEV2 = {address: '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC', key: '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a'} as const
const DEV3 = {address: '0x90F79bf6EB2c4f870365E785982E1f101E93b906', key: '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6'} as const
const STRANGER = '0x000000000000000000000000000000000000dEaD'

const tmp = mkdtempSync(path.join(os.tmpdir(), 'nectar-wallet-resolve-'))
const configDir = path.join(tmp, 'config')
const home = path.join(tmp, 'home')

beforeAll(async () => {
  // nectar keystore "alice" holds dev1's key under "pw-alice"; Foundry's "forge" holds dev2's key
  // under "pw-forge"; Foundry's "bare" holds dev3's key and has no address field.
  saveKeystore(configDir, 'alice', await encryptKeystore(DEV1.key, 'pw-alice', {kdfParams: CHEAP}))
  const foundry = path.join(home, '.foundry', 'keystores')
  mkdirSync(foundry, {recursive: true})
  writeFileSync(path.join(foundry, 'forge'), JSON.stringify(await encryptKeystore(DEV2.key, 'pw-forge', {kdfParams: CHEAP})))
  const {address: _, ...bare} = await encryptKeystore(DEV3.key, 'pw-bare', {kdfParams: CHEAP})
  writeFileSync(path.join(foundry, 'bare'), JSON.stringify(bare))
  // A Foundry keystore with the same name as a nectar one: nectar's wins.
  writeFileSync(path.join(foundry, 'alice'), JSON.stringify(await encryptKeystore(DEV2.key, 'pw-forge', {kdfParams: CHEAP})))
})
afterAll(() => rmSync(tmp, {force: true, recursive: true}))

function options(overrides: Partial<AccountOptions> = {}): AccountOptions & {warnings: string[]} {
  const warnings: string[] = []
  return {
    chainId: 31337,
    configDir,
    devnet: true,
    env: {HOME: home},
    warn: (message) => warnings.push(message),
    warnings,
    ...overrides,
  }
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

describe('resolveAccount precedence', () => {
  it('--private-key beats NECTAR_PRIVATE_KEY beats the name, and warns once', async () => {
    const o = options({env: {HOME: home, NECTAR_PRIVATE_KEY: DEV2.key}, name: 'alice', privateKey: DEV3.key})
    expect((await resolveAccount(o)).address).toBe(DEV3.address)
    expect(await resolveAccountAddress(o)).toBe(DEV3.address)
    expect(o.warnings).toHaveLength(1)
    expect(o.warnings[0]).toMatch(/discouraged/)
    const env = options({env: {HOME: home, NECTAR_PRIVATE_KEY: DEV2.key}, name: 'alice'})
    expect((await resolveAccount(env)).address).toBe(DEV2.address)
    expect(env.warnings[0]).toContain('NECTAR_PRIVATE_KEY')
  })

  it('raw keys work off the devnet too', async () => {
    const o = options({chainId: 1, devnet: false, privateKey: DEV0.key})
    expect((await resolveAccount(o)).address).toBe(DEV0.address)
  })

  it('rejects a malformed raw key', async () => {
    expect(await codeOf(resolveAccount(options({privateKey: '0x1234'})))).toBe('INVALID_PRIVATE_KEY/2')
    expect(await codeOf(resolveAccountAddress(options({env: {NECTAR_PRIVATE_KEY: 'zz'}})))).toBe('INVALID_PRIVATE_KEY/2')
  })

  it('signs with a dev account on the devnet (chain 31337)', async () => {
    const account = await resolveAccount(options({name: 'dev0'}))
    expect(account.address).toBe(DEV0.address)
    expect(await account.signMessage({message: 'hi'})).toMatch(/^0x[0-9a-f]{130}$/)
  })

  it('refuses dev accounts off the devnet or on another chain id', async () => {
    expect(await codeOf(resolveAccount(options({chainId: 1, devnet: false, name: 'dev0'})))).toBe('DEV_ACCOUNT_OFF_DEVNET/2')
    expect(await codeOf(resolveAccount(options({chainId: 1, devnet: true, name: 'dev0'})))).toBe('DEV_ACCOUNT_OFF_DEVNET/2')
    expect(await codeOf(resolveAccount(options({chainId: 31337, devnet: false, name: 'dev5'})))).toBe('DEV_ACCOUNT_OFF_DEVNET/2')
    const error = await errorOf(resolveAccount(options({chainId: 1, devnet: false, name: 'dev0'})))
    expect(error.message).toContain('sign only on the devnet')
  })

  it('decrypts a nectar keystore with NECTAR_PASSWORD', async () => {
    const account = await resolveAccount(options({env: {HOME: home, NECTAR_PASSWORD: 'pw-alice'}, name: 'alice'}))
    expect(account.address).toBe(DEV1.address)
  })

  it('password: --password-file (first line) beats NECTAR_PASSWORD beats the prompt', async () => {
    const file = path.join(tmp, 'pw.txt')
    writeFileSync(file, 'pw-alice\nsecond line\n')
    const ask = vi.fn(async () => 'wrong')
    const o = options({askPassword: ask, env: {HOME: home, NECTAR_PASSWORD: 'wrong'}, name: 'alice', passwordFile: file})
    expect((await resolveAccount(o)).address).toBe(DEV1.address)
    expect(ask).not.toHaveBeenCalled()
    const prompted = vi.fn(async () => 'pw-alice')
    expect((await resolveAccount(options({askPassword: prompted, name: 'alice'}))).address).toBe(DEV1.address)
    expect(prompted).toHaveBeenCalledWith(expect.stringContaining('alice'))
  })

  it('PASSWORD_REQUIRED when there is no password and no terminal', async () => {
    const error = await errorOf(resolveAccount(options({name: 'alice'})))
    expect(error.code).toBe('PASSWORD_REQUIRED')
    expect(error.hint).toMatch(/NECTAR_PASSWORD/)
    expect(error.hint).toMatch(/--password-file/)
  })

  it('WRONG_PASSWORD for a wrong password', async () => {
    expect(await codeOf(resolveAccount(options({env: {HOME: home, NECTAR_PASSWORD: 'nope'}, name: 'alice'})))).toBe('WRONG_PASSWORD/2')
  })

  it("uses Foundry's keystores by name, nectar's winning a clash", async () => {
    expect((await resolveAccount(options({env: {HOME: home, NECTAR_PASSWORD: 'pw-forge'}, name: 'forge'}))).address).toBe(DEV2.address)
    expect(await resolveAccountAddress(options({name: 'alice'}))).toBe(DEV1.address)
  })

  it('finds the keystore holding an address given as the name', async () => {
    const o = options({env: {HOME: home, NECTAR_PASSWORD: 'pw-alice'}, name: DEV1.address})
    expect((await resolveAccount(o)).address).toBe(DEV1.address)
    expect(await resolveAccountAddress(options({name: DEV1.address.toLowerCase()}))).toBe(DEV1.address)
  })

  it('NO_ACCOUNT names --account, wallet create and config set account', async () => {
    const error = await errorOf(resolveAccount(options()))
    expect(error.code).toBe('NO_ACCOUNT')
    expect(error.exitCode).toBe(2)
    expect(error.hint).toContain('--account')
    expect(error.hint).toContain('nectar wallet create')
    expect(error.hint).toContain('nectar config set account NAME')
  })

  it('UNKNOWN_ACCOUNT lists the known names', async () => {
    const error = await errorOf(resolveAccountAddress(options({name: 'bob'})))
    expect(error.code).toBe('UNKNOWN_ACCOUNT')
    const text = [error.message, ...error.details].join(' ')
    expect(text).toContain('alice')
    expect(text).toContain('forge')
    expect(text).toContain('dev0')
  })
})

describe('resolveAccountAddress (no decryption)', () => {
  it('reads the address field of a keystore without a password', async () => {
    const ask = vi.fn(async () => 'x')
    expect(await resolveAccountAddress(options({askPassword: ask, name: 'alice'}))).toBe(DEV1.address)
    expect(await resolveAccountAddress(options({name: 'forge'}))).toBe(DEV2.address)
    expect(ask).not.toHaveBeenCalled()
  })

  it('returns a dev account address on the devnet and a raw key address', async () => {
    expect(await resolveAccountAddress(options({name: 'dev0'}))).toBe(DEV0.address)
    expect(await resolveAccountAddress(options({privateKey: DEV2.key}))).toBe(DEV2.address)
  })

  it('returns a plain address for read-only use, but cannot sign with it', async () => {
    expect(await resolveAccountAddress(options({chainId: 1, devnet: false, name: STRANGER.toLowerCase()}))).toBe(STRANGER)
    expect(await codeOf(resolveAccount(options({chainId: 1, devnet: false, name: STRANGER})))).toBe('NO_KEY_FOR_ADDRESS/2')
    expect(await codeOf(resolveAccountAddress(options({name: '0x000000000000000000000000000000000000DEAD'})))).toBe('BAD_CHECKSUM/2')
  })

  it('decrypts a keystore that lacks its address field (some Foundry files)', async () => {
    expect(await resolveAccountAddress(options({env: {HOME: home, NECTAR_PASSWORD: 'pw-bare'}, name: 'bare'}))).toBe(DEV3.address)
  })
})
