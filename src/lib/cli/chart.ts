// A line chart for the terminal (display only: values are floats here). Each series has a symbol and a
// colour (colour only where chalk finds a terminal; NO_COLOR is honoured in render.ts); a marked point
// (the live supply) is a dotted column with a ▲ under the axis; the whole chart fits `maxWidth`.
import {color} from './render.js'

export interface ChartSeries {
  /** A chalk colour name for the series (ignored without colour). */
  colour?: 'blue' | 'cyan' | 'green' | 'magenta' | 'red' | 'yellow'
  name: string
  symbol: string
  values: number[]
}

export interface ChartOptions {
  /** About this many rows of plot (rounded so that each tick has a row). */
  height?: number
  /** Index of a point to mark with a vertical line (e.g. the live supply). */
  markAt?: number
  markLabel?: string
  /** The widest line the chart may draw (default: 60 columns of plot beside the labels). */
  maxWidth?: number
  /** Labels spread evenly under the x axis (first at the left edge, last at the right). */
  xLabels: string[]
  /** What the x axis measures, with its unit. */
  xTitle: string
  /** What the y axis measures, with its unit. */
  yTitle: string
}

const DEFAULT_PLOT_WIDTH = 60

export function asciiChart(series: readonly ChartSeries[], {height: wanted = 13, markAt, markLabel, maxWidth, xLabels, xTitle, yTitle}: ChartOptions): string {
  const n = Math.max(...series.map((s) => s.values.length))
  const all = series.flatMap((s) => s.values).filter((v) => Number.isFinite(v))
  // A round step between ticks (1, 2, 2.5 or 5 × 10^k), the axis from a multiple of it to another,
  // and the same number of rows between ticks, so every tick is a round number on its own row.
  const step = niceStep((Math.max(0, ...all) - Math.min(0, ...all)) / 4)
  const min = Math.floor(Math.min(0, ...all) / step) * step
  const steps = Math.max(1, Math.ceil((Math.max(0, ...all) - min) / step - 1e-9))
  const max = min + steps * step
  const span = max - min
  const rowsPerStep = Math.max(1, Math.round((wanted - 1) / steps))
  const height = steps * rowsPerStep + 1
  const tickValue = (r: number) => max - (span * r) / (height - 1)
  const ticks = Array.from({length: height}, (_, r) => r).filter((r) => r % rowsPerStep === 0)
  const format = tickFormat(step)
  const labelWidth = Math.max(...ticks.map((r) => format(tickValue(r)).length))
  const width = Math.max(10, Math.min(DEFAULT_PLOT_WIDTH, (maxWidth ?? Infinity) - labelWidth - 2))
  const grid: string[][] = Array.from({length: height}, () => Array.from({length: width}, () => ' '))
  const col = (i: number) => (n <= 1 ? 0 : Math.round((i * (width - 1)) / (n - 1)))
  const row = (v: number) => height - 1 - Math.round(((v - min) / span) * (height - 1))
  const marked = markAt !== undefined && markAt >= 0 && markAt < n
  if (marked) for (let r = 0; r < height; r++) grid[r][col(markAt)] = color.yellow('┊')
  for (const s of series) {
    const paint = s.colour ? color[s.colour] : (t: string) => t
    // Draw at every column, interpolating between points, so the line is continuous.
    for (let c = 0; c < width; c++) {
      const x = n <= 1 ? 0 : (c * (n - 1)) / (width - 1)
      const i = Math.floor(x)
      const a = s.values[i]
      const b = s.values[Math.min(i + 1, s.values.length - 1)]
      if (a === undefined || !Number.isFinite(a)) continue
      grid[row(a + (b - a) * (x - i))][c] = paint(s.symbol)
    }
  }
  const pad = ' '.repeat(labelWidth)
  const lines = [`${pad}  ${color.bold(yTitle)}`]
  for (const [r, cells] of grid.entries()) {
    const tick = ticks.includes(r)
    lines.push(`${(tick ? format(tickValue(r)) : '').padStart(labelWidth)} ${tick ? '┤' : '│'}${cells.join('')}`)
  }
  lines.push(`${pad} └${'─'.repeat(width)}`)
  if (marked) lines.push(`${pad}  ${markerLine(col(markAt), width, `▲ ${markLabel ?? 'mark'}`)}`)
  lines.push(`${pad}  ${spread(xLabels, width)}`)
  lines.push(`${pad}  ${centre(xTitle, width)}`)
  const legend = series.map((s) => `${s.colour ? color[s.colour](s.symbol) : s.symbol} ${s.name}`)
  lines.push(`${pad}  ${legend.join('   ')}`)
  return lines.map((l) => l.trimEnd()).join('\n')
}

/** 1, 2, 2.5 or 5 × 10^k: the smallest at least `rough`. */
function niceStep(rough: number): number {
  if (!(rough > 0)) return 1
  const power = 10 ** Math.floor(Math.log10(rough))
  return (([1, 2, 2.5, 5, 10].find((m) => m * power >= rough * (1 - 1e-9)) ?? 10) * power)
}

/** One number format for every tick: thousands separators, and the decimals the step needs. */
function tickFormat(step: number): (v: number) => string {
  const power = Math.floor(Math.log10(step) + 1e-9)
  const mantissa = step / 10 ** power // 1, 2, 2.5 or 5: 2.5 needs one decimal more
  const decimals = Math.min(12, Math.max(0, -power + (Math.abs(mantissa - Math.round(mantissa)) < 1e-9 ? 0 : 1)))
  return (v: number) => (Math.abs(v) < step / 1e6 ? 0 : v).toLocaleString('en-US', {maximumFractionDigits: decimals, minimumFractionDigits: decimals})
}

/** The ▲ and its label at column `at` of a line `width` wide: the label runs right of it, or left when it would not fit. */
function markerLine(at: number, width: number, label: string): string {
  const text = label.length > width ? label.slice(0, width) : label
  const start = at + text.length <= width ? at : Math.max(0, at - text.length + 1)
  const shown = start === at ? text : `${text.slice(2)} ▲`
  return ' '.repeat(start) + color.yellow(shown)
}

/** Labels spread over `width` columns: the first flush left, the last flush right, the rest centred on their place. */
function spread(labels: readonly string[], width: number): string {
  if (labels.length === 0) return ''
  if (labels.length === 1) return labels[0]
  let line = ''
  for (const [i, label] of labels.entries()) {
    const at = Math.round((i * (width - 1)) / (labels.length - 1))
    const start = i === 0 ? 0 : i === labels.length - 1 ? width - label.length : at - Math.floor(label.length / 2)
    if (start < line.length + (i === 0 ? 0 : 2)) continue // no room: leave this one out
    line = line.padEnd(start) + label
  }
  return line
}

function centre(text: string, width: number): string {
  return ' '.repeat(Math.max(0, Math.floor((width - text.length) / 2))) + text
}
