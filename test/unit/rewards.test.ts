// Pure rewards math: the curves against the published §2.5 points and the 24-month scenario, the
// simulator, and the exact largest-remainder distribution with its streamed reader and checked writer.
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {describe, expect, test} from 'vitest'

import {formatAmount, parseAmount} from '../../src/lib/core/amounts.js'
import {curvePoints, INITIAL_SUPPLY, issuanceV1, issuanceV2, rateV1, rateV2, WEI} from '../../src/lib/nectar/curve.js'
import {distribute, largestRemainder, readAllocations, readVolumes, remainderBonus, writeAllocations} from '../../src/lib/nectar/distribute.js'
import {simulate} from '../../src/lib/nectar/simulate.js'

const nec = (n: string) => BigInt(n) * WEI
const eth = nec
/** `value` (wei) rounds to the published decimal `text`: within half a unit of its last digit. */
const roundsTo = (value: bigint, text: string) => {
  const decimals = (text.split('.')[1] ?? '').length
  const unit = 10n ** BigInt(18 - decimals)
  const diff = value - parseAmount(text, {allowZero: true})
  return (diff < 0n ? -diff : diff) * 2n <= unit
}
const tmp = () => mkdtempSync(path.join(tmpdir(), 'nectar-rewards-'))

describe('curves (§2.2, §2.3, §2.5)', () => {
  test.each([
    ['1000000000', '1000'],
    ['1002626948', '994.753005'],
    ['1005194305', '989.638371'],
    ['1100000000', '810'],
    ['1250000000', '562.5'],
    ['1500000000', '250'],
    ['1900000000', '10'],
    ['2000000000', '0'],
    ['2500000000', '0'],
    ['618144379', '1909.52'],
  ])('v2 rate at %s NEC is %s NEC/ETH', (supply, rate) => {
    expect(roundsTo(rateV2(nec(supply)), rate), formatAmount(rateV2(nec(supply)))).toBe(true)
  })

  test('v2: 5 wei at S0 gives 5000 wei (the "rounding error" case); below 1e-10·S0 the supply is ignored', () => {
    expect(issuanceV2(5n, INITIAL_SUPPLY)).toBe(5000n)
    expect(rateV2(INITIAL_SUPPLY + 10n ** 17n - 1n)).toBe(rateV2(INITIAL_SUPPLY))
    expect(rateV2(INITIAL_SUPPLY + 10n ** 17n)).toBeLessThan(rateV2(INITIAL_SUPPLY))
    // Just under the cap the supply ratio floors to 1.9999999999: (1e-10)² × 1000 NEC = 1e-17 NEC = 10 wei per ETH.
    expect(rateV2(2n * INITIAL_SUPPLY - 1n)).toBe(10n)
  })

  test('v1: 1000 NEC per ETH at S0 with no pledges, multiples of 1000 wei', () => {
    expect(rateV1(INITIAL_SUPPLY, 0n)).toBe(1000n * WEI)
    expect(issuanceV1(eth('1'), INITIAL_SUPPLY, 0n)).toBe(nec('1000'))
    expect(issuanceV1(1234567n, nec('1234567891'), eth('77')) % 1000n).toBe(0n)
  })

  test('curvePoints spans the range inclusively with exact rates', () => {
    const pts = curvePoints({curves: ['v2', 'v1'], from: INITIAL_SUPPLY, points: 11, to: 2n * INITIAL_SUPPLY})
    expect(pts).toHaveLength(11)
    expect(pts[0]).toEqual({supply: INITIAL_SUPPLY, v1: 1000n * WEI, v2: 1000n * WEI})
    expect(pts[10].v2).toBe(0n)
    expect(formatAmount(pts[5].v2!)).toBe('250')
  })
})

