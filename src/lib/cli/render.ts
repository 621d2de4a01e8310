import {stripVTControlCharacters} from 'node:util'

import chalk from 'chalk'
import Table from 'cli-table3'

import {nectarError} from '../core/errors.js'
import {textWidth, wrapText} from './wrap-text.js'

// NO_COLOR (https://no-color.org) turns colour off whatever the terminal says.
if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') chalk.level = 0

export const color = chalk

export type Align = 'left' | 'right'

/**
 * The width output must fit: `COLUMNS` when set (as Python's get_terminal_size reads it), else the
 * stream's terminal width; undefined (no limit) when the stream is not a terminal and COLUMNS is unset,
 * so a pipe or a file gets whole lines.
 */
export function terminalWidth(stream: {columns?: number; isTTY?: boolean} = process.stdout): number | undefined {
  const env = Number.parseInt(process.env.COLUMNS ?? '', 10)
  if (Number.isInteger(env) && env > 0) return env
  return stream.isTTY && stream.columns ? stream.columns : undefined
}

/** 0x and 40 hex digits, not inside a longer hex string (a transaction hash is left alone). */
const ADDRESS = /(?<![0-9A-Za-z])0x[0-9a-fA-F]{40}(?![0-9a-fA-F])/g

/** Every address in `text` as its first four and last four hex digits: `0x7099…79C8`. */
export function shortenAddresses(text: string): string {
  return text.replaceAll(ADDRESS, (a) => `${a.slice(0, 6)}…${a.slice(-4)}`)
}

/** A column of a table. */
export interface Column {
  align?: Align
  header: string
  /** Its name for --columns and --sort (default: the header in lower case, other characters as '-'). */
  key?: string
  /**
   * When the table is wider than the terminal, columns are dropped lowest priority first (ties: the
   * rightmost first); the first column is never dropped. Default 0.
   */
  priority?: number
  /** It may fold onto several lines (prose, long values) before other columns are dropped. */
  wrap?: boolean
}

/**
 * A cell: its text, or its text with the value --sort orders by (an amount, a size, a duration) and
 * the exact value --csv prints (an amount in full, where the text rounds).
 */
export type Cell = bigint | number | string | {csv?: string; sort?: bigint | number | string; text: string}

export interface TableOptions {
  /** Show these columns (keys or headers), in this order; none of them is dropped to fit. */
  columns?: readonly string[]
  /** Rows under the others (a total): never sorted, never in CSV. */
  footer?: Cell[][]
  /** Sort by this column; `KEY:desc` sorts descending. */
  sort?: string
  /** Whole values (addresses not shortened) and no width limit. */
  wide?: boolean
  /** The width to fit (default: terminalWidth()); undefined is no limit. */
  width?: number
}

/** The list flags (--columns, --csv, --sort, --wide) as a command's parsed flags carry them. */
export interface ListFlags {
  columns?: string
  csv?: boolean
  sort?: string
  wide?: boolean
}

/** Rows past which a table of plain one-line cells is drawn by plainTable (cli-table3 takes minutes for 10,000 rows). */
const FAST_TABLE_ROWS = 50
// Cells whose width is their length once colour codes are stripped: printable ASCII, Latin-1 and the few
// narrow symbols the tables use (– — … → ≈ ≤ ≥ ×). Anything else (wide characters, emoji) goes through
// cli-table3, which measures it.
const PLAIN_CELL = /^[\x20-\x7E\u00A0-\u00FF\u2013\u2014\u2026\u2192\u2248\u2264\u2265\u00D7]*$/
/** Between two columns. */
const GAP = 2
/** A folding column is not made narrower than this (unless nothing else is left to give). */
const MIN_FOLD = 12

const cellText = (cell: Cell): string => (typeof cell === 'object' ? cell.text : String(cell))

/** The key --columns and --sort know a column by. */
export function columnKey(column: Column | string): string {
  if (typeof column === 'string') return columnKey({header: column})
  return column.key ?? (column.header.toLowerCase().replaceAll(/[^a-z0-9%]+/g, '-').replaceAll(/^-|-$/g, '') || 'column')
}

