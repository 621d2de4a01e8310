// Spawning bin/run.js for end-to-end tests: output collected apart, the child tracked for clean-up.
import {type ChildProcess, spawn} from 'node:child_process'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

export const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/run.js')

export interface CliRun {
  child: ChildProcess
  done: Promise<{status: number | null; stderr: Buffer; stdout: Buffer}>
  stdout: () => string
}

/** Runs `nectar ARGS` with `env`; the child is pushed to `children` (kill them in afterAll). */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv, children: ChildProcess[]): CliRun {
  const child = spawn(process.execPath, [BIN, ...args], {env, stdio: ['ignore', 'pipe', 'pipe']})
  children.push(child)
  const out: Buffer[] = []
  const err: Buffer[] = []
  child.stdout!.on('data', (c) => out.push(c))
  child.stderr!.on('data', (c) => err.push(c))
  const done = new Promise<{status: number | null; stderr: Buffer; stdout: Buffer}>((resolve) => child.on('close', (status) => resolve({status, stderr: Buffer.concat(err), stdout: Buffer.concat(out)})))
  return {child, done, stdout: () => Buffer.concat(out).toString()}
}

/** Polls `check` every 20 ms until it holds; throws after `ms`. */
export async function until(check: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out waiting')
    await new Promise((r) => setTimeout(r, 20))
  }
}
