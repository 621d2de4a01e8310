// The one way tests look at what a person sees: the BUILT CLI run in a real pseudo-terminal (util-linux
// `script`), sized by `stty` (80 columns unless told), with keystrokes written as a person types them.
// stdout and stderr arrive merged, as on a screen, with their ANSI codes; `screenLines` replays carriage
// returns and erase-line codes so a redraw in place counts once, and `widestLine` measures what shows.
import {type ChildProcess, spawn} from 'node:child_process'

import {BIN} from './cli.js'

export interface PtyResult {
  /** Everything the terminal received, ANSI codes included. */
  raw: string
  status: number | null
}

export interface PtyProcess {
  child: ChildProcess
  done: Promise<PtyResult>
  /** Everything received so far. */
  output: () => string
  /** Types into the terminal (`\r` is Enter, `\u0003` is Ctrl-C, `\u001b[B` is the down arrow). */
  type: (keys: string) => void
  /** Resolves when the screen so far (ANSI stripped) matches; rejects after `ms`. */
  waitFor: (pattern: RegExp | string, ms?: number) => Promise<void>
}

const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`

/** `nectar ARGS` in a pseudo-terminal of `columns` columns; the env is the caller's (see cliEnv), without NO_COLOR unless given. */
export function runInPty(args: string[], {columns = 80, env, rows = 50}: {columns?: number; env: NodeJS.ProcessEnv; rows?: number}): PtyProcess {
  const command = `stty cols ${columns} rows ${rows}; exec node ${quote(BIN)} ${args.map((a) => quote(a)).join(' ')}`
  // -e: the child's exit status; -f: flush at once; the typescript goes to /dev/null, the screen to our pipe.
  // A person's terminal: no CI variable (under CI=true chalk draws no colour at all).
  const {CI: _ci, ...personal} = env
  const child = spawn('script', ['-qefc', command, '/dev/null'], {env: {...personal, COLUMNS: String(columns), TERM: env.TERM ?? 'xterm-256color'}, stdio: ['pipe', 'pipe', 'pipe']})
  let raw = ''
  const waiters: Array<() => void> = []
  const onData = (chunk: Buffer) => {
    raw += chunk.toString('utf8')
    for (const w of [...waiters]) w()
  }
  child.stdout!.on('data', onData)
  child.stderr!.on('data', onData)
  const done = new Promise<PtyResult>((resolve) => child.on('close', (status) => resolve({raw, status})))
  return {
    child,
    done,
    output: () => raw,
    type: (keys) => child.stdin!.write(keys),
    waitFor: (pattern, ms = 15_000) =>
      new Promise((resolve, reject) => {
        const matches = () => (typeof pattern === 'string' ? stripAnsi(raw).includes(pattern) : pattern.test(stripAnsi(raw)))
        if (matches()) return resolve()
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; the screen:\n${screenLines(raw).join('\n')}`)), ms)
        const check = () => {
          if (!matches()) return
          clearTimeout(timer)
          waiters.splice(waiters.indexOf(check), 1)
          resolve()
        }
        waiters.push(check)
      }),
  }
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001B\[[0-?]*[ -/]*[@-~]|\u001B\][^\u0007]*\u0007|\u001B[()][A-Z0-9]/g

export function stripAnsi(text: string): string {
  return text.replaceAll(ANSI, '')
}

/**
 * The lines as they end up on screen: `\r` returns to the line's start and later text overwrites,
 * an erase-line code clears it, a cursor-up code goes back a line. Approximate, but enough to see that
 * a redraw stays one line and that no line is wider than the terminal.
 */
export function screenLines(raw: string): string[] {
  const lines: string[] = ['']
  let row = 0
  let col = 0
  // eslint-disable-next-line no-control-regex
  const tokens = raw.replaceAll('\r\n', '\n').match(/\u001B\[[0-?]*[ -/]*[@-~]|\u001B\][^\u0007]*\u0007|\u001B[()][A-Z0-9]|[\s\S]/g) ?? []
  for (const token of tokens) {
    if (token === '\n') {
      row++
      col = 0
      lines[row] ??= ''
    } else if (token === '\r') col = 0
    else if (token.startsWith('\u001B[')) {
      const final = token.at(-1)
      const n = Number.parseInt(token.slice(2), 10) || 1
      if (final === 'K') lines[row] = token === '\u001B[1K' ? ' '.repeat(col) + lines[row].slice(col) : lines[row].slice(0, col)
      else if (final === 'A') row = Math.max(0, row - n)
      else if (final === 'B') {
        // Down, as inquirer moves to clear a message under its prompt: without it that message stays.
        row += n
        for (let i = 0; i <= row; i++) lines[i] ??= ''
      }
      else if (final === 'G') col = n - 1
      else if (final === 'J') lines.splice(row + 1)
    } else if (!token.startsWith('\u001B')) {
      const line = lines[row].padEnd(col)
      lines[row] = line.slice(0, col) + token + line.slice(col + 1)
      col++
    }
  }
  return lines.map((line) => line.trimEnd())
}

/** The widest line on screen, in characters. */
export function widestLine(raw: string): {line: string; width: number} {
  let widest = {line: '', width: 0}
  for (const line of screenLines(raw)) if ([...line].length > widest.width) widest = {line, width: [...line].length}
  return widest
}
