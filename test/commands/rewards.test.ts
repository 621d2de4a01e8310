// In-process command tests for `nectar rewards …` (runCommand runs the BUILT dist/: npm run build first).
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {runCommand} from '@oclif/test'
import {afterAll, afterEach, beforeAll, describe, expect, test} from 'vitest'

import {issuanceV2, WEI} from '../../src/lib/nectar/curve.js'
import {makeTestEnv, type TestEnv} from '../setup/env.js'
import {runJson} from '../setup/run-json.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
let env: TestEnv
beforeAll(() => {
  env = makeTestEnv()
  process.env.NO_COLOR = '1'
})
afterEach(() => {
  process.exitCode = undefined
})
afterAll(() => env.cleanup())

const json = runJson

const A = '0x' + 'a'.repeat(40)
const B = '0x' + 'b'.repeat(40)

describe('rewards simulate', () => {
  test('offline, one share: every field per period as exact decimal strings', async () => {
    const {envelope, exitCode} = await json(['rewards', 'simulate', '--fees', '500', '--share', '2', '--periods', '3', '--offline'])
    expect(exitCode).toBe(0)
    const {periods, start} = envelope.data
    expect(start.source).toMatch(/offline/)
    expect(periods).toHaveLength(3)
    expect(periods[0]).toMatchObject({cumulative: '10000', mine: '10000', minted: '500000', period: 1, rate: '1000', supply: '1000000000'})
    for (const key of ['period', 'supply', 'rate', 'minted', 'mine', 'cumulative', 'shareOfSupply', 'redemptionEthPerNec', 'value']) expect(periods[2]).toHaveProperty(key)
    expect(periods[1].supply).toBe('1000500000')
  })

  test('several shares give a shares list per period', async () => {
    const {envelope} = await json(['rewards', 'simulate', '--fees', '500', '--share', '2', '--share', '5', '--periods', '2', '--offline'])
    const p = envelope.data.periods[0]
    expect(p.shares.map((s: {share: string}) => s.share)).toEqual(['2', '5'])
    expect(p.shares[1]).toMatchObject({cumulative: '25000', mine: '25000'})
    expect(p).not.toHaveProperty('mine')
  })

  test('reads the start from the chain when it answers, and says so', async () => {
    const {envelope, exitCode} = await json(['rewards', 'simulate', '--fees', '1', '--share', '1', '--periods', '1'])
    expect(exitCode).toBe(0)
    expect(envelope.data.start.source).toMatch(/^live from devnet/)
    expect(BigInt(envelope.data.start.supply.split('.')[0])).toBeGreaterThanOrEqual(1_000_000_000n)
  })

  test('--volume/--fee-rate and --my-volume/--total-volume', async () => {
    const {envelope} = await json(['rewards', 'simulate', '--volume', '500000', '--fee-rate', '0.1', '--my-volume', '1', '--total-volume', '4', '--periods', '1', '--offline'])
    expect(envelope.data.periods[0]).toMatchObject({fees: '500', mine: '125000', minted: '500000'})
  })

  test('at the cap: rate 0, said, not a failure', async () => {
    const {envelope, exitCode} = await json(['rewards', 'simulate', '--fees', '10', '--share', '1', '--supply', '2000000000', '--periods', '2'])
    expect(exitCode).toBe(0)
    expect(envelope.data.periods[0]).toMatchObject({minted: '0', rate: '0'})
    expect(envelope.data.notes.join(' ')).toMatch(/cap/)
  })

  test.each([
    [['--fees', '-1', '--share', '1'], 'INVALID_AMOUNT', '-1'],
    [['--fees', 'abc', '--share', '1'], 'INVALID_AMOUNT', 'abc'],
    [['--fees', '1', '--share', '101'], 'OUT_OF_RANGE', '101'],
    [['--fees', '1', '--share', '-2'], 'INVALID_AMOUNT', '-2'],
    [['--fees', '1', '--share', '1', '--periods', '0'], 'INVALID_NUMBER', '0'],
    [['--fees', '1', '--share', '1', '--periods', '1201'], 'INVALID_NUMBER', '1201'],
    [['--share', '1'], 'MISSING_FEES', ''],
    [['--fees', '1'], 'MISSING_SHARE', ''],
  ])('bad input %j → exit 2 naming the value', async (args, code, value) => {
    const {envelope, exitCode} = await json(['rewards', 'simulate', ...args, '--offline'])
    expect(exitCode).toBe(2)
    expect(envelope.error.code).toBe(code)
    expect(envelope.error.message).toContain(value)
    expect(envelope.error.hint).toBeTruthy()
  })
})

describe('rewards curve', () => {
  test('JSON points are exact, with the live supply when the chain answers', async () => {
    const {envelope, exitCode} = await json(['rewards', 'curve', '--points', '11', '--curve', 'both'])
    expect(exitCode).toBe(0)
    expect(envelope.data.points).toHaveLength(11)
    expect(envelope.data.points[1]).toMatchObject({supply: '1100000000', v2: '810'})
    expect(envelope.data.live.supply).toBeTruthy()
  })

  test('CSV and a bad range', async () => {
    const {stdout} = await runCommand(['rewards', 'curve', '--from', '1000000000', '--to', '1500000000', '--points', '3', '--csv', '--offline'], {root})
    expect(stdout.trim().split('\n')).toEqual(['supply,v2', '1000000000,1000', '1250000000,562.5', '1500000000,250'])
    const bad = await json(['rewards', 'curve', '--from', '5', '--to', '1', '--offline'])
    expect(bad.exitCode).toBe(2)
  })
})

