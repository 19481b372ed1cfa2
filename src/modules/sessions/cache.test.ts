import { describe, expect, it } from 'vitest'
import { SessionCache } from './cache.js'
import type { SessionPrincipal } from './ports.js'

const T0 = Date.UTC(2026, 10, 23, 12)

const principal = (
  id: string,
  expiresAt = T0 + 3_600_000,
  idleExpiresAt = T0 + 1_800_000,
): SessionPrincipal => ({
  session: {
    id,
    accountId: 'a',
    createdAt: T0,
    lastSeenAt: T0,
    expiresAt,
    idleExpiresAt,
    ip: null,
    userAgent: null,
    restricted: false,
    revokedAt: null,
    authenticatedAt: T0,
    mfaEnrolment: false,
    amr: ['pwd'],
  },
  account: { id: 'a', username: 'ann', role: 'user', mustChangePassword: false },
})

const setUp = (ttlMs = 1000, maxEntries = 100) => {
  const changes = { generation: 0 }
  let mono = 0
  const cache = new SessionCache({ changes, ttlMs, maxEntries, monotonic: () => mono })
  return {
    cache,
    changes,
    advance: (ms: number) => {
      mono += ms
    },
  }
}

describe('SessionCache', () => {
  it('keeps a live session until its time is up', () => {
    const { cache, advance } = setUp()
    const p = principal('s1')
    cache.put('h1', p, cache.begin())
    expect(cache.get('h1', T0)).toBe(p)
    advance(999)
    expect(cache.get('h1', T0)).toBe(p)
    advance(1)
    expect(cache.get('h1', T0)).toBeNull()
    expect(cache.size).toBe(0)
  })

  it('forgets everything once a change is written, and keeps nothing looked up while one was', () => {
    const { cache, changes } = setUp()
    cache.put('h1', principal('s1'), cache.begin())
    changes.generation++
    expect(cache.get('h1', T0)).toBeNull()

    const mark = cache.begin()
    changes.generation++ // a revocation lands while the lookup runs
    cache.put('h2', principal('s2'), mark)
    expect(cache.get('h2', T0)).toBeNull()
  })

  it('never answers past the session’s own expiry, idle or absolute', () => {
    const { cache } = setUp()
    cache.put('idle', principal('s1', T0 + 10_000, T0 + 500), cache.begin())
    cache.put('abs', principal('s2', T0 + 500, T0 + 10_000), cache.begin())
    expect(cache.get('idle', T0 + 499)).not.toBeNull()
    expect(cache.get('idle', T0 + 500)).toBeNull()
    expect(cache.get('abs', T0 + 500)).toBeNull()
  })

  it('keeps no unknown token, nothing when switched off, and at most maxEntries', () => {
    const { cache } = setUp(1000, 2)
    cache.put('h0', principal('s0'), cache.begin())
    cache.put('h0', null, cache.begin())
    expect(cache.get('h0', T0)).toBeNull()
    cache.put('h1', principal('s1'), cache.begin())
    cache.put('h2', principal('s2'), cache.begin())
    cache.put('h3', principal('s3'), cache.begin())
    expect(cache.size).toBe(2)
    expect(cache.get('h1', T0)).toBeNull()
    expect(cache.get('h3', T0)?.session.id).toBe('s3')

    const off = setUp(0).cache
    off.put('h1', principal('s1'), off.begin())
    expect(off.get('h1', T0)).toBeNull()
  })
})