describe('simulate', () => {
  // test/24month.js replayed: per window 50,000 ETH pledged with no tokens, then 25,000 ETH of maker fees.
  // The snapshot is taken before either, so pledges grow by 75,000 ETH per 25,000 ETH of fees (ratio 3).
  const scenario = (curve: 'v1' | 'v2') => simulate({curve, feeGrowth: 0n, fees: eth('25000'), periods: 23, pledgeRatio: 3n * WEI, shares: [100n * WEI], startPledged: 0n, startSupply: INITIAL_SUPPLY})

  test('v2 24-month figures: 25,000,000 / 23,765,625 / 22,621,170.905 and 369,745,079.14 after 23 windows', () => {
    const rows = scenario('v2')
    expect(formatAmount(rows[0].minted)).toBe('25000000')
    expect(formatAmount(rows[1].minted)).toBe('23765625')
    expect(roundsTo(rows[2].minted, '22621170.905')).toBe(true)
    expect(roundsTo(rows[22].shares[0].cumulative, '369745079.14')).toBe(true)
  })

  test('v1 24-month figures: 25,000,000 / 23,837,209.302 / 22,800,808.898 and 404,188,757.03 after 23 windows', () => {
    const rows = scenario('v1')
    expect(formatAmount(rows[0].minted)).toBe('25000000')
    expect(roundsTo(rows[1].minted, '23837209.302')).toBe(true)
    expect(roundsTo(rows[2].minted, '22800808.898')).toBe(true)
    expect(roundsTo(rows[22].shares[0].cumulative, '404188757.03')).toBe(true)
  })

  test('each period mints exactly issuanceV2 at that period’s supply; shares, pledges, redemption and growth', () => {
    const rows = simulate({curve: 'v2', feeGrowth: 10n * WEI, fees: eth('500'), periods: 3, pledgeRatio: WEI / 2n, shares: [2n * WEI, 5n * WEI], startPledged: eth('100'), startSupply: nec('1002626948')})
    expect(rows[0].minted).toBe(issuanceV2(eth('500'), nec('1002626948')))
    expect(rows[1].supply).toBe(nec('1002626948') + rows[0].minted)
    expect(rows[1].fees).toBe(eth('550'))
    expect(rows[1].minted).toBe(issuanceV2(eth('550'), rows[1].supply))
    expect(rows[0].pledgedAfter).toBe(eth('350'))
    expect(rows[0].shares[0].mine).toBe((rows[0].minted * 2n) / 100n)
    expect(rows[1].shares[1].cumulative).toBe((rows[0].minted * 5n) / 100n + (rows[1].minted * 5n) / 100n)
    expect(rows[0].redemptionWeiPerNec).toBe((eth('350') * WEI) / rows[0].supplyAfter)
    expect(rows[0].shares[0].value).toBe((eth('350') * rows[0].shares[0].cumulative) / rows[0].supplyAfter)
    expect(rows[0].shares[0].shareOfSupply).toBe((rows[0].shares[0].cumulative * 100n * WEI) / rows[0].supplyAfter)
  })

  test('at or over the cap the rate is 0 and nothing is minted', () => {
    const rows = simulate({curve: 'v2', feeGrowth: 0n, fees: eth('500'), periods: 2, pledgeRatio: 0n, shares: [WEI], startPledged: 0n, startSupply: 2n * INITIAL_SUPPLY})
    expect(rows.every((r) => r.capped && r.rate === 0n && r.minted === 0n)).toBe(true)
  })
})

