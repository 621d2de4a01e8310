// The layers of src/lib (drawn in the README's development section): a folder imports only folders of
// a lower layer, so the folder graph stays acyclic and core stays free of everything else.
import {readdirSync, readFileSync} from 'node:fs'
import path from 'node:path'

import {describe, expect, it} from 'vitest'

const LIB = path.resolve('src/lib')

export const LAYERS: Record<string, number> = {
  cli: 4,
  config: 1,
  chain: 1,
  contracts: 0,
  core: 0,
  devnet: 3,
  market: 2,
  nectar: 2,
  provider: 3,
  wallet: 2,
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(full)
    return /\.(ts|js)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : []
  })
}

/** Every import of another src/lib folder, as [from folder, to folder, file]. */
function folderImports(): Array<[string, string, string]> {
  const edges: Array<[string, string, string]> = []
  for (const file of sourceFiles(LIB)) {
    const from = path.relative(LIB, file).split(path.sep)[0]
    const text = readFileSync(file, 'utf8')
    for (const match of text.matchAll(/(?:from|import\()\s*'(\.{1,2}\/[^']+)'/g)) {
      const target = path.relative(LIB, path.resolve(path.dirname(file), match[1])).split(path.sep)[0]
      if (target !== from && !target.startsWith('..')) edges.push([from, target, path.relative(LIB, file)])
    }
  }
  return edges
}

describe('src/lib layers', () => {
  it('gives every folder a layer', () => {
    const folders = readdirSync(LIB, {withFileTypes: true}).filter((e) => e.isDirectory()).map((e) => e.name)
    expect(folders.filter((f) => !(f in LAYERS))).toEqual([])
  })

  it('imports only downwards', () => {
    const upward = folderImports()
      .filter(([from, to]) => LAYERS[to] >= LAYERS[from])
      .map(([from, to, file]) => `${file}: ${from} (layer ${LAYERS[from]}) imports ${to} (layer ${LAYERS[to]})`)
    expect(upward).toEqual([])
  })

  it('keeps oclif inside lib/cli', () => {
    const offenders = sourceFiles(LIB)
      .filter((file) => !file.startsWith(path.join(LIB, 'cli')))
      .filter((file) => /from '@oclif\/core'/.test(readFileSync(file, 'utf8')))
    expect(offenders).toEqual([])
  })
})
