// CSV as RFC 4180 and spreadsheets write it: quoted fields with commas, doubled quotes and line breaks
// inside, a UTF-8 BOM, CRLF or LF line ends. Fed in chunks, so a 1,000,000-row file is never one
// string. Blank lines (and, with `comments`, lines starting with #) are skipped. A malformed record is
// passed on with `error` set instead of stopping the read, so a caller can report every bad line at once.

export interface CsvRecord {
  /** Set when the record is malformed; `fields` is then a best effort. */
  error?: string
  fields: string[]
  /** The line the record starts on (1-based; a quoted line break makes a record span lines). */
  line: number
}

/**
 * Called with each record as soon as it is complete (so that a million records are garbage while
 * young, not collected in an array); a returned promise pauses the parser (see CsvParser.push).
 * `fields` is reused for the next record: copy it to keep it.
 */
type OnRecord = (fields: string[], line: number, error?: string) => Promise<void> | void

/** The longest record kept waiting for its end: past it, an unclosed quote is reported, not buffered. */
const MAX_RECORD = 1 << 20

export class CsvParser {
  private buffer = ''
  /** Reused for every unquoted record: a million short-lived arrays cost more than the parse. */
  private readonly fields: string[] = []
  private line = 1
  private started = false

  constructor(
    private readonly onRecord: OnRecord,
    private readonly options: {comments?: boolean} = {},
  ) {}

  /**
   * Feeds `chunk`, calling onRecord for every record it completes. When onRecord returns a promise,
   * parsing stops after that record and push returns the promise: await it, then push('') to go on.
   */
  push(chunk: string): Promise<void> | void {
    return this.parse(chunk, false)
  }

  /** The input has ended: the last record. Like push, it may pause: then await, and call end() again. */
  end(): Promise<void> | void {
    return this.parse('', true)
  }

  private parse(chunk: string, final: boolean): Promise<void> | void {
    let text = this.buffer + chunk
    if (!this.started && (text.length > 0 || final)) {
      this.started = true
      if (text.charCodeAt(0) === 0xfe_ff) text = text.slice(1)
    }
    let pos = 0
    let paused: Promise<void> | void = undefined
    // The next quote and comma at or after pos, cached: searching again per line would be quadratic
    // in a chunk without them. (indexOf, not a loop over characters, nor split: both are several times slower.)
    let quote = -2
    let comma = -2
    while (pos < text.length && !paused) {
      let nl = text.indexOf('\n', pos)
      if (nl < 0 && !final) break
      if (nl < 0) nl = text.length
      if (quote !== -1 && quote < pos) quote = text.indexOf('"', pos)
      const first = text.charCodeAt(pos)
      if (first === 10 || (first === 13 && nl === pos + 1) || (this.options.comments && first === 35)) {
        this.line++
        pos = nl + 1
        continue
      }
      if (quote === -1 || quote > nl) {
        // No quote on this line: the common case, the fields between commas.
        const end = text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl
        const fields = this.fields
        fields.length = 0
        if (comma !== -1 && comma < pos) comma = text.indexOf(',', pos)
        for (; comma !== -1 && comma < end; comma = text.indexOf(',', pos)) {
          fields.push(text.slice(pos, comma))
          pos = comma + 1
        }
        fields.push(text.slice(pos, end))
        pos = nl + 1
        paused = this.onRecord(fields, this.line++)
        continue
      }
      const record = this.quoted(text, pos, final)
      if (!record) break
      pos = record.next
      quote = -2
      comma = -2
      paused = this.onRecord(record.record.fields, record.record.line, record.record.error)
    }
    this.buffer = text.slice(pos)
    return paused
  }

  /** One record with quotes, from text[pos]; undefined while its end is not in the text yet. */
  private quoted(text: string, pos: number, final: boolean): undefined | {next: number; record: CsvRecord} {
    const line = this.line
    const fields: string[] = []
    let error: string | undefined
    let lines = 0
    let i = pos
    for (;;) {
      let field = ''
      if (text.charCodeAt(i) === 34) {
        for (let j = i + 1; ; ) {
          const q = text.indexOf('"', j)
          // (A quote at the very end may be the first of a doubled one: the field's end, below, then waits too.)
          if (q < 0 && !final && text.length - pos <= MAX_RECORD) return undefined
          if (q < 0) {
            // Never closed: reported, and the read goes on from the next line, as if the quote were a typo.
            const nl = text.indexOf('\n', pos)
            this.line++
            return {next: nl < 0 ? text.length : nl + 1, record: {error: `line ${line}: a quoted field is never closed`, fields: [], line}}
          }
          field += text.slice(j, q)
          if (text.charCodeAt(q + 1) !== 34) {
            i = q + 1
            break
          }
          field += '"'
          j = q + 2
        }
        for (let k = field.indexOf('\n'); k >= 0; k = field.indexOf('\n', k + 1)) lines++
        const stop = fieldEnd(text, i)
        if (stop > i) {
          error ??= `line ${line}: text after a closing quote (a quote inside a quoted field is written "")`
          field += text.slice(i, stop)
        }
        i = stop
      } else {
        const stop = fieldEnd(text, i)
        field = text.slice(i, stop)
        if (field.includes('"')) error ??= `line ${line}: a quote inside an unquoted field (quote the whole field, and write a quote in it as "")`
        i = stop
      }
      fields.push(field)
      if (i >= text.length && !final) return undefined
      if (text.charCodeAt(i) === 44) {
        i++
        continue
      }
      if (text.charCodeAt(i) === 13) i++ // the CR of a CRLF
      this.line += lines + 1
      return {next: i + 1, record: {...(error ? {error} : {}), fields, line}}
    }
  }
}

/** Where the field starting at text[i] ends: the next comma, CRLF or LF, or the end of the text. */
function fieldEnd(text: string, i: number): number {
  const comma = text.indexOf(',', i)
  let nl = text.indexOf('\n', i)
  if (nl > i && text.charCodeAt(nl - 1) === 13) nl--
  if (nl < 0) return comma < 0 ? text.length : comma
  return comma < 0 ? nl : Math.min(comma, nl)
}

/** Every record of a whole text (small files: address lists). */
export function parseCsv(text: string, options: {comments?: boolean} = {}): CsvRecord[] {
  const records: CsvRecord[] = []
  const parser = new CsvParser((fields, line, error) => {
    records.push(error ? {error, fields: [...fields], line} : {fields: [...fields], line})
  }, options)
  parser.push(text)
  parser.end()
  return records
}
