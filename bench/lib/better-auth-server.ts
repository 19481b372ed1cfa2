/**
 * The comparison server of the session and login benchmarks: better-auth with email and password, on
 * SQLite through better-sqlite3 (its documented Node setup: `database: new Database(file)`), its
 * `auth.handler` served by `node:http` through `toNodeHandler`, every route under /api/auth.
 *
 * Settings that differ from better-auth's defaults, and why:
 * - `rateLimit.enabled: false` — in production its limiter allows 3 sign-ins per 10 s per address, which
 *   would measure the limiter, not the login. Gatehouse's own guard does not refuse correct logins.
 * - `telemetry.enabled: false`, logger at `error` — no network calls, no log output in the hot path.
 * - `BA_WAL=1` turns on `journal_mode = WAL, synchronous = NORMAL` (what Gatehouse uses) instead of
 *   better-sqlite3's default rollback journal; off by default.
 *
 * With `BA_RESET=1` (the recovery-flood comparison) it runs as in production instead: its rate limiter
 * on (its defaults: 3 password-reset requests per 60 s per address), the client address taken from
 * `X-Forwarded-For` (as behind a proxy), and `sendResetPassword` counting the reset mails each address
 * would receive; `GET /__reset-mails` answers the counts as JSON.
 *
 * Environment: BA_DB (SQLite file, required), BA_WAL, BA_RESET. Started by bench/lib/child-server.ts;
 * creates its tables with better-auth's own migrations, then writes `listening <url>`.
 */
import { randomBytes } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { betterAuth } from 'better-auth'
import { getMigrations } from 'better-auth/db/migration'
import { toNodeHandler } from 'better-auth/node'
import Database from 'better-sqlite3'

const file = process.env.BA_DB
if (!file) throw new Error('BA_DB (the SQLite file) is required')

const database = new Database(file)
if (process.env.BA_WAL === '1') {
  database.pragma('journal_mode = WAL')
  database.pragma('synchronous = NORMAL')
}

const server = http.createServer()
server.keepAliveTimeout = 60_000
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
const baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

const resetMode = process.env.BA_RESET === '1'
const resetMails = new Map<string, number>()

const options = {
  baseURL,
  secret: randomBytes(32).toString('hex'),
  database,
  emailAndPassword: {
    enabled: true,
    ...(resetMode
      ? {
          sendResetPassword: async ({ user }: { user: { email: string } }) => {
            resetMails.set(user.email, (resetMails.get(user.email) ?? 0) + 1)
          },
        }
      : {}),
  },
  rateLimit: resetMode ? { enabled: true, storage: 'memory' as const } : { enabled: false },
  ...(resetMode ? { advanced: { ipAddress: { ipAddressHeaders: ['x-forwarded-for'] } } } : {}),
  telemetry: { enabled: false },
  logger: { level: 'error' as const },
}
const { runMigrations } = await getMigrations(options)
await runMigrations()
const auth = betterAuth(options)
const handler = toNodeHandler(auth)
server.on('request', (req, res) => {
  if (resetMode && req.method === 'GET' && req.url === '/__reset-mails') {
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify(Object.fromEntries(resetMails)))
    return
  }
  void handler(req, res)
})

console.log(`listening ${baseURL}`)
process.on('SIGTERM', () => {
  server.close(() => {
    database.close()
    process.exit(0)
  })
  server.closeAllConnections()
})
