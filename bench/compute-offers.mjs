// Bench: `nectar compute offers --json` over 10,000 active asks, against a baseline that reads each
// order with its own calls (GetOrderInfo then GetOrderParams, one order at a time) in this process.
// Run after `npm run build`:  npx tsx bench/compute-offers.mjs [--asks 10000] [--runs 3]
// The asks are real PlaceOrder transactions, pipelined with explicit nonces from ten accounts.
import {spawnSync} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import {zeroAddress} from 'viem'

import {createChainClient} from '../src/lib/chain/client.ts'
import {marketAbi} from '../src/lib/contracts/generated/Market.ts'
import {DEV_KEYS, deployMarket, PipelinedSender} from '../src/lib/devnet/deploy-market.ts'
import {benchmarksToVector} from '../src/lib/market/benchmarks.ts'
import {listOrdersOneByOne} from '../src/lib/market/orders.ts'
import {startAnvil, writeConfig} from '../test/setup/market-anvil.ts'

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : fallback
}
const ASKS = arg('asks', 10_000)
const RUNS = Math.max(3, arg('runs', 3))
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

const {child, rpcUrl} = await startAnvil(['--gas-limit', '100000000'])
try {
  const client = createChainClient(rpcUrl, 31337, 'devnet')
  const deployment = await deployMarket(client)
  const t0 = performance.now()
  const senders = await Promise.all(DEV_KEYS.map((k) => PipelinedSender.create(client, k)))
  await Promise.all(
    senders.map(async (s, w) => {
      for (let i = w; i < ASKS; i += senders.length) {
        const benchmarks = benchmarksToVector({cpuCores: BigInt(1 + (i % 64)), gpuCount: BigInt(i % 3), ramSize: BigInt(1 + (i % 256)) << 30n, storageSize: 100n << 30n})
        if ((i / senders.length) % 250 === 249) await s.flush()
        await s.send('ask', {abi: marketAbi, address: deployment.market, args: [2, zeroAddress, BigInt((i % 7) * 3600), BigInt(1e12 + i), [false, true, i % 2 === 0], 1, zeroAddress, `0x${'0'.repeat(64)}`, benchmarks], functionName: 'PlaceOrder', gas: 600_000n})
      }
      await s.flush()
    }),
  )
  const amount = await client.readContract({abi: marketAbi, address: deployment.market, functionName: 'GetOrdersAmount'})
  console.log(`placed ${amount} asks in ${((performance.now() - t0) / 1000).toFixed(1)} s`)

  const {configDir, dataDir} = writeConfig(rpcUrl, deployment)
  const env = {...process.env, NECTAR_CONFIG_DIR: configDir, NECTAR_DATA_DIR: dataDir, NO_COLOR: '1'}
  const cli = []
  const baseline = []
  for (let run = 0; run < RUNS; run++) {
    let t = performance.now()
    const out = spawnSync(process.execPath, ['bin/run.js', 'compute', 'offers', '--json'], {encoding: 'utf8', env, maxBuffer: 1 << 30})
    cli.push(performance.now() - t)
    const parsed = JSON.parse(out.stdout)
    if (!parsed.ok || parsed.data.totalActive !== ASKS) throw new Error(`compute offers returned ${out.stdout.slice(0, 300)} ${out.stderr}`)
    t = performance.now()
    const orders = await listOrdersOneByOne(client, deployment.market)
    baseline.push(performance.now() - t)
    if (orders.length !== ASKS) throw new Error('baseline read the wrong number of orders')
  }
  const result = {
    asks: ASKS,
    baselineOneCallPerOrderMs: Math.round(median(baseline)),
    cliComputeOffersMs: Math.round(median(cli)),
    ratio: Number((median(baseline) / median(cli)).toFixed(1)),
    runs: RUNS,
  }
  console.log(`nectar compute offers --json (spawned, ${ASKS} asks): median ${result.cliComputeOffersMs} ms  [${cli.map(Math.round).join(', ')}]`)
  console.log(`baseline, one GetOrderInfo + GetOrderParams per order: median ${result.baselineOneCallPerOrderMs} ms  [${baseline.map(Math.round).join(', ')}]`)
  console.log(`ratio: ${result.ratio}x faster; target < 2000 ms and >= 10x`)
  writeFileSync('bench/compute-offers.results.json', JSON.stringify(result, null, 2) + '\n')
} finally {
  child.kill()
}
