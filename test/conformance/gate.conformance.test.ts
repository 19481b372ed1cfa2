import { randomUUID } from 'node:crypto'
import { beforeEach, describe, expect, it } from 'vitest'
import { SqlMessageLedger, SqlOutboxQueue } from '../../src/adapters/sql/outbox-repository.js'
import {
  callingCodeOf,
  destinationOf,
  type GateSettings,
  kindOf,
  OutboundGate,
} from '../../src/modules/mail/gate.js'
import type { OutgoingMessage, QueueVerdict } from '../../src/modules/mail/ports.js'
import { smsTemplateNames, templateNames } from '../../src/modules/mail/templates.js'
import { databaseKinds } from '../helpers/databases.js'
import { roomyBudgets } from '../helpers/outbound.js'
import { DAY, HOUR, MINUTE, T0, unique, useSuiteDatabase } from './fixtures.js'

/*
 * The outbound gate over the SQL ledger (src/modules/mail/gate.ts, ports.ts MessageLedger): budgets
 * per destination, account, kind and SMS country hold under dozens of simultaneous enqueues — on
 * one connection, and on PostgreSQL across separate connections (instances) — and again at the
 * second look before sending.
 */

const budgets: GateSettings = {
  ...roomyBudgets,
  kinds: { ...roomyBudgets.kinds, recovery: { hour: 3, day: 5 }, login_code: { hour: 3, day: 5 } },
  destinationPerDay: 8,
  sms: { global: { points: 6, seconds: 3600 }, perCountry: { points: 4, seconds: 3600 } },
}

describe('outbound gate, without storage', () => {
  it('knows a kind for every mail and SMS template', () => {
    for (const t of [...templateNames, ...smsTemplateNames]) expect(kindOf(t, 'email'), t).toBeTruthy()
    expect(() => kindOf('no_such_template', 'email')).toThrow(/no message kind/)
    expect(kindOf('anything', 'webhook')).toBe('webhook')
  })

  it('folds the forms of one mailbox into one destination, and keeps numbers as they are', () => {
    expect(destinationOf('email', 'Ada.Lovelace+Reset@Example.ORG')).toBe('ada.lovelace@example.org')
    expect(destinationOf('email', 'A.d.a+x@GoogleMail.com')).toBe('ada@gmail.com')
    expect(destinationOf('email', 'ada@gmail.com')).toBe('ada@gmail.com')
    expect(destinationOf('sms', '+447700900123')).toBe('+447700900123')
    expect(callingCodeOf('+447700900123')).toBe('44')
    expect(callingCodeOf('+14155550123')).toBe('1')
  })
})

