// The migrate figure: `controller migrate` of a whitelist of 10,000 registrations into a candidate takes
// at most 25 transactions (against one register([address]) per address), and a re-run sends none.
import {spawnSync} from 'node:child_process'
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {type Address} from 'viem'
import {generatePrivateKey, privateKeyToAccount} from 'viem/accounts'

import {DEV_PRIVATE_KEYS} from '../src/lib/devnet/accounts.js'
import {deployCandidateController} from '../src/lib/devnet/candidate.js'
import {changeWhitelist} from '../src/lib/nectar/whitelist-change.js'
import {type BenchChain, BIN, type Figure} from './lib.js'

const fresh = (n: number): Address[] => Array.from({length: n}, () => privateKeyToAccount(generatePrivateKey()).address)

function cli(args: string[], env: NodeJS.ProcessEnv): {data: {registered: {copied: number; wanted: number}; transactions: number}; ms: number} {
  const started = process.hrtime.bigint()
  const result = spawnSync('node', [BIN, ...args, '--json'], {encoding: 'utf8', env, maxBuffer: 1 << 28})
  const ms = Number(process.hrtime.bigint() - started) / 1e6
  if (result.status !== 0) throw new Error(`nectar ${args.join(' ')} exited ${result.status}: ${result.stdout}${result.stderr}`)
  return {data: JSON.parse(result.stdout).data, ms}
}

export default async function controller(chain: BenchChain): Promise<Figure[]> {
  const owner = privateKeyToAccount(DEV_PRIVATE_KEYS[0])
  const {controller: current, nec} = chain.deployment.contracts
  // The current whitelist: the seed's holders plus 10,000 more, registered in batches.
  await changeWhitelist(chain.client, {action: 'add', addresses: fresh(10_000), controller: current, journalDir: mkdtempSync(path.join(tmpdir(), 'nectar-bench-ctl-'))}, {account: owner, confirm: async () => {}})
  const {address: candidate} = await deployCandidateController(chain.client, {account: owner, nec})

  const first = cli(['controller', 'migrate', '--to', candidate, '--top-up', '--yes'], chain.env)
  const wanted = first.data.registered.wanted
  if (first.data.registered.copied !== wanted || wanted < 10_000) throw new Error(`expected ${wanted} (≥ 10,000) copied, got ${first.data.registered.copied}`)
  const figures: Figure[] = [{
    baseline: 'one register([address]) transaction per registration',
    baselineValue: wanted,
    extra: {registrations: wanted},
    name: 'controller migrate (10,000+ registrations, admins, makers, ETH top-up), transactions',
    pass: first.data.transactions <= 25,
    target: 'at most 25 transactions',
    unit: 'transactions',
    value: first.data.transactions,
  }]

  const again = cli(['controller', 'migrate', '--to', candidate, '--top-up', '--yes'], chain.env)
  figures.push({
    baseline: 'first run of the same migration',
    baselineValue: first.ms,
    extra: {transactions: again.data.transactions},
    name: 'controller migrate re-run (everything already there), whole command',
    pass: again.data.transactions === 0,
    target: 'no transaction',
    unit: 'ms',
    value: again.ms,
  })
  return figures
}
