#!/usr/bin/env node
// `nectar --version` answers without loading oclif (~90 ms); the output is the same as oclif's.
if (process.argv.length === 3 && (process.argv[2] === '--version' || process.argv[2] === '-v')) {
  const {readFileSync} = await import('node:fs')
  const {name, version} = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  process.stdout.write(`${name}/${version} ${process.platform}-${process.arch} node-${process.version}\n`)
} else {
  // oclif's engine check loads semver (~20 ms at every start) to repeat what npm checked at install.
  process.env.OCLIF_DISABLE_ENGINE_WARNING ??= '1'
  // Always the built dist/: under NODE_ENV=test or development oclif would map the help class to its
  // TypeScript source and fail to import it (oclif's settings live on globalThis.oclif).
  globalThis.oclif = {...globalThis.oclif, enableAutoTranspile: false}
  const {execute} = await import('../dist/entry/oclif.js')
  await execute({dir: import.meta.url})
}
