/**
 * The floor of the login benchmark: a bare `node:http` server that reads a JSON body, verifies the
 * password against one argon2id hash with Gatehouse's own PasswordHasher and default parameters, and
 * answers 201 with a token-shaped JSON body — no framework, no database, no guard, no events. What it
 * reaches is what any HTTP login on this machine can reach with this load generator: the hash plus a
 * request. Started by bench/lib/child-server.ts; writes `listening <url>` once it listens.
 */
import { randomBytes } from 'node:crypto'
import http from 'node:http'
import { settings } from '../../src/config/schema.js'
import { PasswordHasher } from '../../src/modules/accounts/password-hasher.js'
import { serveToParent } from './child-server.js'

const password = process.env.BENCH_PASSWORD ?? 'copper kettle season 1843'
const hasher = new PasswordHasher({
  memoryKiB: Number(settings.argon2MemoryKiB.default),
  iterations: Number(settings.argon2Iterations.default),
  parallelism: Number(settings.argon2Parallelism.default),
})
const stored = await hasher.hash(password)

const answer = (res: http.ServerResponse, status: number, body: unknown) => {
  const out = Buffer.from(JSON.stringify(body))
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': out.length })
  res.end(out)
}

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = []
  req.on('data', (c: Buffer) => chunks.push(c))
  req.on('end', () => {
    let given: unknown
    try {
      given = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { password?: unknown }).password
    } catch {
      answer(res, 400, { error: 'malformed_json' })
      return
    }
    if (typeof given !== 'string') {
      answer(res, 400, { error: 'password_required' })
      return
    }
    void hasher.verify(stored, given).then((ok) =>
      ok
        ? answer(res, 201, {
            token: randomBytes(32).toString('base64url'),
            expires_at: new Date(Date.now() + 43_200_000).toISOString(),
          })
        : answer(res, 401, { error: 'invalid_credentials' }),
    )
  })
})
serveToParent(server)
