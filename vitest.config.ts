// Four tiers, each a vitest project (`vitest run --project NAME` runs one):
//   unit      test/unit      pure lib; no anvil, no global setup, no build needed (npm run test:unit)
//   chain     test/chain     lib against anvil
//   commands  test/commands  built commands run in-process (@oclif/test), against anvil
//   e2e       test/e2e       spawned bin/run.js (test/setup/cli.ts), against anvil
// The three anvil tiers name the same global setup; it starts ONE anvil for the run, however many of
// them run (see test/setup/global-setup.ts). `npm test` builds first and runs all of them, and a fifth
// project:
//   byzantium the market's chain tests, the deployless multicall, offers read through a SONM registry
//             and one market e2e again, on anvil --hardfork byzantium (a 2018-era EVM like SONM's
//             sidechain: no base fee, legacy transactions only, no PUSH0/MCOPY); its chains are its own
//             (the global setup keeps one per hardfork)
import {readdirSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {defineConfig} from 'vitest/config'

const TIERS = ['unit', 'chain', 'commands', 'e2e'] as const
const CHAIN_SETUP = ['test/setup/global-setup.ts']
/** Rerun on byzantium: what reads or writes the market, where an old EVM could break it. */
const BYZANTIUM = ['test/chain/market-*.test.ts', 'test/chain/deployless-multicall.test.ts', 'test/commands/sonm-networks.test.ts', 'test/e2e/compute-order.test.ts']

// A test file outside the tier folders would match no project and silently never run.
const root = path.dirname(fileURLToPath(import.meta.url))
const stray = readdirSync(path.join(root, 'test'), {recursive: true, withFileTypes: true})
  .filter((e) => e.isFile() && e.name.endsWith('.test.ts'))
  .map((e) => path.relative(root, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
  .filter((file) => !TIERS.some((tier) => file.startsWith(`test/${tier}/`)))
if (stray.length > 0) throw new Error(`test files outside ${TIERS.map((t) => `test/${t}/`).join(', ')} would never run: ${stray.join(', ')}`)

export default defineConfig({
  test: {
    // Required for @oclif/test's runCommand to capture stdout.
    disableConsoleIntercept: true,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [...TIERS.map((tier) => ({
      extends: true,
      test: {
        globalSetup: tier === 'unit' ? [] : CHAIN_SETUP,
        include: [`test/${tier}/**/*.test.ts`],
        // Unit files touch no process-wide state (env, cwd, exitCode, mocks), so they share a worker and
        // import viem and the lib once instead of once per file: about a third less CPU for the tier.
        isolate: tier !== 'unit',
        name: tier,
        // A spawned CLI pays node's start-up on every call; a test of a dozen calls on a busy 2-core
        // machine can pass 30 s. (Speed targets live in bench/, not in test timeouts.)
        ...(tier === 'e2e' ? {testTimeout: 60_000} : {}),
      },
    })), {
      extends: true,
      test: {globalSetup: CHAIN_SETUP, include: BYZANTIUM, name: 'byzantium', provide: {hardfork: 'byzantium'}, testTimeout: 60_000},
    }],
    reporters: ['default', './test/setup/summary-reporter.ts'],
    testTimeout: 30_000,
  },
})
