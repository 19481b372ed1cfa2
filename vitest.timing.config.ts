import { defineConfig } from 'vitest/config'
import { packageAliases } from './scripts/package-aliases.js'

/** Timing-sensitive suites, run one file at a time after the others. */
export default defineConfig({
  resolve: { alias: packageAliases },
  test: {
    include: ['test/timing/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
  },
})
