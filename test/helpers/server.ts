import pino from 'pino'
import { SmtpMailTransport } from '../../src/adapters/notify/mail-transports.js'
import { type App, type AppOverrides, createApp } from '../../src/app.js'
import { loadConfig } from '../../src/config/index.js'
import { ManualClock } from '../../src/kernel/clock.js'
import { totpCodeAt } from '../../src/modules/mfa/totp.js'
import { createTestDatabase, type DatabaseKind, type TestDatabase } from './databases.js'
import { type SmtpSink, startSmtpSink } from './smtp-sink.js'

export interface TestServer {
  app: App
  db: TestDatabase
  smtp: SmtpSink
  clock: ManualClock
  /** Delivers every queued message now. */
  deliver(): Promise<void>
  close(): Promise<void>
}

/**
 * The settings of a test server: a data directory and database, mail to the sink, a fixed secret
 * key, and the limits a suite firing many requests from one address would trip lifted; `env` last.
 */
export const testEnv = (
  db: Pick<TestDatabase, 'dataDir' | 'databaseUrl'>,
  smtpUrl: string,
  env: Record<string, string> = {},
): Record<string, string> => ({
  GATEHOUSE_DATA_DIR: db.dataDir,
  GATEHOUSE_PUBLIC_URL: 'https://id.example.test',
  GATEHOUSE_LOG_LEVEL: 'silent',
  ...(db.databaseUrl ? { DATABASE_URL: db.databaseUrl } : {}),
  GATEHOUSE_SMTP_URL: smtpUrl,
  GATEHOUSE_SECRET_KEY: Buffer.alloc(32, 7).toString('base64'),
  // Most suites log in again and again without keeping a device token; the device suite turns this on.
  GATEHOUSE_STEP_UP_NEW_DEVICE: 'false',
  // Suites fire many logins and lookups from one address (inject's 127.0.0.1); the guard's own
  // suites and the attack simulation turn it on.
  GATEHOUSE_GUARD: 'false',
  // Suites sign up many accounts from that one address too; the sign-up limit's own tests set it.
  GATEHOUSE_SIGNUP_LIMIT_IP: '100000/3600',
  GATEHOUSE_SIGNUP_LIMIT_SUBNET: '100000/3600',
  // And they start many applications' sign-ins; the limit's own test sets it.
  GATEHOUSE_OIDC_AUTHORIZE_LIMIT_IP: '100000/60',
  GATEHOUSE_OIDC_AUTHORIZE_LIMIT_SUBNET: '100000/60',
  ...env,
})

/**
 * An in-process Gatehouse on a fresh database of the given kind, delivering
 * mail by SMTP to a real sink on loopback, with a clock that only moves when told.
 */
export const createTestServer = async (
  kind: DatabaseKind,
  env: Record<string, string> = {},
  overrides: Pick<AppOverrides, 'sms' | 'limiter' | 'logger'> = {},
): Promise<TestServer> => {
  const db = await createTestDatabase(kind)
  const smtp = await startSmtpSink()
  const clock = new ManualClock(Date.UTC(2026, 10, 23, 12))
  const config = loadConfig(testEnv(db, smtp.url, env))
  const app = await createApp(config, {
    clock,
    logger: pino({ level: 'silent' }),
    database: await db.open(),
    mail: new SmtpMailTransport(smtp.url, config.mailFrom),
    manualWorkers: true,
    ...overrides,
  })
  return {
    app,
    db,
    smtp,
    clock,
    deliver: async () => {
      await app.workers.recovery.drain()
      await app.workers.outbox.drain()
    },
    close: async () => {
      await app.close()
      await smtp.close()
      await db.drop()
    },
  }
}

export interface JsonResponse {
  status: number
  headers: Record<string, string | string[] | number | undefined>
  body: string
  // biome-ignore lint/suspicious/noExplicitAny: test responses are inspected field by field
  json: any
}

