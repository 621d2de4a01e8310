// The packed OrderReader path must agree, field for field, with plain GetOrderInfo/GetOrderParams calls.
import {parseEventLogs, zeroAddress} from 'viem'
import {privateKeyToAccount} from 'viem/accounts'
import {afterAll, beforeAll, expect, test} from 'vitest'

import {walletFor} from '../../src/lib/chain/transact.js'
import {marketAbi} from '../../src/lib/contracts/generated/Market.js'
import {snmAbi} from '../../src/lib/contracts/generated/SNM.js'
import {DEV_PRIVATE_KEYS} from '../../src/lib/devnet/accounts.js'
import {getOrder, getOrdersAmount, listOrders, listOrdersOneByOne} from '../../src/lib/market/orders.js'
import {type PrivateChain, privateChain} from '../setup/chain.js'

let chain: PrivateChain
beforeAll(async () => {
  chain = await privateChain()
})
afterAll(async () => chain?.stop())

test('listOrders equals one-by-one reads over asks, bids, cancelled and matched orders', async () => {
  const market = chain.deployment.contracts.market!
  const send = async (key: number, address: `0x${string}`, abi: never, functionName: string, args: unknown[]) => {
    const account = privateKeyToAccount(DEV_PRIVATE_KEYS[key])
    const hash = await walletFor(chain.client, account).writeContract({abi, account, address, args, chain: chain.client.chain, functionName, gas: 2_000_000n} as never)
    return chain.client.waitForTransactionReceipt({hash})
  }
  const placed: bigint[] = []
  for (let i = 0; i < 25; i++) {
    const type = i % 5 === 4 ? 1 : 2 // every fifth a BID
    if (type === 1) await send(8, chain.deployment.contracts.snm!, snmAbi as never, 'approve', [market, 10n ** 24n])
    const benchmarks = Array.from({length: 12}, (_, k) => BigInt((i * 7919 + k * 104729) % 2 ** 40) * (k === 11 ? 2n ** 22n : 1n))
    const receipt = await send(type === 1 ? 8 : 6 + (i % 2), market, marketAbi as never, 'PlaceOrder', [
      type, i % 3 === 0 ? privateKeyToAccount(DEV_PRIVATE_KEYS[8]).address : zeroAddress, BigInt(i * 3600), i === 3 ? 2n ** 70n + 3n : BigInt(10 ** 12 + i), [i % 2 === 0, i % 3 === 0, true], i === 1 ? 1 : 1 + (i % 4), // identity levels anonymous..professional; the bought ask is open to anyone
      zeroAddress, `0x${(i + 1).toString(16).padStart(64, '0')}`, benchmarks,
    ])
    placed.push(parseEventLogs({abi: marketAbi, eventName: 'OrderPlaced', logs: receipt.logs})[0].args.orderID)
  }
  await send(6, market, marketAbi as never, 'CancelOrder', [placed[2]])
  const bought = await send(8, market, marketAbi as never, 'QuickBuy', [placed[1], 3600n])
  expect(bought.status).toBe('success')
  const amount = await getOrdersAmount(chain.client, market)
  const packed = await listOrders(chain.client, {chunkSize: 7, market})
  const plain = (await listOrdersOneByOne(chain.client, market)).filter((o) => o.id <= amount)
  expect(packed).toHaveLength(Number(amount))
  expect(packed).toEqual(plain)
  expect(packed.find((o) => o.id === placed[2])!.status).toBe('inactive')
  expect(packed.find((o) => o.id === placed[1])!.dealId).toBeGreaterThan(0n)
  expect(packed.filter((o) => o.type === 'bid').length).toBeGreaterThanOrEqual(5)
  expect(packed.find((o) => o.id === placed[3])!.price).toBe(2n ** 70n + 3n) // a word past 64 bits is read whole
  // Filtered on the record's type and status bytes, before decoding: the same orders as filtering after.
  const activeAsks = await listOrders(chain.client, {chunkSize: 7, market, status: 'active', type: 'ask'})
  expect(activeAsks).toEqual(plain.filter((o) => o.type === 'ask' && o.status === 'active'))
  expect(activeAsks.length).toBeGreaterThan(0)
  expect(activeAsks.length).toBeLessThan(plain.length)
  // An id past the end reads as unknown, not as garbage.
  expect(await getOrder(chain.client, market, amount + 5n)).toBeUndefined()
})
