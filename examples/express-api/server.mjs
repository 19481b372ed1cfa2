/**
 * An API protected by Gatehouse with @gatehouse/server and Express: every route under /me needs a
 * Gatehouse session or an access token; the /admin routes need a passkey sign-in and the admin role.
 *
 *   GATEHOUSE_URL                 Gatehouse's GATEHOUSE_PUBLIC_URL (default http://localhost:4455)
 *   API_AUDIENCE                  this API's URL as listed in GATEHOUSE_OIDC_RESOURCE_SERVERS, to
 *                                 accept JWT access tokens issued for it (optional)
 *   INTROSPECTION_CLIENT_ID       a first-party confidential application's credentials, to accept
 *   INTROSPECTION_CLIENT_SECRET   opaque access tokens (optional)
 *   REDIS_URL                     Gatehouse's Redis, to hear of revocations at once (optional; needs
 *   GATEHOUSE_REDIS_PREFIX        ioredis; the prefix defaults to Gatehouse's, `gatehouse:`)
 *   PORT                          where it listens on 127.0.0.1 (default 3001)
 */
import { createVerifier, expressGatehouse, expressGuard, requireFactor, requireRole } from '@gatehouse/server'
import express from 'express'

const env = process.env
const gatehouse = createVerifier({
  issuer: env.GATEHOUSE_URL ?? 'http://localhost:4455',
  ...(env.API_AUDIENCE ? { audience: env.API_AUDIENCE } : {}),
  ...(env.INTROSPECTION_CLIENT_ID && env.INTROSPECTION_CLIENT_SECRET
    ? {
        introspection: {
          clientId: env.INTROSPECTION_CLIENT_ID,
          clientSecret: env.INTROSPECTION_CLIENT_SECRET,
        },
      }
    : {}),
  ...(env.REDIS_URL
    ? { redis: { url: env.REDIS_URL, prefix: env.GATEHOUSE_REDIS_PREFIX ?? 'gatehouse:' } }
    : {}),
  onError: (err) => console.warn(`revocation channel: ${err.message} (answers stay cached 30 s at most)`),
})

const app = express()
app.disable('x-powered-by')

// Open to anyone: what this API is.
app.get('/', (_req, res) => {
  res.json({ name: 'example API', routes: ['/me', '/admin/overview'] })
})

// A Gatehouse session (Bearer token or gh_session cookie) or an access token.
app.get('/me', expressGatehouse(gatehouse), (req, res) => {
  const p = req.principal
  res.json({
    kind: p.kind,
    account: p.accountId,
    username: p.username ?? null,
    roles: p.roles,
    amr: p.amr,
    scopes: p.scopes,
    client: p.clientId ?? null,
  })
})

// Administrators who signed in with a passkey (phishing-resistant), and no one else.
app.use(
  '/admin',
  expressGatehouse(gatehouse),
  expressGuard(requireFactor('phishing-resistant'), requireRole('admin')),
)
app.get('/admin/overview', (req, res) => {
  res.json({ admin: req.principal.username ?? req.principal.subject, signedInWith: req.principal.amr })
})

const port = Number(env.PORT ?? 3001)
const server = app.listen(port, '127.0.0.1', () => {
  console.log(
    `example API listening on http://127.0.0.1:${port} (Gatehouse: ${env.GATEHOUSE_URL ?? 'http://localhost:4455'})`,
  )
})
for (const signal of ['SIGINT', 'SIGTERM'])
  process.on(signal, () => {
    server.close()
    server.closeAllConnections()
    gatehouse.close().then(() => process.exit(0))
  })