const toColumn = (c: Column | string): Column => (typeof c === 'string' ? {header: c} : c)

/** Which columns (indices) --columns names; a name that is no column is a usage error naming those there are. */
function chooseColumns(columns: readonly Column[], names: readonly string[]): number[] {
  return names.map((name) => {
    // Exactly as written first (`ID` and `id` can both be headers), then in any case.
    const want = name.trim()
    let i = columns.findIndex((c) => columnKey(c) === want || c.header === want)
    if (i < 0) i = columns.findIndex((c) => columnKey(c) === want.toLowerCase() || c.header.toLowerCase() === want.toLowerCase())
    if (i < 0) {
      throw nectarError('UNKNOWN_COLUMN', `No column ${JSON.stringify(name.trim())}.`, {hint: `The columns: ${columns.map((c) => columnKey(c)).join(', ')}.`})
    }
    return i
  })
}

/** A leading number in a cell (`≈1,234.5 SNM`, `≤ 3d`, `12%`), for sorting cells that carry no value. */
const LEADING_NUMBER = /^[^\d-]{0,2}(-?[\d,]*\.?\d+)/

function compareCells(a: Cell, b: Cell): number {
  const value = (c: Cell) => (typeof c === 'object' ? (c.sort ?? c.text) : c)
  const va = value(a)
  const vb = value(b)
  if (typeof va !== 'string' && typeof vb !== 'string') return va < vb ? -1 : va > vb ? 1 : 0
  const ta = stripVTControlCharacters(String(va)).trim()
  const tb = stripVTControlCharacters(String(vb)).trim()
  const empty = (t: string) => t === '' || t === '-'
  if (empty(ta) || empty(tb)) return Number(empty(ta)) - Number(empty(tb)) // blanks last
  const na = LEADING_NUMBER.exec(ta)
  const nb = LEADING_NUMBER.exec(tb)
  if (na && nb) {
    const d = Number(na[1].replaceAll(',', '')) - Number(nb[1].replaceAll(',', ''))
    if (d !== 0) return d
  }
  return ta.localeCompare(tb, 'en', {numeric: true})
}

/** Rows sorted by the column --sort names (`KEY:desc` descending); stable, blanks last either way. */
function sortRows(columns: readonly Column[], rows: Cell[][], sort: string): Cell[][] {
  const [, name, direction] = /^(.*?)(?::(asc|desc))?$/i.exec(sort.trim())!
  const descending = direction?.toLowerCase() === 'desc'
  const [i] = chooseColumns(columns, [name])
  const blank = (c: Cell) => ['', '-'].includes(stripVTControlCharacters(cellText(c)).trim())
  return [...rows].sort((a, b) => {
    if (blank(a[i]) || blank(b[i])) return Number(blank(a[i])) - Number(blank(b[i]))
    return descending ? compareCells(b[i], a[i]) : compareCells(a[i], b[i])
  })
}

/** One CSV field (RFC 4180): quoted when it holds a comma, a quote, a line break or edge spaces; quotes doubled. */
export function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replaceAll('"', '""')}"` : value
}

/** Rows as CSV (RFC 4180 quoting), every value whole and without colour; lines end with \n. */
export function toCsv(head: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  return [head, ...rows].map((row) => row.map((v) => csvField(stripVTControlCharacters(v))).join(',')).join('\n') + '\n'
}

interface Layout {
  dropped: number[]
  shown: number[]
  /** The width each shown column gets (narrower than its content when it folds). */
  widths: number[]
}

/**
 * Which columns show and how wide, to fit `width`: folding columns fold first (down to MIN_FOLD), then
 * columns are dropped by priority; if the kept columns still do not fit, the widest fold further.
 */
