// Runs a BUILT command in-process with --json: the envelope, the exit code the command set, and stderr.
// process.exitCode is cleared before and after, so a test sees only its own command's exit code and
// leaves none behind for the next.
//
// The arguments reach oclif exactly as given. (@oclif/test's runCommand joins an array with spaces and
// splits it again, so '8 parsecs' became two arguments and '' vanished; this runs the same oclif `run`
// inside the same output capture, without that round trip.)
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {run} from '@oclif/core'
import {captureOutput} from '@oclif/test'

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function runJson(args: string[]): Promise<{envelope: any; exitCode: number; stderr: string}> {
  process.exitCode = undefined
  try {
    const {error, stderr, stdout} = await captureOutput(() => run([...args, '--json'], {root}))
    const exitCode = Number(process.exitCode ?? (error ? (error as {oclif?: {exit?: number}}).oclif?.exit ?? 1 : 0))
    let envelope
    try {
      envelope = JSON.parse(stdout)
    } catch {
      throw new Error(`nectar ${args.join(' ')} --json: stdout is not exactly one JSON document (exit ${exitCode}):\n${stdout}\n--- stderr ---\n${stderr}${error ? `\n--- error ---\n${error.stack}` : ''}`)
    }
    return {envelope, exitCode, stderr}
  } finally {
    process.exitCode = undefined
  }
}
