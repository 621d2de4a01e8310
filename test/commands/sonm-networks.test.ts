// SONM networks in one line: `network add NAME --rpc-url URL --sonm-registry ADDR` reads the market's
// addresses from SONM's address registry (the devnet's AddressHashMap, on the shared test anvil), and
// `compute offers --network NAME` then reads the market through them. The built-in `sonm` profile, a
// profile with only a market and an oracle, and every bad registry (nothing written). Also run by the
// `byzantium` project (vitest.config.ts), where the shared anvil is a 2018-era EVM.
import {readFileSync} from 'node:fs'
import path from 'node:path'

import {type Address, getAddress} from 'viem'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {addressHashMapAbi, addressHashMapBytecode} from '../../src/lib/contracts/generated/AddressHashMap.js'
import {DEV_ADDRESSES} from '../../src/lib/devnet/accounts.js'
import {TxBatch} from '../../src/lib/devnet/deploy.js'
import {registryKey, SONM_LIVENET_REGISTRY} from '../../src/lib/market/address-registry.js'
import {freshAccount, sharedClient} from '../setup/chain.js'
import {makeTestEnv, type TestEnv} from '../setup/env.js'
import {runJson} from '../setup/run-json.js'

const client = sharedClient()
let env: TestEnv
let contracts: Record<'blacklist' | 'market' | 'oracle' | 'profileRegistry' | 'snm' | 'sonmRegistry', Address>
/** An AddressHashMap of the test's own that names the market and nothing else. */
let partialRegistry: Address
const SEEDED_ASKS = ['1', '3', '4', '5', '6'] // the devnet seed's; no test buys or cancels them

beforeAll(async () => {
  env = makeTestEnv()
  const c = env.deployment.contracts
  contracts = {blacklist: c.blacklist!, market: c.market!, oracle: c.oracle!, profileRegistry: c.profileRegistry!, snm: c.snm!, sonmRegistry: c.sonmRegistry!}
  const owner = await freshAccount(client)
  const batch = await TxBatch.create(client, owner.privateKey)
  partialRegistry = await batch.deploy('deploy AddressHashMap', addressHashMapAbi, addressHashMapBytecode)
  await batch.send('register marketAddress', {abi: addressHashMapAbi, address: partialRegistry, args: [registryKey('market'), contracts.market], functionName: 'write'})
  await batch.flush()
})
afterAll(() => env?.cleanup())

const configText = () => readFileSync(path.join(env.configDir, 'config.json'), 'utf8')
const offerIds = (envelope: {data: {offers: Array<{id: string}>}}) => envelope.data.offers.map((o) => o.id)

describe('network add --sonm-registry', () => {
  it('reads every market address from the registry, saves them with it, and compute offers reads the market through them', async () => {
    const added = await runJson(['network', 'add', 'sidechain', '--rpc-url', env.rpcUrl, '--sonm-registry', contracts.sonmRegistry.toLowerCase()])
    expect(added.exitCode, JSON.stringify(added.envelope)).toBe(0)
    expect(added.envelope.data).toEqual({chainId: 31337, contracts, name: 'sidechain', rpcUrl: env.rpcUrl})
    const shown = await runJson(['network', 'show', 'sidechain'])
    expect(shown.envelope.data.contracts).toEqual(contracts)
    const listed = await runJson(['network', 'list'])
    expect(listed.envelope.data.networks.find((n: {name: string}) => n.name === 'sidechain').contracts).toEqual(contracts)

    const offers = await runJson(['compute', 'offers', '--network', 'sidechain'])
    expect(offers.exitCode).toBe(0)
    expect(offerIds(offers.envelope)).toEqual(expect.arrayContaining(SEEDED_ASKS))
    expect(offers.envelope.data.oracleRate).toBe((await runJson(['compute', 'offers'])).envelope.data.oracleRate)
  })

  it('takes --market, --snm, --oracle, --blacklist and --profile-registry one by one, over what the registry says', async () => {
    const other = getAddress(DEV_ADDRESSES[3])
    const added = await runJson(['network', 'add', 'override', '--rpc-url', env.rpcUrl, '--sonm-registry', contracts.sonmRegistry, '--snm', other])
    expect(added.exitCode).toBe(0)
    expect(added.envelope.data.contracts).toEqual({...contracts, snm: other})
    // A registry without a key is fine when that address is given: only the rest is read.
    const filled = await runJson(['network', 'add', 'filled', '--rpc-url', env.rpcUrl, '--sonm-registry', partialRegistry,
      '--snm', contracts.snm, '--oracle', contracts.oracle, '--blacklist', contracts.blacklist, '--profile-registry', contracts.profileRegistry])
    expect(filled.exitCode, JSON.stringify(filled.envelope)).toBe(0)
    expect(filled.envelope.data.contracts).toEqual({...contracts, sonmRegistry: partialRegistry})
  })

  it('refuses a registry with no code, without a key, or that does not answer read(bytes32), and a malformed address: one line, a hint, nothing written', async () => {
    const before = configText()
    const cases: Array<[string, string, number, RegExp]> = [
      [DEV_ADDRESSES[4], 'REGISTRY_NO_CODE', 1, /no contract at the address registry/],
      [partialRegistry, 'REGISTRY_KEY_MISSING', 1, /has no (sidechainSNMAddress|oracleUsdAddress|blacklistAddress|profileRegistryAddress)\.$/],
      [contracts.market, 'REGISTRY_UNREADABLE', 1, /does not answer read\(bytes32\)/],
      ['0x12345', 'INVALID_ADDRESS', 2, /--sonm-registry "0x12345" is not an address/],
    ]
    for (const [registry, code, exit, message] of cases) {
      const r = await runJson(['network', 'add', 'broken', '--rpc-url', env.rpcUrl, '--sonm-registry', registry])
      expect(r.envelope.error, registry).toMatchObject({code, message: expect.stringMatching(message)})
      expect(r.envelope.error.message).not.toContain('\n')
      expect(r.envelope.error.hint).toBeTruthy()
      expect(r.exitCode).toBe(exit)
    }
    expect(configText()).toBe(before)
  })

  it('with --no-check saves the registry unread; a command reads it when it needs the market', async () => {
    const added = await runJson(['network', 'add', 'lazy', '--rpc-url', env.rpcUrl, '--chain-id', '31337', '--sonm-registry', contracts.sonmRegistry, '--no-check'])
    expect(added.envelope.data.contracts).toEqual({sonmRegistry: contracts.sonmRegistry})
    const offers = await runJson(['compute', 'offers', '--network', 'lazy'])
    expect(offers.exitCode).toBe(0)
    expect(offerIds(offers.envelope)).toEqual(expect.arrayContaining(SEEDED_ASKS))
  })
})

