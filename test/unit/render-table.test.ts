// The table layout: renderTable fits a terminal by folding, then dropping columns by priority (with a
// note), shortens addresses, sorts, picks columns, and writes CSV with RFC 4180 quoting. Big tables of
// plain cells are drawn by plainTable (cli-table3 takes minutes for 10,000 rows): its output must be
// cli-table3's in the house style, character for character, in colour or not.
import Table from 'cli-table3'
import chalk from 'chalk'
import {describe, expect, it} from 'vitest'

import {type Align, cliTable, type Column, csvField, fitColumns, plainTable, renderKeyValues, renderList, renderTable, shortenAddresses, toCsv} from '../../src/lib/cli/render.js'
import {textWidth, wrapText} from '../../src/lib/cli/wrap-text.js'
import {NectarError} from '../../src/lib/core/errors.js'

const A1 = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
const A2 = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC'
const HASH = '0x01959c84aa928be2ec16a8191e58c2e21ffb44b7410ad5071798e69c20f9b8d9'

/** cli-table3 configured as the house style, independently of render.ts (borderless, a rule under the head only). */
function cliTable3(head: string[], rows: string[][], align: Align[]): string {
  const none = {bottom: '', 'bottom-left': '', 'bottom-mid': '', 'bottom-right': '', left: '', 'left-mid': '', right: '', 'right-mid': '', top: '', 'top-left': '', 'top-mid': '', 'top-right': ''}
  const table = new Table({
    chars: {...none, mid: '─', 'mid-mid': '  ', middle: '  '},
    colAligns: head.map((_, i) => align[i] ?? 'left'),
    head,
    style: {border: [], compact: true, head: [], 'padding-left': 0, 'padding-right': 0},
  })
  for (const row of rows) table.push(row)
  return table.toString().split('\n').map((l) => l.trimEnd()).join('\n')
}

const widest = (text: string) => Math.max(...text.split('\n').map((l) => textWidth(l)))

const head = ['id', 'provider', 'cores', 'ram', 'gpu', 'USD/h', 'SNM/h', 'duration']
const align: Align[] = ['right', 'left', 'right', 'right', 'right', 'right', 'right', 'right']
const rows = Array.from({length: 120}, (_, i) => [
  String(i * 97),
  `0x${(i * 7919).toString(16).padStart(6, '0')}…${i % 10}ab3`,
  String(1 + (i % 32)),
  `${(i % 5) * 1.5} GiB`,
  i % 3 ? `${i % 3} × 8 GiB` : '-',
  i % 4 ? `≈${(i / 7).toFixed(6)}` : '0.36',
  `${i}.5`,
  i % 2 ? 'spot' : `≤ ${i}h – é`,
])

describe('drawing', () => {
  it('plainTable draws exactly what cli-table3 draws: plain, with a coloured head, with folded cells, empty', () => {
    expect(plainTable(head, rows, align)).toBe(cliTable3(head, rows, align))
    expect(cliTable(head, rows, align)).toBe(cliTable3(head, rows, align))
    const folded = rows.map((r, i) => (i % 7 ? r : [r[0], `${r[1]}\nsecond line`, ...r.slice(2, 7), 'a\nb\nc']))
    expect(plainTable(head, folded, align)).toBe(cliTable3(head, folded, align))
    const level = chalk.level
    chalk.level = 1
    try {
      const bold = head.map((h) => chalk.bold(h))
      expect(plainTable(bold, rows, align)).toBe(cliTable3(bold, rows, align))
      const columns = head.map((h, i) => ({align: align[i], header: h}))
      expect(renderTable(columns, rows, {width: undefined})).toBe(cliTable3(bold, rows, align)) // past the threshold: the fast path
    } finally {
      chalk.level = level
    }
    expect(plainTable(head, [], align)).toBe(cliTable3(head, [], align))
  })

  it('one rule under the header and none between rows', () => {
    const text = renderTable(['a', 'b'], [['1', '2'], ['3', '4']], {width: undefined})
    expect(text.split('\n')).toEqual(['a  b', '─  ─', '1  2', '3  4'])
  })

  it('leaves cells it cannot measure (wide characters) to cli-table3', () => {
    const odd = rows.map((r, i) => (i === 60 ? [...r.slice(0, 7), '長い'] : r))
    const columns = head.map((h, i) => ({align: align[i], header: h}))
    const text = renderTable(columns, odd, {width: undefined})
    expect(text).toBe(cliTable3(head.map((h) => chalk.bold(h)), odd, align))
    expect(text).not.toBe(plainTable(head.map((h) => chalk.bold(h)), odd, align))
  })

  it('draws 10,000 rows (cli-table3 would need minutes: a fall back to it times the test out)', () => {
    const many = Array.from({length: 10_000}, (_, i) => rows[i % rows.length])
    const text = renderTable(head, many, {width: 80})
    expect(text.split('\n').length).toBeGreaterThanOrEqual(10_000 + 2)
    expect(widest(text)).toBeLessThanOrEqual(80)
  })
})

