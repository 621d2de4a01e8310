// Bundles every command with esbuild (code splitting, tree-shaken viem), so a command loads only the
// code it uses: importing all of viem costs ~210 ms at start-up, the parts a command needs a fraction.
// Type checking is `tsc --noEmit` (npm run build runs both). src/entry holds non-command entry points
// (none yet).
import {build} from 'esbuild'
import {existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import path from 'node:path'

const walk = (dir) => (existsSync(dir) ? readdirSync(dir) : []).flatMap((name) => {
  const full = path.join(dir, name)
  return statSync(full).isDirectory() ? walk(full) : /\.ts$/.test(name) && !name.endsWith('.d.ts') ? [full] : []
})

// What the bundled oclif needs only off our path, replaced by small stand-ins: every command parses the
// oclif chunk at start-up, so these ~270 KB cost ~10 ms each run. tinyglobby finds commands when there is
// no manifest (the build always writes one); minimatch matches plugin patterns (we have no plugins);
// semver checks the Node version (bin/run.js turns that check off); cli-spinners feeds ux.action, which we
// do not use (our spinner is src/lib/cli/spinner.ts).
const OCLIF_STAND_INS = {
  'cli-spinners': 'module.exports = {dots2: {frames: ["-", "\\\\", "|", "/"], interval: 80}, line: {frames: ["-", "\\\\", "|", "/"], interval: 130}}',
  minimatch: 'exports.minimatch = (name, pattern) => name === pattern',
  semver: 'exports.satisfies = () => true',
  tinyglobby: 'exports.glob = async () => { throw new Error("nectar finds its commands in oclif.manifest.json: run npm run build") }',
}
const slimOclif = {
  name: 'slim-oclif',
  setup(b) {
    const names = new RegExp(`^(${Object.keys(OCLIF_STAND_INS).join('|')})$`)
    b.onResolve({filter: names}, (args) => (args.importer.includes('/@oclif/core/') ? {namespace: 'oclif-stand-in', path: args.path} : undefined))
    b.onLoad({filter: /.*/, namespace: 'oclif-stand-in'}, (args) => ({contents: OCLIF_STAND_INS[args.path], loader: 'js'}))
    // oclif sorts the manifest's commands with localeCompare, whose first call sets up ICU collation (~8 ms);
    // the manifest is already sorted by id (scripts/sort-manifest.mjs), and plain order keeps it.
    b.onLoad({filter: /@oclif\/core\/lib\/config\/plugin\.js$/}, (args) => {
      const text = readFileSync(args.path, 'utf8')
      const sorted = text.replace('.sort((a, b) => a.id.localeCompare(b.id))', '.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))')
      if (sorted === text) throw new Error('slim-oclif: the command sort in @oclif/core config/plugin.js changed; update scripts/build.mjs')
      return {contents: sorted, loader: 'js'}
    })
  },
}

rmSync('dist', {force: true, recursive: true})
const entryPoints = [...walk('src/commands'), ...walk('src/hooks'), ...walk('src/entry')]
const result = await build({
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
  plugins: [slimOclif],
  splitting: true,
  target: 'node20',
  metafile: Boolean(process.env.NECTAR_BUILD_META),
})
// NECTAR_BUILD_META=FILE writes esbuild's metafile (which inputs went into which chunk) for start-up work.
if (result.metafile) writeFileSync(process.env.NECTAR_BUILD_META, JSON.stringify(result.metafile))
console.log(`bundled ${entryPoints.length} entry points into dist/`)