/** One request through Fastify's inject, JSON in and out. */
export const call = async (
  server: TestServer,
  method: 'GET' | 'POST' | 'DELETE' | 'PUT' | 'PATCH',
  url: string,
  opts: {
    body?: unknown
    token?: string
    headers?: Record<string, string>
    rawBody?: string | Buffer
    /** The caller's address, as the socket would show it. */
    ip?: string
  } = {},
): Promise<JsonResponse> => {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) }
  if (opts.token) headers.authorization = `Bearer ${opts.token}`
  let payload: string | Buffer | undefined
  if (opts.rawBody !== undefined) payload = opts.rawBody
  else if (opts.body !== undefined) payload = JSON.stringify(opts.body)
  if (payload !== undefined && !headers['content-type']) headers['content-type'] = 'application/json'
  const res = await server.app.http.inject({
    method,
    url,
    headers,
    ...(payload !== undefined ? { payload } : {}),
    ...(opts.ip ? { remoteAddress: opts.ip } : {}),
  })
  let json: unknown = null
  try {
    json = res.body ? JSON.parse(res.body) : null
  } catch {
    json = null
  }
  return { status: res.statusCode, headers: res.headers, body: res.body, json }
}

/** The Prometheus text the metrics listener would serve (it is not on the API). */
export const metricsText = (server: TestServer): Promise<string> => server.app.metrics.registry.metrics()

let counter = 0
/** A fresh, valid username and address for each call. */
export const freshUser = (prefix = 'user') => {
  counter += 1
  const n = `${prefix}${process.pid % 1000}x${counter}${Math.random().toString(36).slice(2, 6)}`
  return {
    username: n,
    email: `${n}@example.org`,
    password: `tangerine orbit ${Math.random().toString(36).slice(2, 8)} lantern`,
  }
}

/** Registers, verifies through the mailed token, and logs in; returns the session token. */
export const signUpAndLogin = async (server: TestServer, user = freshUser()) => {
  const reg = await call(server, 'POST', '/v1/accounts', { body: user })
  if (reg.status !== 202) throw new Error(`sign-up failed: ${reg.status} ${reg.body}`)
  await server.deliver()
  const mail = await server.smtp.waitFor((m) => m.to.includes(user.email) && /verif/i.test(m.subject))
  const verify = await call(server, 'POST', '/v1/accounts/verify', {
    body: { token: server.smtp.tokenFrom(mail) },
  })
  if (verify.status !== 200) throw new Error(`verify failed: ${verify.status} ${verify.body}`)
  const login = await call(server, 'POST', '/v1/sessions', {
    body: { identifier: user.username, password: user.password },
  })
  if (login.status !== 201) throw new Error(`login failed: ${login.status} ${login.body}`)
  return { user, token: login.json.token as string }
}

/**
 * Signs up, logs in and confirms a TOTP factor; the clock then moves one 30-second step on, so that
 * the next code is a fresh one. Returns the secret and the recovery codes.
 */
export const withTotp = async (server: TestServer) => {
  const { user, token } = await signUpAndLogin(server)
  const enrol = await call(server, 'POST', '/v1/mfa/totp', { token })
  if (enrol.status !== 201) throw new Error(`TOTP enrolment failed: ${enrol.status} ${enrol.body}`)
  const secret = enrol.json.secret as string
  const confirm = await call(server, 'POST', '/v1/mfa/totp/confirm', {
    token,
    body: { code: totpCodeAt(secret, server.clock.now()) },
  })
  if (confirm.status !== 200) throw new Error(`TOTP confirmation failed: ${confirm.status} ${confirm.body}`)
  server.clock.advance(30_000)
  return { user, token, secret, codes: confirm.json.recovery_codes as string[] }
}

/** An administrator past the first-login steps (new password, then, unless `enrol` is false, a TOTP factor); returns its session token. */
export const adminSession = async (s: TestServer, enrol = true): Promise<string> => {
  const who = freshUser('admin')
  const { password } = await s.app.services.accounts.createAdmin({ username: who.username, email: who.email })
  const login = await call(s, 'POST', '/v1/sessions', { body: { identifier: who.username, password } })
  const token = login.json.token as string
  const changed = await call(s, 'POST', '/v1/me/password', {
    token,
    body: { current_password: password, new_password: 'granite harbour 77 lantern' },
  })
  if (changed.status !== 200)
    throw new Error(`admin password change failed: ${changed.status} ${changed.body}`)
  if (enrol) {
    const e = await call(s, 'POST', '/v1/mfa/totp', { token })
    const c = await call(s, 'POST', '/v1/mfa/totp/confirm', {
      token,
      body: { code: totpCodeAt(e.json.secret, s.clock.now()) },
    })
    if (c.status !== 200) throw new Error(`admin TOTP enrolment failed: ${c.status} ${c.body}`)
  }
  return token
}
