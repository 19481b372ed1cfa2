import { randomUUID } from 'node:crypto'
import { createMemoryLimiterStore } from '../../src/adapters/limits/memory.js'
import { createRedisLimiterStore } from '../../src/adapters/limits/redis.js'
import type { LimiterStore } from '../../src/modules/guard/ports.js'
import { type DatabaseKind, databaseKinds } from '../helpers/databases.js'

export interface GuardSetup {
  name: string
  kind: DatabaseKind
  /** A fresh limiter store (Redis ones under a prefix of their own, so runs never share counts). */
  limiter: () => Promise<LimiterStore>
  redis: boolean
}

const redisUrl = process.env.TEST_REDIS_URL

/** SQLite with the in-memory limiter store, and PostgreSQL with Redis when both are configured. */
export const guardSetups = (): GuardSetup[] => {
  const setups: GuardSetup[] = [
    {
      name: 'SQLite + memory',
      kind: 'sqlite',
      redis: false,
      limiter: async () => createMemoryLimiterStore(),
    },
  ]
  if (databaseKinds().includes('postgres')) {
    if (redisUrl) {
      setups.push({
        name: 'PostgreSQL + Redis',
        kind: 'postgres',
        redis: true,
        limiter: () =>
          createRedisLimiterStore(redisUrl, {
            keyPrefix: `gatehouse-test:${randomUUID().slice(0, 8)}:`,
            onFallback: (e) => {
              throw new Error(`the Redis limiter store fell back to memory: ${e.message}`)
            },
          }),
      })
    } else {
      console.warn(
        '\n*** TEST_REDIS_URL is not set: the guard suites on PostgreSQL + Redis are SKIPPED ***\n',
      )
    }
  }
  return setups
}