describe('rewards distribute and issue', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nectar-rewards-cmd-'))

  test('distribute: exact total for --supply, sums and summary; a bad row writes nothing', async () => {
    const volumes = path.join(dir, 'v.csv')
    // As a spreadsheet saves it: a BOM, CRLF, quoted fields, a volume with a thousands separator.
    writeFileSync(volumes, `\uFEFF"address","volume"\r\n${A},1\r\n${B},"2,000"\r\n${A},1\r\n`)
    const out = path.join(dir, 'a.csv')
    const {envelope, exitCode} = await json(['rewards', 'distribute', '--volumes', volumes, '--fees', '7', '--supply', '1002626948', '--out', out])
    expect(exitCode).toBe(0)
    const total = issuanceV2(7n * WEI, 1_002_626_948n * WEI)
    expect(envelope.data).toMatchObject({duplicatesMerged: 1, makers: 2, meta: `${out}.meta.json`, pledgedWei: (35n * 10n ** 17n).toString(), totalWei: total.toString()})
    expect(envelope.warnings).toEqual([expect.stringContaining('1 duplicate row(s) merged')])
    // Plain CSV, as pandas.read_csv or a spreadsheet takes it: the header first, the metadata beside it.
    const [header, ...lines] = readFileSync(out, 'utf8').trim().split('\n')
    expect(header).toBe('address,volume,tokens,tokensWei,pledgedWei')
    const rows = lines.map((l) => l.split(','))
    expect(rows.map((r) => r[1])).toEqual(['2', '2000'])
    expect(rows.reduce((a, r) => a + BigInt(r[3]), 0n)).toBe(total)
    expect(JSON.parse(readFileSync(`${out}.meta.json`, 'utf8'))).toMatchObject({makers: 2, total: total.toString()})

    const bad = path.join(dir, 'bad.csv')
    writeFileSync(bad, `${A},1\n${B},1\nnot-an-address,3\n${A},"1\n`)
    const badOut = path.join(dir, 'bad-out.csv')
    const failed = await json(['rewards', 'distribute', '--volumes', bad, '--fees', '7', '--supply', '1000000000', '--out', badOut])
    expect(failed.exitCode).toBe(2)
    expect(failed.envelope.error).toMatchObject({code: 'BAD_ROW', details: [expect.stringMatching(/^line 3: "not-an-address" is not an address/), expect.stringMatching(/^line 4: a quoted field is never closed/)]})
    expect(existsSync(badOut)).toBe(false)
  })

  test('issue refuses a non-owner and a tampered file before sending anything', async () => {
    const volumes = path.join(dir, 'v2.csv')
    writeFileSync(volumes, `${A},1\n${B},3\n`)
    const out = path.join(dir, 'a2.csv')
    expect((await json(['rewards', 'distribute', '--volumes', volumes, '--fees', '1', '--supply', '1000000000', '--out', out])).exitCode).toBe(0)
    const notOwner = await json(['rewards', 'issue', '--allocations', out, '--yes', '--account', 'dev1'])
    expect(notOwner.exitCode).toBe(1)
    expect(notOwner.envelope.error.code).toBe('NOT_OWNER')
    // The CSV changed after distribute (a row dropped), the sidecar missing, the sidecar changed: all refused.
    const tampered = path.join(dir, 'tampered.csv')
    writeFileSync(tampered, readFileSync(out, 'utf8').trim().split('\n').slice(0, 2).join('\n') + '\n')
    writeFileSync(`${tampered}.meta.json`, readFileSync(`${out}.meta.json`))
    const changed = await json(['rewards', 'issue', '--allocations', tampered, '--yes'])
    expect(changed.exitCode).toBe(2)
    expect(changed.envelope.error).toMatchObject({code: 'ALLOCATIONS_MISMATCH', message: expect.stringContaining('was changed after `rewards distribute` wrote it')})
    rmSync(`${tampered}.meta.json`)
    const missing = await json(['rewards', 'issue', '--allocations', tampered, '--yes'])
    expect(missing.exitCode).toBe(2)
    expect(missing.envelope.error).toMatchObject({code: 'NOT_ALLOCATIONS', message: expect.stringContaining('no metadata file beside it (tampered.csv.meta.json)')})
    writeFileSync(tampered, readFileSync(out))
    writeFileSync(`${tampered}.meta.json`, readFileSync(`${out}.meta.json`, 'utf8').replace(/"total": "\d+"/, '"total": "1"'))
    const refused = await json(['rewards', 'issue', '--allocations', tampered, '--yes'])
    expect(refused.exitCode).toBe(2)
    expect(refused.envelope.error.code).toBe('ALLOCATIONS_MISMATCH')
    const noConfirm = await json(['rewards', 'issue', '--allocations', out])
    expect(noConfirm.exitCode).toBe(2)
    expect(noConfirm.envelope.error.code).toBe('CONFIRMATION_REQUIRED')
  })

  test('issue warns, under --json too, when the file was computed at another supply than the snapshot', async () => {
    const volumes = path.join(dir, 'v3.csv')
    writeFileSync(volumes, `${A},1\n`)
    const out = path.join(dir, 'a3.csv')
    expect((await json(['rewards', 'distribute', '--volumes', volumes, '--fees', '1', '--supply', '1000000001.5', '--out', out])).exitCode).toBe(0)
    const refused = await json(['rewards', 'issue', '--allocations', out])
    expect(refused.envelope.error.code).toBe('CONFIRMATION_REQUIRED')
    expect(refused.envelope.warnings).toEqual([expect.stringMatching(/computed at supply 1,000,000,001\.5 NEC; the controller's snapshot supply now is/)])
  })
})
