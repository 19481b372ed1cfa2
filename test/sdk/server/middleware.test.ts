import type { AddressInfo } from 'node:net'
import {
  createVerifier,
  expressGatehouse,
  expressGuard,
  fastifyGatehouse,
  fastifyGatehousePlugin,
  fastifyGuard,
  type Principal,
  requireFactor,
  requireRole,
  requireScope,
  type Verifier,
} from '@gatehouse/server'
import express from 'express'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { databaseKinds } from '../../helpers/databases.js'
import { type Gatehouse, mfaSession, RESOURCE, startGatehouse } from './gatehouse.js'

/*
 * The server package in real Fastify and Express applications on loopback, in front of a listening
 * Gatehouse: the principal reaches the handlers, refusals are RFC 6750 / RFC 9470 problem documents,
 * and the guards (second factor, passkey, role, scope) hold on both.
 */

const fastifyApp = async (verifier: Verifier): Promise<FastifyInstance> => {
  const app = Fastify()
  app.decorateRequest('principal', null)
  const me = (req: object) => (req as { principal: Principal | null }).principal
  app.get('/me', { preHandler: fastifyGatehouse(verifier) }, me)
  app.get('/mfa', { preHandler: fastifyGatehouse(verifier, requireFactor('mfa')) }, me)
  app.get(
    '/admin',
    {
      preHandler: [
        fastifyGatehouse(verifier),
        fastifyGuard(requireFactor('phishing-resistant'), requireRole('admin')),
      ],
    },
    me,
  )
  app.get('/orders', { preHandler: fastifyGatehouse(verifier, requireScope('profile')) }, me)
  await app.listen({ port: 0, host: '127.0.0.1' })
  return app
}

