// The framing of `compute exec|shell` (exec-protocol.ts): frames cut anywhere come back whole and in
// order, an oversized frame is refused before it is buffered, and the exec request survives its query
// string (what the signature covers) with hostile values clamped.
import {describe, expect, it} from 'vitest'

import {execQuery, FRAME, frame, FrameReader, MAX_FRAME, parseExecQuery, readSize, resizeFrame} from '../../src/lib/provider/exec-protocol.js'

describe('exec framing', () => {
  it('reassembles frames split at every byte, keeping kinds and order', () => {
    const wire = Buffer.concat([frame(FRAME.stdout, 'out'), frame(FRAME.stderr, Buffer.from([0, 255])), frame(FRAME.stdinEnd), resizeFrame(132, 43), frame(FRAME.exit, '{"exitCode":3,"signal":null}')])
    const got: Array<[number, string]> = []
    const reader = new FrameReader((kind, payload) => got.push([kind, kind === FRAME.resize ? JSON.stringify(readSize(payload)) : payload.toString('hex')]))
    for (const byte of wire) reader.push(Buffer.from([byte]))
    expect(got).toEqual([
      [FRAME.stdout, Buffer.from('out').toString('hex')],
      [FRAME.stderr, '00ff'],
      [FRAME.stdinEnd, ''],
      [FRAME.resize, '{"cols":132,"rows":43}'],
      [FRAME.exit, Buffer.from('{"exitCode":3,"signal":null}').toString('hex')],
    ])
  })

  it('refuses a frame over the limit from its header alone', () => {
    const head = Buffer.alloc(5)
    head[0] = FRAME.stdin
    head.writeUInt32BE(MAX_FRAME + 1, 1)
    expect(() => new FrameReader(() => {}).push(head)).toThrow(/over the/)
  })

  it('round-trips a request through its query, and clamps a hostile terminal', () => {
    const command = ['sh', '-c', `echo "a b" 'c' & ; \u00e9`]
    expect(parseExecQuery(new URLSearchParams(execQuery({command})))).toEqual({command})
    expect(parseExecQuery(new URLSearchParams(execQuery({command, tty: {cols: 100, rows: 40, term: 'xterm-256color'}})))).toEqual({command, tty: {cols: 100, rows: 40, term: 'xterm-256color'}})
    expect(parseExecQuery(new URLSearchParams('cmd=sh&tty=1&cols=0&rows=99999&term=$(reboot)'))).toEqual({command: ['sh'], tty: {cols: 1, rows: 24, term: 'xterm'}})
    expect(parseExecQuery(new URLSearchParams('tty=1'))).toMatch(/no command/)
    expect(parseExecQuery(new URLSearchParams('cmd=a%00b'))).toMatch(/NUL/)
  })
})
