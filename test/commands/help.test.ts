// Every command's and every topic's help, rendered by the BUILT help class in this process: at 80 columns no line is longer, and no word is cut (each word also appears in the
// same help laid out at 250 columns). The pty test (test/e2e/conventions.test.ts) looks at a few of
// them in a real terminal.
import path from 'node:path'

import {Config, type Help} from '@oclif/core'
import {captureOutput} from '@oclif/test'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {root} from '../setup/run-json.js'

let config: Config
let NectarHelp: typeof Help
const columns = process.env.COLUMNS

beforeAll(async () => {
  config = await Config.load(root)
  NectarHelp = (await import(path.join(root, 'dist/entry/help.js'))).default
})
afterAll(() => {
  if (columns === undefined) delete process.env.COLUMNS
  else process.env.COLUMNS = columns
})

async function render(words: string[], width: number): Promise<string> {
  process.env.COLUMNS = String(width)
  // A fresh config each time: oclif's help renames the topics it lists (`:` to spaces) in place.
  const fresh = await Config.load(root)
  const {error, stdout} = await captureOutput(() => new NectarHelp(fresh).showHelp(words))
  if (error) throw error
  return stdout
}

const wordsOf = (text: string) => new Set(text.split(/[\s\\]+/).filter(Boolean))

describe('help of every command and topic', () => {
  it('fits 80 columns without cutting a word', async () => {
    const subjects = [[], ...config.commandIDs.map((id) => id.split(':')), ...config.topics.map((t) => t.name.split(':'))]
    expect(subjects.length).toBeGreaterThan(100)
    const problems: string[] = []
    for (const words of subjects) {
      const narrow = await render(words, 80)
      const wide = wordsOf(await render(words, 250))
      const long = narrow.split('\n').filter((line) => line.length > 80)
      const cut = [...wordsOf(narrow)].filter((word) => !wide.has(word))
      if (long.length > 0) problems.push(`${words.join(' ') || '(root)'}: ${long.length} lines over 80, e.g. ${JSON.stringify(long[0])}`)
      if (cut.length > 0) problems.push(`${words.join(' ') || '(root)'}: words cut: ${cut.slice(0, 3).join(', ')}`)
    }
    expect(problems).toEqual([])
  })
})
