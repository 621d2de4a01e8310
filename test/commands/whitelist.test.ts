// In-process command tests for redeem and whitelist (runCommand runs the BUILT dist/: npm run build first).
// Sending tests use a private anvil; the shared one is only read.
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {generatePrivateKey, privateKeyToAccount} from 'viem/accounts'
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'

import {DEVNET, DEVNET_CHAIN_ID} from '../../src/lib/config/networks.js'
import {writeConfig} from '../../src/lib/config/store.js'
import {profileContracts} from '../../src/lib/devnet/profile.js'
import {type PrivateChain, privateChain} from '../setup/chain.js'
import {runJson} from '../setup/run-json.js'

const keys = ['NECTAR_CONFIG_DIR', 'NECTAR_DATA_DIR', 'NECTAR_ACCOUNT', 'NECTAR_NETWORK', 'NECTAR_PRIVATE_KEY', 'NECTAR_RPC_URL', 'ETH_RPC_URL', 'NO_COLOR']
const saved: Record<string, string | undefined> = {}
let chain: PrivateChain
let tmp: string

beforeAll(async () => {
  for (const key of keys) saved[key] = process.env[key]
  for (const key of keys) delete process.env[key]
  chain = await privateChain()
  tmp = mkdtempSync(path.join(os.tmpdir(), 'nectar-wl-cmd-'))
  const configDir = path.join(tmp, 'config')
  writeConfig(configDir, {
    network: DEVNET,
    networks: {
      [DEVNET]: {chainId: DEVNET_CHAIN_ID, contracts: profileContracts(chain.deployment), devnet: true, rpcUrl: chain.rpcUrl},
      wrong: {chainId: 1, contracts: profileContracts(chain.deployment), rpcUrl: chain.rpcUrl},
    },
  })
  process.env.NECTAR_CONFIG_DIR = configDir
  process.env.NECTAR_DATA_DIR = path.join(tmp, 'data')
  process.env.NO_COLOR = '1'
})
afterEach(() => {
  process.exitCode = undefined
})
afterAll(async () => {
  for (const key of keys) {
    if (saved[key] === undefined) delete process.env[key]
    else process.env[key] = saved[key]
  }
  rmSync(tmp, {force: true, recursive: true})
  await chain?.stop()
})

const json = runJson

const fresh = () => privateKeyToAccount(generatePrivateKey()).address

describe('nectar redeem', () => {
  it('--dry-run previews exactly; a send reports receivedWei equal to payoutWei', async () => {
    const dry = await json(['redeem', '100', '--dry-run', '--account', 'dev1'])
    expect(dry.exitCode).toBe(0)
    expect(dry.envelope.data).toMatchObject({amount: '100', amountWei: '100000000000000000000', dryRun: true})
    expect(BigInt(dry.envelope.data.payoutWei)).toBe((BigInt(dry.envelope.data.pledgedFeesWei) * 10n ** 20n) / BigInt(dry.envelope.data.totalSupplyWei))
    expect(dry.envelope.data.receivedWei).toBeUndefined()
    const sent = await json(['redeem', '100', '--account', 'dev1', '--yes'])
    expect(sent.exitCode).toBe(0)
    expect(sent.envelope.data.receivedWei).toBe(sent.envelope.data.payoutWei)
    expect(sent.envelope.data.received).toBe(sent.envelope.data.payout)
    expect(sent.envelope.data.txHash).toMatch(/^0x[0-9a-f]{64}$/)
  })

  it('usage errors exit 2: amount 0, 19 decimals, no amount, amount and --all', async () => {
    for (const args of [['0'], ['1.0000000000000000001'], [], ['5', '--all']]) {
      const r = await json(['redeem', ...args, '--account', 'dev1', '--yes'])
      expect(r.exitCode).toBe(2)
      expect(r.envelope.ok).toBe(false)
    }
    expect((await json(['redeem', '1.0000000000000000001', '--account', 'dev1'])).envelope.error.code).toBe('TOO_MANY_DECIMALS')
  })

  it('a balance too small exits 1 naming it, and no --yes without a terminal refuses', async () => {
    const r = await json(['redeem', '1000000000', '--account', 'dev1', '--yes'])
    expect(r.exitCode).toBe(1)
    expect(r.envelope.error.code).toBe('INSUFFICIENT_BALANCE')
    const noYes = await json(['redeem', '1', '--account', 'dev1'])
    expect(noYes.exitCode).toBe(2)
    expect(noYes.envelope.error.code).toBe('CONFIRMATION_REQUIRED')
  })
})

