import {type ProgressBar} from '../chain/batch.js'

/** The progress bar the batch actions take (chain/batch), drawn here. */
export type Progress = ProgressBar

const silent: Progress = {done() {}, tick() {}}

/**
 * A progress bar on stderr, drawn only when stderr is a terminal (never in --json mode or in pipes),
 * redrawn at most ten times a second.
 */
export function createProgress(label: string, total: number, enabled = Boolean(process.stderr.isTTY)): Progress {
  if (!enabled || total <= 0) return silent
  const started = Date.now()
  let current = 0
  let last = 0
  const draw = (force = false) => {
    const now = Date.now()
    if (!force && now - last < 100) return
    last = now
    const ratio = Math.min(1, current / total)
    const width = 28
    const filled = Math.round(ratio * width)
    const elapsed = ((now - started) / 1000).toFixed(1)
    process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${current}/${total} ${elapsed}s`)
  }
  return {
    done(message) {
      draw(true)
      process.stderr.write(message ? `\r\u001B[K${message}\n` : '\n')
    },
    tick(count = 1) {
      current += count
      draw()
    },
  }
}
