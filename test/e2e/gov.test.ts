// `nectar gov` end to end through the built CLI, on a private anvil, as a person sees it: the vote
// shows the weight (NEC at the snapshot block) before anything is sent; list is a table with the
// title kept by propose; a bad input is one error line and a hint on stderr, exit 2, nothing sent.
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {afterAll, beforeAll, describe, expect, test} from 'vitest'

import {DEVNET, DEVNET_CHAIN_ID} from '../../src/lib/config/networks.js'
import {writeConfig} from '../../src/lib/config/store.js'
import {necAbi} from '../../src/lib/contracts/generated/index.js'
import {displayAmount} from '../../src/lib/core/amounts.js'
import {DEV_ADDRESSES} from '../../src/lib/devnet/accounts.js'
import {profileContracts} from '../../src/lib/devnet/profile.js'
import {seedNectar} from '../../src/lib/devnet/seed.js'
import {type PrivateChain, privateChain} from '../setup/chain.js'
import {cliEnv, runCli, stopAll} from '../setup/cli.js'

let chain: PrivateChain
let tmp: string
let env: NodeJS.ProcessEnv
let text: string

beforeAll(async () => {
  chain = await privateChain({seeders: [seedNectar]})
  tmp = mkdtempSync(path.join(os.tmpdir(), 'nectar-gov-e2e-'))
  const dirs = {configDir: path.join(tmp, 'config'), dataDir: path.join(tmp, 'data')}
  writeConfig(dirs.configDir, {network: DEVNET, networks: {[DEVNET]: {chainId: DEVNET_CHAIN_ID, contracts: profileContracts(chain.deployment), devnet: true, rpcUrl: chain.rpcUrl}}})
  env = cliEnv(dirs)
  text = path.join(tmp, 'p.md')
  writeFileSync(text, 'Burn 1% of the vault.\n')
})
afterAll(async () => {
  await stopAll()
  rmSync(tmp, {force: true, recursive: true})
  await chain?.stop()
})

const nectar = (args: string[]) => runCli(args, {env})

describe('gov, as a person sees it', () => {
  test('propose, approve, vote: the weight is shown before the transaction is sent; list shows the title and the tally', async () => {
    const proposed = await nectar(['gov', 'propose', '--title', 'Burn 1%', '--text-file', text, '--duration', '10d', '--account', 'dev3', '--yes'])
    expect(proposed.status).toBe(0)
    expect(proposed.stdout).toContain('Proposal 0 "Burn 1%" submitted')
    const approved = await nectar(['gov', 'approve', '0', '--account', 'dev0', '--yes'])
    expect(approved.status).toBe(0)
    const snapshot = BigInt(/held at block (\d+)/.exec(approved.stdout)![1])
    const weight = await chain.client.readContract({abi: necAbi, address: chain.deployment.contracts.nec, args: [DEV_ADDRESSES[3], snapshot], functionName: 'balanceOfAt'})

    const voted = await nectar(['gov', 'vote', '0', 'yes', '--account', 'dev3', '--yes'])
    expect(voted.status).toBe(0)
    const shown = voted.stderr.indexOf(`Your weight on proposal 0: ${displayAmount(weight)} NEC (held at snapshot block ${snapshot}).`)
    expect(shown).toBeGreaterThanOrEqual(0)
    expect(shown).toBeLessThan(voted.stderr.indexOf('Sent 0x'))
    expect(voted.stdout).toContain(`Voted yes on proposal 0 with ${displayAmount(weight)} NEC`)

    const list = await nectar(['gov', 'list', '--account', 'dev3'])
    expect(list.status).toBe(0)
    expect(list.stdout).toMatch(/Burn 1% {2,}active/)
    expect(list.stdout).toContain(`${displayAmount(weight)} (`)
    expect(list.stderr).toContain('1 proposal (1 in all)')
  })

  test('a bad duration: one error line and a hint on stderr, exit 2, nothing sent', async () => {
    const before = await chain.client.getTransactionCount({address: DEV_ADDRESSES[3]})
    const r = await nectar(['gov', 'propose', '--title', 'Too short', '--text-file', text, '--duration', '3d', '--account', 'dev3', '--yes'])
    expect(r.status).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr.trim().split('\n')).toEqual(['Error: The --duration "3d" is not 7 to 45 whole days.', 'Hint: Proposals run 7 to 45 whole days, e.g. --duration 14d.'])
    expect(await chain.client.getTransactionCount({address: DEV_ADDRESSES[3]})).toBe(before)
  })
})
