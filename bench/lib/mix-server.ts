import type { AddressInfo } from 'node:net'
import pino from 'pino'
import { SmtpMailTransport } from '../../src/adapters/notify/mail-transports.js'
import type { SqlDatabase } from '../../src/adapters/sql/database.js'
import { type App, createApp } from '../../src/app.js'
import { loadConfig } from '../../src/config/index.js'
import { newId } from '../../src/kernel/tokens.js'
import { PasswordHasher } from '../../src/modules/accounts/password-hasher.js'
import type { LimiterStore } from '../../src/modules/guard/ports.js'
import type { MixPlan, MixUser } from './attack-mix.js'
import { request, sourceAgent, type Target } from './http.js'
import type { Sink } from './smtp-sink.js'

export interface MixServer {
  app: App
  target: Target
  close(): Promise<void>
}

/**
 * A Gatehouse on a real clock with its workers running, listening on loopback: the defaults of a
 * production start, with the data dir, database, SMTP sink and limiter store given.
 */
export const startMixServer = async (opts: {
  dataDir: string
  database: SqlDatabase
  databaseUrl?: string | undefined
  limiter: LimiterStore
  sink: Sink
  env?: Record<string, string>
}): Promise<MixServer> => {
  const config = loadConfig({
    GATEHOUSE_DATA_DIR: opts.dataDir,
    GATEHOUSE_LOG_LEVEL: 'silent',
    GATEHOUSE_SMTP_URL: opts.sink.url,
    GATEHOUSE_WORKER_INTERVAL_MS: '100',
    GATEHOUSE_SECRET_KEY: Buffer.alloc(32, 11).toString('base64'),
    ...(opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : {}),
    ...opts.env,
  })
  const app = await createApp(config, {
    logger: pino({ level: 'silent' }),
    database: opts.database,
    mail: new SmtpMailTransport(opts.sink.url, config.mailFrom),
    limiter: opts.limiter,
  })
  await app.http.listen({ host: '127.0.0.1', port: 0 })
  app.startWorkers()
  const port = (app.http.server.address() as AddressInfo).port
  return { app, target: { host: '127.0.0.1', port }, close: () => app.close() }
}

/**
 * Accounts for the mix, written straight to the store (verified addresses), and the first logins of
 * regulars and travellers over HTTP from their home addresses: those addresses and devices are then
 * known, as they are for real users.
 */
export const seedMix = async (
  server: MixServer,
  counts = { regulars: 60, travellers: 10, newcomers: 10, flood: 20, victims: 25 },
): Promise<MixPlan> => {
  const { app, target } = server
  const hasher = new PasswordHasher({
    memoryKiB: app.config.argon2MemoryKiB,
    iterations: app.config.argon2Iterations,
    parallelism: app.config.argon2Parallelism,
  })
  const run = newId().slice(0, 6).toLowerCase()
  const make = async (prefix: string, n: number): Promise<MixUser[]> => {
    const users: MixUser[] = []
    for (let i = 0; i < n; i++) {
      const username = `${prefix}${i}x${run}`
      const password = `quiet meadow ${prefix} ${i} ${run}`
      const email = `${username}@example.org`
      const now = Date.now()
      const created = await app.store.accounts.create({
        id: newId(),
        username,
        email,
        emailNorm: email,
        phone: null,
        passwordHash: await hasher.hash(password),
        role: 'user',
        mustChangePassword: false,
        passwordChangedAt: now,
        createdAt: now,
        emailVerifiedAt: now,
      })
      if (!created.ok) throw new Error(`could not seed ${username}`)
      users.push({ username, email, password })
    }
    return users
  }
  const firstLogin = async (u: MixUser, ip: string): Promise<string> => {
    const agent = sourceAgent(ip, 1000)
    const r = await request(target, {
      method: 'POST',
      path: '/v1/sessions',
      body: { identifier: u.username, password: u.password },
      agent,
      localAddress: ip,
    })
    agent.destroy()
    if (r.status !== 201) throw new Error(`seed login for ${u.username} answered ${r.status} ${r.body}`)
    const token = (JSON.parse(r.body) as { device_token?: string }).device_token
    if (!token) throw new Error('the first login gave no device token')
    return token
  }
  const regulars = await Promise.all(
    (await make('reg', counts.regulars)).map(async (u, i) => {
      const home = `127.100.${i}.1`
      return { ...u, home, deviceToken: await firstLogin(u, home) }
    }),
  )
  const travellers = await Promise.all(
    (await make('trv', counts.travellers)).map(async (u, i) => ({
      ...u,
      travel: `127.102.${i}.1`,
      deviceToken: await firstLogin(u, `127.101.${i}.1`),
    })),
  )
  const newcomers = (await make('new', counts.newcomers)).map((u, i) => ({ ...u, home: `127.103.${i}.1` }))
  const floodTargets = await make('fld', counts.flood)
  const stuffingVictims = await make('vic', counts.victims)
  const knownIdentifiers = [...regulars, ...floodTargets].flatMap((u) => [u.username, u.email])
  return { regulars, travellers, newcomers, floodTargets, stuffingVictims, knownIdentifiers }
}
