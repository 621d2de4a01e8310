// The controller upgrade through the BUILT CLI (npm run build first) against a private anvil: every bad
// input is one line with a hint and the right exit code, and sends nothing; then the rehearsal the
// demo runs (deploy a candidate, inspect, migrate, re-run sends none, upgrade, verify) and the owner
// operations. One controller: a profile naming the old one is warned about and never used. With
// --proposal the upgrade goes through only after a governance proposal passed (time moved with
// evm_increaseTime on this private chain): open, rejected, denied and unknown proposals send nothing.
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {type Address, type Hex, type LocalAccount} from 'viem'
import {privateKeyToAccount} from 'viem/accounts'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {walletFor} from '../../src/lib/chain/transact.js'
import {DEVNET, DEVNET_CHAIN_ID} from '../../src/lib/config/networks.js'
import {displayAmount, formatAmount} from '../../src/lib/core/amounts.js'
import {writeConfig} from '../../src/lib/config/store.js'
import {necAbi, nectarControllerAbi, proposalManagerAbi} from '../../src/lib/contracts/generated/index.js'
import {nectarControllerBytecode} from '../../src/lib/contracts/generated/NectarController.js'
import {DEV_ADDRESSES, DEV_PRIVATE_KEYS} from '../../src/lib/devnet/accounts.js'
import {profileContracts} from '../../src/lib/devnet/profile.js'
import {advanceTime, type PrivateChain, privateChain} from '../setup/chain.js'
import {cliEnv, runCli, stopAll} from '../setup/cli.js'

let chain: PrivateChain
let env: NodeJS.ProcessEnv
let dir: string
let configDir: string
let original: Address

beforeAll(async () => {
  chain = await privateChain()
  original = chain.deployment.contracts.controller
  dir = mkdtempSync(path.join(os.tmpdir(), 'nectar-ctl-e2e-'))
  configDir = path.join(dir, 'config')
  const contracts = profileContracts(chain.deployment)
  writeConfig(configDir, {
    network: DEVNET,
    networks: {
      [DEVNET]: {chainId: DEVNET_CHAIN_ID, contracts, devnet: true, rpcUrl: chain.rpcUrl},
      // Not a devnet profile: no default account.
      plain: {chainId: DEVNET_CHAIN_ID, contracts: {controller: original, nec: contracts.nec}, rpcUrl: chain.rpcUrl},
    },
  })
  env = cliEnv({configDir, dataDir: path.join(dir, 'data')})
}, 120_000)

afterAll(async () => {
  await stopAll()
  await chain?.stop()
  rmSync(dir, {force: true, recursive: true})
})

const cli = (args: string[]) => runCli([...args, '--json'], {env})
const literal = (text: string) => text.replaceAll(/[.*+?^${}()|[\]\\]/g, String.raw`\$&`)
const dev = (i: number) => privateKeyToAccount(DEV_PRIVATE_KEYS[i])

/** One ProposalManager call, mined. */
async function manage(account: LocalAccount, functionName: 'addProposal' | 'approveProposal' | 'denyProposal' | 'vote', args: readonly unknown[]): Promise<void> {
  const hash = await walletFor(chain.client, account).writeContract({abi: proposalManagerAbi, account, address: chain.deployment.contracts.proposalManager, args, chain: chain.client.chain, functionName} as never)
  expect((await chain.client.waitForTransactionReceipt({hash})).status).toBe('success')
}

/** A new proposal by dev1 running `days`; returns its id. */
async function proposal(days: bigint): Promise<bigint> {
  const id = await chain.client.readContract({abi: proposalManagerAbi, address: chain.deployment.contracts.proposalManager, functionName: 'nProposals'})
  await manage(dev(1), 'addProposal', [days, `0x${id.toString(16).padStart(64, '0')}` as Hex])
  return id
}
const nonces = () => Promise.all([0, 1].map((i) => chain.client.getTransactionCount({address: DEV_ADDRESSES[i], blockTag: 'pending'})))

/** Asserts a refusal: exit code, error code, a one-line message and a hint. */
function refused(r: Awaited<ReturnType<typeof cli>>, exit: number, code: string): void {
  expect(r.status, r.stdout + r.stderr).toBe(exit)
  expect(r.envelope.ok).toBe(false)
  expect(r.envelope.error.code).toBe(code)
  expect(r.envelope.error.message).not.toContain('\n')
  expect(r.envelope.error.hint?.length).toBeGreaterThan(0)
}

