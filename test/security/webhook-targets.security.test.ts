/**
 * Invariant: unless GATEHOUSE_WEBHOOK_ALLOW_PRIVATE is on, no webhook request leaves Gatehouse for
 * a loopback, private, link-local (cloud metadata), CGNAT, unspecified, multicast or other
 * non-public address — such URLs are refused at creation, and every delivery resolves the host
 * again and drops the message without connecting when any address is not public.
 */
import { lookup } from 'node:dns/promises'
import { createServer, request, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { hostname } from 'node:os'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SmtpMailTransport } from '../../src/adapters/notify/mail-transports.js'
import { type App, createApp } from '../../src/app.js'
import { loadConfig } from '../../src/config/index.js'
import { ManualClock } from '../../src/kernel/clock.js'
import { isPublicAddress, NonPublicTarget, publicOnlyLookup } from '../../src/modules/webhooks/targets.js'
import { databaseKinds } from '../helpers/databases.js'
import { adminSession, call, createTestServer, freshUser, type TestServer } from '../helpers/server.js'

/** A receiver on loopback that counts the requests reaching it. */
const startReceiver = async () => {
  let hits = 0
  const server: Server = createServer((req, res) => {
    hits += 1
    req.resume()
    req.on('end', () => res.writeHead(200).end('ok'))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    port,
    hits: () => hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

describe('which addresses are public', () => {
  it.each([
    '127.0.0.1',
    '127.8.9.10',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.254',
    '192.168.0.1',
    '169.254.169.254',
    '100.64.0.1',
    '100.127.255.254',
    '0.0.0.0',
    '255.255.255.255',
    '224.0.0.251',
    '192.0.2.1',
    '198.18.0.1',
    '240.0.0.1',
    '::',
    '::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:169.254.169.254',
    '::127.0.0.1',
    'fc00::1',
    'fd12:3456::1',
    'fe80::1',
    'ff02::1',
    '64:ff9b::7f00:1',
    '2002:7f00:1::1',
    '2001::1',
    '2001:db8::1',
    'not an address',
  ])('refuses %s', (ip) => {
    expect(isPublicAddress(ip)).toBe(false)
  })

  it.each([
    '93.184.215.14',
    '8.8.8.8',
    '100.128.0.1',
    '172.32.0.1',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
  ])('takes %s', (ip) => {
    expect(isPublicAddress(ip)).toBe(true)
  })
})

/** This machine's name when it resolves to a loopback address (as /etc/hosts often has it): a name, not `localhost`, that DNS points at loopback. */
const loopbackName = async (): Promise<string | null> => {
  const name = hostname()
  const found = await lookup(name, { all: true }).catch(() => [])
  return found.length > 0 && found.every((a) => !isPublicAddress(a.address)) ? name : null
}

describe('connections of deliveries', () => {
  it('never connect to a name that resolves to loopback: the lookup refuses before connecting', async () => {
    const receiver = await startReceiver()
    try {
      for (const host of ['localhost', ...[await loopbackName()].filter((n): n is string => n !== null)]) {
        const err = await new Promise<unknown>((resolve) => {
          const req = request({
            host,
            port: receiver.port,
            method: 'POST',
            lookup: publicOnlyLookup,
            agent: false,
          })
          req.on('error', resolve)
          req.on('response', () => resolve(null))
          req.end('{}')
        })
        expect(err, host).toBeInstanceOf(NonPublicTarget)
        expect((err as NonPublicTarget).address, host).toMatch(/^(127\.|::1$)/)
      }
      expect(receiver.hits()).toBe(0)
    } finally {
      await receiver.close()
    }
  })
})

describe.each(databaseKinds())('webhook targets on %s', (kind) => {
  let server: TestServer
  let admin: string
  beforeAll(async () => {
    server = await createTestServer(kind)
    admin = await adminSession(server)
  })
  afterAll(async () => {
    await server?.close()
  })

  const create = (s: TestServer, token: string, url: string) =>
    call(s, 'POST', '/v1/admin/webhooks', { token, body: { url, event_types: ['authn_login_fail'] } })

  it('refuses at creation a URL whose host is, or resolves to, an address that is not public', async () => {
    const refused = [
      'http://127.0.0.1:8080/hook',
      'http://127.1/hook',
      'http://2130706433/hook',
      'http://0x7f.0.0.1/hook',
      'http://localhost:8080/hook',
      'http://LOCALHOST./hook',
      'http://[::1]/hook',
      'http://[::ffff:127.0.0.1]/hook',
      'http://[::ffff:a9fe:a9fe]/latest/meta-data/',
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.5/hook',
      'http://172.16.5.4/hook',
      'http://192.168.1.1/hook',
      'http://100.64.0.1/hook',
      'http://0.0.0.0/hook',
      'http://[::]/hook',
      'http://[fd00::1]/hook',
      'http://[fe80::1]/hook',
      'http://224.0.0.1/hook',
      'http://[64:ff9b::7f00:1]/hook',
    ]
    for (const url of refused) {
      const res = await create(server, admin, url)
      expect(res.status, `${url}: ${res.body}`).toBe(400)
      expect(res.json.code, url).toBe('webhook_url_not_public')
    }
    const name = await loopbackName()
    if (name) {
      const res = await create(server, admin, `https://${name}/hook`)
      expect(res.status, `${name}: ${res.body}`).toBe(400)
      expect(res.json.code, name).toBe('webhook_url_not_public')
    }
    const list = await call(server, 'GET', '/v1/admin/webhooks', { token: admin })
    expect(list.json.webhooks).toEqual([])
    // Public addresses, and names that do not resolve now (checked again at each delivery), are taken.
    for (const url of ['https://93.184.215.14/hook', 'https://hooks.example.test/in']) {
      const res = await create(server, admin, url)
      expect(res.status, `${url}: ${res.body}`).toBe(201)
      await call(server, 'DELETE', `/v1/admin/webhooks/${res.json.id}`, { token: admin })
    }
  })

  it('drops, without a request, deliveries to targets that became refused (the setting turned off)', async () => {
    const receiver = await startReceiver()
    // Created while private targets were allowed.
    const allowed = await createTestServer(kind, { GATEHOUSE_WEBHOOK_ALLOW_PRIVATE: 'true' })
    let strict: App | undefined
    try {
      const token = await adminSession(allowed)
      const hooks = []
      const name = await loopbackName()
      if (!name)
        console.warn(`${hostname()} does not resolve to loopback here: its delivery case is left out`)
      const urls = [
        `http://127.0.0.1:${receiver.port}/hook`,
        `http://localhost:${receiver.port}/hook`,
        `http://[::ffff:127.0.0.1]:${receiver.port}/hook`,
        ...(name ? [`http://${name}:${receiver.port}/hook`] : []),
      ]
      for (const url of urls) {
        const res = await create(allowed, token, url)
        expect(res.status, res.body).toBe(201)
        hooks.push(res.json.id as string)
      }
      const failedLogin = () =>
        call(allowed, 'POST', '/v1/sessions', {
          body: { identifier: freshUser().username, password: 'not the password at all' },
        })
      await failedLogin()

      // The same database, started again with the setting off.
      const config = loadConfig({
        GATEHOUSE_DATA_DIR: allowed.db.dataDir,
        GATEHOUSE_PUBLIC_URL: 'https://id.example.test',
        GATEHOUSE_LOG_LEVEL: 'silent',
        ...(allowed.db.databaseUrl ? { DATABASE_URL: allowed.db.databaseUrl } : {}),
        GATEHOUSE_SMTP_URL: allowed.smtp.url,
        GATEHOUSE_SECRET_KEY: Buffer.alloc(32, 7).toString('base64'),
        GATEHOUSE_GUARD: 'false',
      })
      strict = await createApp(config, {
        clock: new ManualClock(allowed.clock.now()),
        logger: pino({ level: 'silent' }),
        database: await allowed.db.open(),
        mail: new SmtpMailTransport(allowed.smtp.url, config.mailFrom),
        manualWorkers: true,
      })
      await strict.workers.outbox.drain()
      expect(receiver.hits()).toBe(0)
      const messages = await strict.database.db
        .selectFrom('outbox')
        .select(['recipient', 'status', 'attempts', 'last_error'])
        .where('channel', '=', 'webhook')
        .execute()
      expect(messages).toHaveLength(urls.length)
      for (const m of messages) {
        expect(m.status, m.recipient).toBe('abandoned')
        expect(m.last_error).toMatch(/not a public address/)
      }
      for (const id of hooks) {
        const log = await call(allowed, 'GET', `/v1/admin/webhooks/${id}/deliveries`, { token })
        expect(log.json.deliveries).toHaveLength(1)
        expect(log.json.deliveries[0]).toMatchObject({ status_code: null })
        expect(log.json.deliveries[0].error).toMatch(/^refused: .*not a public address/)
      }

      // The receiver itself answers: with the setting on, the next event reaches it from every webhook.
      await failedLogin()
      await allowed.deliver()
      expect(receiver.hits()).toBe(urls.length)
    } finally {
      await strict?.close()
      await allowed.close()
      await receiver.close()
    }
  })
})