describe('a profile with only a market and an oracle', () => {
  it('lists offers: reading them needs nothing else (no snm, blacklist, profile registry or address registry)', async () => {
    const added = await runJson(['network', 'add', 'bare', '--rpc-url', env.rpcUrl, '--market', contracts.market, '--oracle', contracts.oracle])
    expect(added.envelope.data.contracts).toEqual({market: contracts.market, oracle: contracts.oracle})
    const offers = await runJson(['compute', 'offers', '--network', 'bare', '--max-price', '5snm/h'])
    expect(offers.exitCode, JSON.stringify(offers.envelope)).toBe(0)
    expect(offers.envelope.data.offers.length).toBeGreaterThan(0)
    // Without the oracle it says which address is missing and how to set it.
    await runJson(['network', 'add', 'nooracle', '--rpc-url', env.rpcUrl, '--market', contracts.market])
    const missing = await runJson(['compute', 'offers', '--network', 'nooracle'])
    expect(missing.envelope.error).toMatchObject({code: 'NO_CONTRACT_ADDRESS', hint: expect.stringContaining('networks.nooracle.contracts.oracle')})
  })
})

describe('the built-in sonm profile', () => {
  it('says how to set its RPC URL, checks its chain id, resolves the market through SONM livenet\'s registry, and takes another registry', async () => {
    const none = await runJson(['compute', 'offers', '--network', 'sonm'])
    expect(none.envelope.error).toMatchObject({code: 'NO_RPC_URL', hint: expect.stringContaining('nectar network add sonm --rpc-url URL')})
    expect(none.exitCode).toBe(2)
    // The test anvil is chain 31337, not SONM's 444.
    expect((await runJson(['network', 'add', 'sonm', '--rpc-url', env.rpcUrl])).envelope.error.code).toBe('WRONG_CHAIN')
    const set = await runJson(['network', 'add', 'sonm', '--rpc-url', env.rpcUrl, '--chain-id', '31337'])
    expect(set.envelope.data).toMatchObject({chainId: 31337, name: 'sonm', rpcUrl: env.rpcUrl})
    expect((await runJson(['network', 'show', 'sonm'])).envelope.data.contracts).toEqual({sonmRegistry: SONM_LIVENET_REGISTRY})
    // Run time: the market comes from the livenet registry, which is not on this chain.
    const offChain = await runJson(['compute', 'offers', '--network', 'sonm'])
    expect(offChain.envelope.error).toMatchObject({code: 'REGISTRY_NO_CODE', message: expect.stringContaining(SONM_LIVENET_REGISTRY)})
    expect(offChain.exitCode).toBe(1)
    // Its stored RPC URL is used to read another registry.
    const mirrored = await runJson(['network', 'add', 'sonm', '--sonm-registry', contracts.sonmRegistry])
    expect(mirrored.envelope.data.contracts).toEqual(contracts)
    const offers = await runJson(['compute', 'offers', '--network', 'sonm'])
    expect(offerIds(offers.envelope)).toEqual(expect.arrayContaining(SEEDED_ASKS))
  })
})