describe('controller upgrade through the CLI', () => {
  let candidate: Address

  it('whitelist status works without an account', async () => {
    const r = await cli(['whitelist', 'status', '--network', 'plain'])
    expect(r.status, r.stderr).toBe(0)
    expect(r.envelope.data).toMatchObject({account: null, controller: original, listActive: true, owner: DEV_ADDRESSES[0], roles: []})
  })

  it('deploys a candidate on the devnet and inspects it beside the current controller', async () => {
    const deployed = await cli(['devnet', 'deploy-controller', '--account', 'dev0'])
    expect(deployed.status, deployed.stderr).toBe(0)
    candidate = deployed.envelope.data.address
    const r = await cli(['controller', 'inspect', candidate])
    expect(r.status, r.stderr).toBe(0)
    const {current, candidate: cand, issuance} = r.envelope.data
    expect(current).toMatchObject({address: original, isTokenController: true, version: 'v2'})
    expect(cand).toMatchObject({address: candidate, isTokenController: false, owner: DEV_ADDRESSES[0], tokenIsNec: true, version: 'v2'})
    expect(issuance.find((s: {note?: string}) => s.note === 'S0')).toMatchObject({current: '1000', currentWei: (1000n * 10n ** 18n).toString()})
    expect(BigInt(cand.ethWei)).toBe(0n)
    expect(current.eth).toBe('50')
    const human = await runCli(['controller', 'inspect', candidate], {env})
    expect(human.stdout).toContain('What the upgrade changes:')
    expect(human.stdout).toContain('Issuance per 1 ETH of fees at sample supplies:')
  })

  it('refuses every bad input with one line, a hint and the right exit code, sending nothing', async () => {
    const before = await nonces()
    refused(await cli(['controller', 'upgrade', '--to', '0x00000000000000000000000000000000000000aa', '--yes']), 2, 'CONTROLLER_NO_CODE')
    refused(await cli(['controller', 'upgrade', '--to', 'not-an-address', '--yes']), 2, 'INVALID_ADDRESS')
    // A NectarController of another token.
    const owner = privateKeyToAccount(DEV_PRIVATE_KEYS[0])
    const hash = await walletFor(chain.client, owner).deployContract({abi: nectarControllerAbi, account: owner, args: [DEV_ADDRESSES[9], DEV_ADDRESSES[8], 1n], bytecode: nectarControllerBytecode, chain: chain.client.chain})
    const other = (await chain.client.waitForTransactionReceipt({hash})).contractAddress!
    const afterDeploy = await nonces()
    refused(await cli(['controller', 'upgrade', '--to', other, '--yes']), 2, 'CANDIDATE_WRONG_TOKEN')
    refused(await cli(['controller', 'upgrade', '--to', candidate, '--account', 'dev1', '--yes']), 1, 'NOT_OWNER')
    refused(await cli(['controller', 'migrate', '--to', candidate, '--account', 'dev1', '--yes']), 1, 'NOT_ADMIN')
    refused(await cli(['controller', 'upgrade', '--to', candidate, '--yes']), 1, 'CANDIDATE_NOT_MIGRATED')
    refused(await cli(['controller', 'vault', 'set', '0x0000000000000000000000000000000000000000', '--yes']), 2, 'ZERO_ADDRESS')
    refused(await cli(['controller', 'top-up', '-1', '--yes']), 2, 'INVALID_AMOUNT')
    refused(await cli(['controller', 'evacuate', '--account', 'dev1', '--yes']), 1, 'NOT_OWNER')
    expect(before[1]).toBe(afterDeploy[1])
    expect(await nonces()).toEqual(afterDeploy)
    expect(afterDeploy[0]).toBe(before[0] + 1) // the test's own deployment only
  })

  it('migrates (a re-run sends none), upgrades, verifies, and updates the profile; a stale profile is warned about', async () => {
    const first = await cli(['controller', 'migrate', '--to', candidate, '--top-up', '--yes'])
    expect(first.status, first.stderr).toBe(0)
    expect(first.envelope.data.transactions).toBeGreaterThan(0)
    expect(first.envelope.data.registered.copied).toBe(chain.deployment.registered.length)
    expect(BigInt(first.envelope.data.eth.sentWei)).toBe(BigInt(chain.deployment.controllerTopUpWei))
    const again = await cli(['controller', 'migrate', '--to', candidate, '--top-up', '--yes'])
    expect(again.status, again.stderr).toBe(0)
    expect(again.envelope.data.transactions).toBe(0)

    // Governance: dev2 holds more NEC than dev1 (5 vs 3 ETH of fees pledged), so its side wins.
    const [small, big] = await Promise.all([1, 2].map((i) => chain.client.readContract({abi: necAbi, address: chain.deployment.contracts.nec, args: [DEV_ADDRESSES[i]], functionName: 'balanceOf'})))
    expect(big).toBeGreaterThan(small)
    const passed = await proposal(7n)
    const rejected = await proposal(7n)
    const denied = await proposal(7n)
    const pending = await proposal(7n)
    for (const id of [passed, rejected]) await manage(dev(0), 'approveProposal', [id])
    await manage(dev(0), 'denyProposal', [denied])
    await manage(dev(2), 'vote', [passed, true])
    await manage(dev(1), 'vote', [passed, false])
    await manage(dev(2), 'vote', [rejected, false])
    await manage(dev(1), 'vote', [rejected, true])
    await advanceTime(chain.client, 8 * 86_400)
    // Approved after the clock moved: its 7 days are still running.
    const open = await proposal(7n)
    await manage(dev(0), 'approveProposal', [open])
    await manage(dev(2), 'vote', [open, true])

    const before = await nonces()
    const upgrade = (id: string) => cli(['controller', 'upgrade', '--to', candidate, '--proposal', id, '--yes'])
    const stillOpen = await upgrade(String(open))
    refused(stillOpen, 1, 'PROPOSAL_OPEN')
    expect(stillOpen.envelope.error.message).toMatch(new RegExp(`^Proposal ${open} is still open: voting ends 20\\d\\d-.+Z \\(in (?:7d|6d23h\\S*)\\); so far ${literal(displayAmount(big))} NEC yes, 0 NEC no\\. Nothing was sent\\.$`))
    const no = await upgrade(String(rejected))
    refused(no, 1, 'PROPOSAL_NOT_PASSED')
    expect(no.envelope.error.message).toContain(`was rejected: ${displayAmount(small)} NEC yes, ${displayAmount(big)} NEC no`)
    const deniedRun = await upgrade(String(denied))
    refused(deniedRun, 1, 'PROPOSAL_NOT_PASSED')
    expect(deniedRun.envelope.error.message).toBe(`Proposal ${denied} was denied by a governance admin (0 NEC yes, 0 NEC no); it did not pass. Nothing was sent.`)
    const pendingRun = await upgrade(String(pending))
    refused(pendingRun, 1, 'PROPOSAL_NOT_PASSED')
    expect(pendingRun.envelope.error.message).toContain('was never approved')
    refused(await upgrade('99'), 2, 'NO_SUCH_PROPOSAL')
    refused(await upgrade('x'), 2, 'INVALID_PROPOSAL_ID')
    expect(await nonces()).toEqual(before)
    expect(await chain.client.readContract({abi: necAbi, address: chain.deployment.contracts.nec, functionName: 'controller'})).toBe(original)

    // The preview names the proposal and its tally (without --yes and no terminal it is shown, then refused).
    const tally = literal(`${passed}: passed, ${displayAmount(big)} NEC yes, ${displayAmount(small)} NEC no, vote ended`)
    const preview = await runCli(['controller', 'upgrade', '--to', candidate, '--proposal', String(passed)], {env})
    expect(preview.status).not.toBe(0)
    expect(preview.stderr).toMatch(new RegExp(`proposal\\s+${tally}`))
    expect(await nonces()).toEqual(before)

    const up = await upgrade(String(passed))
    expect(up.status, up.stderr).toBe(0)
    expect(up.envelope.data).toMatchObject({candidate, controller: candidate, previous: original, verified: true})
    expect(up.envelope.data.proposal).toMatchObject({id: Number(passed), no: formatAmount(small), noWei: small.toString(), yes: formatAmount(big), yesWei: big.toString()})
    expect(await chain.client.readContract({abi: necAbi, address: chain.deployment.contracts.nec, functionName: 'controller'})).toBe(candidate)
    const saved = JSON.parse(readFileSync(path.join(configDir, 'config.json'), 'utf8'))
    expect(saved.networks.devnet.contracts.controller).toBe(candidate)

    // The plain profile still names the old controller: warned about, never used.
    const status = await cli(['whitelist', 'check', DEV_ADDRESSES[1], '--network', 'plain'])
    expect(status.status, status.stderr).toBe(0)
    expect(status.envelope.warnings.join(' ')).toContain(`NEC's controller is ${candidate}`)
    expect(status.envelope.data.addresses[0]).toMatchObject({effective: true, registered: true})
  })

  it('owner operations: evacuate the old controller, burning off and on, nothing sent when already so', async () => {
    const held = await chain.client.getBalance({address: original})
    const ev = await cli(['controller', 'evacuate', '--controller', original, '--yes'])
    expect(ev.status, ev.stderr).toBe(0)
    expect(ev.envelope.data.changed).toBe(true)
    expect(held).toBeGreaterThan(0n)
    expect(await chain.client.getBalance({address: original})).toBe(0n)
    const off = await cli(['controller', 'burning', 'disable', '--yes'])
    expect(off.envelope.data).toMatchObject({changed: true, controller: candidate})
    const offAgain = await cli(['controller', 'burning', 'disable', '--yes'])
    expect(offAgain.envelope.data.changed).toBe(false)
    const on = await cli(['controller', 'burning', 'enable', '--yes'])
    expect(on.envelope.data.changed).toBe(true)
    expect(await chain.client.readContract({abi: necAbi, address: chain.deployment.contracts.nec, functionName: 'burningEnabled'})).toBe(true)
  })
})