export function fitColumns(columns: readonly Column[], natural: readonly number[], width: number | undefined, {keep = false}: {keep?: boolean} = {}): Layout {
  let shown = columns.map((_, i) => i)
  const dropped: number[] = []
  const total = (ws: readonly number[]) => ws.reduce((s, w) => s + w, 0) + GAP * Math.max(0, ws.length - 1)
  if (width === undefined || total(natural) <= width) return {dropped, shown, widths: [...natural]}
  const least = (i: number) => (columns[i].wrap ? Math.min(natural[i], Math.max(MIN_FOLD, textWidth(columns[i].header.split(' ')[0]))) : natural[i])
  while (!keep && shown.length > 1 && total(shown.map((i) => least(i))) > width) {
    // The lowest priority, rightmost on a tie; never the first column.
    const candidates = shown.slice(1)
    const victim = candidates.reduce((v, i) => ((columns[i].priority ?? 0) <= (columns[v].priority ?? 0) ? i : v))
    shown = shown.filter((i) => i !== victim)
    dropped.push(victim)
  }
  const widths = shown.map((i) => natural[i])
  // Fold the widest column that may still give, one character at a time: folding ones to their least,
  // then (when nothing else is left) any column down to a few characters.
  const floor = (k: number, hard: boolean) => (hard ? Math.min(natural[shown[k]], 4) : least(shown[k]))
  for (const hard of [false, true]) {
    while (total(widths) > width) {
      let widest = -1
      for (let k = 0; k < widths.length; k++) if (widths[k] > floor(k, hard) && (widest < 0 || widths[k] > widths[widest])) widest = k
      if (widest < 0) break
      widths[widest]--
    }
  }
  return {dropped: dropped.sort((a, b) => a - b), shown, widths}
}

/**
 * A table for people, fitted to the terminal: one header rule and no lines between rows; addresses
 * shortened when there is a width to fit (whole with `wide` and in a pipe); when space runs out, folding
 * columns fold and the others are dropped by priority, with a note naming what was left out. `columns`
 * and `sort` are --columns and --sort.
 */
export function renderTable(columnSpecs: ReadonlyArray<Column | string>, rows: Cell[][], options: TableOptions = {}): string {
  const all = columnSpecs.map((c) => toColumn(c))
  const width = options.wide ? undefined : 'width' in options ? options.width : terminalWidth()
  const chosen = options.columns && options.columns.length > 0 ? chooseColumns(all, options.columns) : all.map((_, i) => i)
  const sorted = options.sort ? sortRows(all, rows, options.sort) : rows
  const columns = chosen.map((i) => all[i])
  // Shortening saves width: with no limit (a pipe, --wide) addresses stay whole, as gh prints for pipes.
  const short = width === undefined ? (t: string) => t : shortenAddresses
  const body = [...sorted, ...(options.footer ?? [])].map((row) => chosen.map((i) => short(cellText(row[i] ?? ''))))
  const heads = columns.map((c) => short(c.header))
  const longest = (t: string) => Math.max(...t.split('\n').map((l) => textWidth(l)))
  const natural = columns.map((_, j) => Math.max(longest(heads[j]), ...body.map((r) => longest(r[j]))))
  const layout = fitColumns(columns, natural, width, {keep: Boolean(options.columns?.length)})
  const fold = (t: string, k: number) => (layout.widths[k] < natural[layout.shown[k]] ? wrapText(t, layout.widths[k]) : t)
  const head = layout.shown.map((j, k) => fold(heads[j], k))
  const cells = body.map((r) => layout.shown.map((j, k) => fold(r[j], k)))
  const align = layout.shown.map((j) => columns[j].align ?? 'left')
  const text = drawTable(head.map((h) => h.split('\n').map((l) => chalk.bold(l)).join('\n')), cells, align)
  if (layout.dropped.length === 0) return text
  const names = layout.dropped.map((j) => columnKey(columns[j])).join(', ')
  return `${text}\n${chalk.dim(wrapText(`Hidden to fit ${width} columns: ${names} (see --wide, --columns).`, width))}`
}

