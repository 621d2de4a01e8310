// Writes log records where the renter wants them: a job's stdout to one stream and its stderr to
// another, byte for byte (optionally with a timestamp at the start of each line), or one JSON object
// per record. A note by the agent (the log-quota marker) is a plain line on stderr. The streams are
// passed in; this module never touches process.stdout itself.
import {type Writable} from 'node:stream'

import {recordBytes, type WireRecord} from './client.js'

export interface LogOutputOptions {
  json: boolean
  /** Label each line with its stream (`out|`, `err|`). */
  prefix?: boolean
  stderr: Writable
  /** Codes written around each line of the job's stderr (colour on a terminal), newline outside them. */
  stderrStyle?: {close: string; open: string}
  stdout: Writable
  timestamps: boolean
}

function drain(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done)
      stream.off('close', done)
      stream.off('error', done)
      resolve()
    }
    stream.on('drain', done)
    stream.on('close', done)
    stream.on('error', done)
  })
}

/** An onRecords callback for followLogs that writes with back-pressure (the log stream waits for the terminal). */
export function logWriter(options: LogOutputOptions): (records: WireRecord[]) => Promise<void> {
  const atLineStart = {agent: true, stderr: true, stdout: true}
  return async (records) => {
    if (options.json) {
      let text = ''
      for (const r of records) text += JSON.stringify({data: r.data, encoding: r.encoding, seq: r.seq, stream: r.stream, ts: new Date(r.ts).toISOString()}) + '\n'
      if (!options.stdout.write(text)) await drain(options.stdout)
      return
    }
    // Consecutive records of one stream go out in one write.
    let current: WireRecord['stream'] | undefined
    let parts: Buffer[] = []
    const flush = async () => {
      if (!current || parts.length === 0) return
      const target = current === 'stdout' ? options.stdout : options.stderr
      const ok = target.write(parts.length === 1 ? parts[0] : Buffer.concat(parts))
      parts = []
      if (!ok) await drain(target)
    }
    for (const r of records) {
      if (r.stream !== current) {
        await flush()
        current = r.stream
      }
      const bytes = recordBytes(r)
      // The agent's note goes on a line of its own, even when the job's stderr stopped mid-line.
      if (r.stream === 'agent' && !atLineStart.stderr) parts.push(Buffer.from('\n'))
      const marked = options.timestamps || (options.prefix && r.stream !== 'agent') || (options.stderrStyle && r.stream === 'stderr')
      parts.push(marked ? decorate(bytes, r, options, atLineStart) : bytes)
      if (bytes.length > 0) atLineStart[r.stream] = bytes.at(-1) === 10
      if (r.stream === 'agent') atLineStart.stderr = atLineStart.agent
    }
    await flush()
  }
}

const LABELS: Record<WireRecord['stream'], string> = {agent: '', stderr: 'err| ', stdout: 'out| '}

/**
 * Marks each line of a record: its time and stream label at the line's start, and the stderr style
 * around its text (the newline outside, so a terminal's colour never runs onto the next line). Works
 * on bytes: a character split across two records stays whole.
 */
function decorate(bytes: Buffer, r: WireRecord, options: LogOutputOptions, atLineStart: Record<WireRecord['stream'], boolean>): Buffer {
  const {stream} = r
  const head = `${options.timestamps ? new Date(r.ts).toISOString() + ' ' : ''}${options.prefix ? LABELS[stream] : ''}`
  const style = stream === 'stderr' ? options.stderrStyle : undefined
  const out: Buffer[] = []
  let start = 0
  while (start < bytes.length) {
    if (atLineStart[stream] && head) out.push(Buffer.from(head))
    const newline = bytes.indexOf(10, start)
    const end = newline === -1 ? bytes.length : newline
    if (style && end > start) out.push(Buffer.from(style.open), bytes.subarray(start, end), Buffer.from(style.close))
    else out.push(bytes.subarray(start, end))
    if (newline !== -1) out.push(Buffer.from('\n'))
    atLineStart[stream] = newline !== -1
    start = newline === -1 ? bytes.length : newline + 1
  }
  return Buffer.concat(out)
}
