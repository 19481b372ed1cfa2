import { afterEach, describe, expect, it } from 'vitest'
import { MINUTE, SECOND } from '../../src/kernel/clock.js'
import { api, rawBody } from '../helpers/api.js'
import { databaseKinds } from '../helpers/databases.js'
import {
  adminSession,
  createTestServer,
  freshUser,
  metricsText,
  signUpAndLogin,
  type TestServer,
} from '../helpers/server.js'
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js'

/**
 * No accepted message is dropped silently: while the relay is down, messages are tried again with
 * backoff over the retry horizon (24 hours by default; it used to end after 6 tries, 2 min 47 s),
 * are delivered as soon as the relay answers again (not after their backoff), and past the horizon
 * are dead-lettered — counted, listed, announced by an event and sent again on request. A reset
 * or code message whose code expired meanwhile is closed as `expired`, never sent late.
 */
describe.each(databaseKinds())('delivery through a relay outage on %s', (kind) => {
  let s: TestServer | undefined
  let relay: SmtpSink | undefined
  afterEach(async () => {
    await relay?.close()
    relay = undefined
    await s?.close()
    s = undefined
  })

  const statuses = async (server: TestServer, template: string) =>
    (
      await server.app.database.db
        .selectFrom('outbox')
        .select(['status', 'attempts', 'payload'])
        .where('template', '=', template)
        .execute()
    ).map((r) => ({ ...r, attempts: Number(r.attempts) }))

  /** Moves the clock on by `ms` in steps, running the workers at each (every try fails meanwhile). */
  const wait = async (server: TestServer, ms: number, step = 5 * MINUTE) => {
    for (let spent = 0; spent < ms; spent += step) {
      server.clock.advance(step)
      await server.deliver()
    }
  }

  /** Takes the test server's relay down: its port refuses connections. */
  const relayDown = async (server: TestServer) => {
    const port = Number(new URL(server.smtp.url).port)
    await server.smtp.close()
    return port
  }

  it('keeps every accepted mail through an outage of three hours and delivers it as soon as the relay is back', async () => {
    s = await createTestServer(kind)
    const users = Array.from({ length: 5 }, () => freshUser('outage'))
    const port = await relayDown(s)
    for (const u of users) expect((await api(s).POST('/v1/accounts', { body: u })).response.status).toBe(202)
    await wait(s, 3 * 60 * MINUTE)

    const waiting = await statuses(s, 'verify_email')
    expect(waiting).toHaveLength(5)
    for (const m of waiting) {
      expect(m.status).toBe('queued')
      // The old limit was 6 tries.
      expect(m.attempts).toBeGreaterThan(6)
    }
    const during = await metricsText(s)
    expect(during).toMatch(/gatehouse_dependency_up\{dependency="smtp"\} 0/)
    expect(during).toMatch(/gatehouse_outbox_messages\{status="queued"\} 5/)

    // Back on the same port. The next probe of the relay (every 30 s) makes every waiting mail due
    // now, though each one's backoff has up to 15 minutes to run.
    relay = await startSmtpSink(port)
    s.clock.advance(30 * SECOND)
    await s.app.workers.outbox.probeTransports()
    await s.deliver()
    for (const u of users) await relay.waitFor((m) => m.to.includes(u.email), 2000)
    expect(relay.messages).toHaveLength(5)
    expect((await statuses(s, 'verify_email')).map((m) => m.status)).toEqual(Array(5).fill('sent'))
    const after = await metricsText(s)
    expect(after).toMatch(/gatehouse_dependency_up\{dependency="smtp"\} 1/)
    expect(after).toMatch(/gatehouse_messages_total\{channel="email",state="redriven"\} 5/)
    // The tokens they carry still work.
    const token = relay.tokenFrom(relay.messages[0]!)
    expect((await api(s).POST('/v1/accounts/verify', { body: { token } })).response.status).toBe(200)
  })

  it('closes a reset message whose token expired during the outage as expired, and never sends it late', async () => {
    s = await createTestServer(kind)
    const { user } = await signUpAndLogin(s)
    const port = await relayDown(s)
    expect((await api(s).POST('/v1/recovery', { body: { identifier: user.username } })).response.status).toBe(
      202,
    )
    // The token lives 20 minutes (GATEHOUSE_RECOVERY_TOKEN_TTL).
    await wait(s, 25 * MINUTE)
    relay = await startSmtpSink(port)
    s.clock.advance(30 * SECOND)
    await s.app.workers.outbox.probeTransports()
    await s.deliver()

    expect(relay.messages.filter((m) => m.to.includes(user.email))).toHaveLength(0)
    const [reset] = await statuses(s, 'recovery_email')
    expect(reset).toMatchObject({ status: 'expired', payload: '{}' })
    expect(await metricsText(s)).toMatch(/gatehouse_messages_total\{channel="email",state="expired"\} 1/)
  })

  it('dead-letters what is still undelivered at the horizon, tells of it, lists it and sends it again on request', async () => {
    s = await createTestServer(kind, { GATEHOUSE_MAIL_RETRY_HORIZON: '3600' })
    const users = Array.from({ length: 3 }, () => freshUser('dead'))
    const port = await relayDown(s)
    for (const u of users) expect((await api(s).POST('/v1/accounts', { body: u })).response.status).toBe(202)
    await wait(s, 70 * MINUTE)

    const dead = await statuses(s, 'verify_email')
    expect(dead.map((m) => m.status)).toEqual(['dead', 'dead', 'dead'])
    // Kept whole, to be sent again.
    for (const m of dead) expect(JSON.parse(m.payload)).toHaveProperty('token')
    const metrics = await metricsText(s)
    expect(metrics).toMatch(/gatehouse_messages_total\{channel="email",state="dead_lettered"\} 3/)
    expect(metrics).toMatch(/gatehouse_outbox_messages\{status="dead"\} 3/)
    const events = await s.app.database.db
      .selectFrom('security_events')
      .select(['details'])
      .where('type', '=', 'messages_dead_lettered')
      .execute()
    const told = events.map((e) => JSON.parse(e.details) as { count: number; templates: string[] })
    expect(told.reduce((n, e) => n + e.count, 0)).toBe(3)
    expect(told.every((e) => e.templates.includes('verify_email'))).toBe(true)

    const admin = await adminSession(s)
    const asAdmin = api(s, { token: admin })
    const listed = await asAdmin.GET('/v1/admin/outbox/dead')
    expect(listed.response.status).toBe(200)
    expect(listed.data!.messages).toHaveLength(3)
    expect(listed.data!.messages[0]).toMatchObject({ channel: 'email', template: 'verify_email' })
    for (const u of users) expect(rawBody(listed.response)).not.toContain(u.email)
    expect(rawBody(listed.response)).not.toMatch(/token/i)

    relay = await startSmtpSink(port)
    const retried = await asAdmin.POST('/v1/admin/outbox/retry', { body: { all: true } })
    expect(retried.data).toEqual({ retried: 3 })
    await s.deliver()
    for (const u of users) await relay.waitFor((m) => m.to.includes(u.email), 2000)
    expect((await statuses(s, 'verify_email')).map((m) => m.status)).toEqual(['sent', 'sent', 'sent'])
    expect((await asAdmin.GET('/v1/admin/outbox/dead')).data!.messages).toEqual([])
    const audited = await s.app.database.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', '=', 'outbox.retry')
      .execute()
    expect(audited).toHaveLength(1)
  })
})
