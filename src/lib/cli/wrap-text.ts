// The one word wrapper: prose on stdout and stderr (notes, warnings, errors, key/value views, folded
// table cells), help text and commands to copy. Kept free of chalk and cli-table3 so that help loads
// light.
import {stripVTControlCharacters} from 'node:util'

/** Printed width: colour codes stripped, one column per code point (the tables use no wide characters). */
export function textWidth(text: string): number {
  return [...stripVTControlCharacters(text)].length
}

export interface WrapOptions {
  /**
   * Break a word wider than the line where it must, as the terminal would (default). Help leaves such
   * a word whole on its own line: a flag or a URL cut in two reads as two.
   */
  breakWords?: boolean
  /**
   * Help layout: a `left  right` row (a command and its summary) continues under `right` when that
   * column starts within the first half of the width, and an example (`$ nectar …`) is a `shell` line.
   */
  columns?: boolean
  /** The indentation of continued lines (default: the line's own, a list item's under its text). */
  hang?: string
  /**
   * Every line is a command to copy: it breaks between shell words only and goes on over lines ending
   * in ` \`, so that pasted into a shell it runs as one command.
   */
  shell?: boolean
}

/**
 * Each line of `text` broken at spaces to fit `width` (see WrapOptions for the kinds of line). A width
 * of undefined (a pipe, a file) leaves the text as it is.
 */
export function wrapText(text: string, width: number | undefined, options: WrapOptions = {}): string {
  if (width === undefined) return text
  return text
    .split('\n')
    .map((line) => wrapLine(line, width, options))
    .join('\n')
}

// A shell word: quoted parts (`'a b'`, as shellWord writes them) are not split at their spaces, for a
// ` \` inside quotes is no line continuation. Only a plain space separates: help glues a usage group
// (`[-r <value>]`) with no-break spaces.
const SHELL_WORD = /(?:[^ '"\\]|\\.|'[^']*'|"(?:[^"\\]|\\.)*")+/g

function wrapLine(line: string, width: number, {breakWords = true, columns = false, hang, shell = false}: WrapOptions): string {
  if (textWidth(line) <= width) return line
  const plain = stripVTControlCharacters(line)
  const indent = /^\s*/.exec(plain)![0]
  shell ||= columns && /^\s*\$ /.test(plain)
  // Room for the ` \` that ends a continued command line.
  if (shell) width -= 2
  const column = columns && !shell ? /^ *\S+(?: \S+)* {2,}(?=\S)/.exec(plain)?.[0].length : undefined
  let first: string // the start of the first line, before the words
  let body: string // the words
  let next: string // the start of a continued line
  if (column !== undefined && column <= width / 2) {
    // A `left  right` row keeps its gap; its continued lines start under `right`. (Colour is dropped
    // from such a row: only section headers are coloured, and they are short.)
    ;[first, body, next] = [plain.slice(0, column), plain.slice(column), ' '.repeat(column)]
  } else {
    const bullet = /^\s*[-*•] /.test(plain) ? '  ' : ''
    first = indent
    body = line.slice(line.indexOf(line.trimStart()))
    // A continued command is indented past its first word, so that it reads as one.
    next = hang ?? (shell ? indent + '    ' : indent.length + bullet.length < width / 2 ? indent + bullet : '')
  }
  const words = shell ? (body.match(SHELL_WORD) ?? []) : body.split(/ +/)
  const out: string[] = []
  let current = first
  let fresh = true // nothing but indentation on the current line yet
  for (let word of words) {
    if (!fresh && textWidth(current) + 1 + textWidth(word) <= width) {
      current += ' ' + word
      continue
    }
    if (!fresh) {
      out.push(current)
      current = next
    }
    // A word wider than the line: hard breaks (colour codes are dropped from a word broken this way).
    // Never in a command: the pieces would be other words.
    while (breakWords && !shell && textWidth(current) + textWidth(word) > width && width - textWidth(current) > 0) {
      const chars = [...stripVTControlCharacters(word)]
      const room = width - textWidth(current)
      out.push(current + chars.slice(0, room).join(''))
      current = next
      word = chars.slice(room).join('')
      if (textWidth(next) >= width) break
    }
    current += word
    fresh = false
  }
  out.push(current)
  return out.map((l) => l.trimEnd()).join(shell ? ' \\\n' : '\n')
}

/**
 * `left  right` rows (commands and their summaries, flags and their descriptions) in `width` columns:
 * the right column wrapped beside the left one, or, when the left column leaves it too little room,
 * each right text on its own lines under its left one. Words stay whole, as everywhere in help.
 */
export function renderColumns(input: ReadonlyArray<ReadonlyArray<string | undefined>>, width: number): string {
  const rows = input.map(([left, right]) => [left ?? '', right] as const)
  const leftWidth = Math.max(0, ...rows.map(([left]) => textWidth(left)))
  const rightWidth = width - leftWidth - 2
  const wrap = (text: string, w: number) => wrapText(text.trim(), w, {breakWords: false}).split('\n')
  if (rightWidth >= Math.min(40, width / 2)) {
    return rows
      .map(([left, right]) => {
        if (!right) return left.trimEnd()
        const [first, ...more] = wrap(right, rightWidth)
        return [left + ' '.repeat(leftWidth - textWidth(left) + 2) + first, ...more.map((line) => ' '.repeat(leftWidth + 2) + line)].join('\n')
      })
      .join('\n')
  }
  return rows.map(([left, right]) => [left.trim(), ...(right ? wrap(right, width - 4).map((line) => `    ${line}`) : [])].join('\n')).join('\n\n')
}
