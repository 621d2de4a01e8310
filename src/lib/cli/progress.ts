import {type ProgressBar} from '../chain/batch.js'

/**
 * The progress bar the batch actions take (chain/batch), drawn here; `update` sets the count at once
 * and a few words after the bar (a compute batch's running and failed tasks).
 */
export type Progress = ProgressBar & {update(current: number, suffix?: string): void}

const silent: Progress = {done() {}, tick() {}, update() {}}

export interface ProgressOptions {
  enabled?: boolean
  /**
   * When the work began (ms since the epoch), read at each redraw: a bar made before a confirmation
   * prompt starts its clock once the prompt is answered, so time spent reading the preview is not
   * counted as work (nor drags the rate down).
   */
  startedAt?: () => number
}

const count = (n: number) => Math.round(n).toLocaleString('en-US')

function seconds(s: number): string {
  if (!Number.isFinite(s)) return '?'
  if (s < 60) return `${Math.ceil(s)}s`
  const m = Math.floor(s / 60)
  return m < 60 ? `${m}m${String(Math.ceil(s % 60)).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`
}

/** The bar's text: label, bar, count, rate, and the time left (or taken, when done). Pure, for the tests. */
export function progressLine(label: string, current: number, total: number, elapsedMs: number, done = false): string {
  const ratio = Math.min(1, current / total)
  const width = 20
  const filled = Math.round(ratio * width)
  const rate = elapsedMs > 0 ? (current * 1000) / elapsedMs : 0
  const time = done || current >= total ? `in ${seconds(elapsedMs / 1000)}` : current === 0 || elapsedMs < 500 ? 'ETA …' : `ETA ${seconds((total - current) / rate)}`
  // A rate over less than half a second is noise while running; at the end it is what happened.
  const speed = current > 0 && (done ? elapsedMs > 0 : elapsedMs >= 500) ? ` ${count(rate)}/s` : ''
  return `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${count(current)}/${count(total)}${speed} ${time}`
}

/**
 * A progress bar on stderr with its rate and time left, drawn only when stderr is a terminal (never in
 * --json mode or in pipes), redrawn at most ten times a second.
 */
export function createProgress(label: string, total: number, {enabled = Boolean(process.stderr.isTTY), startedAt}: ProgressOptions = {}): Progress {
  if (!enabled || total <= 0) return silent
  const created = Date.now()
  const start = () => Math.max(created, startedAt?.() ?? 0)
  let current = 0
  let suffix = ''
  let last = 0
  const draw = (force = false) => {
    const now = Date.now()
    if (!force && now - last < 100) return
    last = now
    process.stderr.write(`\r\u001B[K${progressLine(label, current, total, now - start(), force)}${suffix ? ` · ${suffix}` : ''}`)
  }
  return {
    done(message) {
      draw(true)
      process.stderr.write(message ? `\r\u001B[K${message}\n` : '\n')
    },
    tick(n = 1) {
      current += n
      draw()
    },
    update(n, text = '') {
      current = n
      suffix = text
      draw()
    },
  }
}

/** A bar for a transfer whose size is known from its first progress report (bytes so far, of total). */
export function transferProgress(label: string, options: ProgressOptions = {}): {done(message?: string): void; update(bytes: number, total?: number): void} {
  let bar: Progress | undefined
  let at = 0
  return {
    done(message) {
      bar?.done(message)
      bar = undefined
    },
    update(bytes, total) {
      if (!bar && total && bytes < total) {
        bar = createProgress(label, total, options)
        at = 0
      }
      // A resumed transfer starts past 0; a restarted one goes back to 0 (a new bar).
      if (bytes < at && total) {
        bar = createProgress(label, total, options)
        at = 0
      }
      bar?.tick(bytes - at)
      at = bytes
    },
  }
}
