import {defineConfig} from 'vitest/config'

export default defineConfig({
  test: {
    // Required for @oclif/test's runCommand to capture stdout.
    disableConsoleIntercept: true,
    globalSetup: ['test/setup/global-setup.ts'],
    hookTimeout: 60_000,
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    reporters: ['default', './test/setup/summary-reporter.ts'],
    testTimeout: 30_000,
  },
})
