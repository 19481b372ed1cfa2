import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { databaseKinds } from '../helpers/databases.js'
import { formPost, introspect, refresh, registerClient, signedIn, userinfo } from '../helpers/oidc.js'
import { createTestServer, type TestServer } from '../helpers/server.js'

/*
 * Refresh tokens rotate at every use and a used one ends the whole grant; revocation (RFC 7009)
 * ends a token at once; client credentials give a token of the client, not of a person.
 */

const revoke = (s: TestServer, client: { id: string; secret: string }, token: string, hint?: string) =>
  formPost(s, '/oidc/token/revocation', { token, ...(hint ? { token_type_hint: hint } : {}) }, client)

describe.each(databaseKinds())('OpenID Connect refresh, revocation and client credentials (%s)', (kind) => {
  let s: TestServer
  let client: Awaited<ReturnType<typeof registerClient>>
  beforeAll(async () => {
    s = await createTestServer(kind)
    client = await registerClient(s)
  })
  afterAll(() => s?.close())

  it('OP-refresh-rotation: a refresh gives a new refresh token and the old one is spent', async () => {
    const first = await signedIn(s, client)
    const r = await refresh(s, client, first.refresh)
    expect(r.status).toBe(200)
    expect(r.json.refresh_token).toEqual(expect.any(String))
    expect(r.json.refresh_token).not.toBe(first.refresh)
    expect(r.json.access_token).not.toBe(first.access)
    expect((await userinfo(s, String(r.json.access_token))).status).toBe(200)
  })

  it('OP-refresh-reuse: the old refresh token again is invalid_grant and ends the whole grant', async () => {
    const first = await signedIn(s, client)
    const r = await refresh(s, client, first.refresh)
    const [newRefresh, newAccess] = [String(r.json.refresh_token), String(r.json.access_token)]
    const reuse = await refresh(s, client, first.refresh)
    expect(reuse.status).toBe(400)
    expect(reuse.json.error).toBe('invalid_grant')
    expect((await refresh(s, client, newRefresh)).json.error).toBe('invalid_grant')
    expect((await introspect(s, client, newAccess)).json).toEqual({ active: false })
    expect((await introspect(s, client, newRefresh)).json).toEqual({ active: false })
    expect((await userinfo(s, newAccess)).status).toBe(401)
    expect((await userinfo(s, first.access)).status).toBe(401)
  })

  it('OP-revocation-access: a revoked access token is inactive and refused at userinfo', async () => {
    const { access, refresh: refreshToken } = await signedIn(s, client)
    expect((await introspect(s, client, access)).json.active).toBe(true)
    const r = await revoke(s, client, access, 'access_token')
    expect(r.status).toBe(200)
    expect((await introspect(s, client, access)).json).toEqual({ active: false })
    expect((await userinfo(s, access)).status).toBe(401)
    // oidc-provider ends every token of the grant with it (the grant itself stays for consent).
    expect((await refresh(s, client, refreshToken)).json.error).toBe('invalid_grant')
  })

  it('OP-revocation-refresh: a revoked refresh token no longer refreshes', async () => {
    const { refresh: refreshToken } = await signedIn(s, client)
    const r = await revoke(s, client, refreshToken)
    expect(r.status).toBe(200)
    const again = await refresh(s, client, refreshToken)
    expect(again.status).toBe(400)
    expect(again.json.error).toBe('invalid_grant')
  })

  it('OP-revocation-unknown: revoking an unknown token is 200 (RFC 7009 2.2)', async () => {
    const r = await revoke(s, client, 'not-a-token-of-this-server')
    expect(r.status).toBe(200)
    expect(r.json).toEqual({})
  })

  it('OP-revocation-client-binding: another client cannot revoke A’s token', async () => {
    const other = await registerClient(s)
    const { access } = await signedIn(s, client)
    const r = await revoke(s, other, access)
    expect(r.status).toBeLessThan(500)
    expect((await introspect(s, client, access)).json.active).toBe(true)
    expect((await userinfo(s, access)).status).toBe(200)
  })

  it('OP-revocation-auth: revocation without client authentication is refused; with a wrong secret invalid_client', async () => {
    const { access } = await signedIn(s, client)
    // oidc-provider answers a request with no client authentication at all with invalid_request.
    const none = await formPost(s, '/oidc/token/revocation', { token: access }, null)
    expect(none.status).toBe(400)
    expect(none.json.error).toBe('invalid_request')
    const wrong = await revoke(s, { id: client.id, secret: 'ghs_wrong' }, access)
    expect(wrong.status).toBe(401)
    expect(wrong.json.error).toBe('invalid_client')
    expect((await introspect(s, client, access)).json.active).toBe(true)
  })

  it('OP-client_credentials: a confidential client with the grant gets a token of its own, without a user', async () => {
    const service = await registerClient(s, { grantTypes: ['client_credentials'], redirectUris: [] })
    const t = await formPost(s, '/oidc/token', { grant_type: 'client_credentials' }, service)
    expect(t.status, JSON.stringify(t.json)).toBe(200)
    expect(t.json).toMatchObject({ token_type: 'Bearer', access_token: expect.any(String) })
    expect(t.json.refresh_token).toBeUndefined()
    expect(t.json.id_token).toBeUndefined()
    const i = await introspect(s, service, String(t.json.access_token))
    expect(i.json).toMatchObject({ active: true, client_id: service.id })
    expect(i.json.sub).toBeUndefined()
    expect((await userinfo(s, String(t.json.access_token))).status).toBe(401)
  })

  it('OP-client_credentials-refused: a client without the grant type is refused', async () => {
    const t = await formPost(s, '/oidc/token', { grant_type: 'client_credentials' }, client)
    expect(t.status).toBe(400)
    // oidc-provider says invalid_request here (RFC 6749 5.2 would say unauthorized_client).
    expect(t.json).toMatchObject({
      error: 'invalid_request',
      error_description: 'requested grant type is not allowed for this client',
    })
    expect(t.json.access_token).toBeUndefined()
  })

  it('OP-grant-types: implicit-era and password grants are unsupported_grant_type', async () => {
    for (const grant_type of ['password', 'implicit', 'urn:ietf:params:oauth:grant-type:device_code']) {
      const t = await formPost(s, '/oidc/token', { grant_type, username: 'x', password: 'y' }, client)
      expect(t.status, grant_type).toBe(400)
      expect(t.json.error, grant_type).toBe('unsupported_grant_type')
    }
  })
})
