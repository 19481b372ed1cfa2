import { createVerifier, GatehouseAuthError, type Principal, type Verifier } from '@gatehouse/server'
import { decodeProtectedHeader, importJWK, type JWK, SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { databaseKinds } from '../../helpers/databases.js'
import { claimsOf, refresh } from '../../helpers/oidc.js'
import { eventually, type Gatehouse, RESOURCE, startGatehouse } from './gatehouse.js'

/*
 * The server package's verifier against a listening Gatehouse: session checks, JWT access tokens
 * checked locally (keys rotated, forgeries refused), opaque tokens by introspection, and a cache
 * whose answers a revocation ends within its time limit.
 */

/** The refusal a promise ends with. */
const refusal = async (p: Promise<unknown>): Promise<GatehouseAuthError> => {
  try {
    await p
  } catch (err) {
    if (err instanceof GatehouseAuthError) return err
    throw err
  }
  throw new Error('expected a refusal')
}

describe.each(databaseKinds())('@gatehouse/server verifier against Gatehouse (%s)', (kind) => {
  let g: Gatehouse
  let verifier: Verifier
  const open: Verifier[] = []
  const make = (over: Parameters<typeof createVerifier>[0] extends infer O ? Partial<O> : never = {}) => {
    const v = createVerifier({
      issuer: g.origin,
      audience: RESOURCE,
      introspection: g.introspection,
      jwksCooldownSeconds: 0,
      ...over,
    })
    open.push(v)
    return v
  }
  beforeAll(async () => {
    g = await startGatehouse(kind)
    verifier = make()
  })
  afterAll(async () => {
    for (const v of open) await v.close()
    await g?.close()
  })

  it('checks a session token, as a bearer token and as the gh_session cookie', async () => {
    const { user, token } = await g.session()
    const p = await verifier.verify(token)
    expect(p).toMatchObject({
      kind: 'session',
      username: user.username,
      roles: ['user'],
      amr: ['pwd'],
      scopes: [],
    })
    expect(p.subject).toBe(p.accountId)
    expect(p.sessionId).toEqual(expect.any(String))
    expect(p.expiresAt).toBeGreaterThan(Date.now())
    expect(Math.abs((p.authenticatedAt ?? 0) - Date.now())).toBeLessThan(60_000)
    expect(Object.isFrozen(p) && Object.isFrozen(p.roles)).toBe(true)

    const bearer = new Request('http://api.test/me', { headers: { authorization: `Bearer ${token}` } })
    expect((await verifier.authenticate(bearer)).accountId).toBe(p.accountId)
    const cookie = new Request('http://api.test/me', { headers: { cookie: `a=b; gh_session=${token}` } })
    expect((await verifier.authenticate(cookie)).sessionId).toBe(p.sessionId)
    // A cross-site form post cannot ride on the cookie; a bearer token needs no such proof.
    const forged = new Request('http://api.test/me', {
      method: 'POST',
      headers: {
        cookie: `gh_session=${token}`,
        origin: 'https://evil.example',
        'sec-fetch-site': 'cross-site',
      },
    })
    expect((await refusal(verifier.authenticate(forged))).status).toBe(403)

    const none = await refusal(verifier.authenticate(new Request('http://api.test/me')))
    expect([none.status, none.headers['www-authenticate']]).toEqual([401, 'Bearer'])
    const wrong = await refusal(verifier.verify('x'.repeat(43)))
    expect(wrong.status).toBe(401)
    expect(wrong.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/)
    expect(wrong.problem).toMatchObject({ status: 401, code: 'invalid_token' })
  })

  it('checks a JWT access token locally: audience, issuer, type, roles, amr, acr and auth_time', async () => {
    const token = await g.jwtToken()
    expect(decodeProtectedHeader(token).typ).toBe('at+jwt')
    const p = await verifier.verify(token)
    expect(p).toMatchObject({ kind: 'access_token', roles: ['user'], amr: ['pwd'], clientId: g.jwtApp.id })
    expect(p.scopes).toEqual(expect.arrayContaining(['openid', 'profile']))
    expect(p.acr).toBe('urn:gatehouse:acr:pwd')
    expect(p.authenticatedAt).toBeGreaterThan(Date.now() - 60_000)
    expect(p.accountId).toBe(claimsOf(token).sub)
    // A token for this API is refused by an API with another audience, and where no audience is set.
    expect((await refusal(make({ audience: 'https://other.example.test' }).verify(token))).status).toBe(401)
    expect((await refusal(make({ audience: undefined }).verify(token))).status).toBe(401)
    // A JWT is never a session.
    expect((await refusal(verifier.verify(token, 'session'))).status).toBe(401)
  })

  it('refuses forged, expired, mistyped, wrong-audience and alg-none tokens, even under the real key', async () => {
    const genuine = await g.jwtToken()
    const claims = claimsOf(genuine)
    const set = await g.s.app.oidc.signingKeys.current()
    const jwk = set.keys.find((k) => (k as JWK).alg === 'RS256' || (k as JWK).kty === 'RSA') as JWK
    const key = await importJWK(jwk, 'RS256')
    const now = Math.floor(Date.now() / 1000)
    const signed = (payload: Record<string, unknown>, typ = 'at+jwt', alg = 'RS256') =>
      new SignJWT(payload).setProtectedHeader({ alg, typ, kid: jwk.kid as string }).sign(key)
    // The real key signs what the checks must still refuse (a leaked token's edited copy is not one).
    expect((await verifier.verify(await signed(claims))).subject).toBe(claims.sub)
    const refused = [
      await signed({ ...claims, exp: now - 60, iat: now - 700 }),
      await signed({ ...claims, aud: 'https://other.example.test' }),
      await signed({ ...claims, iss: 'https://evil.example.test' }),
      await signed(claims, 'JWT'),
      await signed({ ...claims, cnf: { jkt: 'x' } }),
    ]
    const [h, p, sig] = genuine.split('.') as [string, string, string]
    const edited = Buffer.from(JSON.stringify({ ...claims, sub: 'someone-else' })).toString('base64url')
    refused.push(`${h}.${edited}.${sig}`)
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt', kid: jwk.kid })).toString(
      'base64url',
    )
    refused.push(`${none}.${p}.`)
    const hs = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'at+jwt', kid: jwk.kid })).toString(
      'base64url',
    )
    refused.push(`${hs}.${p}.${sig}`)
    for (const token of refused) {
      const e = await refusal(verifier.verify(token))
      expect(e.status).toBe(401)
      expect(e.code).toBe('invalid_token')
    }
    expect((await refusal(verifier.verify(refused[0]!))).message).toMatch(/expired/)
  })

  it('follows a key rotation: new tokens verify at once, tokens signed before still do', async () => {
    const before = await g.jwtToken()
    await verifier.verify(before)
    const kids = await g.s.app.oidc.rotateKeys()
    const after = await g.jwtToken()
    expect(kids).toContain(decodeProtectedHeader(after).kid)
    expect(decodeProtectedHeader(after).kid).not.toBe(decodeProtectedHeader(before).kid)
    expect((await verifier.verify(after)).kind).toBe('access_token')
    expect((await verifier.verify(before)).kind).toBe('access_token')
  })

  it('checks an opaque access token by introspection; refresh tokens and unknown tokens are refused', async () => {
    const t = await g.opaqueToken()
    expect(t.access.split('.')).toHaveLength(1)
    const p = await verifier.verify(t.access)
    expect(p).toMatchObject({ kind: 'access_token', roles: ['user'], amr: ['pwd'], clientId: g.opaqueApp.id })
    expect(p.scopes).toEqual(expect.arrayContaining(['openid', 'profile']))
    expect((await verifier.verify(t.access, 'access_token')).subject).toBe(p.subject)
    expect((await refusal(verifier.verify(t.refresh))).status).toBe(401)
    // Without introspection credentials, an opaque token can only be a session.
    expect((await refusal(make({ introspection: undefined }).verify(t.access))).status).toBe(401)
    // Without `profile`, the account's role is not released.
    const narrow = await g.opaqueToken('openid offline_access')
    expect((await verifier.verify(narrow.access)).roles).toEqual([])
    // Wrong credentials are this API's fault: 503, not the caller's 401.
    const misconfigured = make({
      introspection: { clientId: g.introspection.clientId, clientSecret: 'nope' },
    })
    expect((await refusal(misconfigured.verify(t.access, 'access_token'))).status).toBe(503)
  })

  it('carries the sign-in (amr, acr, auth_time) over to tokens a refresh issues', async () => {
    const t = await g.opaqueToken()
    const r = await refresh(g.s, g.opaqueApp, t.refresh)
    expect(r.status).toBe(200)
    const p = await verifier.verify(String(r.json.access_token))
    expect(p).toMatchObject({ amr: ['pwd'], acr: 'urn:gatehouse:acr:pwd', roles: ['user'] })
  })

  it('asks Gatehouse once for a token many requests bring at the same time, then not at all', async () => {
    const asked: string[] = []
    const counting = make({
      fetch: (input, init) => {
        asked.push(String(input))
        return fetch(input, init)
      },
    })
    const { token } = await g.session()
    const t = await g.opaqueToken()
    const all = await Promise.all([
      ...Array.from({ length: 20 }, () => counting.verify(token)),
      ...Array.from({ length: 20 }, () => counting.verify(t.access)),
    ])
    expect(new Set(all.slice(0, 20)).size).toBe(1)
    expect(new Set(all.slice(20)).size).toBe(1)
    // The session: one session check. The access token: a session check (no), then introspection.
    expect(asked.map((u) => new URL(u).pathname).sort()).toEqual([
      '/oidc/token/introspection',
      '/v1/sessions/current',
      '/v1/sessions/current',
    ])
    await counting.verify(token)
    await counting.verify(t.access)
    expect(asked).toHaveLength(3)
  })

  it('says unavailable (503), not invalid, when Gatehouse cannot be reached', async () => {
    const away = make({ issuer: 'http://127.0.0.1:9', timeoutMs: 500 })
    const { token } = await g.session()
    expect((await refusal(away.verify(token))).status).toBe(503)
    const jwt = await g.jwtToken()
    expect((await refusal(away.verify(jwt))).status).toBe(503)
  })

  it('answers from its cache within the time limit; a revocation shows once it runs out', async () => {
    const short = make({ cache: { ttlSeconds: 1 } })
    const { token } = await g.session()
    const t = await g.opaqueToken()
    const first: Principal[] = [await short.verify(token), await short.verify(t.access)]
    await g.logout(token)
    await g.revoke(t.access)
    // Still cached: the same (frozen) answers, without asking Gatehouse.
    expect(await short.verify(token)).toBe(first[0])
    expect(await short.verify(t.access)).toBe(first[1])
    const took = await eventually(async () => {
      const [a, b] = await Promise.allSettled([short.verify(token), short.verify(t.access)])
      return a.status === 'rejected' && b.status === 'rejected'
    }, 3000)
    expect(took).toBeLessThan(1500)
    // A verifier that has not cached them refuses them at once.
    expect((await refusal(make().verify(token))).status).toBe(401)
    expect((await refusal(make().verify(t.access))).status).toBe(401)
  })
})
