// network add|remove|use as library calls on a temporary config dir; the chain id reader is a stub.
import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import {addNetwork, removeNetwork, useNetwork} from '../../src/lib/config/edit-networks.js'
import {readConfig} from '../../src/lib/config/store.js'
import {type NectarError} from '../../src/lib/core/errors.js'

const dir = mkdtempSync(path.join(os.tmpdir(), 'nectar-networks-'))
afterAll(() => rmSync(dir, {force: true, recursive: true}))

const served = (chainId: number) => async () => chainId
const failing = async (): Promise<number> => {
  throw new Error('must not contact the endpoint')
}
const code = (promise: Promise<unknown>) => promise.then(() => 'ok', (e: NectarError) => e.code)
const syncCode = (run: () => unknown) => {
  try {
    run()
    return 'ok'
  } catch (error) {
    return (error as NectarError).code
  }
}

describe('network profiles', () => {
  it('adds with the chain id the endpoint serves, checks a given one, and skips the check on request', async () => {
    expect(await addNetwork(dir, {name: 'staging', rpcUrl: 'http://10.0.0.5:8545', use: true}, served(1337))).toEqual({chainId: 1337, contracts: {}, name: 'staging', rpcUrl: 'http://10.0.0.5:8545'})
    expect(readConfig(dir).network).toBe('staging')
    expect(await code(addNetwork(dir, {chainId: 5, name: 'other', rpcUrl: 'http://10.0.0.6:8545'}, served(1337)))).toBe('WRONG_CHAIN')
    expect(await code(addNetwork(dir, {name: 'staging', rpcUrl: 'http://10.0.0.5:8545'}, served(1337)))).toBe('NETWORK_EXISTS')
    const offline = await addNetwork(dir, {chainId: 7, check: false, name: 'offline', nec: '0xcc80c051057b774cd75067dc48f8987c4eb97a5e', rpcUrl: 'http://10.0.0.7:8545'}, failing)
    expect(offline).toMatchObject({chainId: 7, contracts: {nec: '0xCc80C051057B774cD75067Dc48f8987C4Eb97A5e'}})
    expect(await code(addNetwork(dir, {check: false, name: 'nochain', rpcUrl: 'http://10.0.0.8:8545'}, failing))).toBe('NO_CHAIN_ID')
    expect(await code(addNetwork(dir, {name: 'norpc'}, failing))).toBe('NO_RPC_URL')
  })

  it('checks every address before contacting anything, and stores a --sonm-registry unread under --no-check', async () => {
    const before = readConfig(dir)
    for (const [flag, value] of [['market', '0x123'], ['sonmRegistry', 'registry'], ['profileRegistry', '0xD1A6F3D1AE33B4B19565A6B283D7A05C5A0DECB0'.replace('D1', 'd1')]] as const) {
      expect(await code(addNetwork(dir, {name: 'bad', rpcUrl: 'http://10.0.0.9:8545', [flag]: value}, failing, failing))).toMatch(/^(INVALID_ADDRESS|BAD_CHECKSUM)$/)
    }
    expect(readConfig(dir)).toEqual(before)
    const unread = await addNetwork(dir, {check: false, market: '0x00000000000000000000000000000000000000aa', name: 'sonm', sonmRegistry: '0xd1a6f3d1ae33b4b19565a6b283d7a05c5a0decb0'}, failing, failing)
    expect(unread).toEqual({chainId: 444, contracts: {market: '0x00000000000000000000000000000000000000AA', sonmRegistry: '0xD1A6F3d1AE33b4b19565a6B283d7A05C5A0dEcB0'}, name: 'sonm'})
    // Reading it needs the profile's RPC URL: the built-in sonm has none until one is set.
    expect(await code(addNetwork(dir, {name: 'sonm', sonmRegistry: '0xd1a6f3d1ae33b4b19565a6b283d7a05c5a0decb0'}, failing, failing))).toBe('NO_RPC_URL')
    expect(removeNetwork(dir, 'sonm').removed).toBe(true)
  })

  it('refuses names every object has, and never finds them', async () => {
    for (const name of ['constructor', 'prototype', 'Bad']) expect(await code(addNetwork(dir, {name, rpcUrl: 'http://10.0.0.9:8545'}, failing))).toBe('INVALID_NETWORK_NAME')
    expect(syncCode(() => removeNetwork(dir, 'constructor'))).toBe('UNKNOWN_NETWORK')
    expect(syncCode(() => useNetwork(dir, 'constructor'))).toBe('UNKNOWN_NETWORK')
  })

  it('removes a stored profile (the active one falls back) and refuses a built-in one without overrides', () => {
    expect(removeNetwork(dir, 'staging')).toEqual({name: 'staging', removed: true})
    expect(readConfig(dir).network).toBeUndefined()
    expect(syncCode(() => removeNetwork(dir, 'mainnet'))).toBe('UNKNOWN_NETWORK')
    expect(useNetwork(dir, 'offline')).toEqual({network: 'offline'})
  })
})
