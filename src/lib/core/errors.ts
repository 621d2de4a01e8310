/**
 * The one error type users see. `code` is stable (scripts match on it) and comes from the catalogue in
 * error-codes.ts, which also fixes its exit class; `message` is one line, `hint` names the fix,
 * `details` are extra lines shown under the message.
 */
import {ERROR_CODES, type ErrorCode, type ErrorKind} from './error-codes.js'

export type {ErrorCode, ErrorKind} from './error-codes.js'

export type ExitCode = 0 | 1 | 2 | 130

const exitCodes: Record<ErrorKind, ExitCode> = {interrupted: 130, runtime: 1, usage: 2}

export interface NectarErrorOptions {
  cause?: unknown
  details?: string[]
  hint?: string
}

export class NectarError extends Error {
  readonly code: ErrorCode
  readonly details: string[]
  readonly hint?: string
  readonly kind: ErrorKind

  constructor(code: ErrorCode, message: string, options: NectarErrorOptions = {}) {
    super(message, {cause: options.cause})
    const info: {exit: ErrorKind; hint?: string} = ERROR_CODES[code]
    this.name = 'NectarError'
    this.kind = info.exit
    this.code = code
    this.hint = options.hint ?? info.hint
    this.details = options.details ?? []
  }

  get exitCode(): ExitCode {
    return exitCodes[this.kind]
  }

  toJSON(): {code: string; details?: string[]; hint?: string; message: string} {
    return {
      code: this.code,
      message: this.message,
      ...(this.hint ? {hint: this.hint} : {}),
      ...(this.details.length > 0 ? {details: this.details} : {}),
    }
  }
}

/** The error for `code`; its exit class comes from the catalogue. */
export function nectarError(code: ErrorCode, message: string, options?: NectarErrorOptions): NectarError {
  return new NectarError(code, message, options)
}

/** User input inside a message: JSON-quoted and cut to 200 characters, so a huge line is never echoed whole. */
export function quote(text: string, max = 200): string {
  const value = String(text)
  return value.length <= max ? JSON.stringify(value) : `${JSON.stringify(value.slice(0, max))}… (${value.length.toLocaleString('en-US')} characters)`
}


/**
 * The problems found in one input, for one error that lists them all: the first `max` are kept (a
 * file of a million bad rows is not held in memory), the rest only counted.
 */
export class ProblemList {
  count = 0
  readonly first: string[] = []

  constructor(private readonly max = 20) {}

  add(problem: string): void {
    this.count++
    if (this.first.length < this.max) this.first.push(problem)
  }

  /** The kept problems, then "… and N more" when some were not kept. */
  details(): string[] {
    return this.count > this.first.length ? [...this.first, `… and ${(this.count - this.first.length).toLocaleString('en-US')} more`] : [...this.first]
  }
}
