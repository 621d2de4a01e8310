// Command tests against the BUILT dist (npm run build first), on the market anvil.
import {runCommand} from '@oclif/test'
import {mkdtempSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {privateKeyToAccount} from 'viem/accounts'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {snmAbi} from '../../src/lib/contracts/generated/SNM.js'
import {DEV_PRIVATE_KEYS as DEV_KEYS} from '../../src/lib/devnet/accounts.js'
import {sharedClient} from '../setup/chain.js'
import {makeTestEnv, type TestEnv} from '../setup/env.js'

const client = sharedClient()
let env: TestEnv
let deployment: {market: `0x${string}`; oracle: `0x${string}`; registry: `0x${string}`; snm: `0x${string}`}
const RENTER = DEV_KEYS[8]
const renter = privateKeyToAccount(RENTER).address
const POOR = '0x' + '11'.repeat(32) // a key with ETH from nobody and no SNM
const tmp = mkdtempSync(path.join(os.tmpdir(), 'nectar-market-cmd-'))

beforeAll(() => {
  env = makeTestEnv()
  const {market, oracle, registry, snm} = env.deployment.contracts
  deployment = {market: market!, oracle: oracle!, registry: registry!, snm: snm!}
  delete process.env.NECTAR_PRIVATE_KEY
})
afterAll(() => env.cleanup())

async function run(args: string[]) {
  const result = await runCommand(args, {root: process.cwd()})
  const text = result.stdout.trim()
  return {...result, json: text.startsWith('{') ? JSON.parse(text) : undefined}
}

const nonce = (address: `0x${string}`) => client.getTransactionCount({address})

describe('compute offers', () => {
  it('lists the seeded asks with the JSON shape', async () => {
    const {json} = await run(['compute', 'offers', '--json'])
    expect(json.ok).toBe(true)
    expect(json.data.offers.length).toBeGreaterThanOrEqual(6)
    const offer = json.data.offers[0]
    expect(Object.keys(offer)).toEqual(expect.arrayContaining(['id', 'provider', 'price', 'usdPerHour', 'snmPerHour', 'duration', 'benchmarks']))
    expect(offer.price).toMatch(/^\d+$/)
    expect(Object.keys(offer.benchmarks)).toHaveLength(12)
    const prices = json.data.offers.map((o: {price: string}) => BigInt(o.price))
    expect([...prices].sort((a, b) => (a < b ? -1 : 1))).toEqual(prices)
  })

  it('filters by resources, gpu, netflags and price', async () => {
    const {json} = await run(['compute', 'offers', '--gpu', '1', '--min-ram', '32GiB', '--netflags', 'incoming', '--max-price', '3usd/h', '--json'])
    expect(json.data.offers.map((o: {id: string}) => o.id)).toEqual(['4'])
    expect(json.data.offers[0].benchmarks.gpuCount).toBe('1')
  })

  it('shows the nearest offers and what they miss when nothing matches', async () => {
    const {json} = await run(['compute', 'offers', '--min-cores', '64', '--json'])
    expect(json.data.offers).toEqual([])
    expect(json.data.nearest.length).toBeGreaterThan(0)
    expect(json.data.nearest[0].misses[0].criterion).toBe('cpuCores')
  })

  it('rejects a bad unit with exit 2', async () => {
    const {error, json} = await run(['compute', 'offers', '--min-ram', '8 parsecs', '--json'])
    expect(json.ok).toBe(false)
    expect(error?.oclif?.exit ?? process.exitCode).toBe(2)
  })
})

describe('compute order', () => {
  it('approves exactly the lock and opens the deal', async () => {
    const before = await client.readContract({abi: snmAbi, address: deployment.snm, args: [renter], functionName: 'balanceOf'})
    const {json} = await run(['compute', 'order', '2', '--duration', '2h', '--private-key', RENTER, '--yes', '--json'])
    expect(json.ok).toBe(true)
    expect(json.data.approved).toBe(json.data.lock)
    expect(json.data.deal.consumer).toBe(renter)
    expect(json.data.deal.status).toBe('accepted')
    expect(json.data.deal.blockedBalance).toBe(json.data.lock)
    const [after, allowance] = await Promise.all([
      client.readContract({abi: snmAbi, address: deployment.snm, args: [renter], functionName: 'balanceOf'}),
      client.readContract({abi: snmAbi, address: deployment.snm, args: [renter, deployment.market], functionName: 'allowance'}),
    ])
    expect(before - after).toBe(BigInt(json.data.lock))
    expect(allowance).toBe(0n) // exactly the lock was approved, and all of it was used
  })

  const bad: Array<[string, string[], number, string]> = [
    ['missing ask', ['compute', 'order', '999', '--duration', '1h'], 2, 'NO_SUCH_ORDER'],
    ['inactive ask', ['compute', 'order', '2', '--duration', '1h'], 1, 'ORDER_INACTIVE'],
    ['duration the ask does not allow', ['compute', 'order', '3', '--duration', '2h'], 2, 'DURATION_NOT_ALLOWED'],
    ['price ceiling below the ask', ['compute', 'order', '5', '--duration', '1h', '--max-price', '1usd/h'], 2, 'PRICE_ABOVE_CEILING'],
    ['bad duration', ['compute', 'order', '5', '--duration', 'soon'], 2, 'INVALID_DURATION'],
  ]
  for (const [name, args, exit, code] of bad) {
    it(`refuses ${name} with exit ${exit} and sends nothing`, async () => {
      const n = await nonce(renter)
      const {json} = await run([...args, '--private-key', RENTER, '--yes', '--json'])
      expect(json.ok).toBe(false)
      expect(json.error.code).toBe(code)
      expect(process.exitCode).toBe(exit)
      expect(await nonce(renter)).toBe(n)
    })
  }

  it('refuses too little SNM with exit 1 and sends nothing', async () => {
    const poor = privateKeyToAccount(POOR as `0x${string}`).address
    const {json} = await run(['compute', 'order', '5', '--duration', '1h', '--private-key', POOR, '--yes', '--json'])
    expect(json.error.code).toBe('INSUFFICIENT_SNM')
    expect(process.exitCode).toBe(1)
    expect(await nonce(poor)).toBe(0)
  })
})

describe('provider', () => {
  const PROVIDER = DEV_KEYS[6]
  const provider = privateKeyToAccount(PROVIDER).address

  it('refuses a non-http endpoint with exit 2', async () => {
    const n = await nonce(provider)
    const {json} = await run(['provider', 'register', '--endpoint', 'ftp://example.org', '--private-key', PROVIDER, '--yes', '--json'])
    expect(json.error.code).toBe('INVALID_ENDPOINT')
    expect(process.exitCode).toBe(2)
    expect(await nonce(provider)).toBe(n)
  })

  it('names the field and the line of a wrong unit', async () => {
    const plan = path.join(tmp, 'bad-unit.yaml')
    writeFileSync(plan, 'duration: 2h\nprice: 0.5usd/h\nresources:\n  cpu:\n    cores: 4\n  ram:\n    size: 8 parsecs\n')
    const n = await nonce(provider)
    const {json} = await run(['provider', 'offer', 'create', '--plan', plan, '--private-key', PROVIDER, '--yes', '--json'])
    expect(json.error.code).toBe('INVALID_PLAN')
    expect(json.error.message).toContain('line 7')
    expect(json.error.message).toContain('resources.ram.size')
    expect(process.exitCode).toBe(2)
    expect(await nonce(provider)).toBe(n)
  })

  it('names a missing field and its line', async () => {
    const plan = path.join(tmp, 'missing.yaml')
    writeFileSync(plan, '# no price\nduration: 2h\nresources:\n  cpu:\n    cores: 4\n  gpu:\n    mem: 8GiB\n')
    const {json} = await run(['provider', 'offer', 'create', '--plan', plan, '--private-key', PROVIDER, '--yes', '--json'])
    expect(json.error.code).toBe('INVALID_PLAN')
    expect(json.error.message).toMatch(/line \d+: the field (price|resources\.gpu\.count) is missing/)
    expect(process.exitCode).toBe(2)
  })

  it('places an ask from a plan, lists it and cancels it', async () => {
    const plan = path.join(tmp, 'ask.yaml')
    writeFileSync(plan, 'duration: 1d\nprice: 0.75usd/h\nnetflags: {outbound: true}\nresources:\n  cpu: {cores: 12}\n  ram: {size: 24GiB}\n  network:\n    download: 300Mbit/s\n')
    const created = await run(['provider', 'offer', 'create', '--plan', plan, '--private-key', PROVIDER, '--yes', '--json'])
    expect(created.json.ok).toBe(true)
    const id = created.json.data.askId
    const found = await run(['compute', 'offers', '--min-cores', '12', '--min-net-down', '300Mbit/s', '--max-price', '0.75usd/h', '--json'])
    expect(found.json.data.offers.map((o: {id: string}) => o.id)).toContain(id)
    const listed = await run(['provider', 'offer', 'list', '--account', provider, '--json'])
    expect(listed.json.data.offers.map((o: {id: string}) => o.id)).toContain(id)
    const cancelled = await run(['provider', 'offer', 'cancel', id, '--private-key', PROVIDER, '--yes', '--json'])
    expect(cancelled.json.ok).toBe(true)
  })
})
