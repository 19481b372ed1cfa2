import { createHmac } from 'node:crypto'
import { createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet, jwtVerify } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { databaseKinds } from '../helpers/databases.js'
import { authorize, CookieJar, follow, ISSUER, registerClient, signedIn } from '../helpers/oidc.js'
import { call, createTestServer, signUpAndLogin, type TestServer } from '../helpers/server.js'

/*
 * OpenID Connect Basic OP: the ID token is signed with RS256 by default, verifiable against the
 * published keys, and carries the request's nonce; tokens the provider never issued (unsigned, or
 * HMAC-signed with the public key as the secret) are refused wherever they are presented.
 */

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')

/** The token's claims under another header: unsigned (alg none) or HS256 with `secret`. */
const forge = (jwt: string, alg: 'none' | 'HS256', secret = '') => {
  const [, payload = ''] = jwt.split('.')
  const input = `${b64({ alg, typ: 'JWT' })}.${payload}`
  if (alg === 'none') return `${input}.`
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`
}

describe.each(databaseKinds())('OpenID Connect ID tokens (%s)', (kind) => {
  let s: TestServer
  let jwks: JSONWebKeySet
  let client: Awaited<ReturnType<typeof registerClient>>
  let idToken: string
  let nonce: string
  beforeAll(async () => {
    s = await createTestServer(kind)
    jwks = (await call(s, 'GET', '/oidc/jwks')).json
    client = await registerClient(s)
    const signed = await signedIn(s, client)
    idToken = signed.idToken
    nonce = signed.a.sent.get('nonce') ?? ''
  })
  afterAll(() => s?.close())

  it('OP-IDToken-RS256: the ID token is signed with RS256 by a published key, for this issuer and client', async () => {
    const header = decodeProtectedHeader(idToken)
    expect(header.alg).toBe('RS256')
    expect(jwks.keys.map((k) => k.kid)).toContain(header.kid)
    const { payload } = await jwtVerify(idToken, createLocalJWKSet(jwks), {
      issuer: ISSUER,
      audience: client.id,
      algorithms: ['RS256'],
    })
    expect(payload.sub).toEqual(expect.any(String))
    expect(payload.auth_time).toEqual(expect.any(Number))
  })

  it('OP-IDToken-Signature: a flipped signature bit fails verification', async () => {
    const [h, p, sig = ''] = idToken.split('.')
    const raw = Buffer.from(sig, 'base64url')
    raw[0] = (raw[0] ?? 0) ^ 1
    const tampered = `${h}.${p}.${raw.toString('base64url')}`
    await expect(jwtVerify(tampered, createLocalJWKSet(jwks), { algorithms: ['RS256'] })).rejects.toThrow()
  })

  it('OP-IDToken-none: the ID token re-issued with alg none is refused by the verifier', async () => {
    await expect(jwtVerify(forge(idToken, 'none'), createLocalJWKSet(jwks))).rejects.toThrow()
  })

  it('OP-IDToken-HS256: the ID token re-signed with HS256 keyed by the public key is refused', async () => {
    const rsa = jwks.keys.find((k) => k.alg === 'RS256')
    const forged = forge(idToken, 'HS256', JSON.stringify(rsa))
    await expect(jwtVerify(forged, createLocalJWKSet(jwks))).rejects.toThrow()
    await expect(
      jwtVerify(forged, createLocalJWKSet(jwks), { algorithms: ['RS256', 'ES256'] }),
    ).rejects.toThrow()
  })

  it('OP-IDToken-hint-forged: an id_token_hint forged with alg none or HS256 is an error at /oidc/auth', async () => {
    const rsa = jwks.keys.find((k) => k.alg === 'RS256')
    for (const hint of [forge(idToken, 'none'), forge(idToken, 'HS256', JSON.stringify(rsa))]) {
      const a = await authorize(s, client, null, { id_token_hint: hint, prompt: 'none' })
      expect(a.code).toBeNull()
      expect(a.error).toBe('invalid_request')
      expect(new URL(a.last).searchParams.get('error_description')).toMatch(/id_token_hint/)
    }
    // The genuine token is accepted as a hint (the refusal above is about the signature).
    const genuine = await authorize(s, client, null, { id_token_hint: idToken, prompt: 'none' })
    expect(genuine.error).toBe('login_required')
  })

  it('OP-IDToken-hint-forged: an id_token_hint forged with alg none or HS256 is refused at /oidc/session/end', async () => {
    const rsa = jwks.keys.find((k) => k.alg === 'RS256')
    for (const hint of [forge(idToken, 'none'), forge(idToken, 'HS256', JSON.stringify(rsa))]) {
      const q = new URLSearchParams({
        id_token_hint: hint,
        post_logout_redirect_uri: 'https://app.example/bye',
      })
      const [hop] = await follow(s, new CookieJar(), `/oidc/session/end?${q}`)
      expect(hop?.status).toBe(400)
      expect(hop?.location).toBe('')
      expect(hop?.body).toContain('id_token_hint')
    }
  })

  it('OP-nonce-code: the nonce of the request is echoed in the ID token', async () => {
    expect(nonce).not.toBe('')
    const { payload } = await jwtVerify(idToken, createLocalJWKSet(jwks), { issuer: ISSUER })
    expect(payload.nonce).toBe(nonce)
  })

  it('OP-state: state comes back untouched, odd characters included', async () => {
    const { token } = await signUpAndLogin(s)
    const state = 'a b+c/d=e&f?g#h%25i;j<k>"l\'m~ü€😀'
    const a = await authorize(s, client, token, { state })
    expect(a.code).not.toBeNull()
    expect(a.state).toBe(state)
  })
})

describe('OP-IDToken-verify: the forgeries are real JWT shapes', () => {
  it('keeps the payload of the token it forges', () => {
    const token = `${b64({ alg: 'RS256' })}.${b64({ sub: 'x' })}.sig`
    expect(forge(token, 'none')).toBe(`${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'x' })}.`)
    expect(forge(token, 'HS256', 'k').split('.')).toHaveLength(3)
  })
})
