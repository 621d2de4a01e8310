// Governance against a private anvil (votes move clone tokens, and one case moves time): tallies equal
// the chain's to the wei and equal the voters' NEC at the snapshot block; NEC moved after approval
// changes nobody's weight; every refused call (non-holder, non-admin, zero weight, second vote, ended
// proposal, unknown id, decided proposal) sends nothing.
import {type Address, keccak256, type LocalAccount, parseEther} from 'viem'
import {privateKeyToAccount} from 'viem/accounts'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'

import {transact} from '../../src/lib/chain/transact.js'
import {type NectarError} from '../../src/lib/core/errors.js'
import {necAbi, nectarControllerAbi, proposalManagerAbi} from '../../src/lib/contracts/generated/index.js'
import {DEV_PRIVATE_KEYS} from '../../src/lib/devnet/accounts.js'
import {seedNectar} from '../../src/lib/devnet/seed.js'
import {listProposals, showProposal, verifyProposalText} from '../../src/lib/nectar/governance.js'
import {changeGovAdmin, checkVote, decideProposal, listGovAdmins, propose, vote} from '../../src/lib/nectar/governance-write.js'
import {advanceTime, freshAccount, type PrivateChain, privateChain} from '../setup/chain.js'

let chain: PrivateChain
let manager: Address
let nec: Address
let controller: Address
const dev = (i: number): LocalAccount => privateKeyToAccount(DEV_PRIVATE_KEYS[i])
const yes = async () => {}
const send = (account: LocalAccount) => ({account, confirm: yes})

beforeAll(async () => {
  chain = await privateChain({seeders: [seedNectar]})
  manager = chain.deployment.contracts.proposalManager!
  nec = chain.deployment.contracts.nec
  controller = chain.deployment.contracts.controller
})
afterAll(async () => chain?.stop())

async function refused(run: () => Promise<unknown>, code: string, account: Address): Promise<NectarError> {
  const before = await chain.client.getTransactionCount({address: account})
  const error = (await run().then(
    () => {
      throw new Error(`expected ${code}`)
    },
    (e: unknown) => e,
  )) as NectarError
  expect(error.code).toBe(code)
  expect(await chain.client.getTransactionCount({address: account})).toBe(before)
  return error
}

const necAt = (who: Address, block: bigint) => chain.client.readContract({abi: necAbi, address: nec, args: [who, block], functionName: 'balanceOfAt'})
const onChain = async (id: bigint) => chain.client.readContract({abi: proposalManagerAbi, address: manager, args: [id], functionName: 'proposal'})

async function submit(account: LocalAccount, title: string, days = 14n) {
  const bytes = new TextEncoder().encode(`${title}\nbody`)
  const t = {bytes, hash: keccak256(bytes)}
  return propose(chain.client, {days, keep: () => 'kept', manager, nec, text: t, title}, send(account))
}

