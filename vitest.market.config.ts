import {defineConfig} from 'vitest/config'

// The market's tests with their own anvil (test/setup/market-global-setup.ts). Merged into the main
// vitest.config.ts when the branch lands.
export default defineConfig({
  test: {
    fileParallelism: false,
    globalSetup: ['test/setup/market-global-setup.ts'],
    include: ['test/**/market-*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
})
