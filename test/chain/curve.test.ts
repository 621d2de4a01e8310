// Differential: the CLI's v2 issuance equals the deployed controller's getFeeToTokenConversion to the
// wei, at 200+ window-snapshot supplies: below S0 (after burns), S0, the §2.5 published points, random
// supplies, and around the 2·S0 cap. A private anvil (we are the owner and move time): each supply is
// reached by minting in one window, and the next window's first proxyAccountingCreation snapshots it.
import {type Address} from 'viem'
import {privateKeyToAccount} from 'viem/accounts'
import {afterAll, beforeAll, expect, test} from 'vitest'

import {walletFor} from '../../src/lib/chain/transact.js'
import {necAbi, nectarControllerAbi} from '../../src/lib/contracts/generated/index.js'
import {DEV_PRIVATE_KEYS} from '../../src/lib/devnet/accounts.js'
import {INITIAL_SUPPLY, issuanceV2, WEI} from '../../src/lib/nectar/curve.js'
import {advanceTime, type PrivateChain, privateChain} from '../setup/chain.js'

let chain: PrivateChain
beforeAll(async () => {
  chain = await privateChain({seeders: []})
}, 60_000)
afterAll(async () => chain?.stop())

const nec = (n: string) => BigInt(n) * WEI
const S0 = INITIAL_SUPPLY

function targets(): bigint[] {
  const fixed = [
    nec('618144379'), nec('900000000'), S0 - 10n ** 17n, S0 - 1n, S0,
    S0 + 1n, S0 + 10n ** 17n - 1n, S0 + 10n ** 17n,
    nec('1002626948'), nec('1005194305'), nec('1100000000'), nec('1250000000'), nec('1500000000'), nec('1900000000'),
    2n * S0 - 10n ** 18n, 2n * S0 - 10n ** 17n, 2n * S0 - 1n, 2n * S0, 2n * S0 + 1n, nec('2500000000'),
  ]
  let seed = 42n
  const random: bigint[] = []
  for (let i = 0; i < 190; i++) {
    seed = (seed * 6364136223846793005n + 1442695040888963407n) % 2n ** 64n
    random.push(S0 + (seed * S0) / 2n ** 64n + (seed % WEI))
  }
  return [...new Set([...fixed, ...random])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
}

test('getFeeToTokenConversion equals issuanceV2 to the wei at every window-snapshot supply', async () => {
  const {client, deployment} = chain
  const {controller, nec: token} = deployment.contracts
  const owner = walletFor(client, privateKeyToAccount(DEV_PRIVATE_KEYS[0]))
  const vault = walletFor(client, privateKeyToAccount(DEV_PRIVATE_KEYS[9]))
  const sink: Address = '0x000000000000000000000000000000000000dEaD'
  const send = async (wallet: typeof owner, call: object) => {
    const hash = await wallet.writeContract(call as never)
    const receipt = await client.waitForTransactionReceipt({hash, pollingInterval: 20})
    expect(receipt.status).toBe('success')
  }
  const supply = () => client.readContract({abi: necAbi, address: token, functionName: 'totalSupply'})
  const list = targets()
  expect(list.length).toBeGreaterThanOrEqual(200)

  // Below S0: the vault burns down to the lowest target (pledged fees are 0, so the payout is 0).
  await send(owner, {abi: nectarControllerAbi, address: controller, args: [true], functionName: 'enableBurning'})
  await send(vault, {abi: necAbi, address: token, args: [S0 - list[0]], functionName: 'burnAndRetrieve'})
  expect(await supply()).toBe(list[0])

  const contributions = [1n, 5n, 10n ** 15n, WEI, 2580n * WEI + 9n * 10n ** 17n, 123_456_789_012_345_678_901n]
  let checked = 0
  for (let i = 0; i < list.length; i++) {
    await advanceTime(client, 30 * 86_400)
    // First call of the window: snapshots the supply (list[i]), then mints up to the next target.
    const next = i + 1 < list.length ? list[i + 1] - list[i] : 0n
    await send(owner, {abi: nectarControllerAbi, address: controller, args: [sink, 0n, next], functionName: 'proxyAccountingCreation'})
    const onChain = await Promise.all(contributions.map((c) => client.readContract({abi: nectarControllerAbi, address: controller, args: [c], functionName: 'getFeeToTokenConversion'})))
    onChain.forEach((value, j) => expect(value, `supply ${list[i]} wei, contribution ${contributions[j]}`).toBe(issuanceV2(contributions[j], list[i])))
    checked++
  }
  expect(checked).toBe(list.length)
}, 300_000)
