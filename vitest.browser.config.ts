import { defineConfig } from 'vitest/config'

/**
 * The suites that drive Chromium (the console, passkeys, the account pages) run after the main
 * suites, two files at a time: each starts a server and a browser, and beside the main suites'
 * load they would slow both down enough to measure the machine instead of Gatehouse.
 */
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts', 'test/pages/**/*.browser.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
})
