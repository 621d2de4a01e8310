// A spot deal's money end to end, through the spawned CLI on a private anvil (it moves time): `compute
// order` shows both steps before the first confirmation; once the budget is used, the provider's bill
// is refused before sending, `compute deal` warns, and the renter's `compute close` approves exactly
// the shortfall and closes.
import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {privateKeyToAccount} from 'viem/accounts'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {writeConfig} from '../../src/lib/config/store.js'
import {snmAbi} from '../../src/lib/contracts/generated/SNM.js'
import {DEV_PRIVATE_KEYS} from '../../src/lib/devnet/accounts.js'
import {profileContracts} from '../../src/lib/devnet/profile.js'
import {advanceTime, type FreshAccount, freshAccount, type PrivateChain, privateChain} from '../setup/chain.js'
import {cliEnv, runCli, stopAll} from '../setup/cli.js'
import {placeAsk} from '../setup/market.js'

const renter = privateKeyToAccount(DEV_PRIVATE_KEYS[8]).address
let chain: PrivateChain
let provider: FreshAccount
let dir: string
let env: NodeJS.ProcessEnv

const nectar = (args: string[], extra: Record<string, string> = {}) => runCli(args, {env: {...env, ...extra}, timeout: 60_000})

beforeAll(async () => {
  chain = await privateChain()
  provider = await freshAccount(chain.client)
  dir = mkdtempSync(path.join(os.tmpdir(), 'nectar-funding-e2e-'))
  const configDir = path.join(dir, 'config')
  writeConfig(configDir, {network: 'devnet', networks: {devnet: {chainId: 31337, contracts: profileContracts(chain.deployment), devnet: true, rpcUrl: chain.rpcUrl}}})
  env = cliEnv({configDir, dataDir: path.join(dir, 'data')})
})

afterAll(async () => {
  await stopAll()
  await chain?.stop()
  rmSync(dir, {force: true, recursive: true})
})

describe('a spot deal past its budget', () => {
  it('is shown in two steps, warned about, refused to the provider and closed by the renter after approving the shortfall', async () => {
    const market = chain.deployment.contracts.market!
    const snm = chain.deployment.contracts.snm!
    const askId = await placeAsk(chain.client, market, provider, 0n, {price: 10n ** 18n / 3600n}) // 1 USD/h
    const ordered = await nectar(['compute', 'order', String(askId), '--duration', '0', '--budget', '2h', '--account', 'dev8', '--yes'])
    expect(ordered.status, ordered.stderr).toBe(0)
    // Both steps are listed before the first transaction's preview.
    const step1 = ordered.stderr.indexOf('step 1')
    const step2 = ordered.stderr.indexOf('step 2')
    const firstPreview = ordered.stderr.indexOf('Raise the Market')
    expect(step1).toBeGreaterThanOrEqual(0)
    expect(step2).toBeGreaterThan(step1)
    expect(firstPreview).toBeGreaterThan(step2)
    expect(ordered.stderr).toMatch(/budget\s+.*2h of spot time/)
    const dealId = /Deal (\d+) opened/.exec(ordered.stdout)![1]

    await advanceTime(chain.client, 4 * 3600)
    const nonce = await chain.client.getTransactionCount({address: provider.address})
    const bill = await nectar(['compute', 'bill', dealId, '--yes', '--json'], {NECTAR_PRIVATE_KEY: provider.privateKey})
    expect(bill.status).toBe(1)
    expect(bill.envelope.error.code).toBe('RENTER_ALLOWANCE_SHORT')
    expect(await chain.client.getTransactionCount({address: provider.address})).toBe(nonce)

    const shown = await nectar(['compute', 'deal', dealId, '--json'])
    expect(shown.envelope.data.funding.billNow).toBe('reverts')
    expect(shown.envelope.data.funding.nextBill).toBe('reverts')
    expect(shown.envelope.warnings.join('\n')).toMatch(new RegExp(`deal ${dealId}: a Bill now would revert`))

    const allowanceBefore = await chain.client.readContract({abi: snmAbi, address: snm, args: [renter, market], functionName: 'allowance'})
    const closed = await nectar(['compute', 'close', dealId, '--account', 'dev8', '--yes'])
    expect(closed.status, closed.stderr).toBe(0)
    expect(closed.stderr).toMatch(/step 1\s+approve\(Market, [\d.]+ SNM\): the shortfall/)
    expect(closed.stdout).toMatch(new RegExp(`Closed deal ${dealId}`))
    // The approval covered exactly the close 5 minutes ahead: the close used all of the allowance but that
    // slack's worth (1 USD/h x 5 min at the oracle rate, about 0.52 SNM).
    const allowanceAfter = await chain.client.readContract({abi: snmAbi, address: snm, args: [renter, market], functionName: 'allowance'})
    expect(allowanceBefore).toBeGreaterThan(10n ** 18n)
    expect(allowanceAfter).toBeGreaterThan(0n)
    expect(allowanceAfter).toBeLessThan(10n ** 18n)
    const after = await nectar(['compute', 'deal', dealId, '--json'])
    expect(after.envelope.data.status).toBe('closed')
  })
})
