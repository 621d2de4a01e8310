// A plain ASCII line chart for the terminal (display only: values are floats here).

export interface ChartSeries {
  name: string
  symbol: string
  values: number[]
}

export interface ChartOptions {
  height?: number
  /** Index of a point to mark with a vertical line (e.g. the live supply). */
  markAt?: number
  markLabel?: string
  width?: number
  xLabels: [string, string]
  yLabel: string
}

export function asciiChart(series: readonly ChartSeries[], {height = 14, markAt, markLabel, width = 60, xLabels, yLabel}: ChartOptions): string {
  const n = Math.max(...series.map((s) => s.values.length))
  const all = series.flatMap((s) => s.values).filter((v) => Number.isFinite(v))
  const max = Math.max(0, ...all)
  const min = Math.min(0, ...all)
  const span = max - min || 1
  const grid = Array.from({length: height}, () => Array.from({length: width}, () => ' '))
  const col = (i: number) => (n <= 1 ? 0 : Math.round((i * (width - 1)) / (n - 1)))
  const row = (v: number) => height - 1 - Math.round(((v - min) / span) * (height - 1))
  if (markAt !== undefined && markAt >= 0 && markAt < n) for (let r = 0; r < height; r++) grid[r][col(markAt)] = '|'
  for (const s of series) {
    // Draw at every column, interpolating between points, so the line is continuous.
    for (let c = 0; c < width; c++) {
      const x = n <= 1 ? 0 : (c * (n - 1)) / (width - 1)
      const i = Math.floor(x)
      const a = s.values[i]
      const b = s.values[Math.min(i + 1, s.values.length - 1)]
      if (a === undefined || !Number.isFinite(a)) continue
      grid[row(a + (b - a) * (x - i))][c] = s.symbol
    }
  }
  const labelWidth = Math.max(fmt(max).length, fmt(min).length)
  const lines = grid.map((cells, r) => {
    const label = r === 0 ? fmt(max) : r === height - 1 ? fmt(min) : r === Math.floor(height / 2) ? fmt(min + span / 2) : ''
    return `${label.padStart(labelWidth)} ┤${cells.join('')}`
  })
  lines.unshift(`${' '.repeat(labelWidth)}  ${yLabel}`)
  lines.push(`${' '.repeat(labelWidth)} └${'─'.repeat(width)}`)
  const [left, right] = xLabels
  lines.push(`${' '.repeat(labelWidth + 2)}${left}${right.padStart(Math.max(1, width - left.length))}`)
  const legend = series.map((s) => `${s.symbol} ${s.name}`)
  if (markAt !== undefined && markAt >= 0 && markAt < n) legend.push(`| ${markLabel ?? 'mark'}`)
  lines.push(`${' '.repeat(labelWidth + 2)}${legend.join('   ')}`)
  return lines.join('\n')
}

function fmt(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2)
}
