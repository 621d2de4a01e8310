// The views of commands that need an agent, deals or a long projection, rendered from the shapes the
// library returns, at 80 columns: no line wider, nothing that matters lost, and the pictures readable
// (one number format per axis, the live supply marked, colour only when chalk has it).
import {stripVTControlCharacters} from 'node:util'

import chalk from 'chalk'
import {type Address} from 'viem'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {asciiChart} from '../../src/lib/cli/chart.js'
import {proposalsTable} from '../../src/lib/cli/gov-views.js'
import {dealsTable, jobsTable, offersTable} from '../../src/lib/cli/market-views.js'
import {textWidth} from '../../src/lib/cli/wrap-text.js'
import {curveView, simulationCharts, simulationTable} from '../../src/lib/cli/rewards-views.js'
import {parseAmount} from '../../src/lib/core/amounts.js'
import {benchmarksFromVector, netflagsFromVector} from '../../src/lib/market/benchmarks.js'
import {type Deal} from '../../src/lib/market/deals.js'
import {type FoundOffers} from '../../src/lib/market/find-offers.js'
import {type Order} from '../../src/lib/market/orders.js'
import {curveReport, parseCurveRequest} from '../../src/lib/nectar/curve-report.js'
import {type ProposalView} from '../../src/lib/nectar/governance.js'
import {simulate} from '../../src/lib/nectar/simulate.js'
import {type JobView} from '../../src/lib/provider/client.js'

const PROVIDER: Address = '0x976EA74026E726554dB657fA54763abd0C3a0aa9'
const WORKER: Address = '0x14dC79964da2C08b23698B3D3cc7Ca32193d9955'
const RENTER: Address = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
const GiB = 2n ** 30n

const widest = (text: string) => Math.max(...text.split('\n').map((l) => textWidth(l)))
const level = chalk.level
// The list views fit the terminal's width, here COLUMNS (as a person's shell may export it).
beforeEach(() => {
  process.env.COLUMNS = '80'
})
afterEach(() => {
  chalk.level = level
  delete process.env.COLUMNS
})

function ask(id: bigint, author: Address, cores: bigint, ram: bigint, gpus: bigint): Order {
  // The devnet seed's vector: redshift, cpu sysbench, cores, ram, storage, net up, net down, gpus, gpu mem.
  return {
    author,
    benchmarks: benchmarksFromVector([1000n, 1000n, cores, ram * GiB, 100n * GiB, 50_000_000n, 100_000_000n, gpus, 16n * GiB]),
    blacklist: '0x0000000000000000000000000000000000000000',
    counterparty: '0x0000000000000000000000000000000000000000',
    dealId: 0n,
    duration: id % 2n ? 0n : 86_400n * id,
    frozenSum: 0n,
    id,
    identityLevel: 1,
    netflags: netflagsFromVector([false, true, true]),
    price: 83_333_333_333_333n * id,
    status: 'active',
    tag: '0x0000000000000000000000000000000000000000000000000000000000000000',
    type: 'ask',
  }
}

