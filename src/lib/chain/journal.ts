import {appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync} from 'node:fs'
import path from 'node:path'

import {nectarError} from '../core/errors.js'

/**
 * An append-only JSON-lines journal. Each record is written and fsynced before the action it
 * describes happens, so after a crash the journal says at least as much as the chain does.
 */
export type JournalRecord =
  | {at: string; chainId: number; contract: string; from: string; inputHash: string; items: number; kind: string; type: 'header'}
  | {at: string; hash: `0x${string}`; key: string; nonce: number; raw: `0x${string}`; type: 'intent'}
  | {at: string; block: string; hash: `0x${string}`; key: string; status: 'reverted' | 'success'; type: 'outcome'}
  | {at: string; hash: `0x${string}`; key: string; nonce: number; type: 'dropped'}
  | {at: string; type: 'complete'}

/** Records of any shape a journal may hold (a batch's, the sent-transactions log's). */
export class Journal<R = JournalRecord> {
  readonly file: string
  private fd?: number

  constructor(file: string) {
    this.file = file
  }

  exists(): boolean {
    return existsSync(this.file)
  }

  /** Reads every record; a torn last line (the process died mid-write) is ignored, anything else corrupt is an error. */
  read(): R[] {
    if (!this.exists()) return []
    const lines = readFileSync(this.file, 'utf8').split('\n')
    const records: R[] = []
    lines.forEach((line, i) => {
      if (line.trim() === '') return
      try {
        records.push(JSON.parse(line))
      } catch {
        if (i === lines.length - 1 || (i === lines.length - 2 && lines.at(-1) === '')) return
        throw nectarError('JOURNAL_CORRUPT', `The journal ${this.file} is corrupt at line ${i + 1}.`, {
          hint: 'Inspect it by hand; do not delete it while its transactions may be pending.',
        })
      }
    })
    return records
  }

  append(...records: R[]): void {
    if (records.length === 0) return
    if (this.fd === undefined) {
      mkdirSync(path.dirname(this.file), {mode: 0o700, recursive: true})
      // A torn final line from a killed run must not swallow the next record.
      if (this.exists()) {
        const text = readFileSync(this.file, 'utf8')
        if (text.length > 0 && !text.endsWith('\n')) appendFileSync(this.file, '\n')
      }
      this.fd = openSync(this.file, 'a', 0o600)
    }
    writeSync(this.fd, records.map((r) => JSON.stringify(r)).join('\n') + '\n')
    fsyncSync(this.fd)
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd)
    this.fd = undefined
  }
}

export const now = (): string => new Date().toISOString()
