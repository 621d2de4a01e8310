// renderTable draws big tables of plain cells itself (cli-table3 takes minutes for 10,000 rows): the
// output must be cli-table3's, character for character, in colour or not.
import Table from 'cli-table3'
import chalk from 'chalk'
import {describe, expect, it} from 'vitest'

import {type Align, plainTable, renderTable} from '../../src/lib/cli/render.js'

function cliTable3(head: string[], rows: string[][], align: Align[]): string {
  const table = new Table({colAligns: head.map((_, i) => align[i] ?? 'left'), head, style: {border: [], compact: false, head: []}})
  for (const row of rows) table.push(row)
  return table.toString()
}

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

describe('renderTable', () => {
  it('draws exactly what cli-table3 draws, plain and with a coloured head', () => {
    expect(plainTable(head, rows, align)).toBe(cliTable3(head, rows, align))
    const level = chalk.level
    chalk.level = 1
    try {
      const bold = head.map((h) => chalk.bold(h))
      expect(plainTable(bold, rows, align)).toBe(cliTable3(bold, rows, align))
      expect(renderTable(head, rows, align)).toBe(cliTable3(bold, rows, align)) // past the threshold: the fast path
    } finally {
      chalk.level = level
    }
    expect(plainTable(head, [], align)).toBe(cliTable3(head, [], align))
  })

  it('leaves cells it cannot measure (wide characters, line breaks) to cli-table3', () => {
    const odd = rows.map((r, i) => (i === 60 ? [...r.slice(0, 7), '長い'] : r))
    const text = renderTable(head, odd, align)
    expect(text).toBe(cliTable3(head.map((h) => chalk.bold(h)), odd, align))
    expect(text).not.toBe(plainTable(head.map((h) => chalk.bold(h)), odd, align))
  })

  it('draws 10,000 rows (cli-table3 would need minutes: a fall back to it times the test out)', () => {
    const many = Array.from({length: 10_000}, (_, i) => rows[i % rows.length])
    const text = renderTable(head, many, align)
    expect(text.split('\n')).toHaveLength(2 * 10_000 + 3)
    expect(text).toBe(plainTable(head.map((h) => chalk.bold(h)), many, align))
  })
})
