// End to end: spawn bin/run.js --json as a user would, against the shared test anvil, and check the
// envelope, the exit code, and that nothing was sent on bad input (the sender's nonce is unchanged).
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {type Address} from 'viem'
import {generatePrivateKey, privateKeyToAccount} from 'viem/accounts'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'

import {necAbi} from '../../src/lib/contracts/generated/index.js'
import {sharedClient} from '../setup/chain.js'
import {cliEnv, type Envelope, runCli, stopAll} from '../setup/cli.js'
import {makeTestEnv, type TestEnv} from '../setup/env.js'

const DEV2 = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC' as Address
const DEV3 = '0x90F79bf6EB2c4f870365E785982E1f101E93b906' as Address

let env: TestEnv
const client = sharedClient()

beforeAll(() => {
  env = makeTestEnv()
})
afterAll(async () => {
  await stopAll()
  env.cleanup()
})

/** `nectar ARGS --json`: exactly one JSON document on stdout, whatever happened (envelope throws otherwise). */
async function nectar<T = Record<string, unknown>>(args: string[], extraEnv: Record<string, string> = {}, input?: string): Promise<{envelope: Envelope<T>; status: number; stderr: string; stdout: string}> {
  const result = await runCli([...args, '--json'], {env: cliEnv(env, extraEnv), input})
  return {envelope: result.envelope as Envelope<T>, status: result.status ?? -1, stderr: result.stderr, stdout: result.stdout}
}

const nonce = (address: Address) => client.getTransactionCount({address})
const necBalance = (address: Address) => client.readContract({abi: necAbi, address: env.deployment.contracts.nec, args: [address], functionName: 'balanceOf'})

describe('balance', () => {
  test('reads named addresses exactly, with a total', async () => {
    const [m1, m2] = env.deployment.makers
    const {envelope, status} = await nectar<{balances: Array<{address: string; balance: string; wei: string}>; total: {balance: string; wei: string}}>(['balance', m1.address, m2.address])
    expect(status).toBe(0)
    expect(envelope.ok).toBe(true)
    expect(envelope.data!.balances[0]).toEqual({address: m1.address, balance: expect.any(String), wei: expect.any(String)})
    // Seeded balances can only have moved through other tests' transfers; the shape and sum must hold.
    const total = envelope.data!.balances.reduce((a, b) => a + BigInt(b.wei), 0n)
    expect(envelope.data!.total.wei).toBe(total.toString())
  })

  test('reads a file of addresses in batches, and historic balances with --block', async () => {
    const fresh = Array.from({length: 3000}, () => privateKeyToAccount(generatePrivateKey()).address)
    const vault = env.deployment.vault
    const file = path.join(env.dataDir, 'holders.txt')
    mkdirSync(env.dataDir, {recursive: true})
    writeFileSync(file, ['# holders', 'address', ...fresh.slice(0, 1500), vault, ...fresh.slice(1500)].join('\n'))
    const {envelope, status} = await nectar<{balances: Array<{address: string; wei: string}>}>(['balance', '--file', file])
    expect(status).toBe(0)
    expect(envelope.data!.balances).toHaveLength(3001)
    expect(envelope.data!.balances[1500]).toEqual({address: vault, balance: expect.any(String), wei: (await necBalance(vault)).toString()})
    expect(envelope.data!.balances.filter((b) => b.wei !== '0')).toHaveLength(1)

    const m = env.deployment.makers[3]
    const atSeed = await nectar<{balances: Array<{wei: string}>}>(['balance', m.address, '--block', String(env.deployment.seededBlock)])
    expect(atSeed.envelope.data!.balances[0].wei).toBe(m.tokensWei)
  })

  test('rejects bad addresses, naming every bad line, before touching the chain', async () => {
    const file = path.join(env.dataDir, 'bad.txt')
    mkdirSync(env.dataDir, {recursive: true})
    writeFileSync(file, `${DEV2}\n0x1234\n${DEV2.replace('3C44', '3c44')}\nnot-an-address\n`)
    const {envelope, status} = await nectar(['balance', '--file', file])
    expect(status).toBe(2)
    expect(envelope.error!.code).toBe('INVALID_ADDRESSES')
    expect(envelope.error!.details!.join('\n')).toMatch(/line 2[\s\S]*line 3[\s\S]*line 4/)
    expect((await nectar(['balance', '0xF39Fd6e51aad88F6F4ce6aB8827279cffFb92266'])).envelope.error!.details![0]).toMatch(/checksum/)
  })
})

