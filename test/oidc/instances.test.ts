import { createLocalJWKSet, jwtVerify } from 'jose'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SmtpMailTransport } from '../../src/adapters/notify/mail-transports.js'
import { type App, createApp } from '../../src/app.js'
import { loadConfig } from '../../src/config/index.js'
import { ManualClock } from '../../src/kernel/clock.js'
import {
  authorize,
  authorizeUrl,
  CookieJar,
  claimsOf,
  exchange,
  follow,
  formPost,
  ISSUER,
  pkce,
  registerClient,
} from '../helpers/oidc.js'
import { call, createTestServer, signUpAndLogin, type TestServer, testEnv } from '../helpers/server.js'

/*
 * Two instances on one PostgreSQL database: a sign-in started on one finishes on the other, tokens
 * of one are honoured by the other, and keys rotated on one are used and published by the other
 * within its minute.
 */

const pgUrl = process.env.TEST_DATABASE_URL
if (!pgUrl)
  console.warn('\n*** TEST_DATABASE_URL is not set: the two-instance OpenID Connect suite is SKIPPED ***\n')

describe.skipIf(!pgUrl)('the OpenID Connect provider across two instances (postgres)', () => {
  let a: TestServer
  let b: App
  const bClock = new ManualClock(Date.UTC(2026, 10, 23, 12))

  beforeAll(async () => {
    a = await createTestServer('postgres')
    // The same settings and secret key as A, on A's database.
    const config = loadConfig(testEnv(a.db, a.smtp.url))
    b = await createApp(config, {
      clock: bClock,
      logger: pino({ level: 'silent' }),
      database: await a.db.open(),
      mail: new SmtpMailTransport(a.smtp.url, config.mailFrom),
      manualWorkers: true,
    })
  }, 60_000)
  afterAll(async () => {
    await b?.close()
    await a?.close()
  })

  const onB = {} as unknown as TestServer
  const jwksOf = async (s: { app: App }) =>
    createLocalJWKSet(JSON.parse((await s.app.http.inject({ method: 'GET', url: '/oidc/jwks' })).body))

  it('finishes on one instance a sign-in started on the other, and each honours the other’s tokens', async () => {
    Object.assign(onB, { app: b })
    const client = await registerClient(a)
    const { token } = await signUpAndLogin(a)
    const jar = new CookieJar()
    jar.set('gh_session', token)
    // The authorization request on A; its interaction, the sign-in step and the code on B (the
    // provider's cookies are signed with keys both derive from the secret key).
    const { verifier, challenge } = pkce()
    const url = authorizeUrl(client, challenge, { prompt: 'consent', scope: 'openid email offline_access' })
    const first = await a.app.http.inject({ method: 'GET', url, headers: { cookie: jar.header() } })
    jar.take(first.headers['set-cookie'])
    expect(first.statusCode).toBe(303)
    const hops = await follow(onB, jar, String(first.headers.location))
    const back = new URL(hops.at(-1)?.location ?? '', ISSUER)
    expect(back.origin + back.pathname).toBe(client.redirectUri)
    const viaB = { code: back.searchParams.get('code'), verifier }
    expect(viaB.code).not.toBeNull()
    const tokens = await exchange(a, client, viaB.code ?? '', viaB.verifier)
    expect(tokens.status).toBe(200)
    const introspected = await formPost(
      onB,
      '/oidc/token/introspection',
      { token: String(tokens.json.access_token) },
      client,
    )
    expect(introspected.json.active).toBe(true)
    const refreshed = await formPost(
      onB,
      '/oidc/token',
      { grant_type: 'refresh_token', refresh_token: String(tokens.json.refresh_token) },
      client,
    )
    expect(refreshed.status).toBe(200)
    const userinfo = await call(a, 'GET', '/oidc/userinfo', { token: String(refreshed.json.access_token) })
    expect(userinfo.status).toBe(200)
    // An ID token issued by B verifies against the keys A publishes.
    await expect(
      jwtVerify(String(refreshed.json.id_token), await jwksOf(a), { issuer: ISSUER, audience: client.id }),
    ).resolves.toBeTruthy()
  })

  it('uses on the other instance, within a minute, the keys one instance rotated', async () => {
    Object.assign(onB, { app: b })
    const client = await registerClient(a)
    const { token } = await signUpAndLogin(a)
    const before = await authorize(onB, client, token)
    const oldToken = String((await exchange(onB, client, before.code ?? '', before.verifier)).json.id_token)
    const oldKid = JSON.parse(Buffer.from(oldToken.split('.')[0] ?? '', 'base64url').toString()).kid
    const fresh = await a.app.oidc.rotateKeys()
    // B looks at the stored keys again once its minute is up.
    bClock.advance(61_000)
    const after = await authorize(onB, client, token)
    const newToken = String((await exchange(onB, client, after.code ?? '', after.verifier)).json.id_token)
    const header = JSON.parse(Buffer.from(newToken.split('.')[0] ?? '', 'base64url').toString())
    expect(fresh).toContain(header.kid)
    expect(header.kid).not.toBe(oldKid)
    // Both instances publish the retired key beside the new ones: the old ID token still verifies.
    for (const s of [a, onB]) {
      const keys = JSON.parse((await s.app.http.inject({ method: 'GET', url: '/oidc/jwks' })).body)
        .keys as Array<{ kid: string }>
      expect(keys.map((k) => k.kid)).toEqual(expect.arrayContaining([oldKid, ...fresh]))
      await expect(
        jwtVerify(oldToken, await jwksOf(s), {
          issuer: ISSUER,
          audience: client.id,
          currentDate: new Date(Number(claimsOf(oldToken).iat) * 1000),
        }),
      ).resolves.toBeTruthy()
    }
  })
})