const expressApp = async (verifier: Verifier) => {
  const app = express()
  const me = (req: express.Request, res: express.Response) => {
    res.json((req as express.Request & { principal?: Principal }).principal)
  }
  app.get('/me', expressGatehouse(verifier), me)
  app.get('/mfa', expressGatehouse(verifier, requireFactor('mfa')), me)
  app.get(
    '/admin',
    expressGatehouse(verifier),
    expressGuard(requireFactor('phishing-resistant'), requireRole('admin')),
    me,
  )
  app.get('/orders', expressGatehouse(verifier, requireScope('profile')), me)
  const server = app.listen(0, '127.0.0.1')
  await new Promise<void>((resolve) => server.once('listening', () => resolve()))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

describe.each(databaseKinds())('@gatehouse/server middleware in Fastify and Express (%s)', (kind) => {
  let g: Gatehouse
  let verifier: Verifier
  let fastify: FastifyInstance
  let exp: Awaited<ReturnType<typeof expressApp>>
  const bases: Array<[string, () => string]> = [
    ['fastify', () => `http://127.0.0.1:${(fastify.server.address() as AddressInfo).port}`],
    ['express', () => exp.url],
  ]
  beforeAll(async () => {
    g = await startGatehouse(kind)
    verifier = createVerifier({ issuer: g.origin, audience: RESOURCE, introspection: g.introspection })
    fastify = await fastifyApp(verifier)
    exp = await expressApp(verifier)
  })
  afterAll(async () => {
    await fastify?.close()
    await exp?.close()
    await verifier?.close()
    await g?.close()
  })

  const get = async (base: string, path: string, headers: Record<string, string> = {}) => {
    const r = await fetch(`${base}${path}`, { headers })
    const text = await r.text()
    return { status: r.status, headers: r.headers, body: text ? JSON.parse(text) : null }
  }
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

  it.each(bases)(
    '%s: hands the principal of a session, a cookie, a JWT and an opaque token to the route',
    async (_, base) => {
      const { token, user } = await g.session()
      const viaBearer = await get(base(), '/me', bearer(token))
      expect(viaBearer.status).toBe(200)
      expect(viaBearer.body).toMatchObject({
        kind: 'session',
        username: user.username,
        roles: ['user'],
        amr: ['pwd'],
      })
      expect((await get(base(), '/me', { cookie: `gh_session=${token}` })).body.username).toBe(user.username)
      expect((await get(base(), '/me', bearer(await g.jwtToken()))).body.kind).toBe('access_token')
      const opaque = await g.opaqueToken()
      expect((await get(base(), '/me', bearer(opaque.access))).body.clientId).toBe(g.opaqueApp.id)
    },
  )

  it.each(bases)(
    '%s: refuses a missing or bad credential with 401 and a bearer challenge',
    async (_, base) => {
      const none = await get(base(), '/me')
      expect(none.status).toBe(401)
      expect(none.headers.get('www-authenticate')).toBe('Bearer')
      expect(none.headers.get('content-type')).toMatch(/^application\/problem\+json/)
      expect(none.body).toMatchObject({ status: 401, code: 'invalid_token' })
      const bad = await get(base(), '/me', bearer('not-a-token'))
      expect(bad.status).toBe(401)
      expect(bad.headers.get('www-authenticate')).toMatch(
        /^Bearer error="invalid_token", error_description="/,
      )
      expect((await get(base(), '/me', { authorization: 'Basic eDp5' })).status).toBe(401)
    },
  )

  it.each(bases)(
    '%s: a second factor, a passkey and a role where the route asks for them (RFC 9470)',
    async (_, base) => {
      const password = await g.session()
      const mfa = await get(base(), '/mfa', bearer(password.token))
      expect(mfa.status).toBe(403)
      expect(mfa.body).toMatchObject({ status: 403, code: 'insufficient_user_authentication' })
      expect(mfa.headers.get('www-authenticate')).toMatch(
        /^Bearer error="insufficient_user_authentication", .*acr_values="urn:gatehouse:acr:mfa"/,
      )

      const second = await mfaSession(g)
      expect((await get(base(), '/mfa', bearer(second.token))).status).toBe(200)
      const notPasskey = await get(base(), '/admin', bearer(second.token))
      expect(notPasskey.status).toBe(403)
      expect(notPasskey.headers.get('www-authenticate')).toMatch(/acr_values="urn:gatehouse:acr:phr"/)

      const passkey = await g.passkeySession()
      const me = await get(base(), '/me', bearer(passkey.token))
      expect(me.body.amr).toEqual(expect.arrayContaining(['hwk']))
      expect((await get(base(), '/mfa', bearer(passkey.token))).status).toBe(200)
      const notAdmin = await get(base(), '/admin', bearer(passkey.token))
      expect([notAdmin.status, notAdmin.body.code]).toEqual([403, 'insufficient_role'])

      // Made an administrator: the verifier forgets what it held (as Gatehouse's change channel tells it to).
      await g.s.app.store.accounts.setRole(me.body.accountId, 'admin', Date.now())
      verifier.clear()
      const admin = await get(base(), '/admin', bearer(passkey.token))
      expect(admin.status).toBe(200)
      expect(admin.body.roles).toEqual(['admin'])
    },
  )

  it('fastify: the plugin authenticates every route of the application that registers it', async () => {
    const app = Fastify()
    await app.register(fastifyGatehousePlugin(verifier, requireFactor('mfa')))
    app.get('/one', async (req) => ({ who: (req as unknown as { principal: Principal }).principal.subject }))
    app.get('/two', async () => ({ ok: true }))
    await app.listen({ port: 0, host: '127.0.0.1' })
    try {
      const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
      expect((await get(base, '/one')).status).toBe(401)
      expect((await get(base, '/two', bearer((await g.session()).token))).status).toBe(403)
      const strong = await g.passkeySession()
      const one = await get(base, '/one', bearer(strong.token))
      expect(one.status).toBe(200)
      expect(one.body.who).toEqual(expect.any(String))
    } finally {
      await app.close()
    }
  })

  it.each(bases)('%s: a scope an access token must carry (RFC 6750 insufficient_scope)', async (_, base) => {
    const narrow = await g.opaqueToken('openid offline_access')
    const r = await get(base(), '/orders', bearer(narrow.access))
    expect(r.status).toBe(403)
    expect(r.body.code).toBe('insufficient_scope')
    expect(r.headers.get('www-authenticate')).toMatch(/error="insufficient_scope", .*scope="profile"/)
    const wide = await g.opaqueToken()
    expect((await get(base(), '/orders', bearer(wide.access))).status).toBe(200)
    // A session acts as its account: no scope applies.
    expect((await get(base(), '/orders', bearer((await g.session()).token))).status).toBe(200)
  })
})
