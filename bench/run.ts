// `npm run bench`: runs every bench/*.bench.ts against a fresh devnet, prints each figure beside the
// baseline it was measured with in the same run, and writes bench/results.json.
import {readdirSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {closeRpcAgents} from '../src/lib/chain/rpc.js'
import {benchChain, type BenchChain, type Figure, ROOT, show} from './lib.js'

const only = process.argv.slice(2)
const files = readdirSync(path.join(ROOT, 'bench')).filter((f) => f.endsWith('.bench.ts')).filter((f) => only.length === 0 || only.some((o) => f.includes(o))).sort()
const machine = {cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.release()}`}
console.log(`machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, node ${machine.node}`)
const results: Record<string, Figure[]> = {}
let failed = 0
for (const file of files) {
  const chain: BenchChain = await benchChain()
  try {
    console.log(`\n# ${file}`)
    const run = (await import(path.join(ROOT, 'bench', file))).default as (chain: BenchChain) => Promise<Figure[]>
    const figures = await run(chain)
    for (const f of figures) {
      show(f)
      if (!f.pass) failed++
    }
    results[file.replace('.bench.ts', '')] = figures
  } finally {
    await chain.stop()
  }
}
closeRpcAgents()
writeFileSync(path.join(ROOT, 'bench', 'results.json'), JSON.stringify({at: new Date().toISOString(), machine, results}, null, 2) + '\n')
console.log(`\n${failed === 0 ? 'all figures met' : `${failed} figure(s) missed`}; wrote bench/results.json`)
process.exitCode = failed === 0 ? 0 : 1