describe('warnings and transaction flags reach --json and the chain', () => {
  it('redeem --dry-run carries its warnings in the envelope: a payout of 0 wei, a contract account', async () => {
    const tiny = await json(['redeem', '0.000000000000000001', '--dry-run', '--account', 'dev1'])
    expect(tiny.envelope.data.payoutWei).toBe('0')
    expect(tiny.envelope.warnings).toEqual([expect.stringContaining('rounds down to 0 wei')])
    const maker = chain.deployment.makers[3].address
    await chain.client.request({method: 'anvil_setCode', params: [maker, '0x00']} as never)
    try {
      const contract = await json(['redeem', '1', '--dry-run', '--account', maker])
      expect(contract.exitCode).toBe(0)
      expect(contract.envelope.warnings).toEqual([expect.stringContaining(`${maker} is a contract`)])
    } finally {
      await chain.client.request({method: 'anvil_setCode', params: [maker, '0x']} as never)
    }
  })

  it('redeem refuses a 0 wei payout before sending, unless --allow-zero-payout', async () => {
    const dev1 = chain.deployment.makers[0].address
    const nonce = await chain.client.getTransactionCount({address: dev1})
    const refused = await json(['redeem', '0.000000000000000001', '--account', 'dev1', '--yes'])
    expect(refused.exitCode).toBe(2)
    expect(refused.envelope.error.code).toBe('ZERO_PAYOUT')
    expect(await chain.client.getTransactionCount({address: dev1})).toBe(nonce)
    const allowed = await json(['redeem', '0.000000000000000001', '--account', 'dev1', '--yes', '--allow-zero-payout'])
    expect(allowed.exitCode).toBe(0)
    expect(allowed.envelope.data.receivedWei).toBe('0')
  })

  it('transfer sends with --nonce, --max-fee, --priority-fee and --gas-limit as given', async () => {
    const from = chain.deployment.makers[2].address
    const to = chain.deployment.makers[4].address
    const nonce = await chain.client.getTransactionCount({address: from})
    const sent = await json(['transfer', to, '1', '--account', 'dev3', '--yes', '--nonce', String(nonce), '--max-fee', '3', '--priority-fee', '1.5', '--gas-limit', '123456'])
    expect(sent.exitCode).toBe(0)
    expect(sent.envelope.data).toMatchObject({amountWei: '1000000000000000000', from, to})
    const tx = await chain.client.getTransaction({hash: sent.envelope.data.txHash})
    expect({gas: tx.gas, maxFeePerGas: tx.maxFeePerGas, maxPriorityFeePerGas: tx.maxPriorityFeePerGas, nonce: tx.nonce}).toEqual({gas: 123_456n, maxFeePerGas: 3_000_000_000n, maxPriorityFeePerGas: 1_500_000_000n, nonce})
    const fees = await json(['transfer', to, '1', '--account', 'dev3', '--yes', '--max-fee', '1', '--priority-fee', '2'])
    expect([fees.exitCode, fees.envelope.error.code]).toEqual([2, 'INVALID_FEE'])
  })
})

