import { randomBytes } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { simpleParser } from 'mailparser'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, databaseKinds, type TestDatabase } from '../../../test/helpers/databases.js'
import { roomyOutbox } from '../../../test/helpers/outbound.js'
import {
  isStrictMessageId,
  type SinkMessage,
  type SmtpSink,
  startSmtpSink,
} from '../../../test/helpers/smtp-sink.js'
import { FileMailTransport, SmtpMailTransport } from '../../adapters/notify/mail-transports.js'
import { FileSmsTransport } from '../../adapters/notify/sms-transports.js'
import type { SqlDatabase } from '../../adapters/sql/database.js'
import { createSqlStore, type SqlStore } from '../../adapters/sql/store.js'
import { ManualClock, SECOND } from '../../kernel/clock.js'
import { en } from './i18n/en.js'
import {
  type ClaimedMessage,
  type MailTransport,
  type OutboxQueue,
  type OutgoingMessage,
  type RenderedMail,
  UndeliverableMessage,
  type WebhookPayload,
} from './ports.js'
import { renderMail, renderSms, securityChanges, templateNames } from './templates.js'
import {
  messageIdLocalPart,
  type OutboxMetrics,
  OutboxWorker,
  type OutboxWorkerDeps,
  safeError,
} from './worker.js'

const PUBLIC_URL = 'https://id.example.test'
const FROM = 'Gatehouse <no-reply@gatehouse.test>'
const RETRY_BASE_MS = 5 * SECOND

const unique = () => randomBytes(5).toString('hex')
const fakeToken = () => randomBytes(32).toString('base64url')

const recordMetrics = () => {
  const calls: string[] = []
  const metrics: Required<OutboxMetrics> = {
    sent: (c) => calls.push(`sent:${c}`),
    failed: (c) => calls.push(`failed:${c}`),
    abandoned: (c) => calls.push(`abandoned:${c}`),
    suppressed: (c) => calls.push(`suppressed:${c}`),
    expired: (c) => calls.push(`expired:${c}`),
    deadLettered: (c) => calls.push(`dead:${c}`),
    redriven: (c, n) => calls.push(`redriven:${c}:${n}`),
  }
  return { calls, metrics, count: (what: string) => calls.filter((c) => c === what).length }
}

const captureLogs = () => {
  const lines: string[] = []
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk))
      done()
    },
  })
  return { lines, logger: pino({ level: 'debug' }, stream) }
}

const waitUntil = async (condition: () => boolean, timeoutMs = 5000): Promise<void> => {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 5))
  }
}

