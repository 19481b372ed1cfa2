import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { SqlOidcArtifactStore } from '../../src/adapters/sql/oidc-repository.js'
import { databaseKinds } from '../helpers/databases.js'
import {
  authorize,
  exchange,
  formPost,
  introspect,
  refresh,
  registerClient,
  signedIn,
  userinfo,
} from '../helpers/oidc.js'
import { createTestServer, signUpAndLogin, type TestServer } from '../helpers/server.js'

/*
 * OpenID Connect Basic OP: an authorization code is good once, for a short while, for the client it
 * was issued to; so are the tokens it yields.
 */

const CODE_TTL = 10

describe.each(databaseKinds())('OpenID Connect codes and client binding (%s)', (kind) => {
  let s: TestServer
  beforeAll(async () => {
    s = await createTestServer(kind, { GATEHOUSE_OIDC_CODE_TTL: String(CODE_TTL) })
  })
  afterAll(() => s?.close())

  it('OP-OAuth-2nd: a code used twice is invalid_grant and the first exchange’s tokens are revoked', async () => {
    const client = await registerClient(s)
    const { a, access, refresh: refreshToken } = await signedIn(s, client)
    expect((await userinfo(s, access)).status).toBe(200)
    const again = await exchange(s, client, a.code ?? '', a.verifier)
    expect(again.status).toBe(400)
    expect(again.json.error).toBe('invalid_grant')
    expect(again.json.access_token).toBeUndefined()
    expect((await introspect(s, client, access)).json).toEqual({ active: false })
    expect((await introspect(s, client, refreshToken)).json).toEqual({ active: false })
    expect((await userinfo(s, access)).status).toBe(401)
    expect((await refresh(s, client, refreshToken)).json.error).toBe('invalid_grant')
    // oidc_token_reuse is in the event vocabulary, but nothing records it yet on this branch.
  })

  it('OP-OAuth-code-expired: a code past GATEHOUSE_OIDC_CODE_TTL on Gatehouse’s clock is invalid_grant', async () => {
    const client = await registerClient(s)
    const { token } = await signUpAndLogin(s)
    const a = await authorize(s, client, token)
    expect(a.code).not.toBeNull()
    s.clock.advance((CODE_TTL + 1) * 1000)
    const t = await exchange(s, client, a.code ?? '', a.verifier)
    expect(t.status).toBe(400)
    expect(t.json.error).toBe('invalid_grant')
  })

  it('OP-OAuth-code-expired: a code past its TTL on the provider’s own (real) clock is invalid_grant', async () => {
    const client = await registerClient(s)
    const { token } = await signUpAndLogin(s)
    const a = await authorize(s, client, token)
    expect(a.code).not.toBeNull()
    // oidc-provider reads Date.now(); only Date is faked, so I/O and timers run as usual, and the
    // stored row (on Gatehouse's clock) is still there: the provider's own expiry refuses it.
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      vi.setSystemTime(Date.now() + (CODE_TTL + 1) * 1000)
      const t = await exchange(s, client, a.code ?? '', a.verifier)
      expect(t.status).toBe(400)
      expect(t.json).toMatchObject({ error: 'invalid_grant' })
      // Not spent, and still stored on Gatehouse's clock: the provider's expiry refused it.
      const row = await new SqlOidcArtifactStore(s.app.database.db).find(
        'AuthorizationCode',
        a.code ?? '',
        s.clock.now(),
      )
      expect(row?.consumedAt).toBeNull()
    } finally {
      vi.useRealTimers()
    }
    // Just within the TTL the same kind of code works (the test above is not vacuous).
    const b = await authorize(s, client, token)
    expect((await exchange(s, client, b.code ?? '', b.verifier)).status).toBe(200)
  })

  it('OP-OAuth-client-binding: a code issued to client A and exchanged by client B is invalid_grant', async () => {
    const [clientA, clientB] = [await registerClient(s), await registerClient(s)]
    const { token } = await signUpAndLogin(s)
    const a = await authorize(s, clientA, token)
    const t = await exchange(s, clientB, a.code ?? '', a.verifier)
    expect(t.status).toBe(400)
    expect(t.json.error).toBe('invalid_grant')
    expect(t.json.access_token).toBeUndefined()
  })

  it('OP-OAuth-client-binding: a refresh token of client A used by client B is invalid_grant', async () => {
    const [clientA, clientB] = [await registerClient(s), await registerClient(s)]
    const { refresh: refreshToken } = await signedIn(s, clientA)
    const r = await refresh(s, clientB, refreshToken)
    expect(r.status).toBe(400)
    expect(r.json.error).toBe('invalid_grant')
    // Still good for A: B's attempt did not spend it.
    expect((await refresh(s, clientA, refreshToken)).status).toBe(200)
  })

  it('OP-OAuth-introspection-binding: a third party learns nothing of another client’s token; a first-party API may ask', async () => {
    // Gatehouse's allowedPolicy: the token's own client, or a first-party confidential one (the
    // operator's APIs); oidc-provider's default would answer any confidential client.
    const clientA = await registerClient(s)
    const thirdParty = await registerClient(s, { firstParty: false })
    const api = await registerClient(s, { firstParty: true })
    const { access, t } = await signedIn(s, clientA)
    const byA = await introspect(s, clientA, access)
    expect(byA.json).toMatchObject({ active: true, client_id: clientA.id })
    const byThirdParty = await introspect(s, thirdParty, access)
    expect(byThirdParty.status).toBe(200)
    expect(byThirdParty.json).toEqual({ active: false })
    expect((await introspect(s, api, access)).json).toMatchObject({ active: true, client_id: clientA.id })
    const pub = await registerClient(s, { public: true, tokenEndpointAuthMethod: 'none', secretHash: null })
    const byPublic = await formPost(
      s,
      '/oidc/token/introspection',
      { token: access, client_id: pub.id },
      null,
    )
    expect(byPublic.json).toEqual({ active: false })
    expect(t.json.token_type).toBe('Bearer')
  })
})
