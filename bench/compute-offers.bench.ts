// Issue 5 figure: `nectar compute offers` over 10,000 active asks, against reading each order with its
// own calls (GetOrderInfo + GetOrderParams, one order at a time) over the same RPC in this process.
import {zeroAddress} from 'viem'

import {DEV_PRIVATE_KEYS} from '../src/lib/devnet/accounts.js'
import {TxBatch} from '../src/lib/devnet/deploy.js'
import {marketAbi} from '../src/lib/contracts/generated/Market.js'
import {benchmarksToVector, netflagsToVector} from '../src/lib/market/benchmarks.js'
import {listOrders, listOrdersOneByOne} from '../src/lib/market/orders.js'
import {type BenchChain, BIN, type Figure, median, time} from './lib.js'

const ASKS = Number(process.env.BENCH_ASKS ?? 10_000)
const GiB = 1n << 30n

export async function placeAsks(chain: BenchChain, count: number): Promise<void> {
  const market = chain.deployment.contracts.market!
  const senders = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map((i) => TxBatch.create(chain.client, DEV_PRIVATE_KEYS[i])))
  const started = performance.now()
  // Test data, not the figure: many asks per block (automine would mine one block per transaction).
  await chain.client.request({method: 'evm_setAutomine', params: [false]} as never)
  const mine = async () => {
    for (let pending = 1; pending > 0;) {
      // Full blocks raise the base fee 12.5% each; hold it so the pre-signed fee caps stay valid.
      await chain.client.request({method: 'anvil_setNextBlockBaseFeePerGas', params: ['0x3b9aca00']} as never)
      await chain.client.request({method: 'evm_mine', params: []} as never)
      const status = (await chain.client.request({method: 'txpool_status', params: []} as never)) as {pending: string; queued: string}
      pending = Number(status.pending) + Number(status.queued)
    }
  }
  for (let i = 0; i < count; i++) {
    const sender = senders[i % senders.length]
    const cores = BigInt(1 + (i % 32))
    await sender.send('place ask', {
      abi: marketAbi,
      address: market,
      args: [2, zeroAddress, BigInt((i % 4) * 86_400), BigInt(1_000_000_000_000 + i * 7919), netflagsToVector({outbound: i % 2 === 0}), 1, zeroAddress, `0x${'0'.repeat(64)}`,
        benchmarksToVector({cpuCores: cores, gpuCount: BigInt(i % 3), netDownload: 100_000_000n, ramSize: cores * 2n * GiB, storageSize: 100n * GiB})],
      functionName: 'PlaceOrder',
      gas: 900_000n,
    })
    if (i % 400 === 399) {
      await mine()
      await Promise.all(senders.map((s) => s.flush()))
    }
  }
  await mine()
  await Promise.all(senders.map((s) => s.flush()))
  await chain.client.request({method: 'evm_setAutomine', params: [true]} as never)
  console.log(`  placed ${count} asks in ${Math.round(performance.now() - started)} ms`)
}

export default async function computeOffers(chain: BenchChain): Promise<Figure[]> {
  await placeAsks(chain, ASKS)
  const market = chain.deployment.contracts.market!
  const cli = median(Array.from({length: 5}, () => time(['node', [BIN, 'compute', 'offers', '--json']], chain.env)))
  const inProcessRuns: number[] = []
  for (let i = 0; i < 5; i++) {
    const t = performance.now()
    await listOrders(chain.client, {market, status: 'active', type: 'ask'})
    inProcessRuns.push(performance.now() - t)
  }
  const inProcess = median(inProcessRuns)
  const started = performance.now()
  const all = await listOrdersOneByOne(chain.client, market)
  const oneByOne = performance.now() - started
  if (all.length < ASKS) throw new Error(`expected at least ${ASKS} orders, read ${all.length}`)
  const baseline = 'one GetOrderInfo + GetOrderParams call per order, in sequence, same RPC'
  return [
    {baseline, baselineValue: oneByOne, extra: {asks: ASKS, ratio: Math.round((oneByOne / cli) * 10) / 10}, name: `nectar compute offers --json (${ASKS} active asks), whole command`, pass: cli < 2000, target: 'under 2 s', unit: 'ms', value: cli},
    {baseline, baselineValue: oneByOne, extra: {asks: ASKS, ratio: Math.round((oneByOne / inProcess) * 10) / 10}, name: `reading ${ASKS} orders (the command's read path, in process)`, pass: oneByOne / inProcess >= 10, target: 'at least 10x faster than the baseline', unit: 'ms', value: inProcess},
  ]
}
