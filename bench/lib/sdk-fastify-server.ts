/**
 * The Fastify application of the server package's benchmark (a child process): `GET /bare` answers
 * `{"ok":true}`, `GET /session` and `GET /jwt` the same behind `fastifyGatehouse` — the route a
 * protected API has. SDK_ISSUER is the bench issuer (bench/lib/sdk-issuer.ts). Started by
 * bench/lib/child-server.ts.
 */
import Fastify from 'fastify'
import { createVerifier, fastifyGatehouse } from '../../packages/server/src/index.js'

const verifier = createVerifier({
  issuer: process.env.SDK_ISSUER ?? '',
  audience: process.env.SDK_AUDIENCE ?? '',
  // One fetch fills the cache for the whole run: the measure is the middleware's own cost.
  cache: { ttlSeconds: 3600 },
})
const app = Fastify({ logger: false })
app.decorateRequest('principal', null)
const ok = async () => ({ ok: true })
app.get('/bare', ok)
app.get('/session', { preHandler: fastifyGatehouse(verifier) }, ok)
app.get('/jwt', { preHandler: fastifyGatehouse(verifier) }, ok)
app.server.keepAliveTimeout = 60_000
await app.listen({ port: 0, host: '127.0.0.1' })
const { port } = app.server.address() as { port: number }
console.log(`listening http://127.0.0.1:${port}`)
process.on('SIGTERM', () => {
  void app.close().then(() => process.exit(0))
})
