// Redemption against a private anvil (each burn changes the supply, and some checks flip global switches):
// the CLI's preview equals the ETH the controller pays, to the wei, and every failing precondition is
// refused before anything is signed.
import {type Address, type LocalAccount, parseEther} from 'viem'
import {privateKeyToAccount} from 'viem/accounts'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'

import {transact} from '../../src/lib/chain/transact.js'
import {type NectarError} from '../../src/lib/core/errors.js'
import {necAbi, nectarControllerAbi} from '../../src/lib/contracts/generated/index.js'
import {DEV_PRIVATE_KEYS} from '../../src/lib/devnet/accounts.js'
import {previewRedemption, readRedemptionReceipt} from '../../src/lib/nectar/redeem.js'
import {freshAccount, type PrivateChain, privateChain} from '../setup/chain.js'

let chain: PrivateChain
let owner: LocalAccount
let nec: Address
let controller: Address

beforeAll(async () => {
  chain = await privateChain()
  owner = privateKeyToAccount(DEV_PRIVATE_KEYS[0])
  nec = chain.deployment.contracts.nec
  controller = chain.deployment.contracts.controller
})
afterAll(async () => chain?.stop())

const yes = async () => {}

async function redeem(account: LocalAccount, amount: bigint | 'all') {
  const preview = await previewRedemption(chain.client, {account: account.address, amount, nec})
  const before = await chain.client.getBalance({address: account.address})
  const result = await transact(chain.client, 'redeem', {abi: necAbi, address: nec, args: [preview.amount], functionName: 'burnAndRetrieve'}, {account, confirm: yes})
  const after = await chain.client.getBalance({address: account.address})
  const fee = result.receipt.gasUsed * result.receipt.effectiveGasPrice
  const {burned, received} = readRedemptionReceipt(result.receipt, {account: account.address, controller, nec})
  return {balanceDelta: after - before + fee, burned, preview, received}
}

async function expectRefused(account: Address, amount: bigint | 'all', code: string) {
  const nonce = await chain.client.getTransactionCount({address: account})
  const error = await previewRedemption(chain.client, {account, amount, nec}).then(() => undefined, (e: NectarError) => e)
  expect(error?.code).toBe(code)
  expect(await chain.client.getTransactionCount({address: account})).toBe(nonce)
}

/** Mints `tokens` NEC to a fresh registered account, pledging `pledged` wei (owner's proxyAccountingCreation). */
async function holder(tokens: bigint, pledged = 0n): Promise<LocalAccount> {
  const {account} = await freshAccount(chain.client)
  for (const [functionName, args] of [['register', [[account.address]]], ['proxyAccountingCreation', [account.address, pledged, tokens]]] as const) {
    await transact(chain.client, functionName, {abi: nectarControllerAbi, address: controller, args, functionName}, {account: owner, confirm: yes})
  }
  return account
}

describe('redeem', () => {
  test('the preview equals the ETH received, to the wei, over many amounts, 1 wei and whole balances', async () => {
    const account = await holder(parseEther('1000000'), parseEther('7.123456789'))
    const amounts = [1n, 2n, 999n, 10n ** 9n + 7n, 123_456_789_012_345_678n, parseEther('1'), parseEther('3.3'), parseEther('1234.567891234567891'), parseEther('99999')]
    let paid = 0n
    for (const amount of amounts) {
      const r = await redeem(account, amount)
      expect(r.burned).toBe(amount)
      expect(r.received).toBe(r.preview.payout)
      expect(r.balanceDelta).toBe(r.preview.payout)
      paid += r.received
    }
    expect(paid).toBeGreaterThan(0n)
    // The rest of the balance, then other holders' whole balances: each burn changes the ratio.
    const rest = await redeem(account, 'all')
    expect(rest.received).toBe(rest.preview.payout)
    expect(rest.balanceDelta).toBe(rest.preview.payout)
    expect(await chain.client.readContract({abi: necAbi, address: nec, args: [account.address], functionName: 'balanceOf'})).toBe(0n)
    for (const i of [1, 2]) {
      const maker = privateKeyToAccount(DEV_PRIVATE_KEYS[i])
      const r = await redeem(maker, 'all')
      expect(r.preview.amount).toBe(BigInt(chain.deployment.makers[i - 1].tokensWei))
      expect(r.received).toBe(r.preview.payout)
      expect(r.balanceDelta).toBe(r.preview.payout)
    }
  })

  test('a short balance, a zero amount and --all with nothing are refused before sending', async () => {
    const account = await holder(1000n)
    await expectRefused(account.address, 1001n, 'INSUFFICIENT_BALANCE')
    await expectRefused(account.address, 0n, 'INVALID_AMOUNT')
    const {address: empty} = await freshAccount(chain.client)
    await expectRefused(empty, 'all', 'NOTHING_TO_REDEEM')
  })

  test('the whitelist does not gate redemption: a deregistered holder still redeems exactly', async () => {
    const account = await holder(parseEther('500'), parseEther('1'))
    await transact(chain.client, 'deregister', {abi: nectarControllerAbi, address: controller, args: [[account.address]], functionName: 'deregister'}, {account: owner, confirm: yes})
    const r = await redeem(account, parseEther('10'))
    expect(r.preview.onList).toBe(false)
    expect(r.received).toBe(r.preview.payout)
  })

  test('controller balance below the payout, and burning disabled, are refused before sending (global switches: run last)', async () => {
    const account = await holder(parseEther('1000000000'), parseEther('500'))
    await expectRefused(account.address, parseEther('1000000000'), 'CONTROLLER_UNDERFUNDED')
    await transact(chain.client, 'disable burning', {abi: nectarControllerAbi, address: controller, args: [false], functionName: 'enableBurning'}, {account: owner, confirm: yes})
    await expectRefused(account.address, parseEther('1'), 'BURNING_DISABLED')
  })
})