describe('fitting the terminal', () => {
  const offers: Column[] = [
    {align: 'right', header: 'id', priority: 10},
    {header: 'provider', priority: 5},
    {align: 'right', header: 'cores', priority: 9},
    {header: 'net down/up', key: 'net', priority: 1},
    {header: 'note', priority: 8, wrap: true},
    {header: 'ID', key: 'identity', priority: 2},
  ]
  const offerRows = [
    ['3', A1, '2', '100 Mbit/s / 50 Mbit/s', 'a provider with a long description of what it offers to renters', 'anon'],
    ['12', A2, '16', '1 Gbit/s / 500 Mbit/s', 'short', 'reg'],
  ]

  it('leaves a table that fits as it is, and draws everything without a width', () => {
    const text = renderTable(offers, offerRows, {width: undefined})
    expect(text).toContain('a provider with a long description of what it offers to renters')
    expect(text).not.toContain('Hidden')
  })

  it('folds a folding column before dropping anything', () => {
    const natural = widest(renderTable(offers, offerRows, {width: 1000})) // addresses shortened, nothing folded
    const text = renderTable(offers, offerRows, {width: natural - 20})
    expect(widest(text)).toBeLessThanOrEqual(natural - 20)
    expect(text).not.toContain('Hidden')
    expect(text).toContain('net down/up')
    expect(text.split('\n').length).toBeGreaterThan(4) // the note folded onto more lines
  })

  it('drops columns lowest priority first, never the first, and says which', () => {
    const text = renderTable(offers, offerRows, {width: 40})
    expect(widest(text)).toBeLessThanOrEqual(40)
    expect(text).not.toContain('net down/up')
    expect(text).not.toContain('anon')
    expect(text).toContain('0x7099…79C8')
    expect(text).toMatch(/Hidden to fit 40 columns: net, identity/)
    const narrow = renderTable(offers, offerRows, {width: 12})
    expect(narrow.split('\n')[0]).toMatch(/^id/)
    expect(widest(narrow)).toBeLessThanOrEqual(12)
  })

  it('fitColumns: drops ties from the right, and folds any column as a last resort', () => {
    const cols: Column[] = [{header: 'a'}, {header: 'b'}, {header: 'c'}]
    expect(fitColumns(cols, [10, 10, 10], 22)).toEqual({dropped: [2], shown: [0, 1], widths: [10, 10]})
    expect(fitColumns(cols, [30, 10, 10], 20)).toEqual({dropped: [1, 2], shown: [0], widths: [20]})
    expect(fitColumns(cols, [10, 10, 10], 20, {keep: true}).dropped).toEqual([])
  })

  it('keeps every line within the width, whatever the width', () => {
    for (let width = 10; width <= 130; width += 7) {
      const text = renderTable(offers, offerRows, {width})
      expect(widest(text), `width ${width}:\n${text}`).toBeLessThanOrEqual(width)
    }
  })

  it('--columns picks and orders columns (by key or header) and does not drop them; an unknown one is a usage error', () => {
    const text = renderTable(offers, offerRows, {columns: ['cores', 'ID', 'id'], width: 80})
    expect(text.split('\n')[0]).toMatch(/^cores\s+ID\s+id$/)
    const kept = renderTable(offers, offerRows, {columns: ['id', 'note', 'net'], width: 30})
    expect(kept).toContain('net down/up'.slice(0, 4))
    expect(kept).not.toContain('Hidden')
    expect(widest(kept)).toBeLessThanOrEqual(30)
    let error: unknown
    try {
      renderTable(offers, offerRows, {columns: ['nope']})
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(NectarError)
    expect((error as NectarError).code).toBe('UNKNOWN_COLUMN')
    expect((error as NectarError).exitCode).toBe(2)
    expect((error as NectarError).hint).toContain('id, provider, cores, net, note, identity')
  })
})

describe('addresses', () => {
  it('are shortened in tables and in running text, hashes are not', () => {
    expect(shortenAddresses(`${A1} (pays ${A2})`)).toBe('0x7099…79C8 (pays 0x3C44…93BC)')
    expect(shortenAddresses(HASH)).toBe(HASH)
    expect(shortenAddresses(`${A1}ab`)).toBe(`${A1}ab`)
    const text = renderTable(['who', 'tx'], [[A1, HASH]], {width: 120})
    expect(text).toContain('0x7099…79C8')
    expect(text).not.toContain(A1)
    expect(text).toContain(HASH)
    // No width to fit (a pipe, no COLUMNS): whole.
    expect(renderTable(['who'], [[A1]], {width: undefined})).toContain(A1)
  })

  it('are whole with --wide (and then nothing is dropped) and in CSV', () => {
    const cols: Column[] = ['id', {header: 'address', priority: -1}]
    expect(renderList(cols, [['1', A1]], {wide: true})).toContain(A1)
    expect(renderTable(cols, [['1', A1]], {wide: true, width: 20})).toContain(A1)
    expect(renderList(cols, [['1', A1]], {csv: true})).toBe(`id,address\n1,${A1}`)
  })
})

describe('--sort', () => {
  const cols = ['name', {align: 'right' as const, header: 'NEC'}, 'size']
  const data = [
    ['b', '1,000', {sort: 2n ** 30n, text: '1 GiB'}],
    ['a', '900', {sort: 2n ** 29n, text: '512 MiB'}],
    ['c', '-', {sort: 2n ** 40n, text: '1 TiB'}],
    ['d', '~12,000.5', {sort: 1n, text: '1 B'}],
  ]
  const order = (sort: string) => renderList(cols, data, {csv: true, sort}).split('\n').slice(1).map((l) => l[0])

  it('orders numbers as numbers (thousands separators, ~), by a cell\'s own value when it has one, blanks last', () => {
    expect(order('nec')).toEqual(['a', 'b', 'd', 'c'])
    expect(order('NEC:desc')).toEqual(['d', 'b', 'a', 'c'])
    expect(order('size')).toEqual(['d', 'a', 'b', 'c'])
    expect(order('name:desc')).toEqual(['d', 'c', 'b', 'a'])
  })

  it('keeps a footer (the total) under the sorted rows and out of CSV', () => {
    const text = renderTable(['address', 'NEC'], [['x', '2'], ['y', '1']], {footer: [['total', '3']], sort: 'nec', width: undefined})
    expect(text.split('\n').slice(2)).toEqual(['y        1', 'x        2', 'total    3'])
  })
})

describe('CSV', () => {
  it('quotes as RFC 4180 says: commas, quotes, line breaks and edge spaces', () => {
    expect(csvField('plain')).toBe('plain')
    expect(csvField('1,000.5')).toBe('"1,000.5"')
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
    expect(csvField('two\nlines')).toBe('"two\nlines"')
    expect(csvField(' padded')).toBe('" padded"')
    expect(toCsv(['a', 'b'], [['1,5', chalk.red('x')]])).toBe('a,b\n"1,5",x\n')
  })

  it('prints the whole values: exact amounts where the table rounds, colour stripped, --columns applied', () => {
    const level = chalk.level
    chalk.level = 1
    try {
      const csv = renderList(['address', {header: 'NEC'}, 'mark'], [[A1, {csv: '1000.123456789', text: '1,000.123457'}, chalk.green('*')]], {columns: 'NEC,address,mark', csv: true})
      expect(csv).toBe(`NEC,address,mark\n1000.123456789,${A1},*`)
    } finally {
      chalk.level = level
    }
  })
})

describe('prose', () => {
  it('wrapText folds at spaces, keeps the indentation, hangs list items, breaks words wider than the line', () => {
    expect(wrapText('one two three four', undefined)).toBe('one two three four')
    expect(wrapText('one two three four', 9)).toBe('one two\nthree\nfour')
    expect(wrapText('  offer 3: misses cores and ram', 16)).toBe('  offer 3:\n  misses cores\n  and ram')
    expect(wrapText('- initial supply changes a lot', 16)).toBe('- initial supply\n  changes a lot')
    expect(wrapText('Error: it failed badly', 12, {hang: '  '})).toBe('Error: it\n  failed\n  badly')
    expect(wrapText(`at ${HASH}`, 30).split('\n').every((l) => l.length <= 30)).toBe(true)
    expect(wrapText(`at ${HASH}`, 30).replaceAll('\n', '')).toBe(`at${HASH}`)
  })

  it('renderKeyValues folds a long value under itself', () => {
    const text = renderKeyValues([['title', 'Burn 1% of the vault and a rather long title that needs folding'], ['id', '0']], 40)
    expect(text.split('\n')).toEqual(['title  Burn 1% of the vault and a rather', '       long title that needs folding', 'id     0'])
  })
})
