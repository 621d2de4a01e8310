// In-process command tests: runCommand runs the BUILT dist/ (npm run build first).
import {mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'
import {runJson} from '../setup/run-json.js'

const DEV0 = {address: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266', key: '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'}
const DEV1 = {address: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', key: '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d'}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'nectar-wallet-cmd-'))
const configDir = path.join(tmp, 'config')
const saved: Record<string, string | undefined> = {}
const keys = ['NECTAR_CONFIG_DIR', 'NECTAR_DATA_DIR', 'HOME', 'NECTAR_PASSWORD', 'NECTAR_PRIVATE_KEY', 'NECTAR_ACCOUNT', 'NECTAR_NETWORK', 'NO_COLOR']

beforeAll(() => {
  for (const key of keys) saved[key] = process.env[key]
  process.env.NECTAR_CONFIG_DIR = configDir
  process.env.NECTAR_DATA_DIR = path.join(tmp, 'data')
  process.env.HOME = path.join(tmp, 'home')
  process.env.NO_COLOR = '1'
  delete process.env.NECTAR_PRIVATE_KEY
  delete process.env.NECTAR_ACCOUNT
  delete process.env.NECTAR_NETWORK
  mkdirSync(process.env.HOME, {recursive: true})
})
afterEach(() => {
  process.exitCode = undefined
  delete process.env.NECTAR_PASSWORD
  delete process.env.NECTAR_PRIVATE_KEY
})
afterAll(() => {
  for (const key of keys) {
    if (saved[key] === undefined) delete process.env[key]
    else process.env[key] = saved[key]
  }
  rmSync(tmp, {force: true, recursive: true})
})

/** Runs `nectar ARGS --json` and returns the parsed envelope and the exit code. */
const json = runJson

describe('nectar wallet', () => {
  it('create → list → address → remove', async () => {
    process.env.NECTAR_PASSWORD = 'correct horse'
    const created = await json(['wallet', 'create', 'alice'])
    expect(created.exitCode).toBe(0)
    expect(created.envelope.ok).toBe(true)
    const {address, path: file} = created.envelope.data
    expect(address).toMatch(/^0x[0-9a-fA-F]{40}$/)
    expect(file).toBe(path.join(configDir, 'keystores', 'alice.json'))
    expect(statSync(file).mode & 0o777).toBe(0o600)
    const keystore = JSON.parse(readFileSync(file, 'utf8'))
    expect(keystore.address).toBe(address.slice(2).toLowerCase())
    expect(keystore.crypto.kdfparams).toMatchObject({n: 262144, p: 1, r: 8})

    const listed = await json(['wallet', 'list'])
    expect(listed.exitCode).toBe(0)
    const wallets = listed.envelope.data.wallets
    expect(wallets.find((w: WalletRow) => w.name === 'alice')).toEqual({address, default: false, name: 'alice', path: file, source: 'nectar'})
    // The devnet is the default network: dev0..dev9 are listed, dev0 is the default account.
    expect(wallets.filter((w: WalletRow) => w.source === 'dev').map((w: WalletRow) => w.name)).toEqual(['dev0', 'dev1', 'dev2', 'dev3', 'dev4', 'dev5', 'dev6', 'dev7', 'dev8', 'dev9'])
    expect(wallets.find((w: WalletRow) => w.default)).toMatchObject({address: DEV0.address, name: 'dev0', path: null, source: 'dev'})

    const onMainnet = await json(['wallet', 'list', '--network', 'mainnet'])
    expect(onMainnet.envelope.data.wallets.map((w: WalletRow) => w.name)).toEqual(['alice'])
    const marked = await json(['wallet', 'list', '--account', 'alice'])
    expect(marked.envelope.data.wallets.find((w: WalletRow) => w.default).name).toBe('alice')

    delete process.env.NECTAR_PASSWORD
    expect((await json(['wallet', 'address', 'alice'])).envelope).toEqual({data: {address, name: 'alice'}, ok: true})
    expect((await json(['wallet', 'address'])).envelope.data).toEqual({address: DEV0.address, name: 'dev0'})
    expect((await json(['wallet', 'address', '--account', 'alice'])).envelope.data.address).toBe(address)

    const refused = await json(['wallet', 'remove', 'alice'])
    expect(refused.exitCode).toBe(2)
    expect(refused.envelope).toMatchObject({error: {code: 'CONFIRMATION_REQUIRED'}, ok: false})
    const removed = await json(['wallet', 'remove', 'alice', '--yes'])
    expect(removed.exitCode).toBe(0)
    expect(removed.envelope.data).toMatchObject({address, name: 'alice', path: file, removed: true})
    expect(() => statSync(file)).toThrow()
    const gone = await json(['wallet', 'address', 'alice'])
    expect(gone.exitCode).toBe(2)
    expect(gone.envelope.error.code).toBe('UNKNOWN_ACCOUNT')
  })

  it('refuses a duplicate name and a missing password', async () => {
    process.env.NECTAR_PASSWORD = 'pw'
    process.env.NECTAR_PRIVATE_KEY = DEV1.key
    expect((await json(['wallet', 'import', 'dup'])).exitCode).toBe(0)
    const again = await json(['wallet', 'create', 'dup'])
    expect(again.exitCode).toBe(2)
    expect(again.envelope).toEqual({
      error: {code: 'WALLET_EXISTS', hint: expect.stringContaining('--force'), message: expect.stringContaining('dup')},
      ok: false,
    })
    delete process.env.NECTAR_PASSWORD
    const noPassword = await json(['wallet', 'create', 'other'])
    expect(noPassword.exitCode).toBe(2)
    expect(noPassword.envelope.error.code).toBe('PASSWORD_REQUIRED')
    const reserved = await json(['wallet', 'create', 'dev1'])
    expect(reserved.envelope.error.code).toBe('RESERVED_WALLET_NAME')
  })

  it('imports a raw key from NECTAR_PRIVATE_KEY and checks --address', async () => {
    process.env.NECTAR_PASSWORD = 'pw'
    process.env.NECTAR_PRIVATE_KEY = DEV0.key
    const wrong = await json(['wallet', 'import', 'zero', '--address', DEV1.address])
    expect(wrong.exitCode).toBe(2)
    expect(wrong.envelope.error.code).toBe('ADDRESS_MISMATCH')
    const ok = await json(['wallet', 'import', 'zero', '--address', DEV0.address])
    expect(ok.exitCode).toBe(0)
    expect(ok.envelope.data).toMatchObject({address: DEV0.address, name: 'zero', source: 'nectar'})
    process.env.NECTAR_PRIVATE_KEY = 'not-a-key'
    expect((await json(['wallet', 'import', 'bad'])).envelope.error.code).toBe('INVALID_PRIVATE_KEY')
  })

  it('imports another keystore file, refusing a wrong password', async () => {
    const {encryptKeystore} = await import('../../src/lib/wallet/keystore.js')
    const external = path.join(tmp, 'external.json')
    // An ethers-style file (capital Crypto, 0x address) with cheap scrypt: it is re-encrypted with standard params.
    const {crypto, ...rest} = await encryptKeystore(DEV1.key as `0x${string}`, 'old-pw', {kdfParams: {n: 1024, p: 1, r: 8}})
    writeFileSync(external, JSON.stringify({...rest, Crypto: crypto, address: `0x${rest.address}`}))

    process.env.NECTAR_PASSWORD = 'wrong'
    const wrong = await json(['wallet', 'import', 'ext', '--keystore', external])
    expect(wrong.exitCode).toBe(2)
    expect(wrong.envelope).toMatchObject({error: {code: 'WRONG_PASSWORD', hint: expect.any(String)}, ok: false})

    process.env.NECTAR_PASSWORD = 'old-pw'
    const imported = await json(['wallet', 'import', 'ext', '--keystore', external])
    expect(imported.exitCode).toBe(0)
    expect(imported.envelope.data).toMatchObject({address: DEV1.address, name: 'ext'})
    const stored = JSON.parse(readFileSync(imported.envelope.data.path, 'utf8'))
    expect(stored.crypto.kdfparams).toMatchObject({n: 262144, p: 1, r: 8})
    const {decryptKeystore} = await import('../../src/lib/wallet/keystore.js')
    expect(await decryptKeystore(stored, 'old-pw')).toBe(DEV1.key)

    const notKeystore = path.join(tmp, 'not-a-keystore.json')
    writeFileSync(notKeystore, '{"hello":1}')
    const invalid = await json(['wallet', 'import', 'x', '--keystore', notKeystore])
    expect(invalid.exitCode).toBe(2)
    expect(invalid.envelope.error.code).toBe('INVALID_KEYSTORE')
    expect(invalid.envelope.error.message).toContain(notKeystore)
  })

  it('shows Foundry keystores and refuses to remove them or dev accounts', async () => {
    const {encryptKeystore} = await import('../../src/lib/wallet/keystore.js')
    const foundry = path.join(process.env.HOME!, '.foundry', 'keystores')
    mkdirSync(foundry, {recursive: true})
    writeFileSync(path.join(foundry, 'castkey'), JSON.stringify(await encryptKeystore(DEV1.key as `0x${string}`, 'f', {kdfParams: {n: 1024, p: 1, r: 8}})))
    const listed = await json(['wallet', 'list', '--network', 'mainnet'])
    expect(listed.envelope.data.wallets.find((w: WalletRow) => w.name === 'castkey')).toMatchObject({address: DEV1.address, source: 'foundry'})
    expect((await json(['wallet', 'address', 'castkey'])).envelope.data.address).toBe(DEV1.address)
    expect((await json(['wallet', 'remove', 'castkey', '--yes'])).envelope.error.code).toBe('CANNOT_REMOVE_FOUNDRY_KEYSTORE')
    expect((await json(['wallet', 'remove', 'dev0', '--yes'])).envelope.error.code).toBe('CANNOT_REMOVE_DEV_ACCOUNT')
    const offDevnet = await json(['wallet', 'address', 'dev0', '--network', 'mainnet'])
    expect(offDevnet.exitCode).toBe(2)
    expect(offDevnet.envelope.error.code).toBe('DEV_ACCOUNT_OFF_DEVNET')
  })
})
