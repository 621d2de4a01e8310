// Issue 3 figures: offline simulate start-up, streamed distribute of 1,000,000 and 100,000 rows (time
// and the child's peak RSS), and journaled `rewards issue` of 1,000 allocations against the same mints
// sent one by one through the transaction pipeline.
import {spawnSync} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {existsSync, mkdtempSync, readFileSync, writeFileSync, createWriteStream} from 'node:fs'
import {once} from 'node:events'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {type Address} from 'viem'
import {privateKeyToAccount} from 'viem/accounts'

import {transact} from '../src/lib/chain/transact.js'
import {nectarControllerAbi} from '../src/lib/contracts/generated/index.js'
import {DEV_PRIVATE_KEYS} from '../src/lib/devnet/accounts.js'
import {type BenchChain, BIN, type Figure, median, time, timePair} from './lib.js'

async function volumesFile(file: string, rows: number): Promise<void> {
  const out = createWriteStream(file)
  for (let i = 0; i < rows; i += 10_000) {
    const lines: string[] = []
    for (let j = i; j < Math.min(rows, i + 10_000); j++) lines.push(`0x${randomBytes(20).toString('hex')},${(j % 997) + 1}.${j % 1000}`)
    if (!out.write(lines.join('\n') + '\n')) await once(out, 'drain')
  }
  out.end()
  await once(out, 'finish')
}

/** Wall time (ms) and peak RSS (MiB) of one run, via GNU time when present, else a resourceUsage wrapper. */
function measured(args: string[], env: NodeJS.ProcessEnv): {ms: number; rssMiB: number} {
  const rssFile = path.join(tmpdir(), `nectar-bench-rss-${process.pid}`)
  const started = process.hrtime.bigint()
  const result = existsSync('/usr/bin/time')
    ? spawnSync('/usr/bin/time', ['-f', '%M', '-o', rssFile, 'node', BIN, ...args], {encoding: 'utf8', env, maxBuffer: 1 << 26})
    : spawnSync('node', ['-e', `process.on('exit',()=>require('fs').writeFileSync(${JSON.stringify(rssFile)},String(process.resourceUsage().maxRSS)));process.argv.splice(1,1);import(${JSON.stringify(BIN)})`, BIN, ...args], {encoding: 'utf8', env})
  const ms = Number(process.hrtime.bigint() - started) / 1e6
  if (result.status !== 0) throw new Error(`distribute exited ${result.status}: ${result.stderr || result.stdout}`)
  return {ms, rssMiB: Number(readFileSync(rssFile, 'utf8').trim().split('\n').at(-1)) / 1024}
}

export default async function rewards(chain: BenchChain): Promise<Figure[]> {
  const figures: Figure[] = []
  const dir = mkdtempSync(path.join(tmpdir(), 'nectar-bench-rewards-'))
  const node: [string, string[]] = ['node', ['-e', '0']]

  const simulate: [string, string[]] = ['node', [BIN, 'rewards', 'simulate', '--fees', '500', '--share', '1', '--share', '2.5', '--share', '5', '--periods', '120', '--fee-growth', '2', '--offline', '--json']]
  const [floor, sim] = timePair(node, simulate, {env: chain.env, runs: 12})
  figures.push({baseline: 'node -e 0', baselineValue: floor, extra: {overMs: Math.round(sim - floor)}, name: 'rewards simulate, 120 periods × 3 shares, offline', pass: sim - floor <= 300, target: 'within 300 ms of node -e 0 (median of 12)', unit: 'ms', value: sim})

  const big = path.join(dir, 'volumes-1m.csv')
  const small = path.join(dir, 'volumes-100k.csv')
  await volumesFile(big, 1_000_000)
  await volumesFile(small, 100_000)
  const args = (file: string) => ['rewards', 'distribute', '--volumes', file, '--fees', '2580.9', '--supply', '1002626948', '--out', path.join(dir, 'out.csv'), '--json']
  const runsBig = [measured(args(big), chain.env), measured(args(big), chain.env), measured(args(big), chain.env)]
  const bigMs = median(runsBig.map((r) => r.ms))
  const bigRss = Math.max(...runsBig.map((r) => r.rssMiB))
  figures.push({baseline: 'target', baselineValue: 5000, extra: {runs: 3}, name: 'rewards distribute, 1,000,000 rows (lowercase addresses), whole command', pass: bigMs < 5000, target: 'under 5 s', unit: 'ms', value: bigMs})
  figures.push({baseline: 'target', baselineValue: 400, name: 'rewards distribute, 1,000,000 rows, peak RSS of the child', pass: bigRss < 400, target: 'under 400 MiB', unit: 'MiB', value: bigRss})
  // Start-up of this very command: the same distribute on a one-row file.
  const one = path.join(dir, 'volumes-1.csv')
  await volumesFile(one, 1)
  const startup = median(Array.from({length: 5}, () => time(['node', [BIN, ...args(one)]], chain.env)))
  const smallMs = median([measured(args(small), chain.env).ms, measured(args(small), chain.env).ms, measured(args(small), chain.env).ms])
  const allowed = bigMs / 10 + startup
  figures.push({baseline: '1,000,000-row time / 10 + start-up (the same command on a one-row file)', baselineValue: allowed, extra: {startupMs: Math.round(startup)}, name: 'rewards distribute, 100,000 rows', pass: smallMs <= allowed, target: 'at most a tenth of the 1,000,000-row time plus start-up', unit: 'ms', value: smallMs})

  // Issue 1,000 allocations through the CLI (journaled, pipelined) …
  const makers = Array.from({length: 1000}, () => `0x${randomBytes(20).toString('hex')}`)
  const thousand = path.join(dir, 'volumes-1000.csv')
  writeFileSync(thousand, makers.map((m, i) => `${m},${i + 1}`).join('\n') + '\n')
  const allocations = path.join(dir, 'allocations-1000.csv')
  time(['node', [BIN, 'rewards', 'distribute', '--volumes', thousand, '--fees', '100', '--out', allocations, '--json']], chain.env)
  const issueMs = time(['node', [BIN, 'rewards', 'issue', '--allocations', allocations, '--yes', '--json']], chain.env)
  // … against the same 1,000 mints sent and awaited one at a time through the transaction pipeline.
  const owner = privateKeyToAccount(DEV_PRIVATE_KEYS[0])
  const controller = chain.deployment.contracts.controller
  const rows = readFileSync(allocations, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','))
  const started = performance.now()
  for (const r of rows) {
    await transact(chain.client, 'mint', {abi: nectarControllerAbi, address: controller, args: [r[0] as Address, BigInt(r[4]), BigInt(r[3])], functionName: 'proxyAccountingCreation'}, {account: owner, confirm: async () => {}})
  }
  const sequential = performance.now() - started
  const ratio = sequential / issueMs
  figures.push({baseline: '1,000 proxyAccountingCreation through transact() one by one, same devnet', baselineValue: sequential, extra: {ratio: Math.round(ratio * 10) / 10}, name: 'rewards issue, 1,000 allocations, whole command', pass: ratio >= 5, target: 'at least 5x faster than the baseline', unit: 'ms', value: issueMs})
  return figures
}
