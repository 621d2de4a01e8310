// The wire format of `compute exec` and `compute shell`. The renter sends a signed
//   POST /deals/:id/jobs/:job/exec?cmd=ARG&cmd=ARG…&tty=1&cols=C&rows=R&term=T
// with `Connection: Upgrade` and `Upgrade: nectar-exec/1`; the command and its terminal are in the
// query, so the signature covers them. Once the agent has checked the request like any other and
// answered 101, the connection carries frames only, both ways: one byte of kind, four bytes of length
// (big-endian), the payload. The kinds keep the streams apart: stdin, stdin's end and resizes go to
// the agent; stdout, stderr, the exit and a late error come back.
export const EXEC_PROTOCOL = 'nectar-exec/1'

export const FRAME = {
  /** renter → agent: bytes for the command's stdin. */
  stdin: 0,
  /** agent → renter. */
  stdout: 1,
  /** agent → renter (never with a tty: a terminal has one stream). */
  stderr: 2,
  /** renter → agent: the terminal's new size, cols and rows as two u16. */
  resize: 3,
  /** agent → renter, last: {"exitCode": n|null, "signal": s|null} as JSON. */
  exit: 4,
  /** renter → agent: no more stdin (EOF). */
  stdinEnd: 5,
  /** agent → renter, last: {"code","message"} as JSON, when the command could not run. */
  error: 6,
} as const

/** A frame larger than this is a protocol error (the connection is closed). */
export const MAX_FRAME = 1 << 20

export function frame(kind: number, payload: Uint8Array | string = Buffer.alloc(0)): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload
  const head = Buffer.allocUnsafe(5)
  head[0] = kind
  head.writeUInt32BE(body.length, 1)
  return Buffer.concat([head, body])
}

export const resizeFrame = (cols: number, rows: number): Buffer => {
  const size = Buffer.allocUnsafe(4)
  size.writeUInt16BE(clampSize(cols), 0)
  size.writeUInt16BE(clampSize(rows), 2)
  return frame(FRAME.resize, size)
}

export const readSize = (payload: Buffer): {cols: number; rows: number} => ({cols: clampSize(payload.readUInt16BE(0)), rows: clampSize(payload.readUInt16BE(2))})

const clampSize = (n: number) => Math.min(Math.max(Math.floor(n) || 1, 1), 9999)

/** Cuts a byte stream into frames; throws on a frame over MAX_FRAME. */
export class FrameReader {
  private pending = Buffer.alloc(0)
  constructor(private readonly onFrame: (kind: number, payload: Buffer) => void) {}

  push(chunk: Buffer): void {
    let buf = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk
    while (buf.length >= 5) {
      const length = buf.readUInt32BE(1)
      if (length > MAX_FRAME) throw new Error(`a frame of ${length} bytes is over the ${MAX_FRAME} allowed`)
      if (buf.length < 5 + length) break
      const kind = buf[0]
      const payload = Buffer.from(buf.subarray(5, 5 + length))
      buf = buf.subarray(5 + length)
      this.onFrame(kind, payload)
    }
    this.pending = Buffer.from(buf)
  }
}

/** What to run: the command and its arguments, and a terminal (its size and TERM) or plain pipes. */
export interface ExecRequest {
  command: string[]
  /** With a tty: its size and TERM. */
  tty?: {cols: number; rows: number; term: string}
}

/** The query string of an exec request (signed with the path). */
export function execQuery(request: ExecRequest): string {
  const query = new URLSearchParams()
  for (const arg of request.command) query.append('cmd', arg)
  if (request.tty) {
    query.set('tty', '1')
    query.set('cols', String(clampSize(request.tty.cols)))
    query.set('rows', String(clampSize(request.tty.rows)))
    query.set('term', request.tty.term)
  }
  return query.toString()
}

/** Reads an exec request back from its query; a message when it is not one. */
export function parseExecQuery(query: URLSearchParams): ExecRequest | string {
  const command = query.getAll('cmd')
  if (command.length === 0 || command[0] === '') return 'the request names no command (cmd=…)'
  if (command.some((arg) => arg.includes('\0'))) return 'a command argument holds a NUL byte'
  if (query.get('tty') !== '1') return {command}
  const int = (name: string, fallback: number) => {
    const text = query.get(name)
    return text && /^\d{1,4}$/.test(text) ? clampSize(Number(text)) : fallback
  }
  const term = query.get('term') ?? ''
  return {command, tty: {cols: int('cols', 80), rows: int('rows', 24), term: /^[\w.+-]{1,64}$/.test(term) ? term : 'xterm'}}
}
