// The per-provider agent URLs of a network profile (networks.NAME.endpoints.ADDRESS): keyed in lower
// case however typed, http(s) only, and the schema refuses anything else in a hand-edited file.
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {describe, expect, test} from 'vitest'

import {getKey, setKey, unsetKey} from '../../src/lib/config/keys.js'
import {type ConfigData, readConfig, writeConfig} from '../../src/lib/config/store.js'

const PROVIDER = '0x90F79bf6EB2c4f870365E785982E1f101E93b906'
const key = `networks.devnet.endpoints.${PROVIDER}`

describe('config endpoints', () => {
  test('set, get and unset by any case of the address; stored in lower case without a trailing slash', () => {
    const config: ConfigData = {networks: {devnet: {chainId: 31337}}}
    setKey(config, key, 'https://agent.example.org:8701/')
    expect(config.networks!.devnet.endpoints).toEqual({[PROVIDER.toLowerCase()]: 'https://agent.example.org:8701'})
    expect(getKey(config, key.toLowerCase())).toBe('https://agent.example.org:8701')
    const dir = mkdtempSync(path.join(tmpdir(), 'nectar-endpoints-'))
    writeConfig(dir, config) // passes the schema
    expect(readConfig(dir).networks!.devnet.endpoints).toEqual(config.networks!.devnet.endpoints)
    expect(unsetKey(config, key)).toBe(true)
    expect(config.networks!.devnet.endpoints).toEqual({})
  })

  test.each(['ftp://agent.example.org', 'agent.example.org:8701', 'http://', ''])('refuses %j as a value', (value) => {
    expect(() => setKey({networks: {devnet: {chainId: 31337}}}, key, value)).toThrow(expect.objectContaining({code: 'CONFIG_INVALID_VALUE'}))
  })

  test.each(['networks.devnet.endpoints.0x1234', 'networks.devnet.endpoints.agent', `networks.devnet.endpoints.${PROVIDER}.url`])('refuses the key %s', (bad) => {
    expect(() => setKey({}, bad, 'http://a')).toThrow(expect.objectContaining({code: 'UNKNOWN_CONFIG_KEY'}))
  })

  test('a hand-edited file with a bad entry is reported, not used', () => {
    for (const endpoints of [{[PROVIDER]: 'http://a.example.org'}, {[PROVIDER.toLowerCase()]: 'gopher://a.example.org'}]) {
      const dir = mkdtempSync(path.join(tmpdir(), 'nectar-endpoints-'))
      writeFileSync(path.join(dir, 'config.json'), JSON.stringify({networks: {devnet: {chainId: 31337, endpoints}}, version: 1}))
      expect(() => readConfig(dir)).toThrow(expect.objectContaining({code: 'CONFIG_INVALID'}))
    }
  })
})