describe.each(databaseKinds())('outbound gate on %s', (kind) => {
  const suite = useSuiteDatabase(kind)
  const gateOn = (ledger = suite.store.ledger) => new OutboundGate(ledger, budgets)

  beforeEach(async () => {
    await suite.database.db.deleteFrom('outbox').execute()
  })

  const mail = (overrides: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
    channel: 'email',
    recipient: `victim.${unique()}@example.org`,
    template: 'recovery_email',
    payload: { token: 'x', username: 'v', expiresInMinutes: 20 },
    accountId: randomUUID(),
    ...overrides,
  })
  const queuedOf = (verdicts: QueueVerdict[]) => verdicts.filter((v) => v.queued).length

  it('queues at most the hourly budget of a destination out of 40 simultaneous messages from 40 accounts', async () => {
    const gate = gateOn()
    const recipient = `target.${unique()}@example.org`
    const verdicts = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        gate.enqueue(mail({ recipient: i % 2 ? recipient : recipient.toUpperCase() }), T0),
      ),
    )
    expect(queuedOf(verdicts)).toBe(3)
    expect(
      verdicts.filter((v) => !v.queued && v.reason === 'budget' && v.budget === 'destination'),
    ).toHaveLength(37)
    expect(await suite.count('outbox')).toBe(3)
  })

  it('queues at most the hourly budget of an account out of 40 simultaneous messages to 40 addresses', async () => {
    const gate = gateOn()
    const accountId = randomUUID()
    const verdicts = await Promise.all(
      Array.from({ length: 40 }, () => gate.enqueue(mail({ accountId, template: 'login_code' }), T0)),
    )
    expect(queuedOf(verdicts)).toBe(3)
    expect(await suite.count('outbox', accountId)).toBe(3)
  })

  it('holds the daily budget across hours, and the budget across kinds per destination', async () => {
    const gate = gateOn()
    const recipient = `daily.${unique()}@example.org`
    let queued = 0
    for (let h = 0; h < 5; h++) {
      for (let i = 0; i < 3; i++)
        queued += (await gate.enqueue(mail({ recipient }), T0 + h * HOUR)).queued ? 1 : 0
    }
    expect(queued).toBe(5)
    // A day later the kind's budget is new, and the destination's budget across kinds counts on.
    const other = `all.${unique()}@example.org`
    const kinds = ['recovery_email', 'login_code', 'verify_email', 'password_changed'] as const
    let total = 0
    for (let i = 0; i < 4; i++) {
      for (const template of kinds)
        total += (await gate.enqueue(mail({ recipient: other, template }), T0 + i * MINUTE)).queued ? 1 : 0
    }
    expect(total).toBe(8)
    expect(
      (await gate.enqueue(mail({ recipient, template: 'password_changed' }), T0 + DAY + HOUR)).queued,
    ).toBe(true)
  })

  it('budgets SMS globally and per country calling code', async () => {
    const gate = gateOn()
    const text = (recipient: string) =>
      mail({
        channel: 'sms',
        recipient,
        template: 'phone_code',
        payload: { code: '123456', expiresInMinutes: 10 },
      })
    const uk = Array.from({ length: 10 }, (_, i) => `+4477009001${String(i).padStart(2, '0')}`)
    const verdicts = await Promise.all(uk.map((n) => gate.enqueue(text(n), T0)))
    expect(queuedOf(verdicts)).toBe(4)
    expect(
      verdicts.filter((v) => !v.queued && v.reason === 'budget' && v.budget === 'sms_country'),
    ).toHaveLength(6)
    const us = Array.from({ length: 10 }, (_, i) => `+1415555${String(100 + i).padStart(4, '0')}`)
    const more = await Promise.all(us.map((n) => gate.enqueue(text(n), T0)))
    // Six in all: two more fit, whatever the country.
    expect(queuedOf(more)).toBe(2)
    expect(more.some((v) => !v.queued && v.reason === 'budget' && v.budget === 'sms_global')).toBe(true)
    // An hour later the window has moved on.
    expect((await gate.enqueue(text('+14155550199'), T0 + HOUR + 1)).queued).toBe(true)
  })

  it('never counts a duplicate as a message, nor a message it refused', async () => {
    const gate = gateOn()
    const recipient = `dup.${unique()}@example.org`
    const dedupeKey = `k-${unique()}`
    expect(await gate.enqueue(mail({ recipient, dedupeKey }), T0)).toEqual({ queued: true })
    expect(await gate.enqueue(mail({ recipient, dedupeKey }), T0)).toEqual({
      queued: false,
      reason: 'duplicate',
    })
    expect((await gate.enqueue(mail({ recipient }), T0)).queued).toBe(true)
    expect((await gate.enqueue(mail({ recipient }), T0)).queued).toBe(true)
    expect((await gate.enqueue(mail({ recipient }), T0)).queued).toBe(false)
    expect(await suite.count('outbox')).toBe(3)
  })

  it('rehearses the work of a message without queueing it', async () => {
    const gate = gateOn()
    for (let i = 0; i < 10; i++) await gate.rehearse(mail(), T0)
    expect(await suite.count('outbox')).toBe(0)
  })

  it("stops at send time what went past a budget without the gate, and lets the budget's worth go", async () => {
    const ledger = suite.store.ledger
    const recipient = `late.${unique()}@example.org`
    for (let i = 0; i < 6; i++) {
      await ledger.insert(
        { ...mail({ recipient }), kind: 'recovery', destination: recipient, region: null },
        T0 + i,
      )
    }
    const queue = new SqlOutboxQueue(suite.database.db, suite.database.dialect)
    const gate = gateOn()
    // Two workers, each with half of the messages leased.
    const [first, second] = [await queue.claim(3, T0 + 10, MINUTE), await queue.claim(3, T0 + 10, MINUTE)]
    const sent: string[] = []
    const look = async (batch: typeof first) => {
      for (const m of batch) {
        const verdict = await gate.recheck(m, T0 + 20)
        if (verdict.queued) {
          sent.push(m.id)
          await queue.markSent(m.id, T0 + 20)
        } else {
          expect(verdict).toEqual({ queued: false, reason: 'budget', budget: 'destination' })
          await queue.suppress(m.id, verdict.reason === 'budget' ? verdict.budget : 'destination', T0 + 20)
        }
      }
    }
    await Promise.all([look(second), look(first)])
    expect(sent).toEqual(first.map((m) => m.id))
    expect(await queue.counts()).toEqual({ sent: 3, suppressed: 3 })
  })

  it.runIf(kind === 'postgres')(
    'holds a destination budget across four connections enqueueing 40 messages at once',
    async () => {
      const connections = await Promise.all(Array.from({ length: 4 }, () => suite.openAnother()))
      await Promise.all(connections.map((c) => c.ping()))
      const gates = connections.map((c) => gateOn(new SqlMessageLedger(c.db, c.dialect)))
      const recipient = `instances.${unique()}@example.org`
      const verdicts = await Promise.all(
        Array.from({ length: 40 }, (_, i) => gates[i % 4]!.enqueue(mail({ recipient }), T0)),
      )
      expect(queuedOf(verdicts)).toBe(3)
      expect(await suite.count('outbox')).toBe(3)
    },
  )
})
