// The one live view (`--watch [SECONDS]` on supply, compute deals, compute deal): read, draw, wait,
// until stopped. At a terminal the block is redrawn in place (cursor up, erase below) with the cursor
// hidden, and a footer says when it was read; anywhere else (a pipe, a file, --json) each refresh is
// one JSON line, so `--watch | jq` and log files get whole records and never escape codes.
import {stripVTControlCharacters} from 'node:util'

import {type NectarError} from '../core/errors.js'
import {toNectarError} from '../core/to-nectar-error.js'
import {toJsonText} from '../core/json-text.js'
import {color} from './render.js'

/** What one refresh shows: the data (the command's --json data), the block for people, and warnings (shown inside the block). */
export interface WatchFrame<T> {
  data: T
  text: string
  warnings: string[]
}

export interface WatchOptions<T> {
  intervalSeconds: number
  /** One JSON line per refresh instead of a redrawn block. */
  records: boolean
  read: () => Promise<WatchFrame<T>>
  /** The JSON line of a refresh: the command's envelope, or the error's. */
  recordOf: (frame: WatchFrame<T> | {error: NectarError}) => unknown
  /** Aborted when the person stops the view (Ctrl-C). */
  signal: AbortSignal
  out: NodeJS.WriteStream
}

export const DEFAULT_WATCH_SECONDS = 5

/**
 * `--watch` takes an optional number of seconds, which oclif flags cannot: a bare `--watch` (last,
 * or followed by something that is not a number) gets the default inserted.
 */
export function withWatchDefault(argv: string[]): string[] {
  const i = argv.indexOf('--watch')
  if (i < 0 || /^\d+$/.test(argv[i + 1] ?? '')) return argv
  return [...argv.slice(0, i + 1), String(DEFAULT_WATCH_SECONDS), ...argv.slice(i + 1)]
}

const HIDE_CURSOR = '\u001B[?25l'
const SHOW_CURSOR = '\u001B[?25h'

/**
 * Runs the view until `signal` aborts; returns the last frame. The first read's error is thrown (a
 * bad deal id is no view); a later one is shown and the view goes on (a node that blinks).
 */
export async function watchLoop<T>(options: WatchOptions<T>): Promise<WatchFrame<T>> {
  const {out, signal} = options
  let last = await options.read()
  if (options.records) {
    const write = (value: unknown) => out.write(toJsonText(value, 0) + '\n')
    write(options.recordOf(last))
    while (await pause(options.intervalSeconds, signal)) {
      try {
        last = await options.read()
        write(options.recordOf(last))
      } catch (error) {
        write(options.recordOf({error: toNectarError(error)}))
      }
    }
    return last
  }
  // Whatever ends the process, the cursor comes back.
  const restore = () => out.write(SHOW_CURSOR)
  process.once('exit', restore)
  out.write(HIDE_CURSOR)
  let height = 0
  const draw = (frame: WatchFrame<T>, problem?: string) => {
    const footer = color.dim(`every ${options.intervalSeconds}s · read at ${new Date().toLocaleTimeString('en-GB')} · Ctrl-C to stop`)
    const body = [...frame.text.split('\n'), ...frame.warnings.map((w) => `${color.yellow('Warning:')} ${w}`), ...(problem ? [`${color.red('Refresh failed:')} ${problem}`] : [])]
    const columns = out.columns || 80
    const rowsOf = (line: string) => Math.max(1, Math.ceil(stripVTControlCharacters(line).length / columns))
    // Cursor-up cannot reach above the top of the screen: a block taller than the screen is cut to fit
    // (as watch(1) does), else each redraw would leave its top behind in the scrollback.
    // Room for the body: the screen less the footer and the line the cursor waits on.
    const room = (out.rows || Infinity) - 2
    const shown: string[] = []
    if (body.reduce((n, line) => n + rowsOf(line), 0) <= room) shown.push(...body)
    else {
      let used = 1 // the "more lines" marker
      for (const line of body) {
        if (used + rowsOf(line) > room) break
        shown.push(line)
        used += rowsOf(line)
      }
      shown.push(color.dim(`… ${body.length - shown.length} more lines: make the terminal taller`))
    }
    const lines = [...shown, footer]
    out.write((height === 0 ? '' : `\u001B[${height}A\r\u001B[J`) + lines.map((line) => `${line}\u001B[K\n`).join(''))
    height = lines.reduce((n, line) => n + rowsOf(line), 0)
  }
  // After a resize the old block wraps differently and cursor-up would miss its top: start on a clear screen.
  const onResize = () => {
    out.write('\u001B[2J\u001B[H')
    height = 0
    draw(last)
  }
  out.on('resize', onResize)
  try {
    draw(last)
    while (await pause(options.intervalSeconds, signal)) {
      try {
        last = await options.read()
        draw(last)
      } catch (error) {
        draw(last, toNectarError(error).message)
      }
    }
  } finally {
    out.off('resize', onResize)
    restore()
    process.off('exit', restore)
  }
  return last
}

/** Waits `seconds`; false when the signal aborted first (or had already). */
function pause(seconds: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false)
  return new Promise((resolve) => {
    const done = (goOn: boolean) => {
      clearTimeout(timer)
      signal.removeEventListener('abort', onAbort)
      resolve(goOn)
    }
    const onAbort = () => done(false)
    const timer = setTimeout(() => done(true), seconds * 1000)
    signal.addEventListener('abort', onAbort)
  })
}