describe('market lists at 80 columns', () => {
  it('compute offers: fits, short addresses, the worker marked with whom it pays; --wide and --csv keep them whole', () => {
    const found: FoundOffers = {
      matches: [ask(1n, PROVIDER, 4n, 8n, 0n), ask(2n, WORKER, 32n, 128n, 2n), ask(13n, PROVIDER, 16n, 64n, 1n)],
      nearest: [],
      payees: new Map([[WORKER.toLowerCase(), PROVIDER]]),
      rate: 160_000_000_000_000_000n,
      total: 3,
    }
    const text = offersTable(found, {})
    expect(widest(text)).toBeLessThanOrEqual(80)
    expect(text).toContain('0x14dC…9955')
    expect(stripVTControlCharacters(text).replaceAll(/\s+/g, ' ')).toContain('(pays 0x976E…0aa9)')
    expect(text).toMatch(/Hidden to fit 80 columns: .*net/)
    expect(offersTable(found, {wide: true})).toContain(`${WORKER} (pays ${PROVIDER})`)
    expect(offersTable(found, {csv: true}).split('\n')[2]).toContain(`"${WORKER} (pays ${PROVIDER})"`.replaceAll('"', ''))
    expect(offersTable(found, {columns: 'id,usd'}).split('\n')[0]).toMatch(/^id\s+USD\/h$/)
  })

  it('compute deals: fits, the funding column kept before the payee', () => {
    const deal = (id: bigint, duration: bigint): Deal => ({
      askId: id, benchmarks: benchmarksFromVector([]), bidId: id + 100n, blockedBalance: 3_746_698_222_191_678_018n, consumer: RENTER, duration,
      endTime: duration ? 1_700_007_200n : 0n, id, lastBillTS: 1_700_000_000n, master: PROVIDER, price: 83_333_333_333_333n, startTime: 1_700_000_000n,
      status: 'accepted', supplier: PROVIDER, totalPayout: 12_345_678_900_000_000_000n,
    })
    const funding = {allowance: 21n * 10n ** 18n, balance: 10n ** 23n, billNext: {at: 0n, closed: false, kind: 'ok'}, billNow: {closed: false, kind: 'ok'}, fundedUntil: 1_700_090_000n, otherOpenDeals: 1} as never
    const text = dealsTable([{deal: deal(1n, 7200n), funding, secondsLeft: '7185'}, {deal: deal(2n, 0n), funding, secondsLeft: null}], RENTER, 1_700_000_015n, {})
    expect(widest(text)).toBeLessThanOrEqual(80)
    expect(text).toContain('(shared)')
    expect(text).toContain('1h59m45s')
    expect(text).toContain('0x976E…0aa9')
  })

  it('compute jobs: a long command and reason fold instead of widening the table (~200 columns before)', () => {
    const job = (id: string, status: JobView['status'], reason?: string): JobView => ({
      consumer: RENTER, createdAt: '2026-12-02T05:40:00.000Z', dealId: '1', exitCode: status === 'running' ? null : 0, executor: 'process', id, lastSeq: 12,
      reason, signal: null, spec: {args: ['-c', 'for i in $(seq 1 1000); do echo "line $i of a long running job"; sleep 0.1; done'], command: 'sh'},
      startedAt: '2026-12-02T05:40:01.123Z', status,
    })
    const text = jobsTable([job('a1b2c3d4e5f6', 'exited'), job('0f9e8d7c6b5a', 'stopped', 'stopped by the renter: nectar compute stop 1 0f9e8d7c6b5a'), job('112233445566', 'running')], () => 143, {})
    expect(widest(text)).toBeLessThanOrEqual(80)
    for (const id of ['a1b2c3d4e5f6', '0f9e8d7c6b5a', '112233445566']) expect(text).toContain(id)
    expect(text).toContain('stopped by the')
    expect(text).toMatch(/sh -c for i +2026-12-02T05:40:01Z/)
  })
})

describe('gov list at 80 columns', () => {
  it('folds a long title and keeps the tally', () => {
    const p: ProposalView = {
      approved: true, denied: false, durationDays: 10, endsAt: '2026-12-12T05:52:33.000Z', id: 0, no: '0', noShare: '0', noWei: 0n, proposer: RENTER,
      snapshotBlock: 51, startedAt: '2026-12-02T05:52:33.000Z', state: 'active', storageHash: `0x${'05'.repeat(32)}`, supplyAtSnapshot: '1000050000',
      supplyAtSnapshotWei: 10n ** 27n, timeLeft: '9d23h59m54s', timeLeftSeconds: 863_994, title: 'Burn 1% of the vault and a rather long title that needs folding',
      token: WORKER, turnout: '0.0007', voted: true, voter: RENTER, votingBalanceWei: 0n, weight: '8000', weightWei: 8000n * 10n ** 18n, yes: '8000', yesShare: '0.0007', yesWei: 8000n * 10n ** 18n,
    }
    const text = proposalsTable({block: 53n, count: 2, proposals: [p, {...p, id: 1, title: null}], total: 2} as never, {})
    expect(widest(text)).toBeLessThanOrEqual(80)
    expect(text.replaceAll(/\s+/g, ' ')).toContain('rather long title')
    expect(text).toContain('8,000 (0.0007%)')
  })
})

