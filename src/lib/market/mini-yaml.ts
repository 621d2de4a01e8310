// A small YAML reader for plan and spec files that remembers the line of every value, so errors can
// name the LINE. It covers the subset these files use: block mappings and sequences by indentation,
// flow [a, b] and {k: v}, quoted and plain scalars, comments. Anything else is a usage error naming
// the line. (Swap for the `yaml` package's parseDocument + LineCounter once it is a dependency.)
import {usageError} from '../cli/errors.js'

export interface YamlDocument {
  /** Line (1-based) of the value at a JSON pointer ('' = root, '/resources/ram/size'). */
  lineOf(pointer: string): number | undefined
  value: unknown
}

interface Line {
  indent: number
  no: number
  text: string
}

function stripComment(text: string): string {
  let quote: string | undefined
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quote) {
      if (c === quote) quote = undefined
    } else if (c === '"' || c === "'") quote = c
    else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]))) return text.slice(0, i)
  }
  return text
}

export function parseYaml(source: string, file = 'file'): YamlDocument {
  const lines: Line[] = []
  source.split(/\r?\n/).forEach((raw, i) => {
    if (raw.includes('\t') && /^\s*\t/.test(raw)) throw usageError('INVALID_YAML', `${file} line ${i + 1}: tabs cannot indent YAML.`, {hint: 'Indent with spaces.'})
    const text = stripComment(raw).replace(/\s+$/, '')
    if (text.trim() === '' || text.trim() === '---') return
    lines.push({indent: text.length - text.trimStart().length, no: i + 1, text: text.trim()})
  })
  const positions = new Map<string, number>()
  const fail = (no: number, message: string): never => {
    throw usageError('INVALID_YAML', `${file} line ${no}: ${message}`, {hint: 'Check the indentation and the `key: value` syntax on that line.'})
  }
  let index = 0

  const scalar = (text: string, no: number): unknown => {
    const t = text.trim()
    if (t.startsWith('"')) {
      if (!t.endsWith('"') || t.length < 2) fail(no, 'unterminated string')
      try {
        return JSON.parse(t)
      } catch {
        return fail(no, 'bad string')
      }
    }
    if (t.startsWith("'")) {
      if (!t.endsWith("'") || t.length < 2) fail(no, 'unterminated string')
      return t.slice(1, -1).replaceAll("''", "'")
    }
    if (t === '' || t === '~' || t === 'null') return null
    if (t === 'true') return true
    if (t === 'false') return false
    if (/^-?\d+$/.test(t) && Number.isSafeInteger(Number(t))) return Number(t)
    if (/^-?\d+\.\d+$/.test(t)) return Number(t)
    return t
  }

  const splitFlow = (inner: string, no: number): string[] => {
    const parts: string[] = []
    let depth = 0
    let quote: string | undefined
    let start = 0
    for (let i = 0; i < inner.length; i++) {
      const c = inner[i]
      if (quote) {
        if (c === quote) quote = undefined
      } else if (c === '"' || c === "'") quote = c
      else if (c === '[' || c === '{') depth++
      else if (c === ']' || c === '}') depth--
      else if (c === ',' && depth === 0) {
        parts.push(inner.slice(start, i))
        start = i + 1
      }
    }
    if (depth !== 0 || quote) fail(no, 'unbalanced brackets or quotes')
    if (inner.slice(start).trim() !== '') parts.push(inner.slice(start))
    return parts
  }

  const inline = (text: string, no: number, pointer: string): unknown => {
    positions.set(pointer, no)
    const t = text.trim()
    if (t.startsWith('[')) {
      if (!t.endsWith(']')) fail(no, 'unterminated [')
      return splitFlow(t.slice(1, -1), no).map((p, i) => inline(p, no, `${pointer}/${i}`))
    }
    if (t.startsWith('{')) {
      if (!t.endsWith('}')) fail(no, 'unterminated {')
      const out: Record<string, unknown> = {}
      for (const part of splitFlow(t.slice(1, -1), no)) {
        const m = /^\s*([^:]+?)\s*:\s*(.*)$/.exec(part)
        if (!m) fail(no, `expected key: value in ${JSON.stringify(part.trim())}`)
        const key = String(scalar(m![1], no))
        out[key] = inline(m![2], no, `${pointer}/${escape(key)}`)
      }
      return out
    }
    return scalar(t, no)
  }

  const block = (indent: number, pointer: string): unknown => {
    const first = lines[index]
    positions.set(pointer, first.no)
    if (first.text.startsWith('- ') || first.text === '-') {
      const out: unknown[] = []
      while (index < lines.length && lines[index].indent === indent && (lines[index].text.startsWith('- ') || lines[index].text === '-')) {
        const line = lines[index]
        const rest = line.text.slice(1).trim()
        const itemPointer = `${pointer}/${out.length}`
        index++
        if (rest === '') {
          if (index < lines.length && lines[index].indent > indent) out.push(block(lines[index].indent, itemPointer))
          else out.push(null)
        } else out.push(inline(rest, line.no, itemPointer))
      }
      return out
    }
    const out: Record<string, unknown> = {}
    while (index < lines.length && lines[index].indent === indent) {
      const line = lines[index]
      const m = /^("[^"]*"|'[^']*'|[^:"'][^:]*?)\s*:(?:\s+(.*)|)$/.exec(line.text)
      if (!m) fail(line.no, `expected "key: value", found ${JSON.stringify(line.text)}`)
      const key = String(scalar(m![1], line.no))
      if (Object.hasOwn(out, key)) fail(line.no, `the key "${key}" appears twice`)
      const childPointer = `${pointer}/${escape(key)}`
      index++
      if (m![2] !== undefined && m![2].trim() !== '') out[key] = inline(m![2], line.no, childPointer)
      else if (index < lines.length && lines[index].indent > indent) {
        out[key] = block(lines[index].indent, childPointer)
        positions.set(childPointer, line.no)
      } else {
        positions.set(childPointer, line.no)
        out[key] = null
      }
    }
    return out
  }

  if (lines.length === 0) return {lineOf: () => undefined, value: null}
  const value = block(lines[0].indent, '')
  if (index < lines.length) fail(lines[index].no, 'unexpected indentation')
  return {lineOf: (pointer) => positions.get(pointer), value}
}

const escape = (key: string) => key.replaceAll('~', '~0').replaceAll('/', '~1')
