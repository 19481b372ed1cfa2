import { createServer } from 'node:net'
import pino from 'pino'
import { SmtpMailTransport } from '../../src/adapters/notify/mail-transports.js'
import { createApp } from '../../src/app.js'
import { loadConfig } from '../../src/config/index.js'
import { ManualClock } from '../../src/kernel/clock.js'
import { createTestDatabase, type DatabaseKind } from './databases.js'
import { type TestServer, testEnv } from './server.js'
import { startSmtpSink } from './smtp-sink.js'

/**
 * The wall clock under the test server's clock type: Gatehouse and oidc-provider then agree on the
 * time (the provider reads Date.now()). `advance` and `set` have no effect on it.
 */
export class WallClock extends ManualClock {
  override now(): number {
    return Date.now()
  }
}

/** A TCP port nothing listens on now. */
const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })

/**
 * A Gatehouse listening on loopback, its public URL (the issuer) `http://127.0.0.1:<port>`, on the
 * wall clock, for relying-party libraries that speak HTTP. Fastify's inject works on it too.
 */
export const createListeningServer = async (
  kind: DatabaseKind,
  env: Record<string, string> = {},
): Promise<TestServer & { origin: string }> => {
  const db = await createTestDatabase(kind)
  const smtp = await startSmtpSink()
  const port = await freePort()
  const origin = `http://127.0.0.1:${port}`
  const clock = new WallClock()
  const config = loadConfig(
    testEnv(db, smtp.url, {
      GATEHOUSE_PUBLIC_URL: origin,
      GATEHOUSE_SECRET_KEY: Buffer.alloc(32, 11).toString('base64'),
      ...env,
    }),
  )
  const app = await createApp(config, {
    clock,
    logger: pino({ level: 'silent' }),
    database: await db.open(),
    mail: new SmtpMailTransport(smtp.url, config.mailFrom),
    manualWorkers: true,
  })
  await app.http.listen({ port, host: '127.0.0.1' })
  return {
    app,
    db,
    smtp,
    clock,
    origin,
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
