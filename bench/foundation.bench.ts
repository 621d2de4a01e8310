// Issue 2 figures: start-up of --version and of a balance read, and batched balance reads of 10,000
// addresses; issue 13: how soon a mistyped command gets its suggestion.
import {spawnSync} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {type Address} from 'viem'
import {generatePrivateKey, privateKeyToAccount} from 'viem/accounts'

import {necAbi} from '../src/lib/contracts/generated/index.js'
import {getBalances} from '../src/lib/nectar/reads.js'
import {type BenchChain, BIN, type Figure, median, time, timePair} from './lib.js'

export default async function foundation(chain: BenchChain): Promise<Figure[]> {
  const figures: Figure[] = []
  const node: [string, string[]] = ['node', ['-e', '0']]

  const [floor, version] = timePair(node, ['node', [BIN, '--version']], {env: chain.env, runs: 15})
  figures.push({baseline: 'node -e 0', baselineValue: floor, extra: {overMs: Math.round(version - floor)}, name: 'nectar --version', pass: version - floor <= 100, target: 'within 100 ms of node -e 0', unit: 'ms', value: version})

  // A mistyped command: oclif finds no command and the not-found hook answers with the nearest one.
  const typo: [string, string[]] = ['node', [BIN, 'balanc']]
  const answer = spawnSync(typo[0], typo[1], {encoding: 'utf8', env: chain.env})
  if (!answer.stderr.includes('Did you mean `nectar balance`?')) throw new Error(`nectar balanc did not suggest nectar balance: ${answer.stderr}`)
  const [floor3, suggestion] = timePair(node, typo, {env: chain.env, runs: 15, status: 2})
  figures.push({baseline: 'node -e 0', baselineValue: floor3, extra: {overMs: Math.round(suggestion - floor3)}, name: 'nectar balanc (a mistyped command, answered with its suggestion)', pass: suggestion - floor3 <= 300, target: 'within 300 ms of node -e 0', unit: 'ms', value: suggestion})

  const maker = chain.deployment.makers[0].address
  const [floor2, balance] = timePair(node, ['node', [BIN, 'balance', maker]], {env: chain.env, runs: 15})
  figures.push({baseline: 'node -e 0', baselineValue: floor2, extra: {overMs: Math.round(balance - floor2)}, name: 'nectar balance ADDRESS (devnet)', pass: balance - floor2 <= 250, target: 'within 250 ms of node -e 0', unit: 'ms', value: balance})

  const addresses: Address[] = Array.from({length: 10_000}, (_, i) => (i < 5 ? chain.deployment.makers[i].address : privateKeyToAccount(generatePrivateKey()).address))
  const file = path.join(tmpdir(), `nectar-bench-addresses-${process.pid}.txt`)
  writeFileSync(file, addresses.join('\n') + '\n')
  const cli = median(Array.from({length: 5}, () => time(['node', [BIN, 'balance', '--file', file, '--json']], chain.env)))
  figures.push({baseline: 'node -e 0', baselineValue: floor, name: 'nectar balance --file (10,000 addresses), whole command', pass: cli < 1500, target: 'under 1.5 s', unit: 'ms', value: cli})

  // The read strategy itself, in this process over the same RPC: the CLI's batched reads against one
  // balanceOf call per address in sequence.
  const nec = chain.deployment.contracts.nec
  const batchedRuns: number[] = []
  for (let i = 0; i < 5; i++) {
    const started = performance.now()
    const values = await getBalances(chain.client, {addresses, nec})
    batchedRuns.push(performance.now() - started)
    if (values[0] !== BigInt(chain.deployment.makers[0].tokensWei)) throw new Error('batched read returned a wrong balance')
  }
  const batched = median(batchedRuns)
  const started = performance.now()
  for (const address of addresses) await chain.client.readContract({abi: necAbi, address: nec, args: [address], functionName: 'balanceOf'})
  const sequential = performance.now() - started
  const ratio = sequential / batched
  figures.push({baseline: 'one balanceOf call per address in sequence, same RPC', baselineValue: sequential, extra: {ratio: Math.round(ratio * 10) / 10}, name: 'batched balance reads of 10,000 addresses', pass: ratio >= 20, target: 'at least 20x faster than the baseline', unit: 'ms', value: batched})
  return figures
}