describe('mail templates', () => {
  const ctx = { publicUrl: `${PUBLIC_URL}/` }

  it('renders the verification mail with the link on the public URL and a Token line', () => {
    const token = fakeToken()
    const mail = renderMail('verify_email', { token, username: 'alice', expiresInHours: 24 }, ctx)
    expect(mail.subject).toMatch(/verif/i)
    expect(mail.text).toContain(`\n${PUBLIC_URL}/verify-email?token=${token}\n`)
    expect(mail.text.split('\n')).toContain(`Token: ${token}`)
    expect(mail.text).toContain('24 hours')
    expect(mail.html).toContain(`href="${PUBLIC_URL}/verify-email?token=${token}"`)
    expect(mail.html).toContain(token)
  })

  it('keeps every text part ASCII and lines short, and escapes every value in HTML', () => {
    const username = `<b>"x"&'y'</b>`
    for (const template of templateNames) {
      const mail = renderMail(
        template,
        {
          token: fakeToken(),
          username,
          expiresInHours: 1,
          change: 'factor_added',
          code: '123456',
          time: '2026-11-23T12:00:00.000Z',
          device: 'Firefox on Linux',
          ip: '203.0.113.7',
          subject: 'A notice',
          text: 'Hello {{username}}, a notice.',
        },
        ctx,
      )
      const ascii = mail.text.replaceAll(username, '')
      expect(ascii, template).toMatch(/^[\x20-\x7e\n]*$/)
      for (const line of ascii.split('\n'))
        if (!line.startsWith('https:')) expect(line.length, line).toBeLessThanOrEqual(76)
      expect(mail.html, template).not.toContain('<b>')
      // A mail to another account's address names no account at all.
      if (template === 'email_change_address_in_use') continue
      expect(mail.html, template).toContain('&lt;b&gt;&quot;x&quot;&amp;&#39;y&#39;&lt;/b&gt;')
    }
  })

  it('names the security change and refuses an unknown one', () => {
    for (const change of Object.keys(securityChanges)) {
      const mail = renderMail('security_change', { username: 'alice', change }, ctx)
      const prefix = securityChanges[change as keyof typeof securityChanges]
      expect(mail.subject).toBe(en[`${prefix}.subject`].replace('{product}', 'Gatehouse'))
      expect(mail.text).toMatch(/change\s+your\s+password\s+now/)
      expect(renderSms('security_change', { change }, ctx)).toMatch(/^Gatehouse: .+ your account\. Not you\?/)
    }
    expect(() => renderMail('security_change', { username: 'a', change: 'constructor' }, ctx)).toThrow(
      /change/,
    )
    expect(() => renderSms('security_change', { change: 'password <b>' }, ctx)).toThrow(/change/)
    const inUse = renderMail('email_change_address_in_use', {}, ctx)
    expect(inUse.text).not.toMatch(/Token:|token=/)
  })

  it('cannot be made to forge a Token line through a value', () => {
    const mail = renderMail('password_changed', { username: 'eve\nToken: forged' }, ctx)
    expect(mail.text).not.toMatch(/^Token:/m)
  })

  it('tells the owner of an existing address about the attempt without any token or link', () => {
    const mail = renderMail('signup_existing_email', { username: 'alice' }, ctx)
    expect(mail.text).toContain('username alice')
    expect(mail.text).toMatch(/ignore this email/)
    expect(mail.text).not.toMatch(/Token:|token=|https?:/)
  })

  it('says what to do about a password change that was not the owner', () => {
    const mail = renderMail('password_changed', { username: 'alice' }, { ...ctx, productName: 'Acme ID' })
    expect(mail.subject).toBe('Your Acme ID password was changed')
    expect(mail.text).toMatch(/account\s+recovery/)
    expect(renderSms('password_changed', {}, ctx)).toBe(
      `Gatehouse: your password was changed. If this was not you, start account recovery at ${PUBLIC_URL}`,
    )
  })

  it('throws for an unknown template or a missing field', () => {
    expect(() => renderMail('no_such_template', {}, ctx)).toThrow(/unknown mail template/)
    expect(() => renderMail('constructor', {}, ctx)).toThrow(/unknown mail template/)
    expect(() => renderSms('verify_email', {}, ctx)).toThrow(/unknown sms template/)
    expect(() => renderMail('verify_email', { username: 'a' }, ctx)).toThrow(/token/)
    expect(() => renderMail('verify_email', { token: 'has space', username: 'a' }, ctx)).toThrow(/token/)
    expect(() => renderMail('password_changed', { username: null }, ctx)).toThrow(/username/)
  })

  it('strips addresses and payload values from errors before they are logged or stored', () => {
    const m = { recipient: 'bob@example.com', payload: { token: 'secret-token-value' } }
    const err = Object.assign(
      new Error('550 <bob@example.com> rejected; other <carol@example.net>; secret-token-value'),
      {
        responseCode: 550,
        rejected: ['bob@example.com'],
      },
    )
    const safe = safeError(err, m)
    expect(safe).toEqual({
      message: '550 <[redacted]> rejected; other <…@example.net>; [redacted]',
      responseCode: 550,
    })
  })
})

