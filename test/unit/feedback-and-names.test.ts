// Pure pieces of what a person sees: the progress line (rate, time left), gas in ETH, the end of a job
// in words, and account names resolved to addresses (without decrypting) where addresses go.
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {gasText} from '../../src/lib/chain/transact.js'
import {progressLine} from '../../src/lib/cli/progress.js'
import {parseAddress} from '../../src/lib/core/addresses.js'
import {endNote} from '../../src/lib/provider/renter.js'
import {nameResolver} from '../../src/lib/wallet/address-names.js'
import {encryptKeystore} from '../../src/lib/wallet/keystore.js'
import {saveKeystore} from '../../src/lib/wallet/store.js'

const tmp = mkdtempSync(path.join(os.tmpdir(), 'nectar-names-'))
afterAll(() => rmSync(tmp, {force: true, recursive: true}))

describe('progress and gas', () => {
  it('shows the count, the rate and the time left, then the time taken', () => {
    expect(progressLine('Reading', 0, 50_000, 0)).toBe('Reading [--------------------] 0/50,000 ETA …')
    expect(progressLine('Reading', 12_500, 50_000, 2_500)).toBe('Reading [#####---------------] 12,500/50,000 5,000/s ETA 8s')
    expect(progressLine('Reading', 50_000, 50_000, 95_000, true)).toBe('Reading [####################] 50,000/50,000 526/s in 1m35s')
  })

  it('gas with separators and its cost in ETH at the gas price', () => {
    expect(gasText(121_430_740n, 200_000_000n)).toBe('121,430,740 (≈0.0242 ETH at 0.2 gwei)')
    expect(gasText(21_000n, 0n)).toBe('21,000 (free: gas price 0)')
  })
})

describe('the end of a job', () => {
  const base = {end: true as const, exitCode: 0, exitStatus: 0, jobId: '3', lastSeq: 9, reason: null, signal: null}
  it('in plain words, with its duration when the agent sends its times', () => {
    expect(endNote('3', {...base, endedAt: '2026-01-01T00:00:12.400Z', startedAt: '2026-01-01T00:00:00.000Z', status: 'exited'})).toBe('Job 3 exited with code 0 after 12 s.')
    expect(endNote('3', {...base, exitCode: null, exitStatus: 143, signal: 'SIGTERM', status: 'killed'})).toBe('Job 3 was stopped by SIGTERM; exit status 143.')
  })
})

describe('account names where addresses go', () => {
  const configDir = path.join(tmp, 'config')
  const home = path.join(tmp, 'home')
  beforeAll(async () => {
    const key = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d' // dev1's
    saveKeystore(configDir, 'alice', await encryptKeystore(key, 'pw', {kdfParams: {n: 1024, p: 1, r: 8}}))
    const {address: _, ...bare} = await encryptKeystore(key, 'pw', {kdfParams: {n: 1024, p: 1, r: 8}})
    mkdirSync(path.join(home, '.foundry', 'keystores'), {recursive: true})
    writeFileSync(path.join(home, '.foundry', 'keystores', 'bare'), JSON.stringify(bare))
  })
  const ctx = {chainId: 31337, configDir, devnet: true, env: {HOME: home}}
  const names = nameResolver(ctx)

  it('resolves keystore and dev names; addresses still go through the checks', () => {
    expect(parseAddress('alice', 'recipient', {names})).toBe('0x70997970C51812dc3A010C7d01b50e0d17dc79C8')
    expect(parseAddress('dev2', 'recipient', {names})).toBe('0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC')
    expect(() => parseAddress('0x70997970C51812dc3A010C7d01b50e0d17dc79c8', 'recipient', {names})).toThrow(/bad EIP-55 checksum/)
    expect(parseAddress('0x70997970c51812dc3a010c7d01b50e0d17dc79c8')).toBe('0x70997970C51812dc3A010C7d01b50e0d17dc79C8')
  })

  it('refuses unknown names, dev names off the devnet, and keystores that do not record their address', () => {
    expect(() => parseAddress('bob', 'recipient', {names})).toThrow(/The recipient "bob" is neither an address nor an account name/)
    expect(() => parseAddress('alcie', 'recipient', {names})).toThrow(/neither an address nor an account name\. Did you mean alice\?/)
    expect(() => parseAddress('dev1', 'recipient', {names: nameResolver({...ctx, chainId: 1, devnet: false})})).toThrow(/sign only on the devnet/)
    expect(() => parseAddress('bare', 'recipient', {names})).toThrow(/does not record its address/)
    expect(() => parseAddress('alice', 'recipient')).toThrow(/is not an address/)
  })
})
