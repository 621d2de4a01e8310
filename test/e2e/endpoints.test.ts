// Agent URLs end to end (spawned bin/run.js): `provider register` publishes, sends nothing for the same
// URL and replaces the old certificate with a new one; the renter's commands find the agent from the
// deal, from a per-provider config entry before the chain, and from --endpoint before both; a bad
// value on chain is named with its owner.
import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {afterAll, beforeAll, describe, expect, inject, it} from 'vitest'

import {writeConfig} from '../../src/lib/config/store.js'
import {profileRegistryAbi} from '../../src/lib/contracts/generated/ProfileRegistry.js'
import {ENDPOINT_ATTRIBUTE} from '../../src/lib/market/endpoints.js'
import {type FreshAccount, freshAccount, sharedClient} from '../setup/chain.js'
import {cliEnv, runCli, stopAll} from '../setup/cli.js'
import {deployTestMarket, openDeal, setEndpoint, type TestMarket} from '../setup/market.js'

const client = sharedClient()
let dir: string
let env: NodeJS.ProcessEnv
let m: TestMarket
let supplier: FreshAccount
let renter: FreshAccount
let dealId: bigint

const nectar = (args: string[], who?: FreshAccount) => runCli(args, {env: who ? {...env, NECTAR_PRIVATE_KEY: who.privateKey} : env, timeout: 60_000})

beforeAll(async () => {
  m = await deployTestMarket(client)
  ;[supplier, renter] = await Promise.all([freshAccount(client), freshAccount(client)])
  dealId = await openDeal(m, supplier, renter)
  dir = mkdtempSync(path.join(os.tmpdir(), 'nectar-endpoints-e2e-'))
  const configDir = path.join(dir, 'config')
  writeConfig(configDir, {network: 'devnet', networks: {devnet: {chainId: 31337, contracts: {market: m.market, oracle: m.oracle, profileRegistry: m.profileRegistry, snm: m.snm}, devnet: true, rpcUrl: inject('rpcUrl')}}})
  env = cliEnv({configDir, dataDir: path.join(dir, 'data')})
})

afterAll(async () => {
  await stopAll()
  rmSync(dir, {force: true, recursive: true})
})

describe('agent endpoints, end to end', () => {
  it('provider register publishes, and sends nothing for the same URL again', async () => {
    const first = await nectar(['provider', 'register', '--endpoint', 'http://127.0.0.1:9/', '--yes', '--json'], supplier)
    expect(first.status, first.stderr).toBe(0)
    expect(first.envelope.data).toMatchObject({endpoint: 'http://127.0.0.1:9', provider: supplier.address, removed: [], txHash: expect.stringMatching(/^0x/)})
    const again = await nectar(['provider', 'register', '--endpoint', 'http://127.0.0.1:9', '--yes', '--json'], supplier)
    expect(again.envelope.data.txHash).toBeNull()
    const human = await nectar(['provider', 'register', '--endpoint', 'http://127.0.0.1:9', '--yes'], supplier)
    expect(human.stdout).toContain('nothing was sent')
  })

  it('a new URL replaces the old certificate, and compute deal shows it', async () => {
    await nectar(['provider', 'register', '--endpoint', 'http://127.0.0.1:8', '--yes', '--json'], supplier)
    const replaced = await nectar(['provider', 'register', '--endpoint', 'http://127.0.0.1:7', '--yes', '--json'], supplier)
    expect(replaced.envelope.data.removed).toHaveLength(1)
    expect(await client.readContract({abi: profileRegistryAbi, address: m.profileRegistry, args: [supplier.address, ENDPOINT_ATTRIBUTE], functionName: 'GetAttributeCount'})).toBe(1n)
    const deal = await nectar(['compute', 'deal', String(dealId), '--json'])
    expect(deal.envelope.data).toMatchObject({endpoint: 'http://127.0.0.1:7', master: supplier.address})
  })

  it('the renter reaches the published URL, a config entry for the provider before it, and --endpoint before both', async () => {
    const [provider, renter2] = await Promise.all([freshAccount(client), freshAccount(client)])
    const deal = String(await openDeal(m, provider, renter2))
    await setEndpoint(m, provider, 'http://127.0.0.1:7')
    // Nothing listens on these ports: the error names the URL each command chose.
    const fromChain = await nectar(['compute', 'jobs', deal, '--json'], renter2)
    expect(fromChain.envelope.error).toMatchObject({code: 'AGENT_UNREACHABLE', message: expect.stringContaining('http://127.0.0.1:7 ')})
    const set = await nectar(['config', 'set', `networks.devnet.endpoints.${provider.address}`, 'http://127.0.0.1:5', '--json'])
    expect(set.status, set.stdout).toBe(0)
    const fromConfig = await nectar(['compute', 'jobs', deal, '--json'], renter2)
    expect(fromConfig.envelope.error).toMatchObject({code: 'AGENT_UNREACHABLE', message: expect.stringContaining('http://127.0.0.1:5 ')})
    const fromFlag = await nectar(['compute', 'logs', deal, '--endpoint', 'http://127.0.0.1:3', '--json'], renter2)
    expect(fromFlag.envelope.error).toMatchObject({code: 'AGENT_UNREACHABLE', message: expect.stringContaining('http://127.0.0.1:3 ')})
  })

  it('config endpoints are keyed in lower case, checked as http(s) URLs, and can be unset', async () => {
    const address = supplier.address
    expect((await nectar(['config', 'set', `networks.devnet.endpoints.${address}`, 'http://127.0.0.1:4/', '--json'])).status).toBe(0)
    const got = await nectar(['config', 'get', `networks.devnet.endpoints.${address.toLowerCase()}`, '--json'])
    expect(got.envelope.data.value).toBe('http://127.0.0.1:4')
    const bad = await nectar(['config', 'set', `networks.devnet.endpoints.${address}`, 'ftp://127.0.0.1', '--json'])
    expect(bad.status).toBe(2)
    expect(bad.envelope.error.code).toBe('CONFIG_INVALID_VALUE')
    expect((await nectar(['config', 'unset', `networks.devnet.endpoints.${address}`, '--json'])).envelope.data.removed).toBe(true)
  })

  it('names the provider whose on-chain value is not an http(s) URL (exit 1)', async () => {
    const [other, renter2] = await Promise.all([freshAccount(client), freshAccount(client)])
    const otherDeal = await openDeal(m, other, renter2)
    await setEndpoint(m, other, 'ssh://agent.example.org')
    const run = await nectar(['compute', 'jobs', String(otherDeal), '--json'], renter2)
    expect(run.status).toBe(1)
    expect(run.envelope.error).toMatchObject({code: 'BAD_PUBLISHED_ENDPOINT', message: expect.stringContaining(other.address)})
    // The deal itself is still shown, with the bad value as a warning.
    const deal = await nectar(['compute', 'deal', String(otherDeal), '--json'])
    expect(deal.status).toBe(0)
    expect(deal.envelope.data).toMatchObject({endpoint: null, supplier: other.address})
    expect(deal.envelope.warnings).toEqual([expect.stringContaining('ssh://agent.example.org')])
  })

  it('provider register --help documents the attribute', async () => {
    const help = await nectar(['provider', 'register', '--help'])
    expect(help.stdout).toContain('attribute type 1001')
    expect(help.stdout).toContain('networks.NAME.endpoints.PROVIDER_ADDRESS')
  })
})