describe('governance', () => {
  let id: bigint
  let snapshot: bigint

  test('a NEC holder proposes: the hash and duration are on chain; a holder of no NEC is refused before sending', async () => {
    const r = await submit(dev(1), 'First proposal')
    id = BigInt(r.id)
    expect(r.id).toBe(0)
    const p = await onChain(id)
    expect(p[0]).toBe(dev(1).address)
    expect(p[3]).toBe(14n * 86_400n)
    expect(p[4]).toBe(r.storageHash)
    const stranger = await freshAccount(chain.client)
    const e = await refused(() => submit(stranger.account, 'No NEC'), 'INSUFFICIENT_BALANCE', stranger.address)
    expect(e.hint).toContain('--account')
    const listing = await listProposals(chain.client, {manager, titles: (h) => (h === r.storageHash ? 'First proposal' : null)})
    expect(listing.proposals[0]).toMatchObject({id: 0, snapshotBlock: null, state: 'pending', title: 'First proposal', token: null})
  })

  test('approving is for admins: a non-admin is refused before sending; an admin approval snapshots NEC at its block', async () => {
    await refused(() => decideProposal(chain.client, {approve: true, id, manager}, send(dev(1))), 'NOT_ADMIN', dev(1).address)
    const r = await decideProposal(chain.client, {approve: true, id, manager}, send(dev(0)))
    expect(r.snapshotBlock).toBe(Number(r.block))
    snapshot = r.block
    const p = await onChain(id)
    expect(p[1]).toBe(snapshot)
    expect(p[10]).toBe(true)
    const again = await refused(() => decideProposal(chain.client, {approve: true, id, manager}, send(dev(0))), 'PROPOSAL_DECIDED', dev(0).address)
    expect(again.message).toContain('already approved')
  })

  test('NEC moved after the snapshot changes no weight; tallies equal balanceOfAt(snapshot) and the chain, to the wei', async () => {
    const [w1, w2] = await Promise.all([necAt(dev(1).address, snapshot), necAt(dev(2).address, snapshot)])
    expect(w1 > 0n && w2 > 0n).toBe(true)
    // dev1 gives dev2 a third of its NEC after the snapshot: neither weight moves.
    const moved = w1 / 3n
    await transact(chain.client, 'transfer', {abi: necAbi, address: nec, args: [dev(2).address, moved], functionName: 'transfer'}, send(dev(1)))
    expect(await chain.client.readContract({abi: necAbi, address: nec, args: [dev(2).address], functionName: 'balanceOf'})).toBe(w2 + moved)
    const c1 = await checkVote(chain.client, {id, manager, voter: dev(1).address})
    const c2 = await checkVote(chain.client, {id, manager, voter: dev(2).address})
    expect(c1.weightWei).toBe(w1)
    expect(c2.weightWei).toBe(w2)

    let shown: bigint | undefined
    const v1 = await vote(chain.client, {id, manager, onWeight: (w) => (shown = w), yes: true}, send(dev(1)))
    expect(shown).toBe(w1)
    expect(v1.amountWei).toBe(w1)
    const v2 = await vote(chain.client, {id, manager, yes: false}, send(dev(2)))
    expect(v2.amountWei).toBe(w2)
    const p = await onChain(id)
    expect(p[7]).toBe(w1)
    expect(p[8]).toBe(w2)
    expect(v2.yesWei).toBe(w1)
    expect(v2.noWei).toBe(w2)

    const supply = await chain.client.readContract({abi: necAbi, address: nec, args: [snapshot], functionName: 'totalSupplyAt'})
    const view = await showProposal(chain.client, {id, manager, voter: dev(1).address})
    expect(view).toMatchObject({snapshotBlock: Number(snapshot), state: 'active', voted: true, weightWei: w1, yesWei: w1, noWei: w2, supplyAtSnapshotWei: supply})
    expect(view.yesShare).toBe(formatPct((w1 * 1_000_000n) / supply))
    expect(view.turnout).toBe(formatPct(((w1 + w2) * 1_000_000n) / supply))
    expect(view.timeLeftSeconds! > 13 * 86_400 && view.timeLeftSeconds! <= 14 * 86_400).toBe(true)
  })

  test('a second vote, a zero weight (NEC received after the snapshot), an unknown id: refused before sending', async () => {
    await refused(() => vote(chain.client, {id, manager, yes: false}, send(dev(1))), 'ALREADY_VOTED', dev(1).address)
    const late = await freshAccount(chain.client)
    await transact(chain.client, 'register', {abi: nectarControllerAbi, address: controller, args: [[late.address]], functionName: 'register'}, send(dev(0)))
    await transact(chain.client, 'transfer', {abi: necAbi, address: nec, args: [late.address, parseEther('5')], functionName: 'transfer'}, send(dev(3)))
    const e = await refused(() => vote(chain.client, {id, manager, yes: true}, send(late.account)), 'NO_VOTING_WEIGHT', late.address)
    expect(e.message).toContain(`snapshot block ${snapshot}`)
    await refused(() => vote(chain.client, {id: 99n, manager, yes: true}, send(dev(3))), 'NO_SUCH_PROPOSAL', dev(3).address)
  })

  test('deny: a denied proposal takes no approval and no votes', async () => {
    const r = await submit(dev(2), 'Second proposal', 7n)
    const d = await decideProposal(chain.client, {approve: false, id: BigInt(r.id), manager}, send(dev(0)))
    expect(d.decision).toBe('denied')
    expect((await onChain(BigInt(r.id)))[11]).toBe(true)
    await refused(() => decideProposal(chain.client, {approve: true, id: BigInt(r.id), manager}, send(dev(0))), 'PROPOSAL_DECIDED', dev(0).address)
    await refused(() => vote(chain.client, {id: BigInt(r.id), manager, yes: true}, send(dev(3))), 'PROPOSAL_NOT_ACTIVE', dev(3).address)
    const listing = await listProposals(chain.client, {manager})
    expect(listing.proposals.map((p) => [p.id, p.state])).toEqual([[1, 'denied'], [0, 'active']])
    expect((await listProposals(chain.client, {active: true, manager})).proposals.map((p) => p.id)).toEqual([0])
  })

  test('admins: any admin adds, only the owner removes; the list follows the events', async () => {
    expect((await listGovAdmins(chain.client, {manager})).admins).toEqual([dev(0).address])
    const added = await changeGovAdmin(chain.client, {add: true, manager, target: dev(4).address}, send(dev(0)))
    expect(added.changed).toBe(true)
    expect((await listGovAdmins(chain.client, {manager})).admins).toEqual([dev(0).address, dev(4).address])
    await refused(() => changeGovAdmin(chain.client, {add: false, manager, target: dev(4).address}, send(dev(4))), 'NOT_OWNER', dev(4).address)
    await changeGovAdmin(chain.client, {add: false, manager, target: dev(4).address}, send(dev(0)))
    expect((await listGovAdmins(chain.client, {manager})).admins).toEqual([dev(0).address])
    await refused(() => changeGovAdmin(chain.client, {add: false, manager, target: dev(4).address}, send(dev(0))), 'ADMIN_NOT_FOUND', dev(0).address)
  })

  test('verify: the hash on chain against a copy of the text', async () => {
    const good = keccak256(new TextEncoder().encode('First proposal\nbody'))
    expect(await verifyProposalText(chain.client, {hash: good, id, manager})).toMatchObject({onChain: good, verified: true})
    const bad = keccak256(new TextEncoder().encode('First proposal\r\nbody'))
    await expect(verifyProposalText(chain.client, {hash: bad, id, manager})).rejects.toMatchObject({code: 'TEXT_MISMATCH'})
  })

  test('a vote right after approval (the approval is the latest block) is simulated against the next block and counts', async () => {
    const r = await submit(dev(3), 'Third proposal', 30n)
    const approved = await decideProposal(chain.client, {approve: true, id: BigInt(r.id), manager}, send(dev(0)))
    expect(await chain.client.getBlockNumber({cacheTime: 0})).toBe(approved.block)
    const check = await checkVote(chain.client, {id: BigInt(r.id), manager, voter: dev(3).address})
    expect(check.opensNextBlock).toBe(true)
    const v = await vote(chain.client, {id: BigInt(r.id), manager, yes: true}, send(dev(3)))
    expect(v.block).toBe(approved.block + 1n)
    expect(v.amountWei).toBe(await necAt(dev(3).address, approved.block))
  })

  test('an ended proposal takes no votes (refused before sending), and the tally stays', async () => {
    await advanceTime(chain.client, 14 * 86_400 + 1)
    await refused(() => vote(chain.client, {id, manager, yes: true}, send(dev(3))), 'PROPOSAL_NOT_ACTIVE', dev(3).address)
    const view = await showProposal(chain.client, {id, manager})
    expect(view).toMatchObject({state: 'ended', timeLeftSeconds: 0})
    expect(view.yesWei).toBe((await onChain(id))[7])
  })

  test('the reference views and events: pending/approved/active lists, the clones named NectarProposal-N / NP-N', async () => {
    await submit(dev(5), 'Fourth proposal')
    const read = (functionName: 'getActiveProposals' | 'getApprovedProposals' | 'getNotApprovedProposals') => chain.client.readContract({abi: proposalManagerAbi, address: manager, functionName})
    expect(await read('getNotApprovedProposals')).toEqual([3n])
    expect(await read('getApprovedProposals')).toEqual([0n, 2n])
    expect(await read('getActiveProposals')).toEqual([2n])
    expect(await chain.client.readContract({abi: proposalManagerAbi, address: manager, functionName: 'nProposals'})).toBe(4n)
    const clone = (await onChain(0n))[9]
    expect(await chain.client.readContract({abi: necAbi, address: clone, functionName: 'name'})).toBe('NectarProposal-0')
    expect(await chain.client.readContract({abi: necAbi, address: clone, functionName: 'symbol'})).toBe('NP-0')
    const logs = await chain.client.getContractEvents({abi: proposalManagerAbi, address: manager, fromBlock: 0n})
    const count = (name: string) => logs.filter((l) => l.eventName === name).length
    expect([count('NewProposal'), count('Approved'), count('Vote'), count('Denied')]).toEqual([4, 2, 3, 1])
  })
})

function formatPct(x: bigint): string {
  const s = x.toString().padStart(5, '0')
  const frac = s.slice(-4).replace(/0+$/, '')
  return frac ? `${s.slice(0, -4)}.${frac}` : s.slice(0, -4)
}
