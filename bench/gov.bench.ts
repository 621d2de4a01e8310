// Issue 14 figure: `nectar gov list` with 1,000 proposals (a quarter approved, with clones and votes),
// whole command under 1 s, and the batched reader against one read per proposal in sequence.
import {keccak256, toHex} from 'viem'

import {necAbi, proposalManagerAbi} from '../src/lib/contracts/generated/index.js'
import {DEV_PRIVATE_KEYS} from '../src/lib/devnet/accounts.js'
import {TxBatch} from '../src/lib/devnet/deploy.js'
import {readProposalRecords} from '../src/lib/nectar/governance.js'
import {type BenchChain, BIN, type Figure, median, timePair} from './lib.js'

const PROPOSALS = 1000
const APPROVED_EVERY = 4

export default async function gov(chain: BenchChain): Promise<Figure[]> {
  const manager = chain.deployment.contracts.proposalManager!
  const c = {abi: proposalManagerAbi, address: manager} as const
  const proposer = await TxBatch.create(chain.client, DEV_PRIVATE_KEYS[1])
  for (let i = 0; i < PROPOSALS; i++) {
    await proposer.send(`addProposal ${i}`, {...c, args: [7n + BigInt(i % 39), keccak256(toHex(`proposal ${i}`))], functionName: 'addProposal'})
  }
  await proposer.flush()
  const admin = await TxBatch.create(chain.client, DEV_PRIVATE_KEYS[0])
  for (let i = 0; i < PROPOSALS; i += APPROVED_EVERY) await admin.send(`approveProposal ${i}`, {...c, args: [BigInt(i)], functionName: 'approveProposal', gas: 4_000_000n})
  await admin.flush()
  // Votes on the approved ones from two makers, so tallies and "voted" are real.
  for (const key of [DEV_PRIVATE_KEYS[1], DEV_PRIVATE_KEYS[2]]) {
    const voter = await TxBatch.create(chain.client, key)
    for (let i = 0; i < PROPOSALS; i += APPROVED_EVERY * 2) await voter.send(`vote ${i}`, {...c, args: [BigInt(i), key === DEV_PRIVATE_KEYS[1]], functionName: 'vote', gas: 300_000n})
    await voter.flush()
  }

  const figures: Figure[] = []
  // The baseline is the lightest chain command, one balance read, alternated with the figure so machine load hits both alike.
  const maker = chain.deployment.makers[0].address
  const [balance, cli] = timePair(['node', [BIN, 'balance', maker, '--json']], ['node', [BIN, 'gov', 'list', '--account', 'dev1', '--json']], {env: chain.env, runs: 5})
  figures.push({
    baseline: 'nectar balance ADDRESS --json (one read)',
    baselineValue: balance,
    extra: {overBalanceMs: Math.round(cli - balance), proposals: PROPOSALS},
    name: `nectar gov list (${PROPOSALS.toLocaleString('en-US')} proposals), whole command`,
    pass: cli < 1000,
    target: 'under 1 s',
    unit: 'ms',
    value: cli,
  })

  // The read strategy itself, in this process over the same RPC: the deployless reader against the
  // same reads one call after another.
  const ids = Array.from({length: PROPOSALS}, (_, i) => BigInt(i))
  const voter = chain.deployment.makers[0].address
  const runs: number[] = []
  for (let i = 0; i < 5; i++) {
    const started = performance.now()
    const records = await readProposalRecords(chain.client, {ids, manager, voter})
    runs.push(performance.now() - started)
    if (records.length !== PROPOSALS || records[0].voted !== true || records[1].approved) throw new Error('batched proposal read returned wrong data')
  }
  const batched = median(runs)
  const started = performance.now()
  for (const id of ids) {
    // What a client without the reader must read for the same table: the proposal, and for an approved one the
    // supply and the voter's balance at the snapshot, the voter's clone balance and whether it voted.
    const p = await chain.client.readContract({...c, args: [id], functionName: 'proposal'})
    if (!p[10]) continue
    const clone = {abi: necAbi, address: p[9]} as const
    await chain.client.readContract({...clone, args: [p[1]], functionName: 'totalSupplyAt'})
    await chain.client.readContract({...clone, args: [voter, p[1]], functionName: 'balanceOfAt'})
    await chain.client.readContract({...clone, args: [voter], functionName: 'balanceOf'})
    await chain.client.readContract({...c, args: [id, voter], functionName: 'hasVoted'})
  }
  const sequential = performance.now() - started
  const ratio = sequential / batched
  figures.push({baseline: 'the same reads one call at a time (proposal(id); for an approved one totalSupplyAt, balanceOfAt, balanceOf, hasVoted), same RPC', baselineValue: sequential, extra: {ratio: Math.round(ratio * 10) / 10}, name: `batched reads of ${PROPOSALS.toLocaleString('en-US')} proposals with a voter's weight`, pass: ratio >= 10, target: 'at least 10x faster than the baseline', unit: 'ms', value: batched})
  return figures
}
