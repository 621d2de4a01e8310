// One line on stderr that says what is going on, redrawn in place: a spinner for pre-flight work, and
// the status line of a follow that is reconnecting. Drawn only on a terminal (the caller decides:
// never under --json or in a pipe), and only once the work has lasted `delayMs`, so quick commands
// show nothing. Timers cannot fire while a loop keeps the event loop busy (50,000 addresses checked
// in one go), so such loops call poke() and the spinner draws itself when due.

export interface Spinner {
  /** Erases the line now, before other output is written; the next frame draws it again. */
  clear(): void
  /** Draws a frame if one is due (for synchronous loops). */
  poke(): void
  /** Erases the line and stops for good. */
  stop(): void
  /** Replaces the text (drawn at once if the spinner already shows). */
  update(text: string): void
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']
const FRAME_MS = 80

const none: Spinner = {clear() {}, poke() {}, stop() {}, update() {}}

export interface SpinnerOptions {
  /** Nothing shows before this many ms. Default 300. */
  delayMs?: number
  enabled: boolean
  /** Where to draw (stderr). */
  stream?: NodeJS.WriteStream
}

export function createSpinner(text: string, {delayMs = 300, enabled, stream = process.stderr}: SpinnerOptions): Spinner {
  if (!enabled) return none
  const started = Date.now()
  let frame = 0
  let lastDraw = 0
  let shown = false
  let stopped = false
  const columns = () => Math.max(20, (stream.columns || Number(process.env.COLUMNS) || 80) - 1)
  const draw = () => {
    const now = Date.now()
    if (stopped || now - started < delayMs) return
    lastDraw = now
    const line = `${FRAMES[frame++ % FRAMES.length]} ${text}`
    // Cut to the terminal's width: a wrapped line could not be redrawn in place.
    stream.write(`\r\u001B[K${[...line].slice(0, columns()).join('')}`)
    shown = true
  }
  const timer = setInterval(draw, FRAME_MS)
  timer.unref()
  return {
    clear() {
      if (shown) stream.write('\r\u001B[K')
      shown = false
    },
    poke() {
      if (Date.now() - lastDraw >= FRAME_MS) draw()
    },
    stop() {
      clearInterval(timer)
      this.clear()
      stopped = true
    },
    update(next) {
      text = next
      if (shown) draw()
    },
  }
}
