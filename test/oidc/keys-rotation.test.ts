import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { keyView, type OidcKeyTools, rotateSigningKeys } from '../../src/modules/oidc/keys-cli.js'
import { databaseKinds } from '../helpers/databases.js'
import { authorize, exchange, ISSUER, registerClient } from '../helpers/oidc.js'
import { call, createTestServer, signUpAndLogin, type TestServer } from '../helpers/server.js'

const cli = { ip: null, userAgent: 'gatehouse-cli', clientVersion: null, requestId: 'cli' }

describe.each(databaseKinds())('gatehouse oidc keys rotate (%s)', (kind) => {
  let s: TestServer
  beforeAll(async () => {
    s = await createTestServer(kind)
  })
  afterAll(() => s?.close())

  /** What the CLI gets from its own instance: the stored keys, no running provider to mark stale. */
  const audited: Array<{ what: string; details: Record<string, unknown> }> = []
  const tools = (): OidcKeyTools => ({
    list: () => s.app.oidc.signingKeys.list(),
    rotate: () => s.app.oidc.signingKeys.rotate(),
    audit: async (ctx, what, details) => {
      audited.push({ what, details })
      await s.app.audit.record('cli', ctx, what, null, details)
    },
  })

  const idToken = async () => {
    const { token } = await signUpAndLogin(s)
    const client = await registerClient(s)
    const a = await authorize(s, client, token)
    const t = await exchange(s, client, a.code ?? '', a.verifier)
    return { jwt: String(t.json.id_token), client }
  }
  const jwks = async () => (await call(s, 'GET', '/oidc/jwks')).json as { keys: Array<{ kid: string }> }

  it('publishes old and new keys, signs with the new, verifies what the old signed, drops it later', async () => {
    const before = await idToken()
    const oldKid = decodeProtectedHeader(before.jwt).kid
    const kids = await rotateSigningKeys(tools(), cli)
    expect(kids).toHaveLength(2)
    // A running instance takes the new keys up within a minute.
    s.clock.advance(61_000)
    const published = (await jwks()).keys.map((k) => k.kid)
    expect(published).toEqual(expect.arrayContaining([...kids, oldKid]))
    const after = await idToken()
    expect(kids).toContain(decodeProtectedHeader(after.jwt).kid)
    const set = createLocalJWKSet((await jwks()) as never)
    const verified = await jwtVerify(before.jwt, set, { issuer: ISSUER, audience: before.client.id })
    expect(verified.payload.aud).toBe(before.client.id)

    const listed = (await tools().list()).map(keyView)
    expect(listed.find((k) => k.kid === oldKid)?.retired).not.toBeNull()
    expect(
      listed
        .filter((k) => k.retired === null)
        .map((k) => k.kid)
        .sort(),
    ).toEqual([...kids].sort())
    expect(audited).toEqual([{ what: 'oidc.keys_rotate', details: { kids } }])

    // Once every token the old keys signed has expired, housekeeping drops them.
    const settings = s.app.config.oidc
    const retainMs = Math.max(settings.ttl.accessToken, settings.ttl.idToken) * 1000 + 3600_000
    await s.app.oidc.signingKeys.purge(s.clock.now() + retainMs + 1)
    expect((await tools().list()).map((k) => k.kid)).not.toContain(oldKid)
  })
})