describe('nectar whitelist', () => {
  it('add → check → list → remove, with the JSON shapes', async () => {
    const [a, b] = [fresh(), fresh()]
    const added = await json(['whitelist', 'add', a, b, a.toLowerCase(), chain.deployment.makers[0].address, '--yes'])
    expect(added.exitCode).toBe(0)
    expect(added.envelope.data).toMatchObject({added: 2, alreadyPresent: 1, duplicates: 1, invalid: 0, transactions: 1})
    const checked = await json(['whitelist', 'check', a, fresh()])
    expect(checked.envelope.data.listActive).toBe(true)
    expect(checked.envelope.data.addresses.map((e: {effective: boolean; registered: boolean}) => [e.registered, e.effective])).toEqual([[true, true], [false, false]])
    const listed = await json(['whitelist', 'list'])
    expect(listed.envelope.data.addresses).toEqual(expect.arrayContaining([a, b]))
    expect(listed.envelope.data.count).toBe(chain.deployment.registered.length + 2)
    const removed = await json(['whitelist', 'remove', a, fresh(), '--yes'])
    expect(removed.envelope.data).toMatchObject({alreadyAbsent: 1, removed: 1, transactions: 1})
  })

  it('bad input: every bad line reported, exit 2, nothing sent', async () => {
    const file = path.join(tmp, 'bad.txt')
    writeFileSync(file, [fresh(), '0x123', chain.deployment.contracts.nec, '0x0000000000000000000000000000000000000000', '0xF39Fd6e51aad88F6F4ce6aB8827279cffFb92266'].join('\n'))
    const r = await json(['whitelist', 'add', '--file', file, '--yes'])
    expect(r.exitCode).toBe(2)
    expect(r.envelope.error.code).toBe('INVALID_ADDRESSES')
    expect(r.envelope.error.details.map((d: string) => d.split(':')[0])).toEqual(['line 2', 'line 3', 'line 4', 'line 5'])
  })

  it('role errors exit 1 naming the role; removing a non-admin is refused', async () => {
    const notAdmin = await json(['whitelist', 'add', fresh(), '--account', 'dev2', '--yes'])
    expect(notAdmin.exitCode).toBe(1)
    expect(notAdmin.envelope.error).toMatchObject({code: 'NOT_ADMIN'})
    for (const args of [['whitelist', 'disable'], ['whitelist', 'admins', 'add', fresh()], ['makers', 'authorise', fresh()]]) {
      const r = await json([...args, '--account', 'dev2', '--yes'])
      expect(r.exitCode).toBe(1)
      expect(r.envelope.error.code).toBe('NOT_OWNER')
    }
    const removeNone = await json(['whitelist', 'admins', 'remove', fresh(), '--yes'])
    expect(removeNone.envelope.error.code).toBe('ADMIN_NOT_FOUND')
  })

  it('status, admins, enable/disable, makers; wrong chain id', async () => {
    const status = await json(['whitelist', 'status'])
    expect(status.envelope.data).toMatchObject({adminCount: 1, burningEnabled: true, listActive: true, role: 'owner'})
    expect(status.envelope.data.roles).toEqual(['owner', 'admin', 'maker', 'registered'])
    expect((await json(['whitelist', 'status', '--account', fresh()])).envelope.data.roles).toEqual(['none'])
    const admin = fresh()
    expect((await json(['whitelist', 'admins', 'add', admin, '--yes'])).envelope.data.changed).toBe(true)
    expect((await json(['whitelist', 'admins', 'add', admin, '--yes'])).envelope.data.changed).toBe(false)
    expect((await json(['whitelist', 'admins', 'list'])).envelope.data.count).toBe(2)
    expect((await json(['whitelist', 'admins', 'remove', admin, '--yes'])).envelope.data.changed).toBe(true)
    const maker = fresh()
    expect((await json(['makers', 'authorise', maker, '--yes'])).envelope.data.changed).toBe(true)
    expect((await json(['whitelist', 'check', maker])).envelope.data.addresses[0].registered).toBe(true)
    expect((await json(['makers', 'deauthorise', maker, '--yes'])).envelope.data.changed).toBe(true)
    expect((await json(['makers', 'deauthorise', maker, '--yes'])).envelope.error.code).toBe('NOT_A_MAKER')
    const wrong = await json(['whitelist', 'status', '--network', 'wrong'])
    expect(wrong.exitCode).toBe(1)
    expect(wrong.envelope.error.code).toBe('WRONG_CHAIN')
    const wrongAdd = await json(['whitelist', 'add', fresh(), '--network', 'wrong', '--private-key', '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80', '--yes'])
    expect([wrongAdd.exitCode, wrongAdd.envelope.error.code]).toEqual([1, 'WRONG_CHAIN'])
    // Switches last: they are global on this private chain.
    expect((await json(['whitelist', 'disable', '--yes'])).envelope.data.changed).toBe(true)
    expect((await json(['whitelist', 'check', fresh()])).envelope.data.addresses[0]).toMatchObject({effective: true, registered: false})
    expect((await json(['whitelist', 'disable', '--yes'])).envelope.data.changed).toBe(false)
    expect((await json(['whitelist', 'enable', '--yes'])).envelope.data.changed).toBe(true)
  })
})