describe('rewards pictures and tables at 80 columns', () => {
  const ether = (v: string) => parseAmount(v)
  const shares = [ether('2'), ether('5')]
  const rows = simulate({curve: 'v2', feeGrowth: 0n, fees: ether('500'), pledgeRatio: ether('0.5'), periods: 12, shares, startPledged: ether('50'), startSupply: ether('1000050000')})

  it('rewards simulate with two shares: one block per share, no line over 80 (193 columns before)', () => {
    const text = simulationTable(rows, shares, 80)
    expect(widest(text)).toBeLessThanOrEqual(80)
    expect(text).toContain('Your share 2% of maker volume:')
    expect(text).toContain('Your share 5% of maker volume:')
    // Wide enough, it stays one table.
    const one = simulationTable(rows, shares, 250)
    expect(one).not.toContain('Your share')
    expect(one).toContain('cumulative @5%')
    delete process.env.COLUMNS // no terminal and no COLUMNS: no limit
    expect(simulationTable(rows, shares)).toBe(one)
  })

  it('rewards simulate --chart: cumulative NEC and its ETH value, one series per share, within 80 columns', () => {
    const text = simulationCharts(rows, shares, 80)
    expect(widest(text)).toBeLessThanOrEqual(80)
    expect(text).toContain('Your NEC, cumulative')
    expect(text).toContain('Its value on redemption (ETH)')
    expect(text).toContain('* share 2%')
    expect(text).toContain('o share 5%')
    expect(text).toContain('period (30 days each)')
    expect(widest(simulationCharts(rows, shares, 50))).toBeLessThanOrEqual(50)
  })

  it('rewards curve: one tick format, the live supply marked where it is, both series in their colours', async () => {
    const request = parseCurveRequest({curve: 'both', offline: true, points: '21'})
    const chart = await curveReport(request, {} as never)
    chart.markAt = 1
    chart.report.live = {supply: '1050000000', v1: '1049.9', v2: '902.5'}
    chalk.level = 1
    const text = curveView(chart, request, 80)
    chalk.level = 0
    const plain = curveView(chart, request, 80)
    expect(widest(text)).toBeLessThanOrEqual(80)
    expect(plain).toBe(stripVTControlCharacters(text))
    expect(text).not.toBe(plain)
    const lines = plain.split('\n')
    const ticks = lines.filter((l) => /┤/.test(l)).map((l) => l.split('┤')[0].trim())
    expect(ticks).toEqual(['2,000', '1,500', '1,000', '500', '0'])
    expect(plain).toContain('▲ live supply 1,050,000,000')
    // The marker column sits at 5% of the plot, not at the nearest of the 21 points' columns alone.
    const axis = lines.findIndex((l) => l.includes('└'))
    const plotStart = lines[axis].indexOf('└') + 1
    expect(lines[axis + 1].indexOf('▲') - plotStart).toBe(Math.round(0.05 * 59))
    expect(lines[1].indexOf('┊') === -1 || lines[1].indexOf('┊') - plotStart === Math.round(0.05 * 59)).toBe(true)
    expect(plain).toContain('1,000,000,000')
    expect(plain).toContain('2,000,000,000')
    expect(plain).toContain('supply at the window snapshot (NEC)')
    expect(plain).toMatch(/\* v2 rate {3}o v1 rate/)
  })

  it('asciiChart: small values keep one format (decimals for all ticks), and the plot narrows to fit', () => {
    const text = asciiChart([{name: 'a', symbol: '*', values: [0, 0.05, 0.2, 0.36]}], {maxWidth: 40, xLabels: ['1', '4'], xTitle: 'period', yTitle: 'ETH'})
    expect(widest(text)).toBeLessThanOrEqual(40)
    const ticks = text.split('\n').filter((l) => l.includes('┤')).map((l) => l.split('┤')[0].trim())
    expect(new Set(ticks.map((t) => t.split('.')[1]?.length ?? 0)).size).toBe(1)
    expect(ticks.at(-1)).toMatch(/^0\.0+$/)
  })
})
