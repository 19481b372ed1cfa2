import { defineConfig } from 'vitest/config'
import { packageAliases } from './scripts/package-aliases.js'

/**
 * The suites that drive Chromium (the console, passkeys, the account pages) run after the main
 * suites, one file at a time: each starts a server and a browser, and two of them solving the
 * guard's proof of work in Web Workers at once (or beside the main suites' load) measure the
 * machine instead of Gatehouse.
 */
export default defineConfig({
  resolve: { alias: packageAliases },
  test: {
    include: ['test/browser/**/*.test.ts', 'test/pages/**/*.browser.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
  },
})
