// In-process command tests for `nectar gov` (runJson runs the BUILT dist/: npm run build first), on a
// private anvil: every bad input is a one-line error with its hint and exit code and sends nothing;
// a proposal's text is kept in the data dir and verified against the chain; tallies in the envelope
// equal the chain's.
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {type Address} from 'viem'
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'

import {DEVNET, DEVNET_CHAIN_ID} from '../../src/lib/config/networks.js'
import {writeConfig} from '../../src/lib/config/store.js'
import {necAbi, proposalManagerAbi} from '../../src/lib/contracts/generated/index.js'
import {DEV_ADDRESSES} from '../../src/lib/devnet/accounts.js'
import {profileContracts} from '../../src/lib/devnet/profile.js'
import {seedNectar} from '../../src/lib/devnet/seed.js'
import {type PrivateChain, privateChain} from '../setup/chain.js'
import {runJson} from '../setup/run-json.js'

const keys = ['NECTAR_CONFIG_DIR', 'NECTAR_DATA_DIR', 'NECTAR_ACCOUNT', 'NECTAR_NETWORK', 'NECTAR_PRIVATE_KEY', 'NECTAR_RPC_URL', 'ETH_RPC_URL', 'NO_COLOR']
const saved: Record<string, string | undefined> = {}
let chain: PrivateChain
let tmp: string
let dataDir: string
let textFile: string

beforeAll(async () => {
  for (const key of keys) saved[key] = process.env[key]
  for (const key of keys) delete process.env[key]
  chain = await privateChain({seeders: [seedNectar]})
  tmp = mkdtempSync(path.join(os.tmpdir(), 'nectar-gov-cmd-'))
  const configDir = path.join(tmp, 'config')
  dataDir = path.join(tmp, 'data')
  writeConfig(configDir, {network: DEVNET, networks: {[DEVNET]: {chainId: DEVNET_CHAIN_ID, contracts: profileContracts(chain.deployment), devnet: true, rpcUrl: chain.rpcUrl}}})
  process.env.NECTAR_CONFIG_DIR = configDir
  process.env.NECTAR_DATA_DIR = dataDir
  process.env.NO_COLOR = '1'
  textFile = path.join(tmp, 'proposal.md')
  writeFileSync(textFile, '# Lower the maker fee\n\nFrom 0.1% to 0.08% for NEC holders.\n')
})
afterEach(() => {
  process.exitCode = undefined
})
afterAll(async () => {
  for (const key of keys) {
    if (saved[key] === undefined) delete process.env[key]
    else process.env[key] = saved[key]
  }
  rmSync(tmp, {force: true, recursive: true})
  await chain?.stop()
})

const nonce = (i: number) => chain.client.getTransactionCount({address: DEV_ADDRESSES[i]})

/** Runs a command that must fail with `code` and `exit`, and checks the account sent nothing. */
async function refused(args: string[], code: string, exit: number, account = 1) {
  const before = await nonce(account)
  const r = await runJson([...args, '--account', `dev${account}`])
  expect(r.envelope.ok).toBe(false)
  expect(r.envelope.error.code).toBe(code)
  expect(r.exitCode).toBe(exit)
  expect(r.envelope.error.message).not.toContain('\n')
  expect(r.envelope.error.hint).toBeTruthy()
  expect(await nonce(account)).toBe(before)
  return r.envelope.error as {hint: string; message: string}
}

