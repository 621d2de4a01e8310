// `npm run demo`: starts the embedded devnet if it is not running, then tours what nectar does by
// running real commands and printing their real output. Steps live in scripts/demo/*.mjs, in name order.
import {spawnSync} from 'node:child_process'
import {readdirSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

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
const only = process.argv.slice(2)
const files = readdirSync(path.join(root, 'scripts', 'demo')).filter((f) => f.endsWith('.mjs') && (only.length === 0 || only.some((p) => f.startsWith(p)))).sort()
// Steps are {note|title, argv, expectExit?} and may carry `run: async (ctx) => …`, a hook run before
// argv (for what spans steps: a background agent, ids read from earlier output).
const context = {bin, env, json, root}
run(['devnet', 'up'])
// A devnet left running by an older nectar has other contracts: the tour needs this build's.
if (json(['devnet', 'status']).outdated) run(['devnet', 'reset'])
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
