// The renter's side of `compute exec` and `compute shell`: a command run inside a job over the
// agent's upgraded connection (client.ts openExec), its streams wired to this process's.
import {once} from 'node:events'
import {type Readable, type Writable} from 'node:stream'

import {nectarError} from '../core/errors.js'
import {jobExitStatus} from './agent.js'
import {type AgentTarget, type ExecExit, openExec} from './client.js'
import {type StreamName} from './log-store.js'

/** A command's exit status for a shell, as a job's: its code, or 128 + signal number, or 1. */
const execExitStatus = (exit: ExecExit): number => jobExitStatus({...exit, status: 'exited'})

/** `compute exec`'s result (under --json the output is in it; else it went to stdout and stderr). */
export interface ExecReport {
  command: string[]
  dealId: bigint
  /** How stdout and stderr are given: as text when both are UTF-8, else base64. */
  encoding?: 'base64' | 'utf8'
  exitCode: number | null
  exitStatus: number
  jobId: string
  signal: string | null
  stderr?: string
  stdout?: string
}

export interface RunExecOptions {
  command: string[]
  /** Collect the output into the report instead of writing it (--json). */
  collect: boolean
  jobId: string
  /** Sent as the command's stdin (ended when it ends); without it the command's stdin is empty. */
  stdin?: Readable
  stderr: Writable
  stdout: Writable
}

/** Not a command name: a command is given after `--`. */
export function requireCommand(command: string[], usage: string): string[] {
  if (command.length === 0 || command[0] === '') throw nectarError('USAGE', 'No command given.', {hint: `Give the command after --, e.g. \`${usage}\`.`})
  return command
}

const utf8 = new TextDecoder('utf-8', {fatal: true})

/** Runs a command inside a running job without a terminal: stdout and stderr apart, the exit code back. */
export async function runExec(target: AgentTarget, options: RunExecOptions): Promise<ExecReport> {
  const chunks: Record<StreamName, Buffer[]> = {stderr: [], stdout: []}
  const session = await openExec(target, options.jobId, {command: options.command}, (stream, bytes) => {
    if (options.collect) return void chunks[stream].push(bytes)
    const out = stream === 'stderr' ? options.stderr : options.stdout
    if (!out.write(bytes)) return once(out, 'drain').then(() => {})
  })
  if (options.stdin) void pump(options.stdin, session)
  else session.endStdin()
  const exit = await session.done
  const report: ExecReport = {command: options.command, dealId: target.dealId, exitCode: exit.exitCode, exitStatus: execExitStatus(exit), jobId: options.jobId, signal: exit.signal}
  if (options.collect) {
    const out = Buffer.concat(chunks.stdout)
    const err = Buffer.concat(chunks.stderr)
    let text: [string, string] | undefined
    try {
      text = [utf8.decode(out), utf8.decode(err)]
    } catch {}
    Object.assign(report, text ? {encoding: 'utf8', stderr: text[1], stdout: text[0]} : {encoding: 'base64', stderr: err.toString('base64'), stdout: out.toString('base64')})
  }
  return report
}

async function pump(input: Readable, session: Awaited<ReturnType<typeof openExec>>): Promise<void> {
  try {
    for await (const chunk of input) if (!session.write(Buffer.from(chunk as Buffer))) await session.drained()
  } catch {}
  session.endStdin()
}

/** A terminal's input side (process.stdin when it is a TTY). */
export interface TerminalInput extends Readable {
  isTTY?: boolean
  setRawMode?(mode: boolean): unknown
}

/** A terminal's output side (process.stdout when it is a TTY): its size, and 'resize' on SIGWINCH. */
export interface TerminalOutput extends Writable {
  columns?: number
  isTTY?: boolean
  rows?: number
}

export interface RunShellOptions {
  command: string[]
  input: TerminalInput
  jobId: string
  output: TerminalOutput
  /** The local TERM (the remote side gets the same). */
  term: string
}

/**
 * An interactive command inside a running job on a remote terminal: the local terminal in raw mode
 * (every key goes to the remote side, Ctrl-C and Ctrl-D included), its size sent at the start and
 * again on each resize; ends when the remote command exits, with its exit code.
 */
export async function runShell(target: AgentTarget, options: RunShellOptions): Promise<ExecExit & {exitStatus: number}> {
  const {input, output} = options
  const size = () => ({cols: output.columns || 80, rows: output.rows || 24})
  const session = await openExec(target, options.jobId, {command: options.command, tty: {...size(), term: options.term}}, (_stream, bytes) => {
    output.write(bytes)
  })
  const onKeys = (bytes: Buffer) => session.write(bytes)
  const onResize = () => {
    const {cols, rows} = size()
    session.resize(cols, rows)
  }
  input.setRawMode?.(true)
  input.on('data', onKeys)
  input.resume()
  output.on('resize', onResize)
  try {
    const exit = await session.done
    return {...exit, exitStatus: execExitStatus(exit)}
  } finally {
    output.off('resize', onResize)
    input.off('data', onKeys)
    input.setRawMode?.(false)
    input.pause()
  }
}
