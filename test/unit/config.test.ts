import {mkdtempSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {describe, expect, test} from 'vitest'

import {parseAddress} from '../../src/lib/core/addresses.js'
import {NectarError} from '../../src/lib/core/errors.js'
import {getKey, setKey, unsetKey} from '../../src/lib/config/keys.js'
import {resolveSettings, requireRpcUrl} from '../../src/lib/config/settings.js'
import {readConfig, updateConfig, writeConfig} from '../../src/lib/config/store.js'
import {SONM_LIVENET_REGISTRY} from '../../src/lib/market/address-registry.js'

const tmp = () => mkdtempSync(path.join(tmpdir(), 'nectar-config-'))

function thrown(fn: () => unknown): NectarError {
  try {
    fn()
  } catch (error) {
    return error as NectarError
  }
  throw new Error('expected an error')
}

describe('config store', () => {
  test('missing file is an empty config; writes are 0600 and schema-checked', () => {
    const dir = tmp()
    expect(readConfig(dir)).toEqual({version: 1})
    writeConfig(dir, {network: 'mainnet'})
    const file = path.join(dir, 'config.json')
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({network: 'mainnet', version: 1})
    const error = thrown(() => writeConfig(dir, {networks: {x: {chainId: -1}}}))
    expect(error.code).toBe('CONFIG_INVALID_VALUE')
    expect(readConfig(dir).network).toBe('mainnet') // unchanged
  })

  test('a corrupt file is reported with its path and never replaced', () => {
    const dir = tmp()
    const file = path.join(dir, 'config.json')
    writeFileSync(file, '{"network": ')
    const error = thrown(() => readConfig(dir))
    expect(error.code).toBe('CONFIG_CORRUPT')
    expect(error.exitCode).toBe(2)
    expect(error.message).toContain(file)
    expect(thrown(() => updateConfig(dir, (c) => (c.account = 'x'))).code).toBe('CONFIG_CORRUPT')
    expect(readFileSync(file, 'utf8')).toBe('{"network": ')
    writeFileSync(file, JSON.stringify({networks: {dev: {rpcUrl: 'ftp://x'}}}))
    const invalid = thrown(() => readConfig(dir))
    expect(invalid.code).toBe('CONFIG_INVALID')
    expect(invalid.details.join(' ')).toMatch(/chainId|rpcUrl/)
  })

  test('dot-path keys', () => {
    const config = {}
    setKey(config, 'networks.sepolia.chainId', '11155111')
    setKey(config, 'networks.sepolia.rpcUrl', 'https://rpc.example')
    expect(getKey(config, 'networks.sepolia')).toEqual({chainId: 11155111, rpcUrl: 'https://rpc.example'})
    expect(unsetKey(config, 'networks.sepolia.rpcUrl')).toBe(true)
    expect(unsetKey(config, 'account')).toBe(false)
    expect(thrown(() => setKey(config, 'bogus', '1')).code).toBe('UNKNOWN_CONFIG_KEY')
    expect(thrown(() => setKey(config, 'networks.x.chainId', 'one')).code).toBe('CONFIG_INVALID_VALUE')
  })
})

describe('settings precedence: flag > env > config > default', () => {
  const config = {account: 'fromconfig', network: 'mainnet', networks: {mainnet: {chainId: 1, rpcUrl: 'http://profile'}}}

  test('defaults to the devnet and dev0', () => {
    const s = resolveSettings({}, {}, {})
    expect(s.network.name).toBe('devnet')
    expect(s.account).toBe('dev0')
    expect(s.rpcUrl).toBe('http://127.0.0.1:8545')
  })

  test('config beats default, env beats config, flag beats env', () => {
    expect(resolveSettings({}, {}, config).rpcUrl).toBe('http://profile')
    expect(resolveSettings({}, {ETH_RPC_URL: 'http://eth'}, config).rpcUrl).toBe('http://eth')
    expect(resolveSettings({}, {ETH_RPC_URL: 'http://eth', NECTAR_RPC_URL: 'http://nectar'}, config).rpcUrl).toBe('http://nectar')
    expect(resolveSettings({'rpc-url': 'http://flag'}, {NECTAR_RPC_URL: 'http://nectar'}, config).rpcUrl).toBe('http://flag')
    expect(resolveSettings({}, {NECTAR_NETWORK: 'devnet'}, config).network.name).toBe('devnet')
    expect(resolveSettings({network: 'mainnet'}, {NECTAR_NETWORK: 'devnet'}, config).network.name).toBe('mainnet')
    expect(resolveSettings({}, {NECTAR_ACCOUNT: 'env'}, config).account).toBe('env')
    expect(resolveSettings({account: 'flag'}, {NECTAR_ACCOUNT: 'env'}, config).account).toBe('flag')
  })

  test('mainnet has the real addresses and no RPC URL until one is set', () => {
    const s = resolveSettings({network: 'mainnet'}, {}, {})
    expect(s.network.chainId).toBe(1)
    expect(s.network.contracts?.nec).toBe('0xcc80c051057b774cd75067dc48f8987c4eb97a5e')
    expect(s.network.contracts?.controller).toBe('0x0e55c54249f25f70d519b7fb1c20e3331e7ba76d')
    expect(thrown(() => requireRpcUrl(s)).code).toBe('NO_RPC_URL')
    expect(s.account).toBeUndefined()
  })

  test('sonm: SONM livenet\'s registry, chain id 444, no RPC URL until one is set (the hint names the profile)', () => {
    const s = resolveSettings({network: 'sonm'}, {}, {})
    expect(s.network).toMatchObject({builtin: true, chainId: 444, contracts: {sonmRegistry: SONM_LIVENET_REGISTRY}})
    expect(s.network.rpcUrl).toBeUndefined()
    const error = thrown(() => requireRpcUrl(s))
    expect(error.code).toBe('NO_RPC_URL')
    expect(error.exitCode).toBe(2)
    expect(error.hint).toContain('`nectar network add sonm --rpc-url URL`')
    // A profile of the user's own still gets --chain-id in the hint.
    expect(thrown(() => requireRpcUrl(resolveSettings({network: 'x'}, {}, {networks: {x: {chainId: 5}}}))).hint).toContain('--chain-id 5')
  })

  test('config set on a built-in profile with nothing stored starts from its chain id (mainnet, sonm)', () => {
    for (const name of ['mainnet', 'sonm']) {
      const dir = tmp()
      updateConfig(dir, (config) => setKey(config, `networks.${name}.rpcUrl`, 'https://rpc.example'))
      const s = resolveSettings({network: name}, {}, readConfig(dir))
      expect(s.rpcUrl).toBe('https://rpc.example')
      expect(s.network.chainId).toBe(name === 'sonm' ? 444 : 1)
      expect(s.network.contracts).toEqual(resolveSettings({network: name}, {}, {}).network.contracts)
    }
    // A name that is neither stored nor built in still needs its chain id first.
    expect(thrown(() => updateConfig(tmp(), (config) => setKey(config, 'networks.other.rpcUrl', 'https://rpc.example'))).code).toBe('CONFIG_INVALID_VALUE')
  })

  test('unknown network and bad URL are usage errors', () => {
    expect(thrown(() => resolveSettings({network: 'nope'}, {}, {})).code).toBe('UNKNOWN_NETWORK')
    expect(thrown(() => resolveSettings({'rpc-url': 'localhost:8545'}, {}, {})).code).toBe('INVALID_RPC_URL')
  })
})

describe('parseAddress', () => {
  test('accepts checksummed and lower case; rejects bad checksums, junk and zero', () => {
    expect(parseAddress('0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266')).toBe('0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266')
    expect(parseAddress('0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266')).toBe('0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266')
    expect(thrown(() => parseAddress('0xF39Fd6e51aad88F6F4ce6aB8827279cffFb92266')).code).toBe('BAD_CHECKSUM')
    expect(thrown(() => parseAddress('0x1234')).code).toBe('INVALID_ADDRESS')
    expect(thrown(() => parseAddress('hello')).code).toBe('INVALID_ADDRESS')
    expect(thrown(() => parseAddress('0x0000000000000000000000000000000000000000')).code).toBe('ZERO_ADDRESS')
  })
})
