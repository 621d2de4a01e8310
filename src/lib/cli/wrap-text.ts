// Word wrapping for help text: lines break between words only, never inside one, and a continued line
// keeps its indent (or the second column's, for "name  description" rows), so help reads at 80 columns.
import {stripVTControlCharacters} from 'node:util'

const visible = (text: string) => stripVTControlCharacters(text).length

/**
 * Wraps each line of `text` to `width` columns at spaces. A continued line is indented like the
 * line's start; with `columns`, like the second column of a `left  right` row when that column starts
 * within the first half of the width. A single word wider than the width stays whole on its own line.
 */
export function wrapText(text: string, width: number, {columns = false}: {columns?: boolean} = {}): string {
  return text
    .split('\n')
    .map((line) => wrapLine(line, width, columns))
    .join('\n')
}

function wrapLine(line: string, width: number, columns: boolean): string {
  if (visible(line) <= width) return line
  const plain = stripVTControlCharacters(line)
  const lead = /^ */.exec(plain)![0].length
  // An example command (`$ nectar …`) goes on over lines ending in ` \`, as a shell reads it.
  const shell = columns && /^ *\$ /.test(plain)
  if (shell) width -= 2
  const column = columns && !shell ? /^ *\S+(?: \S+)* {2,}(?=\S)/.exec(plain)?.[0].length : undefined
  // A `left  right` row keeps its gap; its continued lines start under `right`. (Colour is dropped from
  // such a row: only section headers are coloured, and they are short.)
  const [first, rest, hang] =
    column !== undefined && column <= width / 2 ? [plain.slice(0, column), plain.slice(column), column] : [' '.repeat(lead), line.slice(lead), shell ? lead + 4 : lead]
  const out: string[] = []
  let current = first
  let currentWidth = visible(first)
  let empty = true
  for (const word of rest.split(/ +/)) {
    const size = visible(word)
    if (!empty && currentWidth + 1 + size > width) {
      out.push(current)
      current = ' '.repeat(hang) + word
      currentWidth = hang + size
    } else {
      current += (empty ? '' : ' ') + word
      currentWidth += (empty ? 0 : 1) + size
    }
    empty = false
  }
  out.push(current)
  return out.join(shell ? ' \\\n' : '\n')
}

/**
 * `left  right` rows (commands and their summaries, flags and their descriptions) in `width` columns:
 * the right column wrapped beside the left one, or, when the left column leaves it too little room,
 * each right text on its own lines under its left one.
 */
export function renderColumns(input: ReadonlyArray<ReadonlyArray<string | undefined>>, width: number): string {
  const rows = input.map(([left, right]) => [left ?? '', right] as const)
  const leftWidth = Math.max(0, ...rows.map(([left]) => visible(left)))
  const rightWidth = width - leftWidth - 2
  if (rightWidth >= Math.min(40, width / 2)) {
    return rows
      .map(([left, right]) => {
        if (!right) return left.trimEnd()
        const [first, ...more] = wrapText(right.trim(), rightWidth).split('\n')
        return [left + ' '.repeat(leftWidth - visible(left) + 2) + first, ...more.map((line) => ' '.repeat(leftWidth + 2) + line)].join('\n')
      })
      .join('\n')
  }
  return rows
    .map(([left, right]) => [left.trim(), ...(right ? wrapText(right.trim(), width - 4).split('\n').map((line) => `    ${line}`) : [])].join('\n'))
    .join('\n\n')
}