describe('nectar gov', () => {
  it('propose: bad durations, a missing or empty text file are usage errors (exit 2); nothing is sent', async () => {
    for (const duration of ['6d', '46d', '14.5d', '3h', 'soon']) {
      const e = await refused(['gov', 'propose', '--title', 'T', '--text-file', textFile, '--duration', duration, '--yes'], 'INVALID_DURATION', 2)
      expect(e.hint).toContain('7 to 45')
    }
    await refused(['gov', 'propose', '--title', 'T', '--text-file', path.join(tmp, 'missing.md'), '--duration', '14d', '--yes'], 'FILE_UNREADABLE', 2)
    const empty = path.join(tmp, 'empty.md')
    writeFileSync(empty, ' \n\n')
    await refused(['gov', 'propose', '--title', 'T', '--text-file', empty, '--duration', '14d', '--yes'], 'EMPTY_TEXT_FILE', 2)
    // A holder of no NEC (dev6 is not seeded) may not propose.
    await refused(['gov', 'propose', '--title', 'T', '--text-file', textFile, '--duration', '14d', '--yes'], 'INSUFFICIENT_BALANCE', 1, 6)
  })

  it('propose keeps the text in the data dir and puts its hash on chain; list shows it pending with its title', async () => {
    const r = await runJson(['gov', 'propose', '--title', 'Lower the maker fee', '--text-file', textFile, '--duration', '2w', '--account', 'dev1', '--yes'])
    expect(r.exitCode).toBe(0)
    expect(r.envelope.data).toMatchObject({durationDays: 14, id: 0, title: 'Lower the maker fee'})
    const kept = JSON.parse(readFileSync(r.envelope.data.textFile, 'utf8'))
    expect(r.envelope.data.textFile.startsWith(dataDir)).toBe(true)
    expect(kept.text).toBe(readFileSync(textFile, 'utf8'))
    const p = await chain.client.readContract({abi: proposalManagerAbi, address: chain.deployment.contracts.proposalManager!, args: [0n], functionName: 'proposal'})
    expect(p[4]).toBe(r.envelope.data.storageHash)
    const list = await runJson(['gov', 'list'])
    expect(list.envelope.data).toMatchObject({count: 1, total: 1})
    expect(list.envelope.data.proposals[0]).toMatchObject({id: 0, state: 'pending', title: 'Lower the maker fee'})
  })

  it('ids: not a number, or no such proposal, are usage errors', async () => {
    await refused(['gov', 'show', 'abc'], 'INVALID_PROPOSAL_ID', 2)
    const e = await refused(['gov', 'show', '7'], 'NO_SUCH_PROPOSAL', 2)
    expect(e.message).toContain('ids run from 0 to 0')
    await refused(['gov', 'vote', '7', 'yes', '--yes'], 'NO_SUCH_PROPOSAL', 2)
    await refused(['gov', 'approve', '7', '--yes'], 'NO_SUCH_PROPOSAL', 2, 0)
  })

  it('approve: a non-admin is refused (exit 1, nothing sent); an admin opens voting at a snapshot block', async () => {
    await refused(['gov', 'vote', '0', 'yes', '--yes'], 'PROPOSAL_NOT_ACTIVE', 1)
    const e = await refused(['gov', 'approve', '0', '--yes'], 'NOT_ADMIN', 1)
    expect(e.hint).toContain('gov admins list')
    const r = await runJson(['gov', 'approve', '0', '--account', 'dev0', '--yes'])
    expect(r.exitCode).toBe(0)
    expect(r.envelope.data).toMatchObject({decision: 'approved', id: 0})
    expect(r.envelope.data.snapshotBlock).toBe(Number(r.envelope.data.block))
  })

  it('vote: the weight is the NEC held at the snapshot; a second vote and a zero weight are refused; show matches the chain', async () => {
    const show0 = await runJson(['gov', 'show', '0', '--account', 'dev2'])
    const snapshot = BigInt(show0.envelope.data.snapshotBlock)
    const weight = await chain.client.readContract({abi: necAbi, address: chain.deployment.contracts.nec, args: [DEV_ADDRESSES[2] as Address, snapshot], functionName: 'balanceOfAt'})
    expect(BigInt(show0.envelope.data.weightWei)).toBe(weight)
    expect(show0.envelope.data).toMatchObject({state: 'active', voted: false})
    const v = await runJson(['gov', 'vote', '0', 'no', '--account', 'dev2', '--yes'])
    expect(v.envelope.error).toBeUndefined()
    expect(v.exitCode).toBe(0)
    expect(BigInt(v.envelope.data.amountWei)).toBe(weight)
    expect(BigInt(v.envelope.data.noWei)).toBe(weight)
    const e = await refused(['gov', 'vote', '0', 'yes', '--yes'].map((a) => a), 'NO_VOTING_WEIGHT', 1, 6)
    expect(e.message).toContain(`snapshot block ${snapshot}`)
    await refused(['gov', 'vote', '0', 'yes', '--yes'], 'ALREADY_VOTED', 1, 2)
    const after = await runJson(['gov', 'list', '--active', '--account', 'dev2'])
    expect(after.envelope.data.proposals[0]).toMatchObject({id: 0, voted: true, noWei: weight.toString(), yesWei: '0'})
    const p = await chain.client.readContract({abi: proposalManagerAbi, address: chain.deployment.contracts.proposalManager!, args: [0n], functionName: 'proposal'})
    expect(p[8]).toBe(weight)
  })

  it('verify: the kept text matches the chain; a changed copy is TEXT_MISMATCH naming both hashes', async () => {
    const ok = await runJson(['gov', 'verify', '0', '--text-file', textFile])
    expect(ok.exitCode).toBe(0)
    expect(ok.envelope.data.verified).toBe(true)
    const copy = path.join(tmp, 'copy.md')
    writeFileSync(copy, readFileSync(textFile, 'utf8').replace('0.08%', '0.05%'))
    const bad = await runJson(['gov', 'verify', '0', '--text-file', copy])
    expect(bad.exitCode).toBe(1)
    expect(bad.envelope.error.code).toBe('TEXT_MISMATCH')
    expect(bad.envelope.error.message).toContain(ok.envelope.data.onChain)
  })

  it('deny and admins: denied proposals stay out of --active; any admin adds, the owner removes', async () => {
    await runJson(['gov', 'propose', '--title', 'Second', '--text-file', textFile, '--duration', '7', '--account', 'dev3', '--yes'])
    expect((await runJson(['gov', 'deny', '1', '--account', 'dev0', '--yes'])).envelope.data.decision).toBe('denied')
    await refused(['gov', 'approve', '1', '--yes'], 'PROPOSAL_DECIDED', 1, 0)
    const active = await runJson(['gov', 'list', '--active'])
    expect(active.envelope.data.proposals.map((p: {id: number}) => p.id)).toEqual([0])
    const add = await runJson(['gov', 'admins', 'add', DEV_ADDRESSES[4], '--account', 'dev0', '--yes'])
    expect(add.envelope.data.changed).toBe(true)
    expect((await runJson(['gov', 'admins', 'list'])).envelope.data.admins).toEqual([DEV_ADDRESSES[0], DEV_ADDRESSES[4]])
    await refused(['gov', 'admins', 'remove', DEV_ADDRESSES[4], '--yes'], 'NOT_OWNER', 1, 4)
    await runJson(['gov', 'admins', 'remove', DEV_ADDRESSES[4], '--account', 'dev0', '--yes'])
    expect((await runJson(['gov', 'admins', 'list'])).envelope.data.count).toBe(1)
  })
})