test('supply reports the deployed state with decimal strings and exact integers', async () => {
  const {envelope, status} = await nectar<Record<string, string | number | boolean>>(['supply'])
  expect(status).toBe(0)
  const d = envelope.data!
  expect(d.initialSupply).toBe('1000000000')
  expect(d.totalSupplyWei).toBe((await client.readContract({abi: necAbi, address: env.deployment.contracts.nec, functionName: 'totalSupply'})).toString())
  expect(d.window).toBe(1)
  expect(d.burningEnabled).toBe(true)
  expect(d.whitelistActive).toBe(true)
  expect(d.controller).toBe(env.deployment.contracts.controller)
  expect(BigInt(d.capRemainingWei as string)).toBe(2n * 10n ** 27n - BigInt(d.totalSupplyWei as string))
  expect(typeof d.rate).toBe('string')
  expect(Object.keys(d)).toEqual(expect.arrayContaining(['totalSupply', 'initialSupply', 'pledgedFees', 'window', 'windowEnds', 'rate', 'capRemaining', 'redemptionEthPerNec', 'burningEnabled', 'whitelistActive', 'controller']))
})

describe('transfer', () => {
  test('sends exactly the amount between registered holders', async () => {
    const before = [await necBalance(DEV2), await necBalance(DEV3)]
    const {envelope, status} = await nectar<{amountWei: string; txHash: string}>(['transfer', DEV3, '0.000000000000000007', '--account', 'dev2', '--yes'])
    expect(status).toBe(0)
    expect(envelope.data!.amountWei).toBe('7')
    expect(envelope.data!.txHash).toMatch(/^0x[0-9a-f]{64}$/)
    expect([await necBalance(DEV2), await necBalance(DEV3)]).toEqual([before[0] - 7n, before[1] + 7n])
  })

  test.each([
    [['transfer', '0x1234', '1'], 2, 'INVALID_ADDRESS'],
    [['transfer', DEV3.replace('90F7', '90f7'), '1'], 2, 'BAD_CHECKSUM'],
    [['transfer', DEV3, '1.0000000000000000001'], 2, 'TOO_MANY_DECIMALS'],
    [['transfer', DEV3, '-1'], 2, 'INVALID_AMOUNT'],
    [['transfer', DEV3, ''], 2, 'INVALID_AMOUNT'],
    [['transfer', DEV3, 'ten'], 2, 'INVALID_AMOUNT'],
    [['transfer', DEV3, '1e3'], 2, 'INVALID_AMOUNT'],
    [['transfer', DEV3, '99999999999999999999999999999999999999999999999999999999999999999999999999999999'], 2, 'AMOUNT_TOO_LARGE'],
    [['transfer', DEV3, '10000000000'], 1, 'INSUFFICIENT_BALANCE'],
    [['transfer', '0x000000000000000000000000000000000000dEaD', '1'], 1, 'NOT_WHITELISTED'],
    [['transfer', DEV3, '1', '--network', 'nope'], 2, 'UNKNOWN_NETWORK'],
    [['transfer', DEV3, '1', '--account', 'ghost'], 2, 'UNKNOWN_ACCOUNT'],
    [['transfer', DEV3, '1', '--rpc-url', 'http://127.0.0.1:9'], 1, 'RPC_UNREACHABLE'],
  ] as Array<[string[], number, string]>)('%j fails with exit %i (%s) and sends nothing', async (args, exit, code) => {
    const before = await nonce(DEV2)
    const {envelope, status, stdout} = await nectar([...args, ...(args.includes('--account') ? [] : ['--account', 'dev2']), '--yes'])
    expect({code: envelope.error?.code, status}).toEqual({code, status: exit})
    expect(envelope.ok).toBe(false)
    expect(envelope.error!.message.split('\n')).toHaveLength(1)
    expect(envelope.error!.hint).toBeTruthy()
    expect(stdout).not.toMatch(/\n\s+at /) // no stack trace
    expect(await nonce(DEV2)).toBe(before)
  })

  test('on the wrong chain it refuses, and the devnet keys refuse to sign off the devnet', async () => {
    const before = await nonce(DEV2)
    const wrong = await nectar(['transfer', DEV3, '1', '--network', 'mainnet', '--rpc-url', env.rpcUrl, '--private-key', '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a', '--yes'])
    expect(wrong.status).toBe(1)
    expect(wrong.envelope.error!.code).toBe('WRONG_CHAIN')
    // A profile for the same node that is not the devnet: the chain id matches, the dev keys still refuse.
    expect((await nectar(['network', 'add', 'notdev', '--rpc-url', env.rpcUrl, '--nec', env.deployment.contracts.nec])).status).toBe(0)
    const dev = await nectar(['transfer', DEV3, '1', '--network', 'notdev', '--account', 'dev2', '--yes'])
    expect(dev.status).toBe(2)
    expect(dev.envelope.error!.code).toBe('DEV_ACCOUNT_OFF_DEVNET')
    await nectar(['network', 'remove', 'notdev'])
    expect(await nonce(DEV2)).toBe(before)
  })

  test('without a terminal and without --yes it refuses and names --yes', async () => {
    const before = await nonce(DEV2)
    const {envelope, status} = await nectar(['transfer', DEV3, '1', '--account', 'dev2'])
    expect(status).toBe(2)
    expect(envelope.error).toMatchObject({code: 'CONFIRMATION_REQUIRED', hint: expect.stringContaining('--yes')})
    expect(await nonce(DEV2)).toBe(before)
  })

  test('a wrong keystore password is a usage error and nothing is sent', async () => {
    const created = await nectar<{address: Address}>(['wallet', 'create', 'carol'], {NECTAR_PASSWORD: 'right horse'})
    expect(created.status).toBe(0)
    const carol = created.envelope.data!.address
    // Carol holds no NEC: the balance check refuses first, and no password is asked for that.
    const broke = await nectar(['transfer', DEV3, '1', '--account', 'carol', '--yes'], {NECTAR_PASSWORD: 'wrong horse'})
    expect(broke.status).toBe(1)
    expect(broke.envelope.error!.code).toBe('INSUFFICIENT_BALANCE')
    // With gas money, publishing an endpoint passes every check; the password is asked at the signature.
    await client.request({method: 'anvil_setBalance', params: [carol, `0x${(10n ** 20n).toString(16)}`]} as never)
    const {envelope, status} = await nectar(['provider', 'register', '--endpoint', 'http://127.0.0.1:1', '--account', 'carol', '--yes'], {NECTAR_PASSWORD: 'wrong horse'})
    expect(status).toBe(2)
    expect(envelope.error!.code).toBe('WRONG_PASSWORD')
    expect(await nonce(carol)).toBe(0)
  })
})

