// `npm run demo` rebuilds only when a build input is newer than the oldest build output.
import {mkdirSync, mkdtempSync, utimesSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {expect, test} from 'vitest'

import {buildState} from '../../scripts/build-state.mjs'

test('stale when an output is missing or a source is newer than the oldest output; current otherwise', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'nectar-build-state-'))
  const file = (name: string, seconds: number) => {
    mkdirSync(path.dirname(path.join(root, name)), {recursive: true})
    writeFileSync(path.join(root, name), '')
    utimesSync(path.join(root, name), seconds, seconds)
  }
  file('src/commands/balance.ts', 1000)
  file('package.json', 1000)
  expect(buildState(root)).toEqual({current: false, why: 'dist is missing'})
  file('dist/commands/balance.js', 2000)
  file('dist/chunks/viem.js', 2001)
  file('oclif.manifest.json', 2002)
  expect(buildState(root)).toEqual({current: true})
  // A source edited after the oldest output (not only after the newest) calls for a build.
  file('src/lib/core/csv.ts', 2000.5)
  expect(buildState(root)).toEqual({current: false, why: 'src changed since the last build'})
  file('dist/commands/balance.js', 3000)
  expect(buildState(root)).toEqual({current: true})
  // contracts/ is not an input (the build reads the checked-in artifacts).
  file('contracts/nectar/NEC.sol', 4000)
  expect(buildState(root)).toEqual({current: true})
  file('package.json', 4000)
  expect(buildState(root).current).toBe(false)
})