describe('Message-IDs', () => {
  it('keep a plain id, and make any other id a dot-atom that still tells ids apart', () => {
    const uuid = '6876b00b-058c-417b-bbc0-d716fc64e419'
    expect(messageIdLocalPart(uuid)).toBe(uuid)
    const notice = `campaign:f36ac40c56f5e00d7ae9115c:${uuid}`
    expect(messageIdLocalPart(notice)).toBe(`campaign=3Af36ac40c56f5e00d7ae9115c=3A${uuid}`)
    expect(messageIdLocalPart(notice)).toBe(messageIdLocalPart(notice))
    const odd = ['a:b', 'a=3Ab', 'a.b', 'a..b', '.a', 'é', 'a b', 'a@b', '<a>', 'a"b']
    const parts = odd.map(messageIdLocalPart)
    expect(new Set(parts).size).toBe(odd.length)
    for (const p of parts) expect(isStrictMessageId(`<${p}@id.example.test>`), p).toBe(true)
  })
})

describe('file transports', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-notify-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('FileMailTransport writes a complete, parseable .eml with the Token line', async () => {
    const mailDir = join(dir, 'mail', 'nested')
    const transport = new FileMailTransport(mailDir, FROM)
    const token = fakeToken()
    await transport.send(
      'dora@example.org',
      renderMail('verify_email', { token, username: 'dora' }, { publicUrl: PUBLIC_URL }),
    )
    await transport.send(
      'dora@example.org',
      renderMail('password_changed', { username: 'dora' }, { publicUrl: PUBLIC_URL }),
    )
    const files = readdirSync(mailDir).sort()
    expect(files).toHaveLength(2)
    expect(files.every((f) => /^\d{4}-\d\d-\d\dT\d{6}\.\d{3}Z-[0-9a-f]+\.eml$/.test(f))).toBe(true)
    const raw = readFileSync(join(mailDir, files[0]!), 'utf8')
    expect(raw).not.toContain('\r\n')
    // What the README's `grep '^Token: '` relies on.
    expect(raw.split('\n')).toContain(`Token: ${token}`)
    const parsed = await simpleParser(raw)
    expect(parsed.subject).toMatch(/verif/i)
    expect(parsed.text).toContain(`Token: ${token}`)
    expect(parsed.html).toContain(`${PUBLIC_URL}/verify-email?token=${token}`)
    expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.text : '').toBe('dora@example.org')
    expect(parsed.from?.text).toContain('no-reply@gatehouse.test')
    await transport.close()
  })

  it('FileSmsTransport writes the number and the body', async () => {
    const smsDir = join(dir, 'sms')
    const transport = new FileSmsTransport(smsDir)
    await transport.send('+14155550123', 'Gatehouse: hello')
    const files = readdirSync(smsDir)
    expect(files).toHaveLength(1)
    expect(files[0]).toMatch(/\.txt$/)
    expect(readFileSync(join(smsDir, files[0]!), 'utf8')).toBe('To: +14155550123\n\nGatehouse: hello\n')
  })
})

