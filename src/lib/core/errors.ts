/**
 * The one error type users see. `code` is stable (scripts match on it), `message` is one line,
 * `hint` names the fix, `details` are extra lines shown under the message.
 */
export type ExitCode = 0 | 1 | 2 | 130

export type ErrorKind = 'usage' | 'runtime' | 'interrupted'

const exitCodes: Record<ErrorKind, ExitCode> = {interrupted: 130, runtime: 1, usage: 2}

export interface NectarErrorOptions {
  cause?: unknown
  details?: string[]
  hint?: string
}

export class NectarError extends Error {
  readonly code: string
  readonly details: string[]
  readonly hint?: string
  readonly kind: ErrorKind

  constructor(kind: ErrorKind, code: string, message: string, options: NectarErrorOptions = {}) {
    super(message, {cause: options.cause})
    this.name = 'NectarError'
    this.kind = kind
    this.code = code
    this.hint = options.hint
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

/** Bad input from the user: exit 2, nothing was sent. */
export function usageError(code: string, message: string, options?: NectarErrorOptions): NectarError {
  return new NectarError('usage', code, message, options)
}

/** Something failed at run time (chain, network, revert, file system): exit 1. */
export function runtimeError(code: string, message: string, options?: NectarErrorOptions): NectarError {
  return new NectarError('runtime', code, message, options)
}

export function isNectarError(error: unknown): error is NectarError {
  return error instanceof NectarError
}
