// Issue 5 figure: `nectar compute offers` over 10,000 active asks on the SONM-shaped Market (PlaceOrder
// with SONM's arguments, read back through GetOrderInfo + GetOrderParams by the OrderReader), against
// reading each order with its own calls (GetOrderInfo + GetOrderParams, one order at a time) over the
// same RPC in this process. Kept with the figures: the load average (the machine may be shared), the
// command's own CPU time, and the same offers drawn as a table.
import {readFileSync} from 'node:fs'
import os from 'node:os'

import {zeroAddress} from 'viem'

import {marketAbi} from '../src/lib/contracts/generated/Market.js'
import {benchmarksToVector, netflagsToVector} from '../src/lib/market/benchmarks.js'
import {listOrders, listOrdersOneByOne} from '../src/lib/market/orders.js'
import {type BenchChain, BIN, type Figure, median, round, sendInBlocks, time} from './lib.js'

const ASKS = Number(process.env.BENCH_ASKS ?? 10_000)
const GiB = 1n << 30n

export async function placeAsks(chain: BenchChain, count: number): Promise<void> {
  const market = chain.deployment.contracts.market!
  const started = performance.now()
  await sendInBlocks(chain, count, (sender, i) => {
    const cores = BigInt(1 + (i % 32))
    return sender.send('place ask', {
      abi: marketAbi,
      address: market,
      args: [2, zeroAddress, BigInt((i % 4) * 86_400), BigInt(1_000_000_000_000 + i * 7919), netflagsToVector({outbound: i % 2 === 0}), 1, zeroAddress, `0x${'0'.repeat(64)}`,
        benchmarksToVector({cpuCores: cores, gpuCount: BigInt(i % 3), netDownload: 100_000_000n, ramSize: cores * 2n * GiB, storageSize: 100n * GiB})],
      functionName: 'PlaceOrder',
      gas: 900_000n,
    })
  })
  console.log(`  placed ${count} asks in ${Math.round(performance.now() - started)} ms`)
}

/** CPU time (user + system, ms) of the children this process has waited for (Linux /proc: cutime + cstime). */
function childrenCpuMs(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ')
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100 // USER_HZ is 100 on Linux
}

/** Wall time (ms) of one run of the command, and the CPU time it took. */
function timeWithCpu(args: string[], env: NodeJS.ProcessEnv): {cpu: number; wall: number} {
  const cpu = childrenCpuMs()
  const wall = time(['node', [BIN, ...args]], env)
  return {cpu: childrenCpuMs() - cpu, wall}
}

export default async function computeOffers(chain: BenchChain): Promise<Figure[]> {
  await placeAsks(chain, ASKS)
  const market = chain.deployment.contracts.market!
  // The machine may be shared: its load is kept with the figures, and the command's own CPU time too.
  const load = os.loadavg()[0]
  timeWithCpu(['compute', 'offers', '--json'], chain.env)
  const runs = Array.from({length: 5}, () => timeWithCpu(['compute', 'offers', '--json'], chain.env))
  const cli = median(runs.map((r) => r.wall))
  const cliCpu = median(runs.map((r) => r.cpu))
  // The same offers as a table (what a person runs): one run.
  const table = timeWithCpu(['compute', 'offers'], chain.env)
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
    {
      baseline,
      baselineValue: oneByOne,
      extra: {asks: ASKS, commandCpuMs: round(cliCpu), loadAverage: round(load), ratio: round(oneByOne / cli), tableCpuMs: round(table.cpu), tableMs: round(table.wall)},
      name: `nectar compute offers --json (${ASKS} active asks), whole command`,
      pass: cli < 1000,
      target: 'under 1 s',
      unit: 'ms',
      value: cli,
    },
    {baseline, baselineValue: oneByOne, extra: {asks: ASKS, loadAverage: round(os.loadavg()[0]), ratio: round(oneByOne / inProcess)}, name: `reading ${ASKS} orders (the command's read path, in process)`, pass: oneByOne / inProcess >= 10, target: 'at least 10x faster than the baseline', unit: 'ms', value: inProcess},
  ]
}
