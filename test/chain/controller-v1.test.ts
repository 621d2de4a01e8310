// The mainnet-shaped upgrade, v1 → v2, on a private anvil: NEC is handed to a v1 controller (the v1
// equation, an owner-only whitelist, no whitelist events, no isAdmin), which is inspected beside a v2
// candidate (each rate equal to its contract's to the wei, the samples on each one's own curve), its
// whitelist found through NEC's Transfer history and migrated, and NEC upgraded to the candidate.
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {type Address, getAddress, type LocalAccount, parseEther} from 'viem'
import {generatePrivateKey, privateKeyToAccount} from 'viem/accounts'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'

import {transact, type TransactOptions, walletFor, writeCall} from '../../src/lib/chain/transact.js'
import {type NectarError} from '../../src/lib/core/errors.js'
import {necAbi, nectarControllerAbi, nectarControllerV1Abi, nectarControllerV1Bytecode} from '../../src/lib/contracts/generated/index.js'
import {DEV_ADDRESSES, DEV_PRIVATE_KEYS} from '../../src/lib/devnet/accounts.js'
import {deployCandidateController} from '../../src/lib/devnet/candidate.js'
import {inspectCandidate} from '../../src/lib/nectar/controller.js'
import {migrateController, planMigration} from '../../src/lib/nectar/controller-migrate.js'
import {upgradeController} from '../../src/lib/nectar/controller-upgrade.js'
import {issuanceV1, issuanceV2, WEI} from '../../src/lib/nectar/curve.js'
import {getRegistrationStatuses} from '../../src/lib/nectar/whitelist.js'
import {listWhitelist} from '../../src/lib/nectar/whitelist-sets.js'
import {type PrivateChain, privateChain} from '../setup/chain.js'

let chain: PrivateChain
let owner: LocalAccount
let nec: Address
let v1: Address
let journalDir: string
const yes = async () => {}
const send = (): TransactOptions => ({account: owner, confirm: yes})
const codeOf = async (p: Promise<unknown>) => (await p.then(() => undefined, (error: NectarError) => error))?.code
const unseen = privateKeyToAccount(generatePrivateKey()).address

beforeAll(async () => {
  chain = await privateChain()
  owner = privateKeyToAccount(DEV_PRIVATE_KEYS[0])
  nec = chain.deployment.contracts.nec
  journalDir = mkdtempSync(path.join(tmpdir(), 'nectar-ctl-v1-'))
  // A v1 controller for the same NEC, with the devnet's windows, made NEC's controller.
  const hash = await walletFor(chain.client, owner).deployContract({
    abi: nectarControllerV1Abi, account: owner, args: [chain.deployment.vault, nec, BigInt(chain.deployment.startTime)], bytecode: nectarControllerV1Bytecode, chain: chain.client.chain,
  })
  v1 = getAddress((await chain.client.waitForTransactionReceipt({hash})).contractAddress!)
  const c1 = {abi: nectarControllerV1Abi, address: v1} as const
  await transact(chain.client, 'upgrade to v1', writeCall({abi: nectarControllerAbi, address: chain.deployment.contracts.controller, args: [v1], functionName: 'upgradeController'}), send())
  // Its whitelist: the seeded holders, one address that never touches NEC, dev2 as a maker; a v1 issuance.
  await transact(chain.client, 'register', writeCall({...c1, args: [[...chain.deployment.registered, unseen]], functionName: 'register'}), send())
  await transact(chain.client, 'authoriseMaker', writeCall({...c1, args: [DEV_ADDRESSES[2]], functionName: 'authoriseMaker'}), send())
  const tokens = await chain.client.readContract({...c1, args: [parseEther('7')], functionName: 'getFeeToTokenConversion'})
  await transact(chain.client, 'proxyAccountingCreation', writeCall({...c1, args: [DEV_ADDRESSES[3], parseEther('7'), tokens], functionName: 'proxyAccountingCreation'}), send())
}, 120_000)
afterAll(async () => chain?.stop())

