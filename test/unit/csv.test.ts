// The CSV reader every --file/--volumes/--allocations input goes through: RFC 4180 quoting, a BOM, CRLF,
// line breaks inside quotes (and the line numbers after them), malformed records reported with their
// line instead of stopping the read, and the same records however the input is cut into chunks.
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {describe, expect, test} from 'vitest'

import {collectAddresses} from '../../src/lib/core/address-list.js'
import {CsvParser, type CsvRecord, parseCsv} from '../../src/lib/core/csv.js'

const SPREADSHEET = '\uFEFFaddress,volume\r\n"0xab","1,000.5"\r\n\r\n# a "comment"\n"a ""quoted"" word",2\n"two\r\nlines",3\nlast,4'

describe('CsvParser', () => {
  test('quoted commas, doubled quotes, a BOM, CRLF, blank and comment lines, a line break inside quotes', () => {
    expect(parseCsv(SPREADSHEET, {comments: true})).toEqual([
      {fields: ['address', 'volume'], line: 1},
      {fields: ['0xab', '1,000.5'], line: 2},
      {fields: ['a "quoted" word', '2'], line: 5},
      {fields: ['two\r\nlines', '3'], line: 6},
      // The record after a quoted line break starts on the right line.
      {fields: ['last', '4'], line: 8},
    ])
    // Without `comments`, a # line is a record; empty fields stay.
    expect(parseCsv('#x,\n,,\n')).toEqual([{fields: ['#x', ''], line: 1}, {fields: ['', '', ''], line: 2}])
  })

  test('malformed records carry an error with their line, and the read goes on', () => {
    const records = parseCsv('a,b\nab"c,1\n"x"y,2\n"open,3\nok,4\n')
    expect(records.map((r) => [r.line, r.error?.replace(/ \(.*/, '')])).toEqual([
      [1, undefined],
      [2, 'line 2: a quote inside an unquoted field'],
      [3, 'line 3: text after a closing quote'],
      // Never closed: reported at its line, and reading resumes on the next line.
      [4, 'line 4: a quoted field is never closed'],
      [5, undefined],
    ])
  })

  test('the same records whatever the chunk boundaries (inside quotes, between CR and LF, inside a doubled quote)', () => {
    const whole = parseCsv(SPREADSHEET, {comments: true})
    for (let a = 0; a <= SPREADSHEET.length; a++) {
      for (let b = a; b <= SPREADSHEET.length; b += 2) {
        const got: CsvRecord[] = []
        const parser = new CsvParser((fields, line) => void got.push({fields: [...fields], line}), {comments: true})
        parser.push(SPREADSHEET.slice(0, a))
        parser.push(SPREADSHEET.slice(a, b))
        parser.push(SPREADSHEET.slice(b))
        parser.end()
        expect(got, `cut at ${a} and ${b}`).toEqual(whole)
      }
    }
  })
})

test('a promise from the callback pauses the parser until push(\'\') or end() is called again', async () => {
  const got: number[] = []
  const parser = new CsvParser((fields, line) => {
    got.push(line)
    if (fields[0] === 'slow') return new Promise((resolve) => setTimeout(resolve, 5))
  })
  const paused = parser.push('a\nslow\nb\nc')
  expect(got).toEqual([1, 2])
  await paused
  expect(parser.push('')).toBeUndefined()
  expect(got).toEqual([1, 2, 3])
  parser.end()
  expect(got).toEqual([1, 2, 3, 4])
})

test('address files (--file) are read as CSV: a quoted first column, a label with a comma, a BOM, CRLF', () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'nectar-csv-')), 'makers.csv')
  const a = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
  writeFileSync(file, `\uFEFFaddress,label\r\n"${a}","Dev 1, Inc."\r\n0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc,"two\r\nlines"\r\n0x12,x\r\n`)
  const error = (() => {
    try {
      collectAddresses([], file)
    } catch (e) {
      return e as {code: string; details: string[]}
    }
  })()
  expect(error).toMatchObject({code: 'INVALID_ADDRESSES', details: [expect.stringMatching(/^line 5: /)]})
  writeFileSync(file, `\uFEFFaddress,label\r\n"${a}","Dev 1, Inc."\r\n0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc,"two\r\nlines"\r\n`)
  expect(collectAddresses([], file)).toEqual([a, '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC'])
})
