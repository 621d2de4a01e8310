// Input files named by the user: one check and one reader, so a missing file, a directory or an
// unreadable one is the same one-line usage error everywhere, never a raw errno.
import {readFileSync, statSync} from 'node:fs'

import {type ErrorCode, nectarError, quote} from './errors.js'

export interface InputFileOptions {
  /** The error code (default FILE_UNREADABLE). */
  code?: ErrorCode
  hint?: string
  /** What the file is, in messages ("the plan file"). */
  label?: string
  /** The largest accepted size in bytes. */
  maxBytes?: number
}

const WHY: Record<string, string> = {EACCES: 'is not readable (permission denied)', EISDIR: 'is a directory', ENOENT: 'does not exist', ENOTDIR: 'is not under a directory', ELOOP: 'is a symlink loop'}

/** Checks that `file` is a readable regular file of acceptable size; returns its size. */
export function checkInputFile(file: string, options: InputFileOptions = {}): number {
  const {code = 'FILE_UNREADABLE', label = 'the file', maxBytes} = options
  const fail = (why: string) => nectarError(code, `Cannot read ${label} ${quote(file)}: it ${why}.`, {hint: options.hint ?? 'Check the path.'})
  let size: number
  try {
    const stat = statSync(file)
    if (stat.isDirectory()) throw fail(WHY.EISDIR)
    if (!stat.isFile()) throw fail('is not a regular file')
    size = stat.size
  } catch (error) {
    const errno = (error as NodeJS.ErrnoException).code
    if (errno && typeof errno === 'string' && !errno.includes('_')) throw fail(WHY[errno] ?? `cannot be opened (${errno})`)
    throw error
  }
  if (maxBytes !== undefined && size > maxBytes) {
    throw nectarError(code, `${label} ${quote(file)} is ${size.toLocaleString('en-US')} bytes; at most ${maxBytes.toLocaleString('en-US')} are accepted.`, {hint: options.hint ?? 'Split the file.'})
  }
  return size
}

/** Reads a text input file after checking it (see checkInputFile). */
export function readInputFile(file: string, options: InputFileOptions = {}): string {
  checkInputFile(file, options)
  try {
    return readFileSync(file, 'utf8')
  } catch (error) {
    const errno = (error as NodeJS.ErrnoException).code ?? (error as Error).message
    throw nectarError(options.code ?? 'FILE_UNREADABLE', `Cannot read ${options.label ?? 'the file'} ${quote(file)}: ${WHY[errno] ?? errno}.`, {hint: options.hint ?? 'Check the path.'})
  }
}
