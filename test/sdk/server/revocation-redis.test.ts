import { createVerifier, type Verifier } from '@gatehouse/server'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { databaseKinds } from '../../helpers/databases.js'
import { eventually, type Gatehouse, RESOURCE, redisUrl, startGatehouse } from './gatehouse.js'

/*
 * Gatehouse and an API server sharing one Redis: a logout, a revoked access token and a withdrawn
 * application reach the API's cache through Gatehouse's change channel, long before the cache's own
 * time limit (60 s here) — and issuing tokens or signing in does not flush it.
 */

if (!redisUrl)
  console.warn(
    "\n*** TEST_REDIS_URL is not set: the server package's revocation-over-Redis suite is SKIPPED " +
      '(set it, e.g. redis://127.0.0.1:6379, to run it) ***\n',
  )

const refused = async (p: Promise<unknown>) =>
  p.then(
    () => false,
    () => true,
  )

describe.skipIf(!redisUrl).each(databaseKinds())('@gatehouse/server revocations over Redis (%s)', (kind) => {
  let g: Gatehouse
  let byUrl: Verifier
  let byClient: Verifier
  let client: Redis
  beforeAll(async () => {
    g = await startGatehouse(kind)
    const common = {
      issuer: g.origin,
      audience: RESOURCE,
      introspection: g.introspection,
      cache: { ttlSeconds: 60 },
    }
    byUrl = createVerifier({ ...common, redis: { url: redisUrl!, prefix: g.redisPrefix } })
    client = new Redis(redisUrl!)
    byClient = createVerifier({ ...common, redis: { client, prefix: g.redisPrefix } })
    // The provider is built on its first use: not inside a measured window.
    await g.opaqueToken()
    expect(await byUrl.subscribed).toBe(true)
    expect(await byClient.subscribed).toBe(true)
  })
  afterAll(async () => {
    await byUrl?.close()
    await byClient?.close()
    client?.disconnect()
    await g?.close()
  })

  it('forgets a session at once when it is logged out', async () => {
    const { token } = await g.session()
    const other = await g.session()
    for (const v of [byUrl, byClient]) await v.verify(token)
    await g.logout(token)
    for (const v of [byUrl, byClient])
      expect(await eventually(() => refused(v.verify(token)), 1000)).toBeLessThan(1000)
    expect((await byUrl.verify(other.token)).kind).toBe('session')
  })

  it('forgets an opaque access token at once when it is revoked (RFC 7009) or its grant is withdrawn', async () => {
    const t = await g.opaqueToken()
    const u = await g.opaqueToken()
    for (const v of [byUrl, byClient]) {
      await v.verify(t.access)
      await v.verify(u.access)
    }
    await g.revoke(t.access)
    for (const v of [byUrl, byClient])
      expect(await eventually(() => refused(v.verify(t.access)), 1000)).toBeLessThan(1000)
    expect((await byUrl.verify(u.access)).kind).toBe('access_token')

    // The account withdraws the application's access (its grant and every token of it go).
    const account = (await byUrl.verify(u.access)).accountId!
    const ctx = { ip: null, userAgent: 'test', clientVersion: null, requestId: 'sdk-test' }
    expect(await g.s.app.oidc.grants.revokeAccount(account, 'user_revoked', ctx)).toBeGreaterThan(0)
    for (const v of [byUrl, byClient])
      expect(await eventually(() => refused(v.verify(u.access)), 1000)).toBeLessThan(1000)
  })

  it('keeps what it holds while tokens are issued and accounts sign in', async () => {
    const { token } = await g.session()
    const first = await byUrl.verify(token)
    await g.opaqueToken()
    await g.jwtToken()
    await g.session()
    // Nothing was revoked: the very same cached answer.
    expect(await byUrl.verify(token)).toBe(first)
  })
})
