// Proposal texts: only keccak256 of the text's bytes goes on chain (the proposal's storageHash); the
// text and its title are kept in the data dir under that hash, and any copy of the text can be checked
// against the chain (`gov verify`).
import {mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {type Hex, keccak256} from 'viem'

import {checkInputFile} from '../core/files.js'
import {nectarError, quote} from '../core/errors.js'

/** Largest proposal text accepted (its bytes are hashed, never sent). */
const MAX_TEXT_BYTES = 1_000_000

export interface ProposalText {
  bytes: Uint8Array
  hash: Hex
}

/** Reads a proposal text file: missing, unreadable or empty (only whitespace) is a one-line usage error. */
export function readProposalText(file: string): ProposalText {
  checkInputFile(file, {hint: 'Give the path of the proposal text (--text-file).', label: 'the proposal text file', maxBytes: MAX_TEXT_BYTES})
  const bytes = new Uint8Array(readFileSync(file))
  if (Buffer.from(bytes).toString('utf8').trim() === '') {
    throw nectarError('EMPTY_TEXT_FILE', `The proposal text file ${quote(file)} is empty.`, {hint: 'Write the proposal’s text in the file first.'})
  }
  return {bytes, hash: keccak256(bytes)}
}

const dir = (dataDir: string) => path.join(dataDir, 'gov', 'texts')

interface StoredText {
  hash: Hex
  savedAt: string
  text: string
  title: string
}

/** Keeps the text and title under their hash in the data dir (atomic write); returns the file. */
export function saveProposalText(dataDir: string, {text, title}: {text: ProposalText; title: string}): string {
  const folder = dir(dataDir)
  mkdirSync(folder, {mode: 0o700, recursive: true})
  const file = path.join(folder, `${text.hash}.json`)
  const record: StoredText = {hash: text.hash, savedAt: new Date().toISOString(), text: Buffer.from(text.bytes).toString('utf8'), title}
  const tmp = `${file}.${process.pid}.tmp`
  writeFileSync(tmp, JSON.stringify(record, null, 2) + '\n', {mode: 0o600})
  renameSync(tmp, file)
  return file
}

/** Titles of the texts kept in the data dir, by hash (lower case), read once. */
export function storedTitles(dataDir: string): (hash: Hex) => null | string {
  let titles: Map<string, string> | undefined
  return (hash) => {
    if (!titles) {
      titles = new Map()
      let names: string[] = []
      try {
        names = readdirSync(dir(dataDir)).filter((n) => n.endsWith('.json'))
      } catch {
        // No texts kept on this machine.
      }
      for (const name of names) {
        try {
          const record = JSON.parse(readFileSync(path.join(dir(dataDir), name), 'utf8')) as StoredText
          if (typeof record.title === 'string') titles.set(String(record.hash).toLowerCase(), record.title)
        } catch {
          // A damaged record only loses its title.
        }
      }
    }
    return titles.get(hash.toLowerCase()) ?? null
  }
}

/** Validates a proposal title: one line, 1..200 characters. */
export function checkTitle(title: string): string {
  const t = title.trim()
  if (t === '' || t.length > 200 || /[\r\n]/.test(t)) {
    throw nectarError('INVALID_TITLE', `The title must be one line of 1 to 200 characters.`, {hint: 'Pass --title "A short title".'})
  }
  return t
}