describe('largest remainder', () => {
  test('sums exactly to the total, every share within 1 wei of the exact quotient', () => {
    let seed = 7
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31)
    for (let round = 0; round < 50; round++) {
      const n = 1 + (rand() % 40)
      const weights = Array.from({length: n}, () => BigInt(rand()) * BigInt(rand() % 1000))
      if (weights.every((w) => w === 0n)) weights[0] = 1n
      const keys = weights.map((_, i) => `0x${i.toString(16).padStart(40, '0')}`)
      const total = BigInt(rand()) * 10n ** BigInt(rand() % 20) + BigInt(rand() % 97)
      const shares = largestRemainder(total, weights, keys)
      expect(shares.reduce((a, b) => a + b, 0n)).toBe(total)
      const sum = weights.reduce((a, b) => a + b, 0n)
      shares.forEach((s, i) => expect(s - (total * weights[i]) / sum).toBeGreaterThanOrEqual(0n))
      shares.forEach((s, i) => expect(s - (total * weights[i]) / sum).toBeLessThanOrEqual(1n))
    }
  })

  test('the remainder goes to the largest fractional parts', () => {
    // 10 over weights 1,2,3,4 (sum 10) is exact; 11 over 3,3,4: exact 3.3, 3.3, 4.4 → floors 3,3,4 and 1 left → the .4 one.
    expect(largestRemainder(10n, [1n, 2n, 3n, 4n], ['a', 'b', 'c', 'd'])).toEqual([1n, 2n, 3n, 4n])
    expect(largestRemainder(11n, [3n, 3n, 4n], ['0x1', '0x2', '0x3'])).toEqual([3n, 3n, 5n])
    // 5 over 1,2,4 (sum 7): 0.714, 1.428, 2.857 → floors 0,1,2; 2 left → .857 and .714.
    expect(largestRemainder(5n, [1n, 2n, 4n], ['0xa', '0xb', '0xc'])).toEqual([1n, 1n, 3n])
  })

  test('ties go to the lower address first, whatever the input order', () => {
    expect(largestRemainder(2n, [1n, 1n, 1n], ['0xcc', '0xaa', '0xbb'])).toEqual([0n, 1n, 1n])
    expect(largestRemainder(1n, [1n, 1n, 1n], ['0xcc', '0xaa', '0xbb'])).toEqual([0n, 1n, 0n])
  })

  test('fractions equal in 52 bits but different exactly are ordered exactly', () => {
    const big = 10n ** 30n
    // Fractions 0.5 + 1/big and 0.5: the float keys are equal, the exact remainders are not.
    const weights = [big + 2n, big]
    const sum = weights[0] + weights[1]
    const bonus = remainderBonus(1n, weights, sum, ['0xb', '0xa'])
    expect([...bonus]).toEqual([1, 0])
  })
})

