// Reading YAML (and so JSON) input files with the line of every value, so that a schema error can
// name the field AND the line: the ask plan and the job spec both go through here.

import {readInputFile} from './files.js'
import {isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument} from 'yaml'

import {type ErrorCode, nectarError} from './errors.js'

export interface YamlFile {
  data: unknown
  /** Line (1-based) of the value at a JSON pointer ('' = the document); a missing value gives its nearest parent's line. */
  lineOf(pointer: string): number
}

/** Parses YAML text; a syntax error is a usage error `<file> line N: …` with `code`. */
export function parseYamlText(text: string, file: string, code: ErrorCode = 'INVALID_YAML'): YamlFile {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, {lineCounter, prettyErrors: false, uniqueKeys: true})
  const problem = doc.errors[0]
  if (problem) {
    const line = lineCounter.linePos(problem.pos[0]).line
    throw nectarError(code, `${file} line ${line}: ${firstLine(problem.message)}.`, {hint: 'Check the indentation and the `key: value` syntax on that line (indent with spaces, not tabs).'})
  }
  const lineAt = (offset: number) => lineCounter.linePos(offset).line
  let data: unknown
  try {
    data = doc.toJS({maxAliasCount: 100})
  } catch (error) {
    // yaml refuses alias bombs ("billion laughs") here, after parsing.
    throw nectarError(code, `${file}: ${firstLine((error as Error).message)}.`, {hint: 'Write the values out instead of expanding aliases (*name) many times over.'})
  }
  return {
    data,
    lineOf(pointer: string): number {
      let node: unknown = doc.contents
      let line = node && (node as Node).range ? lineAt((node as Node).range![0]) : 1
      for (const raw of pointer.split('/').slice(1)) {
        const key = raw.replaceAll('~1', '/').replaceAll('~0', '~')
        if (isMap(node)) {
          const pair = node.items.find((p) => isPair(p) && String(isScalar(p.key) ? p.key.value : p.key) === key)
          if (!pair) break
          // The key's line: for `ram:` followed by a nested block, that is where the field is named.
          const keyNode = pair.key as Node | null
          if (keyNode?.range) line = lineAt(keyNode.range[0])
          node = pair.value
          if (isScalar(node) && node.range) line = lineAt(node.range[0])
        } else if (isSeq(node)) {
          const item = node.items[Number(key)] as Node | undefined
          if (!item) break
          if (item.range) line = lineAt(item.range[0])
          node = item
        } else break
      }
      return line
    },
  }
}

/** Reads and parses a YAML (or JSON) file; an unreadable file is a usage error with `hint`. */
export function readYamlFile(file: string, {code, hint, unreadableCode}: {code: ErrorCode; hint: string; unreadableCode: ErrorCode}): YamlFile {
  const text = readInputFile(file, {code: unreadableCode, hint, maxBytes: 16 << 20})
  return parseYamlText(text, file, code)
}

const firstLine = (message: string) => message.split('\n')[0].replace(/\s*at line \d+, column \d+:?$/, '').replace(/\.$/, '')
