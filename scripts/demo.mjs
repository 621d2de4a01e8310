// `npm run demo`: starts the embedded devnet if it is not running, then tours what nectar does by
// running real commands and printing their real output. Steps live in scripts/demo/*.mjs, in name order.
//
//   npm run demo [-- --port N] [-- --rebuild] [-- 40 50]
//
// It builds first only when a source is newer than the build (scripts/build-state.mjs), quietly: the
// build's output is shown only when it fails.
import {spawnSync} from 'node:child_process'
import {readdirSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'

import {buildState} from './build-state.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const bin = path.join(root, 'bin', 'run.js')
const bold = (s) => (process.stdout.isTTY && !process.env.NO_COLOR ? `\u001B[1m${s}\u001B[22m` : s)
const dim = (s) => (process.stdout.isTTY && !process.env.NO_COLOR ? `\u001B[2m${s}\u001B[22m` : s)

// The demo is a guest on the user's machine: it never signs with anything but the devnet's public dev keys.
const env = {...process.env, ETH_RPC_URL: '', NECTAR_ACCOUNT: '', NECTAR_NETWORK: 'devnet', NECTAR_PRIVATE_KEY: '', NECTAR_RPC_URL: ''}

function run(argv, {expectExit, expectFailure = expectExit !== undefined} = {}) {
  console.log(`\n${dim('$')} ${bold(['nectar', ...argv].join(' '))}`)
  const result = spawnSync(process.execPath, [bin, ...argv], {env, stdio: 'inherit'})
  const failed = result.status !== 0
  if (failed !== expectFailure || (expectExit !== undefined && result.status !== expectExit)) {
    console.error(`\nDemo step failed: nectar ${argv.join(' ')} exited ${result.status}${expectFailure ? ' (a failure was expected)' : ''}.`)
    process.exit(result.status || 1)
  }
  if (expectFailure) console.log(dim(`(exit ${result.status}, as expected: nothing was sent)`))
}

/** For `run` hooks: a command's --json data, quietly (a failure stops the demo). */
function json(argv) {
  const result = spawnSync(process.execPath, [bin, ...argv, '--json'], {encoding: 'utf8', env})
  if (result.status !== 0) {
    console.error(`\nDemo step failed: nectar ${argv.join(' ')} exited ${result.status}.\n${result.stdout}${result.stderr}`)
    process.exit(result.status || 1)
  }
  return JSON.parse(result.stdout).data
}

// `npm run demo -- 40 50` runs only the step files whose names start with those prefixes.
let options
try {
  options = parseArgs({allowPositionals: true, options: {port: {type: 'string'}, rebuild: {type: 'boolean'}}})
} catch (error) {
  console.error(`${error.message}\nUsage: npm run demo [-- --port N] [--rebuild] [STEP-PREFIX...]`)
  process.exit(2)
}
const only = options.positionals
const port = options.values.port
if (port !== undefined && !(/^\d+$/.test(port) && Number(port) >= 1 && Number(port) <= 65_535)) {
  console.error(`--port ${port}: give a port number from 1 to 65535.`)
  process.exit(2)
}

const state = options.values.rebuild ? {current: false, why: '--rebuild'} : buildState(root)
if (!state.current) {
  const started = performance.now()
  process.stdout.write(dim(`Building nectar (${state.why})… `))
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
  const build = spawnSync(npm, ['run', 'build', '--silent'], {cwd: root, encoding: 'utf8', maxBuffer: 1 << 26})
  if (build.status !== 0) {
    console.log('failed.')
    process.stderr.write(`${build.stdout}${build.stderr}${build.error ? `${build.error.message}\n` : ''}`)
    console.error(`\nThe build failed (exit ${build.status ?? build.signal}); the demo needs it. Fix the errors above and run it again.`)
    process.exit(build.status || 1)
  }
  console.log(dim(`done in ${((performance.now() - started) / 1000).toFixed(1)} s.`))
}
const files = readdirSync(path.join(root, 'scripts', 'demo')).filter((f) => f.endsWith('.mjs') && (only.length === 0 || only.some((p) => f.startsWith(p)))).sort()
// Steps are {note|title, argv, expectExit?} and may carry `run: async (ctx) => …`, a hook run before
// argv (for what spans steps: a background agent, ids read from earlier output).
const context = {bin, env, json, root}
// The devnet keeps its port between runs; --port moves it (state is kept), for a machine where 8545 is taken.
const portArgs = port === undefined ? [] : ['--port', port]
const before = json(['devnet', 'status'])
if (before.running && port !== undefined && before.port !== Number(port)) {
  console.log(dim(`\nThe devnet runs on port ${before.port}; moving it to ${port} (its state is kept).`))
  run(['devnet', 'down'])
}
run(['devnet', 'up', ...portArgs])
// A devnet left running by an older nectar has other contracts: the tour needs this build's.
if (json(['devnet', 'status']).outdated) run(['devnet', 'reset', ...portArgs])
for (const file of files) {
  const {default: steps, title} = await import(path.join(root, 'scripts', 'demo', file))
  console.log(`\n${bold(`== ${title ?? file} ==`)}`)
  for (const step of typeof steps === 'function' ? await steps(context) : steps) {
    const note = step.note ?? step.title
    if (note) console.log(`\n${dim('# ' + note)}`)
    if (step.run) await step.run(context)
    if (step.argv) run(typeof step.argv === 'function' ? await step.argv(context) : step.argv, step)
  }
}
console.log(`\n${bold('Done.')} The devnet keeps running; stop it with \`nectar devnet down\` (state is kept), or \`nectar devnet reset\` for a fresh one.`)
