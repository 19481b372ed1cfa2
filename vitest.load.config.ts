import { defineConfig } from 'vitest/config'
import { packageAliases } from './scripts/package-aliases.js'

/**
 * Suites that load the whole machine — several servers, floods, faults injected into their own
 * PostgreSQL, Redis and SMTP — run one file at a time after the others, so that none of them
 * measures another's load.
 */
export default defineConfig({
  resolve: { alias: packageAliases },
  test: {
    include: ['test/scale/**/*.test.ts', 'test/chaos/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
  },
})
