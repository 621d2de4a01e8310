// The controller upgrade against a private anvil (it changes NEC's controller): one controller read
// from the token, a candidate inspected beside it, the whitelist migrated in journaled batches (from
// events, and from NEC's Transfer history), the upgrade refused until ready and verified after, and
// the owner operations checked before sending.
import {mkdirSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {type Address, type LocalAccount, parseEther} from 'viem'
import {generatePrivateKey, privateKeyToAccount} from 'viem/accounts'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'

import {transact, type TransactOptions, writeCall} from '../../src/lib/chain/transact.js'
import {type NectarError} from '../../src/lib/core/errors.js'
import {necAbi, nectarControllerAbi} from '../../src/lib/contracts/generated/index.js'
import {DEV_ADDRESSES, DEV_PRIVATE_KEYS} from '../../src/lib/devnet/accounts.js'
import {deployCandidateController} from '../../src/lib/devnet/candidate.js'
import {inspectCandidate, readControllerFacts, resolveController} from '../../src/lib/nectar/controller.js'
import {isMigrated, migrateController, planMigration} from '../../src/lib/nectar/controller-migrate.js'
import {runControllerOperation} from '../../src/lib/nectar/controller-owner.js'
import {checkUpgrade, upgradeController} from '../../src/lib/nectar/controller-upgrade.js'
import {rateV2, WEI} from '../../src/lib/nectar/curve.js'
import {getRegistrationStatuses} from '../../src/lib/nectar/whitelist.js'
import {freshAccount, type PrivateChain, privateChain} from '../setup/chain.js'

let chain: PrivateChain
let owner: LocalAccount
let nec: Address
let original: Address
let journalDir: string

const yes = async () => {}
const send = (account: LocalAccount): TransactOptions => ({account, confirm: yes})
const randomAddresses = (n: number): Address[] => Array.from({length: n}, () => privateKeyToAccount(generatePrivateKey()).address)
const codeOf = async (p: Promise<unknown>) => (await p.then(() => undefined, (error: NectarError) => error))?.code
const nonceOf = (a: Address) => chain.client.getTransactionCount({address: a, blockTag: 'pending'})

beforeAll(async () => {
  chain = await privateChain()
  owner = privateKeyToAccount(DEV_PRIVATE_KEYS[0])
  ;({controller: original, nec} = chain.deployment.contracts)
  journalDir = mkdtempSync(path.join(tmpdir(), 'nectar-ctl-'))
}, 120_000)
afterAll(async () => chain?.stop())

describe('one controller', () => {
  test("NEC's controller is used; a profile naming another is warned about with the fix", async () => {
    expect(await resolveController(chain.client, {nec, network: 'devnet', profileController: original})).toEqual({controller: original})
    const stale = await resolveController(chain.client, {nec, network: 'devnet', profileController: DEV_ADDRESSES[7]})
    expect(stale.controller).toBe(original)
    expect(stale.warning).toContain(`nectar config set networks.devnet.contracts.controller ${original}`)
  })
})

describe('controller upgrade', () => {
  let candidate: Address

  test('a candidate is inspected beside the current controller; the rates match the contracts to the wei', async () => {
    ;({address: candidate} = await deployCandidateController(chain.client, {account: owner, nec}))
    const x = await inspectCandidate(chain.client, {candidate, nec})
    expect(x.current).toMatchObject({address: original, isTokenController: true, owner: DEV_ADDRESSES[0], tokenIsNec: true, vault: chain.deployment.vault, version: 'v2'})
    expect(x.candidate).toMatchObject({address: candidate, isTokenController: false, owner: DEV_ADDRESSES[0], tokenIsNec: true, vault: chain.deployment.vault, version: 'v2'})
    expect(x.candidate.startTime).toBe(BigInt(chain.deployment.startTime))
    expect(x.current.ethBalance).toBe(BigInt(chain.deployment.controllerTopUpWei))
    expect(x.candidate.ethBalance).toBe(0n)
    // Each controller's "rate now" is what its own getFeeToTokenConversion answers.
    for (const f of [x.current, x.candidate]) {
      expect(f.rateNow).toBe(await chain.client.readContract({abi: nectarControllerAbi, address: f.address, args: [WEI], functionName: 'getFeeToTokenConversion'}))
    }
    // The candidate's S0 is the supply when it was deployed (the seed minted since the original's), so its curve differs.
    expect(x.candidate.initialSupply).toBe(x.totalSupply)
    expect(x.current.initialSupply).toBeLessThan(x.candidate.initialSupply)
    const atS0 = x.issuance.find((s) => s.note === 'S0')!
    expect(atS0.current).toBe(1000n * WEI)
    expect(atS0.candidate).toBe(rateV2(atS0.supply, x.candidate.initialSupply))
    expect(x.issuance.length).toBe(6)
    expect(x.differences.some((d) => d.startsWith('initial supply S0'))).toBe(true)
    expect(x.differences.some((d) => d.startsWith('ETH for redemptions'))).toBe(true)
  })

  test('bad candidates are refused before anything is sent: no code, not a controller, another token, not an admin', async () => {
    const before = await nonceOf(owner.address)
    expect(await codeOf(planMigration(chain.client, {account: owner.address, candidate: DEV_ADDRESSES[6], nec}))).toBe('CONTROLLER_NO_CODE')
    expect(await codeOf(planMigration(chain.client, {account: owner.address, candidate: nec, nec}))).toBe('NOT_A_CONTROLLER')
    expect(await codeOf(planMigration(chain.client, {account: owner.address, candidate: original, nec}))).toBe('CANDIDATE_IS_CURRENT')
    const foreign = await deployCandidateController(chain.client, {account: owner, nec})
    // A controller of another token: deploy one whose tokenContract is not NEC.
    const other = await transactDeployForToken(owner, DEV_ADDRESSES[8])
    expect(await codeOf(planMigration(chain.client, {account: owner.address, candidate: other, nec}))).toBe('CANDIDATE_WRONG_TOKEN')
    const stranger = await freshAccount(chain.client)
    expect(await codeOf(migrateController(chain.client, {candidate: foreign.address, journalDir, nec}, {account: stranger.account, confirm: yes}))).toBe('NOT_ADMIN')
    expect(await nonceOf(stranger.address)).toBe(0)
    expect(await codeOf(upgradeController(chain.client, {candidate: DEV_ADDRESSES[6], journalDir, nec}, send(owner)))).toBe('CONTROLLER_NO_CODE')
    expect(await codeOf(upgradeController(chain.client, {candidate: other, journalDir, nec}, send(owner)))).toBe('CANDIDATE_WRONG_TOKEN')
    expect(await codeOf(upgradeController(chain.client, {candidate, journalDir, nec}, send(stranger.account)))).toBe('NOT_OWNER')
    // A candidate someone else owns: the owner of NEC's controller may not hand NEC to it.
    const theirs = await deployCandidateController(chain.client, {account: stranger.account, nec})
    expect(await codeOf(upgradeController(chain.client, {candidate: theirs.address, journalDir, nec}, send(owner)))).toBe('CANDIDATE_NOT_OWNED')
    expect(await nonceOf(owner.address)).toBe(before + 2) // only the two deployments above
  })

  test('migrate copies registrations, admins, makers and ETH in journaled batches; a re-run sends nothing', async () => {
    // More on the current whitelist than the seed: 57 holders, an admin, a maker.
    const extra = randomAddresses(57)
    const [admin, maker] = randomAddresses(2)
    const c = {abi: nectarControllerAbi, address: original} as const
    await transact(chain.client, 'register', writeCall({...c, args: [extra], functionName: 'register'}), send(owner))
    await transact(chain.client, 'addAdmin', writeCall({...c, args: [admin], functionName: 'addAdmin'}), send(owner))
    await transact(chain.client, 'authoriseMaker', writeCall({...c, args: [maker], functionName: 'authoriseMaker'}), send(owner))

    const plan = await planMigration(chain.client, {account: owner.address, batchSize: 20, candidate, nec})
    expect(plan.source).toBe('events')
    const registered = [...chain.deployment.registered, ...extra, maker]
    expect(new Set(plan.registered.missing)).toEqual(new Set(registered))
    // dev0 deployed the candidate, so it is already an admin there; it is an authorised maker only on the original.
    expect(plan.admins.missing).toEqual([admin])
    expect(new Set(plan.makers.missing)).toEqual(new Set([DEV_ADDRESSES[0], maker]))
    expect(isMigrated(plan)).toBe(false)
    expect(await codeOf(checkUpgrade(chain.client, {account: owner.address, candidate, journalDir, nec}))).toBe('CANDIDATE_NOT_MIGRATED')

    const first = await migrateController(chain.client, {batchSize: 20, candidate, eth: 'match', journalDir, nec}, {account: owner, confirm: yes})
    const batches = Math.ceil(registered.length / 20)
    expect(first.transactions).toBe(batches + 1 + 2 + 1) // register batches, one admin, two makers, one top-up
    expect(first.registered).toEqual({copied: registered.length, missing: registered.length, wanted: registered.length})
    expect((await getRegistrationStatuses(chain.client, {addresses: registered, controller: candidate})).every(Boolean)).toBe(true)
    expect(await chain.client.readContract({abi: nectarControllerAbi, address: candidate, args: [admin], functionName: 'isAdmin'})).toBe(true)
    expect(await chain.client.readContract({abi: nectarControllerAbi, address: candidate, args: [maker], functionName: 'getAuthorisationStatus'})).toBe(true)
    expect(await chain.client.getBalance({address: candidate})).toBe(await chain.client.getBalance({address: original}))

    const nonce = await nonceOf(owner.address)
    const again = await migrateController(chain.client, {batchSize: 20, candidate, eth: 'match', journalDir, nec}, {account: owner, confirm: async () => {
      throw new Error('must not ask: nothing to send')
    }})
    expect(again.transactions).toBe(0)
    expect(again.registered.missing).toBe(0)
    expect(await nonceOf(owner.address)).toBe(nonce)
  })

  test("without events the registered set is NEC's Transfer parties checked on the controller", async () => {
    const fresh = await deployCandidateController(chain.client, {account: owner, nec})
    const plan = await planMigration(chain.client, {account: owner.address, candidate: fresh.address, nec, source: 'transfers'})
    expect(plan.source).toBe('transfers')
    const found = new Set(plan.registered.missing)
    // Every seeded maker received NEC (a mint), so each is found; addresses registered but never touched by NEC are not.
    for (const m of chain.deployment.makers) expect(found.has(m.address)).toBe(true)
    const statuses = await getRegistrationStatuses(chain.client, {addresses: plan.registered.missing, controller: original})
    expect(statuses.every(Boolean)).toBe(true)
    expect(new Set(plan.registered.missing)).toEqual(new Set(chain.deployment.registered))
    // The owner is always asked; the maker authorised above never held NEC, so this way cannot see it.
    expect(plan.makers.missing).toEqual([DEV_ADDRESSES[0]])
  })

  test('the upgrade waits for an open issuance journal, then switches NEC and is verified; owner operations follow', async () => {
    const chainId = chain.client.chain!.id
    mkdirSync(journalDir, {recursive: true})
    const open = path.join(journalDir, `rewards-issue-${chainId}-0123456789abcdef.jsonl`)
    writeFileSync(open, JSON.stringify({at: 'x', chainId, contract: original, from: owner.address, inputHash: 'h', items: 2, kind: 'rewards-issue', type: 'header'}) + '\n')
    expect(await codeOf(upgradeController(chain.client, {candidate, journalDir, nec}, send(owner)))).toBe('ISSUANCE_IN_PROGRESS')
    writeFileSync(open, JSON.stringify({at: 'x', type: 'complete'}) + '\n', {flag: 'a'})

    const warnings: string[] = []
    const result = await upgradeController(chain.client, {candidate, journalDir, nec}, {...send(owner), warn: (m) => warnings.push(m)})
    expect(result).toMatchObject({candidate, controller: candidate, previous: original, verified: true})
    expect(await chain.client.readContract({abi: necAbi, address: nec, functionName: 'controller'})).toBe(candidate)
    expect(warnings.some((w) => w.includes('initial supply S0'))).toBe(true)
    const stale = await resolveController(chain.client, {nec, network: 'devnet', profileController: original})
    expect(stale.controller).toBe(candidate)
    expect(stale.warning).toContain(candidate)

    // Burning goes through NEC's controller only; the old one is refused before sending.
    const off = await runControllerOperation(chain.client, {controller: candidate, nec, op: {enabled: false, kind: 'burning'}}, send(owner))
    expect(off.changed).toBe(true)
    expect(await chain.client.readContract({abi: necAbi, address: nec, functionName: 'burningEnabled'})).toBe(false)
    expect((await runControllerOperation(chain.client, {controller: candidate, nec, op: {enabled: false, kind: 'burning'}}, send(owner))).changed).toBe(false)
    expect(await codeOf(runControllerOperation(chain.client, {controller: original, nec, op: {enabled: true, kind: 'burning'}}, send(owner)))).toBe('NOT_CONTROLLER')
    await runControllerOperation(chain.client, {controller: candidate, nec, op: {enabled: true, kind: 'burning'}}, send(owner))

    // Empty the old controller into its vault.
    const vault = chain.deployment.vault
    const [held, vaultBefore] = await Promise.all([chain.client.getBalance({address: original}), chain.client.getBalance({address: vault})])
    expect(held).toBeGreaterThan(0n)
    await runControllerOperation(chain.client, {controller: original, nec, op: {kind: 'evacuate'}}, send(owner))
    expect(await chain.client.getBalance({address: original})).toBe(0n)
    expect(await chain.client.getBalance({address: vault})).toBe(vaultBefore + held)
    expect((await runControllerOperation(chain.client, {controller: original, nec, op: {kind: 'evacuate'}}, send(owner))).changed).toBe(false)

    // Top-up, vault and owner: checked first.
    const stranger = await freshAccount(chain.client, '1')
    expect(await codeOf(runControllerOperation(chain.client, {controller: candidate, nec, op: {amount: parseEther('5'), kind: 'topUp'}}, send(stranger.account)))).toBe('INSUFFICIENT_ETH')
    expect(await codeOf(runControllerOperation(chain.client, {controller: candidate, nec, op: {kind: 'setVault', vault: stranger.address}}, send(stranger.account)))).toBe('NOT_OWNER')
    expect(await codeOf(runControllerOperation(chain.client, {controller: candidate, nec, op: {kind: 'setVault', vault: nec}}, send(owner)))).toBe('BAD_VAULT')
    expect(await nonceOf(stranger.address)).toBe(0)
    const before = await chain.client.getBalance({address: candidate})
    await runControllerOperation(chain.client, {controller: candidate, nec, op: {amount: parseEther('0.5'), kind: 'topUp'}}, send(stranger.account))
    expect(await chain.client.getBalance({address: candidate})).toBe(before + parseEther('0.5'))
    await runControllerOperation(chain.client, {controller: candidate, nec, op: {kind: 'setVault', vault: DEV_ADDRESSES[8]}}, send(owner))
    expect((await readControllerFacts(chain.client, {address: candidate, nec})).vault).toBe(DEV_ADDRESSES[8])
    const ownerWarnings: string[] = []
    await runControllerOperation(chain.client, {controller: candidate, nec, op: {kind: 'changeOwner', owner: DEV_ADDRESSES[7]}}, {...send(owner), warn: (m) => ownerWarnings.push(m)})
    expect((await readControllerFacts(chain.client, {address: candidate, nec})).owner).toBe(DEV_ADDRESSES[7])
    expect(ownerWarnings.some((w) => w.includes('not a whitelist admin'))).toBe(true)
  })
})

/** Deploys a NectarController whose token is `token` (not NEC), through the same pipeline tests use. */
async function transactDeployForToken(account: LocalAccount, token: Address): Promise<Address> {
  const {nectarControllerBytecode} = await import('../../src/lib/contracts/generated/NectarController.js')
  const {walletFor} = await import('../../src/lib/chain/transact.js')
  const hash = await walletFor(chain.client, account).deployContract({abi: nectarControllerAbi, account, args: [DEV_ADDRESSES[9], token, 1n], bytecode: nectarControllerBytecode, chain: chain.client.chain})
  const receipt = await chain.client.waitForTransactionReceipt({hash})
  return receipt.contractAddress!
}
