import { defineConfig } from 'vitest/config'

/** Timing-sensitive suites, run one file at a time after the others. */
export default defineConfig({
  test: {
    include: ['test/timing/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
  },
})
