import { defineConfig } from 'vitest/config'
import { packageAliases } from './scripts/package-aliases.js'

export default defineConfig({
  resolve: { alias: packageAliases },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Browser suites run after these (vitest.browser.config.ts); timing and machine-loading suites
    // after them, one file at a time (their own configs).
    exclude: [
      'test/timing/**',
      'test/scale/**',
      'test/chaos/**',
      'test/browser/**',
      'test/pages/**/*.browser.test.ts',
      'node_modules/**',
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
  },
})
