import chalk from 'chalk'
import Table from 'cli-table3'

// NO_COLOR (https://no-color.org) turns colour off whatever the terminal says.
if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') chalk.level = 0

export const color = chalk

export type Align = 'left' | 'right'

/** A table for people; numbers are right-aligned when `align` says so. */
export function renderTable(head: string[], rows: Array<Array<number | string>>, align: Align[] = []): string {
  const table = new Table({
    colAligns: head.map((_, i) => align[i] ?? 'left'),
    head: head.map((h) => chalk.bold(h)),
    style: {border: [], compact: false, head: []},
  })
  for (const row of rows) table.push(row.map(String))
  return table.toString()
}

/** "key  value" lines with the keys padded to one width. */
export function renderKeyValues(pairs: Array<[string, number | string]>): string {
  const width = Math.max(...pairs.map(([k]) => k.length))
  return pairs.map(([k, v]) => `${chalk.dim(k.padEnd(width))}  ${v}`).join('\n')
}

/** JSON with bigints written as strings. */
export function toJsonText(value: unknown, indent = 2): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), indent)
}