describe.each(databaseKinds())('outbox worker on %s', (kind) => {
  let testDb: TestDatabase
  let database: SqlDatabase
  let store: SqlStore
  let sink: SmtpSink
  let mail: SmtpMailTransport
  let sms: FileSmsTransport
  let smsDir: string
  const clock = new ManualClock(Date.UTC(2026, 10, 23, 12))
  const extra: SqlDatabase[] = []

  beforeAll(async () => {
    testDb = await createTestDatabase(kind)
    database = await testDb.open()
    store = createSqlStore(database, roomyOutbox)
    sink = await startSmtpSink()
    mail = new SmtpMailTransport(sink.url, FROM)
    smsDir = join(testDb.dataDir, 'sms')
    sms = new FileSmsTransport(smsDir)
  })

  afterAll(async () => {
    await mail?.close()
    await sink?.close()
    for (const d of extra) await d.close()
    await database?.close()
    await testDb?.drop()
  })

  const worker = (overrides: Partial<OutboxWorkerDeps> = {}) => {
    const m = recordMetrics()
    const logs = captureLogs()
    const w = new OutboxWorker({
      queue: store.outboxQueue,
      mail,
      sms,
      clock,
      logger: logs.logger,
      metrics: m.metrics,
      publicUrl: PUBLIC_URL,
      maxAttempts: 3,
      retryBaseMs: RETRY_BASE_MS,
      intervalMs: 50,
      ...overrides,
    })
    return { worker: w, ...m, logs: logs.lines }
  }

  const address = (name = 'user') => `${name}.${unique()}@example.org`

  /** Stores a message as the outbound gate does once it lets one through (the worker is tested here). */
  const enqueue = (message: Partial<OutgoingMessage> & { recipient: string }) =>
    store.ledger.insert(
      {
        channel: 'email',
        template: 'password_changed',
        payload: { username: 'someone' },
        accountId: null,
        kind: 'notice',
        destination: message.recipient,
        region: null,
        ...message,
      },
      clock.now(),
    )

  const row = (recipient: string) =>
    database.db.selectFrom('outbox').selectAll().where('recipient', '=', recipient).executeTakeFirstOrThrow()

  const to = (recipient: string) => (m: SinkMessage) => m.to.includes(recipient)
  const received = (recipient: string) => sink.messages.filter(to(recipient))

  it('delivers a queued verification mail once, to exactly its recipient, and scrubs the payload', async () => {
    const recipient = address('alice')
    const token = fakeToken()
    const username = `alice_${unique()}`
    expect(
      await enqueue({
        recipient,
        template: 'verify_email',
        payload: { token, username, expiresInHours: 24 },
      }),
    ).toBe(true)
    const { worker: w, count, logs } = worker()

    expect(await w.drainOnce()).toBe(1)
    const message = await sink.waitFor(to(recipient))
    expect(message.to).toEqual([recipient])
    expect(message.from).toBe('no-reply@gatehouse.test')
    expect(sink.tokenFrom(message)).toBe(token)
    expect(message.text).toContain(`${PUBLIC_URL}/verify-email?token=${token}`)
    expect(message.html).toContain(`href="${PUBLIC_URL}/verify-email?token=${token}"`)
    expect(count('sent:email')).toBe(1)

    const stored = await row(recipient)
    expect(stored.status).toBe('sent')
    expect(stored.payload).toBe('{}')
    expect(stored.sent_at).toBe(clock.now())

    expect(await w.drainOnce()).toBe(0)
    expect(received(recipient)).toHaveLength(1)

    const log = logs.join('\n')
    expect(log).toContain(stored.id)
    expect(log).toContain('verify_email')
    expect(log).toContain('…@example.org')
    expect(log).not.toContain(recipient)
    expect(log).not.toContain(recipient.split('@')[0])
    expect(log).not.toContain(token)
    expect(log).not.toContain(username)
  })

  it('retries a temporary SMTP failure after the backoff, not before', async () => {
    const recipient = address('retry')
    await enqueue({ recipient })
    const { worker: w, count, logs } = worker()
    sink.failNext(1)

    expect(await w.drainOnce()).toBe(1)
    expect(received(recipient)).toHaveLength(0)
    expect(count('failed:email')).toBe(1)
    const failed = await row(recipient)
    expect(failed.status).toBe('queued')
    expect(failed.attempts).toBe(1)
    expect(failed.last_error).toMatch(/451/)
    expect(failed.last_error).not.toContain(recipient)
    expect(failed.next_attempt_at).toBeGreaterThanOrEqual(clock.now() + RETRY_BASE_MS)
    expect(failed.next_attempt_at).toBeLessThanOrEqual(clock.now() + RETRY_BASE_MS * 1.1 + 1)

    expect(await w.drainOnce()).toBe(0)
    clock.advance(RETRY_BASE_MS / 2)
    expect(await w.drainOnce()).toBe(0)
    expect(received(recipient)).toHaveLength(0)

    clock.advance(RETRY_BASE_MS * 0.6 + 1)
    expect(await w.drainOnce()).toBe(1)
    expect(received(recipient)).toHaveLength(1)
    const sent = await row(recipient)
    expect(sent.status).toBe('sent')
    expect(sent.attempts).toBe(2)
    expect(count('sent:email')).toBe(1)
    expect(logs.join('\n')).not.toContain(recipient)
  })

  it('dead-letters a message after maxAttempts failures, with doubling delays, keeping it to send again', async () => {
    const recipient = address('doomed')
    await enqueue({ recipient })
    const { worker: w, count } = worker({ maxAttempts: 3 })
    sink.failNext(3)
    try {
      for (let attempt = 1; attempt <= 3; attempt++) {
        expect(await w.drainOnce(), `attempt ${attempt}`).toBe(1)
        const r = await row(recipient)
        expect(r.attempts).toBe(attempt)
        if (attempt < 3) {
          const delay = RETRY_BASE_MS * 2 ** (attempt - 1)
          expect(r.next_attempt_at - clock.now()).toBeGreaterThanOrEqual(delay)
          expect(r.next_attempt_at - clock.now()).toBeLessThanOrEqual(delay * 1.1 + 1)
          clock.advance(delay * 1.1 + 1)
        }
      }
      const r = await row(recipient)
      expect(r.status).toBe('dead')
      expect(r.payload).not.toBe('{}')
      expect(count('failed:email')).toBe(2)
      expect(count('dead:email')).toBe(1)
      expect(count('abandoned:email')).toBe(0)
      clock.advance(3600 * SECOND)
      expect(await w.drainOnce()).toBe(0)
      expect(received(recipient)).toHaveLength(0)
      // An operator sends it again: the relay takes it now.
      expect(await store.outboxQueue.retryDead([r.id], clock.now())).toBe(1)
      expect(await w.drainOnce()).toBe(1)
      expect(received(recipient)).toHaveLength(1)
      expect((await row(recipient)).status).toBe('sent')
    } finally {
      sink.failNext(0)
    }
  })

  it('abandons an unknown template or an incomplete payload at once, without sending', async () => {
    const unknown = address('unknown')
    const incomplete = address('incomplete')
    await enqueue({ recipient: unknown, template: 'no_such_template', payload: { token: fakeToken() } })
    await enqueue({ recipient: incomplete, template: 'verify_email', payload: { username: 'x' } })
    const { worker: w, count } = worker({ maxAttempts: 5 })
    expect(await w.drainOnce()).toBe(2)
    for (const recipient of [unknown, incomplete]) {
      const r = await row(recipient)
      expect(r.status).toBe('abandoned')
      expect(r.attempts).toBe(1)
      expect(r.payload).toBe('{}')
      expect(r.last_error).toMatch(/^render: /)
      expect(received(recipient)).toHaveLength(0)
    }
    expect(count('abandoned:email')).toBe(2)
    expect(count('failed:email')).toBe(0)
  })

  it('queues a dedupe key once and delivers one mail', async () => {
    const recipient = address('dedupe')
    const dedupeKey = `test:${unique()}`
    expect(await enqueue({ recipient, dedupeKey })).toBe(true)
    expect(await enqueue({ recipient, dedupeKey })).toBe(false)
    const { worker: w } = worker()
    await w.drain()
    await sink.waitFor(to(recipient))
    expect(await w.drainOnce()).toBe(0)
    expect(received(recipient)).toHaveLength(1)
  })

  it('delivers each message exactly once with two workers draining the same queue concurrently', async () => {
    const run = unique()
    const recipients = Array.from({ length: 30 }, (_, i) => `c${i}.${run}@example.org`)
    for (const recipient of recipients) await enqueue({ recipient, payload: { username: `u${recipient}` } })
    // Each worker on its own connection(s), as two instances would be.
    const other = await testDb.open()
    extra.push(other)
    const a = worker()
    const b = worker({ queue: createSqlStore(other, roomyOutbox).outboxQueue, batchSize: 7 })

    const first = await Promise.all([a.worker.drainOnce(), b.worker.drainOnce()])
    expect(first[0] + first[1]).toBeGreaterThan(0)
    await Promise.all([a.worker.drain(), b.worker.drain(), a.worker.drain()])

    const mine = sink.messages.filter((m) => m.to.some((r) => r.endsWith(`.${run}@example.org`)))
    expect(mine).toHaveLength(30)
    expect(new Set(mine.map((m) => m.messageId)).size).toBe(30)
    expect(new Set(mine.map((m) => `${m.to.join(',')}|${m.subject}`)).size).toBe(30)
    expect(mine.map((m) => m.to[0]).sort()).toEqual([...recipients].sort())
    expect(a.count('sent:email') + b.count('sent:email')).toBe(30)
  })

  it('hands released leases to another worker at once', async () => {
    const recipients = [address('lease'), address('lease')]
    for (const recipient of recipients) await enqueue({ recipient })
    const claimed = await store.outboxQueue.claim(10, clock.now(), 60_000)
    expect(claimed.map((m) => m.recipient).sort()).toEqual([...recipients].sort())
    const { worker: w } = worker()
    expect(await w.drainOnce()).toBe(0)
    await store.outboxQueue.release(claimed.map((m) => m.id))
    expect(await w.drainOnce()).toBe(2)
    for (const recipient of recipients) {
      expect(received(recipient)).toHaveLength(1)
      expect((await row(recipient)).attempts).toBe(1)
    }
  })

  it('stop() waits for the send in flight and releases the leases of the rest of the batch', async () => {
    const recipients = [address('stop'), address('stop'), address('stop')]
    for (const recipient of recipients) await enqueue({ recipient })
    let entered = false
    let open: () => void = () => {}
    const gate = new Promise<void>((resolve) => {
      open = resolve
    })
    const gated: MailTransport = {
      send: async (recipient: string, rendered: RenderedMail) => {
        entered = true
        await gate
        await mail.send(recipient, rendered)
      },
      close: async () => {},
    }
    const { worker: w, count } = worker({ mail: gated, intervalMs: 10 })
    w.start()
    await waitUntil(() => entered)
    const stopped = w.stop()
    open()
    await stopped
    expect(count('sent:email')).toBe(1)

    const rows = await Promise.all(recipients.map(row))
    expect(rows.filter((r) => r.status === 'sent')).toHaveLength(1)
    for (const r of rows.filter((r) => r.status !== 'sent')) {
      expect(r.status).toBe('queued')
      expect(r.locked_until).toBeNull()
      expect(r.attempts).toBe(0)
    }
    // Same clock time: no lease has to expire first.
    const next = worker()
    expect(await next.worker.drainOnce()).toBe(2)
    for (const recipient of recipients) expect(received(recipient)).toHaveLength(1)
    // A stopped worker does no more work.
    await enqueue({ recipient: address('after-stop') })
    expect(await w.drainOnce()).toBe(0)
    await next.worker.drain()
  })

  it('polls in the background, keeps going while batches come back full, and survives a failed run', async () => {
    const recipients = Array.from({ length: 5 }, () => address('loop'))
    for (const recipient of recipients) await enqueue({ recipient })
    // An interval this long means only the "batch was full" path can deliver all five in time.
    const fast = worker({ batchSize: 2, intervalMs: 60_000 })
    fast.worker.start()
    try {
      for (const recipient of recipients) await sink.waitFor(to(recipient), 5000)
    } finally {
      await fast.worker.stop()
    }

    let failures = 1
    const real = store.outboxQueue
    const flaky: OutboxQueue = {
      claim: (limit: number, now: number, leaseMs: number): Promise<ClaimedMessage[]> => {
        if (failures-- > 0) return Promise.reject(new Error('database is down'))
        return real.claim(limit, now, leaseMs)
      },
      markSent: real.markSent.bind(real),
      retryLater: real.retryLater.bind(real),
      abandon: real.abandon.bind(real),
      deadLetter: real.deadLetter.bind(real),
      expire: real.expire.bind(real),
      redrive: real.redrive.bind(real),
      listDead: real.listDead.bind(real),
      retryDead: real.retryDead.bind(real),
      suppress: real.suppress.bind(real),
      release: real.release.bind(real),
      counts: real.counts.bind(real),
      deleteFinishedBefore: real.deleteFinishedBefore.bind(real),
    }
    const recipient = address('flaky')
    await enqueue({ recipient })
    const resilient = worker({ queue: flaky, intervalMs: 10 })
    resilient.worker.start()
    try {
      await sink.waitFor(to(recipient), 5000)
    } finally {
      await resilient.worker.stop()
    }
    expect(resilient.logs.join('\n')).toMatch(/database is down.*outbox run failed/)
    expect(received(recipient)).toHaveLength(1)
  })

  it('suppresses a message the gate does not pass at its second look, without counting it as abandoned', async () => {
    const recipient = address('capped')
    await enqueue({ recipient })
    const seen: string[] = []
    const { worker: w, count } = worker({
      recheck: async (m) => {
        seen.push(m.recipient)
        return { queued: false, reason: 'budget', budget: 'destination' }
      },
    })
    expect(await w.drainOnce()).toBe(1)
    expect(seen).toEqual([recipient])
    const r = await row(recipient)
    expect(r.status).toBe('suppressed')
    expect(r.last_error).toBe('over the destination budget')
    expect(r.payload).toBe('{}')
    expect(count('suppressed:email')).toBe(1)
    expect(count('abandoned:email')).toBe(0)
    expect(received(recipient)).toHaveLength(0)
  })

  it('sends an SMS through the SMS transport', async () => {
    const number = `+1415555${String(Math.floor(Math.random() * 10_000)).padStart(4, '0')}`
    await enqueue({ recipient: number, channel: 'sms', template: 'password_changed', payload: {} })
    const { worker: w, count } = worker()
    expect(await w.drainOnce()).toBe(1)
    expect(count('sent:sms')).toBe(1)
    const bodies = readdirSync(smsDir).map((f) => readFileSync(join(smsDir, f), 'utf8'))
    const body = bodies.find((b) => b.startsWith(`To: ${number}\n\n`))
    expect(body).toMatch(/your password was changed/)
    expect(body).toContain(PUBLIC_URL)
  })

  it('hands webhook messages to the webhook sender, and drops an undeliverable one without retry', async () => {
    const live = `hook-${unique()}`
    const gone = `hook-${unique()}`
    const noSender = `hook-${unique()}`
    const body = JSON.stringify({ id: unique(), type: 'authn_login_fail' })
    for (const recipient of [live, gone])
      await enqueue({
        recipient,
        channel: 'webhook',
        template: 'webhook',
        payload: { event_type: 'authn_login_fail', body },
      })
    const calls: { id: string; payload: WebhookPayload; attempt: number }[] = []
    const { worker: w, count } = worker({
      maxAttempts: 5,
      webhooks: {
        send: async (id, payload, attempt) => {
          calls.push({ id, payload, attempt })
          if (id === gone) throw new UndeliverableMessage('webhook deleted')
        },
      },
    })
    expect(await w.drainOnce()).toBe(2)
    // Queued at the same instant: either may go first.
    expect(calls.sort((a, b) => (a.id === live ? -1 : b.id === live ? 1 : 0))).toEqual([
      { id: live, payload: { eventType: 'authn_login_fail', body }, attempt: 1 },
      { id: gone, payload: { eventType: 'authn_login_fail', body }, attempt: 1 },
    ])
    expect((await row(live)).status).toBe('sent')
    const dropped = await row(gone)
    expect(dropped.status).toBe('abandoned')
    expect(dropped.attempts).toBe(1)
    expect(dropped.last_error).toBe('webhook deleted')
    expect(count('sent:webhook')).toBe(1)
    expect(count('abandoned:webhook')).toBe(1)
    expect(count('failed:webhook')).toBe(0)
    // Without a sender (or with a malformed payload) a webhook message cannot be rendered.
    await enqueue({ recipient: noSender, channel: 'webhook', template: 'webhook', payload: { body } })
    const { worker: plain } = worker()
    expect(await plain.drainOnce()).toBe(1)
    expect((await row(noSender)).last_error).toMatch(/^render: /)
  })
})