describe('volumes file and allocations file', () => {
  const A = '0x' + 'a'.repeat(40)
  const B = '0x' + 'b'.repeat(40)
  const C = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'

  test('header optional, comments skipped, duplicates merged (case-insensitively), checksums accepted', async () => {
    const dir = tmp()
    const file = path.join(dir, 'v.csv')
    writeFileSync(file, `address,volume\n# a comment\n${A},1.5\n\n${B},2\n${A.toUpperCase().replace('0X', '0x')},0.5\n${C},3\n`)
    const v = await readVolumes(file)
    expect(v.addresses).toEqual([A, B, C.toLowerCase()])
    expect(v.volumes).toEqual([2n * WEI, 2n * WEI, 3n * WEI])
    expect(v.duplicates).toBe(1)
    expect(v.rows).toBe(4)
  })

  test.each([
    [`${A},1\n${B},x\n`, 2, /not a decimal/],
    [`address,volume\n${A},1\n\n0x1234,5\n`, 4, /not an address/],
    [`${A},1\n${C.replace('C8', 'c8')},1\n`, 2, /checksum/],
    [`${A},-1\n`, 1, /negative/],
    [`${A}\n`, 1, /address,volume/],
    [`${A},1,2\n`, 1, /two fields/],
    [`${A},1\n${B},"1,0000"\n`, 2, /not a decimal/],
    [`${A},"1\n`, 1, /never closed/],
  ])('a bad row is named with its line (%#)', async (text, line, why) => {
    const file = path.join(tmp(), 'v.csv')
    writeFileSync(file, text)
    const error = await readVolumes(file).catch((e) => e)
    expect(error.code).toBe('BAD_ROW')
    expect(error.exitCode).toBe(2)
    expect(error.message).toContain(`line ${line}:`)
    expect(error.message).toMatch(why)
  })

  test('a spreadsheet’s CSV: BOM, CRLF, quoted fields, a grouped volume, trailing empty columns', async () => {
    const file = path.join(tmp(), 'v.csv')
    writeFileSync(file, `\uFEFF"address","volume"\r\n"${A}","1,000.5"\r\n${B},2,,\r\n`)
    const v = await readVolumes(file)
    expect(v.addresses).toEqual([A, B])
    expect(v.volumes).toEqual([10_005n * 10n ** 17n, 2n * WEI])
  })

  test('every bad line is reported at once, the first 20 listed', async () => {
    const file = path.join(tmp(), 'v.csv')
    const bad = Array.from({length: 25}, (_, i) => `0xbad${i},1`)
    writeFileSync(file, [`${A},1`, ...bad, `${B},x`].join('\n') + '\n')
    const error = await readVolumes(file).catch((e) => e)
    expect(error.code).toBe('BAD_ROW')
    expect(error.message).toMatch(/has 26 bad lines; nothing was written/)
    expect(error.details).toHaveLength(21)
    expect(error.details[0]).toMatch(/^line 2: "0xbad0" is not an address/)
    expect(error.details[19]).toMatch(/^line 21: /)
    expect(error.details[20]).toBe('… and 6 more')
  })

  test('written allocations are plain CSV with a sidecar, read back; an edited CSV or sidecar is refused', async () => {
    const dir = tmp()
    const file = path.join(dir, 'v.csv')
    writeFileSync(file, `${A},1\n${B},2\n${C},4\n`)
    const d = distribute(await readVolumes(file), {fees: eth('7'), pledged: eth('3'), supply: nec('1002626948')})
    expect(d.total).toBe(issuanceV2(eth('7'), nec('1002626948')))
    const out = path.join(dir, 'a.csv')
    expect(await writeAllocations(out, d)).toBe(`${out}.meta.json`)
    const text = readFileSync(out, 'utf8')
    expect(text.split('\n')[0]).toBe('address,volume,tokens,tokensWei,pledgedWei')
    const meta = JSON.parse(readFileSync(`${out}.meta.json`, 'utf8'))
    expect(meta).toMatchObject({csv: 'a.csv', format: 'nectar-allocations', makers: 3, total: d.total.toString(), version: 2})
    const back = await readAllocations(out)
    expect(back.rows.reduce((a, r) => a + r.tokensWei, 0n)).toBe(d.total)
    expect(back.rows.reduce((a, r) => a + r.pledgedWei, 0n)).toBe(eth('3'))

    // One row edited consistently (tokens and tokensWei): the hash catches it.
    const lines = text.split('\n')
    const cells = lines[2].split(',')
    cells[3] = (BigInt(cells[3]) + 1n).toString()
    cells[2] = formatAmount(BigInt(cells[3]))
    lines[2] = cells.join(',')
    writeFileSync(out, lines.join('\n'))
    await expect(readAllocations(out)).rejects.toMatchObject({code: 'ALLOCATIONS_MISMATCH', exitCode: 2, message: expect.stringContaining('was changed after')})
    // The CSV as written, the sidecar's total edited: the sums catch it.
    writeFileSync(out, text)
    writeFileSync(`${out}.meta.json`, JSON.stringify({...meta, total: '1'}))
    await expect(readAllocations(out)).rejects.toMatchObject({code: 'ALLOCATIONS_MISMATCH', message: expect.stringContaining('does not match its metadata')})
  })

  test('an allocations file from before the sidecar (a # first line) is read with a warning; no sidecar otherwise refuses', async () => {
    const dir = tmp()
    const file = path.join(dir, 'v.csv')
    writeFileSync(file, `${A},1\n${B},3\n`)
    const d = distribute(await readVolumes(file), {fees: eth('1'), pledged: eth('1'), supply: nec('1000000000')})
    const out = path.join(dir, 'a.csv')
    await writeAllocations(out, d)
    const csv = readFileSync(out, 'utf8')
    rmSync(`${out}.meta.json`)
    await expect(readAllocations(out)).rejects.toMatchObject({code: 'NOT_ALLOCATIONS', exitCode: 2, message: expect.stringContaining('no metadata file beside it (a.csv.meta.json)')})
    const legacy = `# nectar-allocations v1 total=${d.total} pledged=${d.pledged} makers=2 fees=${d.fees} supply=${d.supply} initialSupply=${d.initialSupply} volume=${d.volume}\n${csv}`
    writeFileSync(out, legacy)
    const warnings: string[] = []
    const back = await readAllocations(out, {warn: (m) => warnings.push(m)})
    expect(back.meta.total).toBe(d.total)
    expect(warnings).toEqual([expect.stringContaining('old format')])
    writeFileSync(out, legacy.replace(/total=\d+/, 'total=1'))
    await expect(readAllocations(out)).rejects.toMatchObject({code: 'ALLOCATIONS_MISMATCH'})
  })
})