/** The list flags applied: CSV of whole values with --csv, else renderTable with --columns, --sort and --wide. */
export function renderList(columns: ReadonlyArray<Column | string>, rows: Cell[][], flags: ListFlags, options: Omit<TableOptions, 'columns' | 'sort' | 'wide'> = {}): string {
  const names = flags.columns?.split(',').filter((n) => n.trim() !== '')
  if (flags.csv) {
    const all = columns.map((c) => toColumn(c))
    const chosen = names && names.length > 0 ? chooseColumns(all, names) : all.map((_, i) => i)
    const sorted = flags.sort ? sortRows(all, rows, flags.sort) : rows
    return toCsv(
      chosen.map((i) => all[i].header || columnKey(all[i])),
      sorted.map((row) => chosen.map((i) => {
        const cell = row[i] ?? ''
        return typeof cell === 'object' && cell.csv !== undefined ? cell.csv : cellText(cell)
      })),
    ).replace(/\n$/, '')
  }
  return renderTable(columns, rows, {...options, columns: names, sort: flags.sort, wide: flags.wide})
}

const TABLE_CHARS = {
  bottom: '', 'bottom-left': '', 'bottom-mid': '', 'bottom-right': '',
  left: '', 'left-mid': '', mid: '─', 'mid-mid': ' '.repeat(GAP), middle: ' '.repeat(GAP),
  right: '', 'right-mid': '', top: '', 'top-left': '', 'top-mid': '', 'top-right': '',
}

/** The drawing: cli-table3, or plainTable for many rows of cells it can measure (the same output, fast). */
function drawTable(head: string[], rows: string[][], align: Align[]): string {
  if (rows.length > FAST_TABLE_ROWS && [head, ...rows].every((row) => row.every((cell) => PLAIN_CELL.test(stripVTControlCharacters(cell).replaceAll('\n', ''))))) {
    return plainTable(head, rows, align)
  }
  return cliTable(head, rows, align)
}

/** cli-table3 in the house style: no borders, two spaces between columns, a rule under the header only. */
export function cliTable(head: string[], rows: string[][], align: Align[] = []): string {
  const table = new Table({
    chars: TABLE_CHARS,
    colAligns: head.map((_, i) => align[i] ?? 'left'),
    head,
    style: {border: [], compact: true, head: [], 'padding-left': 0, 'padding-right': 0},
  })
  for (const row of rows) table.push(row)
  return table
    .toString()
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n')
}

/**
 * cliTable's drawing in one pass, for cells whose printed width is their length without colour codes
 * (drawTable checks). Exported for the test that holds it to cli-table3's output.
 */
export function plainTable(head: string[], rows: string[][], align: Align[] = []): string {
  const lines = (cell: string) => cell.split('\n')
  const widths = head.map((h, i) => Math.max(...[h, ...rows.map((r) => r[i] ?? '')].flatMap((c) => lines(c).map((l) => textWidth(l)))))
  const draw = (cells: string[]) => {
    const split = widths.map((_, i) => lines(cells[i] ?? ''))
    const height = Math.max(...split.map((s) => s.length))
    return Array.from({length: height}, (_, n) =>
      widths
        .map((w, i) => {
          const cell = split[i][n] ?? ''
          const pad = ' '.repeat(w - textWidth(cell))
          return align[i] === 'right' ? pad + cell : cell + pad
        })
        .join(' '.repeat(GAP))
        .trimEnd(),
    ).join('\n')
  }
  const out = [draw(head)]
  if (rows.length > 0) out.push(widths.map((w) => '─'.repeat(w)).join(' '.repeat(GAP)))
  for (const row of rows) out.push(draw(row))
  return out.join('\n')
}

/** "key  value" lines with the keys padded to one width; a long value folds under itself. */
export function renderKeyValues(pairs: Array<[string, number | string]>, width: number | undefined = terminalWidth()): string {
  const keyWidth = Math.max(...pairs.map(([k]) => k.length))
  const room = width === undefined ? undefined : width - keyWidth - 2
  const hang = ' '.repeat(keyWidth + 2)
  return pairs
    .map(([k, v]) => {
      const value = room !== undefined && room >= 20 ? wrapText(String(v), room).replaceAll('\n', `\n${hang}`) : String(v)
      return wrapText(`${chalk.dim(k.padEnd(keyWidth))}  ${value}`, width)
    })
    .join('\n')
}