describe('wallet', () => {
  test('imports a key piped to --private-key-stdin', async () => {
    const key = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80' // dev0's
    const {envelope, status} = await nectar(['wallet', 'import', 'piped', '--private-key-stdin'], {NECTAR_PASSWORD: 'pw'}, `${key}\n`)
    expect(status).toBe(0)
    expect(envelope).toMatchObject({data: {address: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266', name: 'piped'}, ok: true})
  })
})

describe('config and networks', () => {
  test('network add/use/show/remove and settings precedence', async () => {
    const added = await nectar(['network', 'add', 'local', '--rpc-url', env.rpcUrl])
    expect(added.status).toBe(0)
    expect(added.envelope.data).toMatchObject({chainId: 31337, name: 'local'})
    expect((await nectar(['network', 'add', 'local', '--rpc-url', env.rpcUrl, '--chain-id', '5'])).envelope.error!.code).toBe('NETWORK_EXISTS')
    expect((await nectar(['network', 'add', 'other', '--rpc-url', env.rpcUrl, '--chain-id', '5'])).envelope.error!.code).toBe('WRONG_CHAIN')
    const listed = await nectar<{active: string; networks: Array<{name: string}>}>(['network', 'list'])
    expect(listed.envelope.data!.networks.map((n) => n.name)).toEqual(['devnet', 'local', 'mainnet', 'sonm'])
    expect(listed.envelope.data!.active).toBe('devnet')
    expect((await nectar<{effective: {network: {source: string; value: string}}}>(['config', 'list'], {NECTAR_NETWORK: 'local'})).envelope.data!.effective.network).toEqual({source: 'env', value: 'local'})
    expect((await nectar(['network', 'remove', 'mainnet'])).envelope.error!.code).toBe('UNKNOWN_NETWORK')
    expect((await nectar(['network', 'remove', 'local'])).status).toBe(0)
    expect((await nectar(['config', 'set', 'network', 'nope'])).envelope.error!.code).toBe('UNKNOWN_NETWORK')
    expect((await nectar(['config', 'set', 'bogus', '1'])).envelope.error!.code).toBe('UNKNOWN_CONFIG_KEY')
    expect((await nectar<{value: unknown}>(['config', 'get', 'network'])).envelope.data!.value).toBe('devnet')
  })

  test('a corrupt config file is reported with its path and left as it is', async () => {
    const file = path.join(env.configDir, 'config.json')
    const good = (await nectar<{configFile: string}>(['config', 'path'])).envelope.data!.configFile
    expect(good).toBe(file)
    const saved = readFileSync(file, 'utf8')
    writeFileSync(file, '{"networks": {"devnet": {"chainId": "x"}}}')
    const broken = await nectar(['balance'])
    expect(broken.status).toBe(2)
    expect(broken.envelope.error).toMatchObject({code: 'CONFIG_INVALID', message: expect.stringContaining(file)})
    writeFileSync(file, saved)
  })
})
