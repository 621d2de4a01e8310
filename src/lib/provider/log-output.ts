// Writes log records where the renter wants them: a job's stdout to one stream and its stderr to
// another, byte for byte (optionally with a timestamp at the start of each line), or one JSON object
// per record. A note by the agent (the log-quota marker) is a plain line on stderr. The streams are
// passed in; this module never touches process.stdout itself.
import {type Writable} from 'node:stream'

import {recordBytes, type WireRecord} from './client.js'

export interface LogOutputOptions {
  json: boolean
  stderr: Writable
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
      parts.push(options.timestamps ? stamp(bytes, new Date(r.ts).toISOString(), atLineStart, r.stream) : bytes)
      if (bytes.length > 0) atLineStart[r.stream] = bytes.at(-1) === 10
      if (r.stream === 'agent') atLineStart.stderr = atLineStart.agent
    }
    await flush()
  }
}

function stamp(bytes: Buffer, iso: string, atLineStart: Record<WireRecord['stream'], boolean>, stream: WireRecord['stream']): Buffer {
  const out: Buffer[] = []
  let start = 0
  while (start < bytes.length) {
    if (atLineStart[stream]) out.push(Buffer.from(iso + ' '))
    const newline = bytes.indexOf(10, start)
    const end = newline === -1 ? bytes.length : newline + 1
    out.push(bytes.subarray(start, end))
    atLineStart[stream] = newline !== -1
    start = end
  }
  return Buffer.concat(out)
}
