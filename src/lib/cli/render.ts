import {stripVTControlCharacters} from 'node:util'

import chalk from 'chalk'
import Table from 'cli-table3'

// NO_COLOR (https://no-color.org) turns colour off whatever the terminal says.
if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') chalk.level = 0

export const color = chalk

export type Align = 'left' | 'right'

/** Rows past which a table of plain one-line cells is drawn by plainTable (cli-table3 takes minutes for 10,000 rows). */
const FAST_TABLE_ROWS = 50
// Cells whose width is their length once colour codes are stripped: printable ASCII, Latin-1 and the few
// narrow symbols the tables use (– — … → ≈ ≤ ≥ ×). Anything else (wide characters, emoji, line breaks)
// goes through cli-table3, which measures it.
const PLAIN_CELL = /^[\x20-\x7E\u00A0-\u00FF\u2013\u2014\u2026\u2192\u2248\u2264\u2265]*$/

/** A table for people; numbers are right-aligned when `align` says so. */
export function renderTable(head: string[], rows: Array<Array<number | string>>, align: Align[] = []): string {
  const heads = head.map((h) => chalk.bold(h))
  if (rows.length > FAST_TABLE_ROWS) {
    const cells = rows.map((row) => row.map(String))
    if ([heads, ...cells].every((row) => row.every((cell) => PLAIN_CELL.test(stripVTControlCharacters(cell))))) return plainTable(heads, cells, align)
  }
  const table = new Table({
    colAligns: head.map((_, i) => align[i] ?? 'left'),
    head: heads,
    style: {border: [], compact: false, head: []},
  })
  for (const row of rows) table.push(row.map(String))
  return table.toString()
}

/**
 * cli-table3's drawing (one space of padding, a rule between rows), in one pass: for cells whose
 * printed width is their length without colour codes (renderTable checks). Exported for the test
 * that holds it to cli-table3's output.
 */
export function plainTable(head: string[], rows: string[][], align: Align[] = []): string {
  const width = (cell: string) => stripVTControlCharacters(cell).length
  const widths = head.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))))
  const rule = (left: string, mid: string, right: string) => left + widths.map((w) => '─'.repeat(w + 2)).join(mid) + right
  const line = (cells: string[]) =>
    '│' +
    widths
      .map((w, i) => {
        const cell = cells[i] ?? ''
        const pad = ' '.repeat(w - width(cell))
        return ' ' + (align[i] === 'right' ? pad + cell : cell + pad) + ' '
      })
      .join('│') +
    '│'
  const between = rule('├', '┼', '┤')
  const out = [rule('┌', '┬', '┐'), line(head)]
  for (const row of rows) out.push(between, line(row))
  out.push(rule('└', '┴', '┘'))
  return out.join('\n')
}

/** "key  value" lines with the keys padded to one width. */
export function renderKeyValues(pairs: Array<[string, number | string]>): string {
  const width = Math.max(...pairs.map(([k]) => k.length))
  return pairs.map(([k, v]) => `${chalk.dim(k.padEnd(width))}  ${v}`).join('\n')
}

/**
 * JSON with bigints written as strings. A replacer function would take V8 off its fast path (1.7× slower
 * on 10,000 offers); BigInt#toJSON, defined for this one call, writes them the same way.
 */
export function toJsonText(value: unknown, indent = 2): string {
  const proto = BigInt.prototype as {toJSON?: () => string}
  const own = Object.getOwnPropertyDescriptor(proto, 'toJSON')
  proto.toJSON = function (this: bigint) {
    return this.toString()
  }
  try {
    return JSON.stringify(value, null, indent)
  } finally {
    if (own) Object.defineProperty(proto, 'toJSON', own)
    else delete proto.toJSON
  }
}
