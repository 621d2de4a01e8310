// Bundles every command with esbuild (code splitting, tree-shaken viem), so a command loads only the
// code it uses: importing all of viem costs ~210 ms at start-up, the parts a command needs a fraction.
// Type checking is `tsc --noEmit` (npm run build runs both). src/entry holds non-command entry points
// (none yet).
import {build} from 'esbuild'
import {existsSync, readdirSync, rmSync, statSync} from 'node:fs'
import path from 'node:path'

const walk = (dir) => (existsSync(dir) ? readdirSync(dir) : []).flatMap((name) => {
  const full = path.join(dir, name)
  return statSync(full).isDirectory() ? walk(full) : /\.ts$/.test(name) && !name.endsWith('.d.ts') ? [full] : []
})

rmSync('dist', {force: true, recursive: true})
const entryPoints = [...walk('src/commands'), ...walk('src/hooks'), ...walk('src/entry')]
await build({
  banner: {js: "import {createRequire as __nectarCreateRequire} from 'node:module'; const require = __nectarCreateRequire(import.meta.url);"},
  bundle: true,
  chunkNames: 'chunks/[name]-[hash]',
  entryPoints,
  // dockerode (container executor) pulls native optional modules (ssh2, cpu-features): loaded from node_modules.
  external: ['typescript', 'ts-node', '@inquirer/prompts', 'solc', 'dockerode'],
  format: 'esm',
  logLevel: 'warning',
  outbase: 'src',
  outdir: 'dist',
  platform: 'node',
  splitting: true,
  target: 'node20',
})
console.log(`bundled ${entryPoints.length} entry points into dist/`)
