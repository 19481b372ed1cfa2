import { randomUUID } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import {
  type PrincipalBroadcast,
  startPrincipalBroadcast,
} from '../../src/adapters/broadcast/principal-changes.js'
import { PrincipalChanges } from '../../src/adapters/sql/principal-changes.js'

/*
 * Instances on one Redis tell each other of writes that change session checks
 * (src/adapters/broadcast/principal-changes.ts), over a real Redis: what one instance changes moves
 * the others' counts (so their session caches drop what they hold), never its own twice, never an
 * instance of another deployment (prefix), and no echo goes back and forth.
 */

const redisUrl = process.env.TEST_REDIS_URL
if (!redisUrl)
  console.warn('\n*** TEST_REDIS_URL is not set: the session-change broadcast suite is SKIPPED ***\n')

const waitFor = async (what: () => boolean, ms = 2000): Promise<number> => {
  const started = performance.now()
  while (!what()) {
    if (performance.now() - started > ms) throw new Error(`not within ${ms} ms`)
    await new Promise((resolve) => setTimeout(resolve, 2))
  }
  return performance.now() - started
}

describe.skipIf(!redisUrl)('session-change broadcast over Redis', () => {
  const open: PrincipalBroadcast[] = []
  const instance = async (prefix: string) => {
    const changes = new PrincipalChanges()
    const broadcast = await startPrincipalBroadcast(redisUrl!, { changes, prefix })
    open.push(broadcast)
    return { changes, broadcast }
  }
  afterEach(async () => {
    for (const b of open.splice(0)) await b.close()
  })

  it('moves the count of every other instance of the deployment, once per change, with no echo', async () => {
    const prefix = `gatehouse-test:${randomUUID().slice(0, 8)}:`
    const [a, b, c] = [await instance(prefix), await instance(prefix), await instance(prefix)]
    const other = await instance(`gatehouse-test:${randomUUID().slice(0, 8)}:`)
    // Subscriptions are made in the background: wait until a change gets through.
    await waitFor(() => {
      a.changes.bump()
      return b.broadcast.heard > 0 && c.broadcast.heard > 0
    }, 5000)
    await new Promise((resolve) => setTimeout(resolve, 100))
    const before = [a, b, c].map((x) => ({ generation: x.changes.generation, heard: x.broadcast.heard }))

    b.changes.bump()
    const took = await waitFor(
      () => a.broadcast.heard > before[0]!.heard && c.broadcast.heard > before[2]!.heard,
    )
    expect(took).toBeLessThan(500)
    // Let any echo arrive: none may.
    await new Promise((resolve) => setTimeout(resolve, 150))
    expect(a.changes.generation).toBe(before[0]!.generation + 1)
    expect(c.changes.generation).toBe(before[2]!.generation + 1)
    expect(b.changes.generation).toBe(before[1]!.generation + 1)
    expect(b.broadcast.heard).toBe(before[1]!.heard)
    expect(other.broadcast.heard).toBe(0)
  })

  it('coalesces the changes of one turn of the event loop into one message', async () => {
    const prefix = `gatehouse-test:${randomUUID().slice(0, 8)}:`
    const [a, b] = [await instance(prefix), await instance(prefix)]
    await waitFor(() => {
      a.changes.bump()
      return b.broadcast.heard > 0
    }, 5000)
    await new Promise((resolve) => setTimeout(resolve, 100))
    const heard = b.broadcast.heard
    for (let i = 0; i < 50; i++) a.changes.bump()
    await waitFor(() => b.broadcast.heard > heard)
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(b.broadcast.heard).toBe(heard + 1)
  })

  it('starts without Redis and stays quiet: the caches keep their time limit', async () => {
    const changes = new PrincipalChanges()
    const errors: string[] = []
    const b = await startPrincipalBroadcast('redis://127.0.0.1:1', {
      changes,
      prefix: 'gatehouse-test:none:',
      onError: (e) => errors.push(e.message),
    })
    open.push(b)
    changes.bump()
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(changes.generation).toBe(1)
    expect(errors.length).toBeGreaterThan(0)
  })
})