describe('v1 → v2', () => {
  let candidate: Address

  test('a v2 candidate beside the v1 controller: each rate is its contract’s, the samples follow each curve', async () => {
    ;({address: candidate} = await deployCandidateController(chain.client, {account: owner, nec}))
    const x = await inspectCandidate(chain.client, {candidate, nec})
    expect(x.current).toMatchObject({address: v1, isTokenController: true, version: 'v1'})
    expect(x.candidate).toMatchObject({address: candidate, version: 'v2'})
    expect(x.current.rateNow).toBe(await chain.client.readContract({abi: nectarControllerV1Abi, address: v1, args: [WEI], functionName: 'getFeeToTokenConversion'}))
    expect(x.candidate.rateNow).toBe(await chain.client.readContract({abi: nectarControllerAbi, address: candidate, args: [WEI], functionName: 'getFeeToTokenConversion'}))
    for (const s of x.issuance) {
      expect(s.current).toBe(issuanceV1(WEI, s.supply, x.pledgedFees, x.current.initialSupply))
      expect(s.candidate).toBe(issuanceV2(WEI, s.supply, x.candidate.initialSupply))
    }
    expect(x.differences).toContain('issuance curve: v1 → v2')
  })

  test('whitelist list and the migration read a controller without events through NEC’s Transfer history', async () => {
    const listing = await listWhitelist(chain.client, {controller: v1, nec})
    expect(listing.source).toBe('transfers')
    // Everyone registered who ever held NEC (and the owner); the address that never touched NEC is not found.
    expect(new Set(listing.addresses)).toEqual(new Set(chain.deployment.registered))
    expect(listing.addresses).not.toContain(unseen)

    // Into a v1 controller there is nothing to migrate to (it has no admins).
    expect(await codeOf(planMigration(chain.client, {account: owner.address, candidate: v1, nec}))).toBe('CANDIDATE_IS_CURRENT')

    const plan = await planMigration(chain.client, {account: owner.address, candidate, nec})
    expect(plan.source).toBe('transfers')
    expect(plan.admins.wanted).toBe(0) // v1 has no isAdmin
    expect(plan.makers.missing).toEqual([DEV_ADDRESSES[2]])
    const done = await migrateController(chain.client, {candidate, eth: parseEther('3'), journalDir, nec}, {account: owner, confirm: yes})
    expect(done.registered.copied).toBe(chain.deployment.registered.length)
    expect(done.eth?.sentWei).toBe(parseEther('3'))
    expect((await getRegistrationStatuses(chain.client, {addresses: chain.deployment.registered, controller: candidate})).every(Boolean)).toBe(true)
    expect(await chain.client.readContract({abi: nectarControllerAbi, address: candidate, args: [DEV_ADDRESSES[2]], functionName: 'getAuthorisationStatus'})).toBe(true)
    const again = await migrateController(chain.client, {candidate, eth: parseEther('3'), journalDir, nec}, {account: owner, confirm: yes})
    expect(again.transactions).toBe(0)
  })

  test('NEC is upgraded from v1 to the candidate and verified', async () => {
    const result = await upgradeController(chain.client, {candidate, journalDir, nec}, send())
    expect(result).toMatchObject({controller: candidate, previous: v1, verified: true})
    expect(await chain.client.readContract({abi: necAbi, address: nec, functionName: 'controller'})).toBe(candidate)
    // A v1 candidate is refused for migration: it cannot take admins.
    const hash = await walletFor(chain.client, owner).deployContract({
      abi: nectarControllerV1Abi, account: owner, args: [chain.deployment.vault, nec, BigInt(chain.deployment.startTime)], bytecode: nectarControllerV1Bytecode, chain: chain.client.chain,
    })
    const another = (await chain.client.waitForTransactionReceipt({hash})).contractAddress!
    expect(await codeOf(planMigration(chain.client, {account: owner.address, candidate: another, nec}))).toBe('NOT_A_CONTROLLER')
  })
})
