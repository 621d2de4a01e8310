// Whether the build (dist/ and oclif.manifest.json) is older than what it is built from, by make's rule:
// current when its oldest output is newer than its newest input. `npm run demo` rebuilds only then.
// contracts/ is not an input: the build reads the artifacts checked in under src/lib/contracts/generated
// (npm run compile:contracts writes them), so a changed .sol alone changes nothing in dist/.
import {existsSync, readdirSync, statSync} from 'node:fs'
import path from 'node:path'

const INPUTS = ['src', 'schemas', 'package.json', 'tsconfig.json', 'scripts/build.mjs', 'scripts/gen-validators.mjs', 'scripts/sort-manifest.mjs']
const OUTPUTS = ['dist', 'oclif.manifest.json']

/** [newest, oldest] mtime (ms) of the files under `target`, a file or a directory; undefined when there are none. */
function mtimes(target) {
  if (!existsSync(target)) return undefined
  const stat = statSync(target)
  if (!stat.isDirectory()) return [stat.mtimeMs, stat.mtimeMs]
  let range
  for (const name of readdirSync(target)) {
    const inner = mtimes(path.join(target, name))
    if (inner) range = range ? [Math.max(range[0], inner[0]), Math.min(range[1], inner[1])] : inner
  }
  return range
}

/**
 * {current: true} when every output exists and is newer than every input; else {current: false, why}
 * (what a person is told before the rebuild).
 */
export function buildState(root) {
  let oldestOutput = Infinity
  for (const output of OUTPUTS) {
    const range = mtimes(path.join(root, output))
    if (!range) return {current: false, why: `${output} is missing`}
    oldestOutput = Math.min(oldestOutput, range[1])
  }
  for (const input of INPUTS) {
    const range = mtimes(path.join(root, input))
    if (range && range[0] > oldestOutput) return {current: false, why: `${input} changed since the last build`}
  }
  return {current: true}
}
