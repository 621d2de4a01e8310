// Runs a BUILT command in-process (runCommand from @oclif/test) with --json: the envelope, the exit code
// the command set, and stderr.
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {runCommand} from '@oclif/test'

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function runJson(args: string[]): Promise<{envelope: any; exitCode: number; stderr: string}> {
  process.exitCode = undefined
  const {error, stderr, stdout} = await runCommand([...args, '--json'], {root})
  const exitCode = Number(process.exitCode ?? (error ? (error as {oclif?: {exit?: number}}).oclif?.exit ?? 1 : 0))
  process.exitCode = undefined
  return {envelope: JSON.parse(stdout), exitCode, stderr}
}
