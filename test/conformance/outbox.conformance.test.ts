import { beforeEach, describe, expect, it } from 'vitest'
import { SqlOutboxQueue } from '../../src/adapters/sql/outbox-repository.js'
import type { ClaimedMessage, OutgoingMessage } from '../../src/modules/mail/ports.js'
import { databaseKinds } from '../helpers/databases.js'
import { DAY, HOUR, MINUTE, T0, unique, useSuiteDatabase } from './fixtures.js'

/* The Outbox and OutboxQueue contracts (src/modules/mail/ports.ts). */

describe.each(databaseKinds())('Outbox and OutboxQueue on %s', (kind) => {
  const suite = useSuiteDatabase(kind)
  const LEASE = MINUTE

  // Claims and counts see the whole table: every test starts from an empty outbox.
  beforeEach(async () => {
    await suite.database.db.deleteFrom('outbox').execute()
  })

  const message = (overrides: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
    channel: 'email',
    recipient: `someone.${unique()}@example.org`,
    template: 'verify_email',
    payload: { token: `tok-${unique()}`, username: 'alice', count: 3, urgent: true, note: null },
    accountId: null,
    ...overrides,
  })

  /** Stores a message in the ledger, as the gate does once it lets one through. */
  const enqueue = (m: OutgoingMessage, now: number): Promise<boolean> =>
    suite.store.ledger.insert({ ...m, kind: 'verification', destination: m.recipient, region: null }, now)

  const row = (id: string) =>
    suite.database.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow()

  const claimOne = async (now: number, leaseMs = LEASE): Promise<ClaimedMessage> => {
    const claimed = await suite.store.outboxQueue.claim(10, now, leaseMs)
    expect(claimed).toHaveLength(1)
    return claimed[0]!
  }

  describe('enqueue and claim', () => {
    it('claims an enqueued message with everything it was given and attempts 1', async () => {
      const m = message({
        channel: 'sms',
        recipient: '+14155550123',
        accountId: 'acc-1',
        dedupeKey: unique(),
      })
      expect(await enqueue(m, T0)).toBe(true)
      const claimed = await claimOne(T0)
      expect(claimed).toEqual({
        ...m,
        id: claimed.id,
        attempts: 1,
        createdAt: T0,
        kind: 'verification',
        destination: m.recipient,
        region: null,
      })
    })

    it('enqueues many messages at once, each claimable as given, skipping used dedupe keys', async () => {
      const used = unique()
      expect(await suite.store.outbox.enqueue(message({ dedupeKey: used }), T0)).toEqual({ queued: true })
      const many = Array.from({ length: 1203 }, (_, i) =>
        message({ channel: 'webhook', template: 'webhook', recipient: `hook-${i}`, accountId: `acc-${i}` }),
      )
      many.push(message({ dedupeKey: used }))
      expect(await suite.store.transaction((tx) => tx.outbox.enqueueMany(many.slice(0, 600), T0))).toBe(600)
      expect(await suite.store.outbox.enqueueMany(many.slice(600), T0)).toBe(603)
      const claimed = await suite.store.outboxQueue.claim(2000, T0, LEASE)
      expect(claimed).toHaveLength(1204)
      const byRecipient = new Map(claimed.map((c) => [c.recipient, c]))
      expect(byRecipient.get('hook-1202')).toEqual({
        ...many[1202]!,
        id: byRecipient.get('hook-1202')!.id,
        attempts: 1,
        createdAt: T0,
        kind: 'webhook',
        destination: null,
        region: null,
      })
      expect(await suite.store.outbox.enqueueMany([], T0)).toBe(0)
    })

    it('does not hand a leased message out again until the lease ends, then with attempts 2', async () => {
      await enqueue(message(), T0)
      const first = await claimOne(T0)
      expect(await suite.store.outboxQueue.claim(10, T0, LEASE)).toEqual([])
      expect(await suite.store.outboxQueue.claim(10, T0 + LEASE - 1, LEASE)).toEqual([])
      // A lease until T is over at T, as a token expiring at T is expired at T.
      const again = await claimOne(T0 + LEASE)
      expect(again.id).toBe(first.id)
      expect(again.attempts).toBe(2)
      expect(await suite.store.outboxQueue.claim(10, T0 + LEASE, LEASE)).toEqual([])
    })

    it('does not claim a message enqueued for later than now', async () => {
      await enqueue(message(), T0 + MINUTE)
      expect(await suite.store.outboxQueue.claim(10, T0, LEASE)).toEqual([])
      await claimOne(T0 + MINUTE)
    })

    it('claims at most `limit` messages, oldest first', async () => {
      for (let i = 0; i < 5; i++) await enqueue(message({ template: `t${i}` }), T0 + i)
      const first = await suite.store.outboxQueue.claim(3, T0 + 10, LEASE)
      expect(first.map((c) => c.template)).toEqual(['t0', 't1', 't2'])
      const rest = await suite.store.outboxQueue.claim(3, T0 + 10, LEASE)
      expect(rest.map((c) => c.template)).toEqual(['t3', 't4'])
    })
  })

  describe('pruning', () => {
    it('deletes sent and abandoned messages created before the cutoff, never queued ones', async () => {
      for (let i = 0; i < 3; i++) await enqueue(message({ template: `old${i}` }), T0)
      await enqueue(message({ template: 'recent' }), T0 + DAY)
      const [a, b] = await suite.store.outboxQueue.claim(2, T0 + 1, LEASE)
      await suite.store.outboxQueue.markSent(a!.id, T0 + 2)
      await suite.store.outboxQueue.abandon(b!.id, 1, 'gave up', T0 + 2)
      expect(await suite.store.outboxQueue.deleteFinishedBefore(T0 + HOUR)).toBe(2)
      expect(await suite.count('outbox')).toBe(2)
      expect(await suite.store.outboxQueue.deleteFinishedBefore(T0 + HOUR)).toBe(0)
    })
  })

  describe('dedupe keys', () => {
    it('refuses a second message with the same dedupe key and stores only the first', async () => {
      const key = `key-${unique()}`
      expect(await enqueue(message({ dedupeKey: key, template: 'first' }), T0)).toBe(true)
      expect(await enqueue(message({ dedupeKey: key, template: 'second' }), T0)).toBe(false)
      expect(await suite.count('outbox')).toBe(1)
      expect((await claimOne(T0)).template).toBe('first')
    })

    it('refuses the key forever, also after the first message was sent', async () => {
      const key = `key-${unique()}`
      await enqueue(message({ dedupeKey: key }), T0)
      await suite.store.outboxQueue.markSent((await claimOne(T0)).id, T0 + 1)
      expect(await enqueue(message({ dedupeKey: key }), T0 + MINUTE)).toBe(false)
      expect(await suite.store.outboxQueue.claim(10, T0 + MINUTE, LEASE)).toEqual([])
    })

    it('accepts any number of messages without a dedupe key', async () => {
      expect(await enqueue(message(), T0)).toBe(true)
      expect(await enqueue(message(), T0)).toBe(true)
      expect(await suite.count('outbox')).toBe(2)
    })

    it('does not abort the surrounding transaction when the key was used', async () => {
      const key = `key-${unique()}`
      await enqueue(message({ dedupeKey: key }), T0)
      const results = await suite.store.transaction(async (tx) => [
        await tx.outbox.enqueue(message({ dedupeKey: key }), T0),
        await tx.outbox.enqueue(message(), T0),
      ])
      expect(results).toEqual([{ queued: false, reason: 'duplicate' }, { queued: true }])
      expect(await suite.count('outbox')).toBe(2)
    })

    it('enqueues in the caller’s transaction: nothing is queued when it rolls back', async () => {
      await expect(
        suite.store.transaction(async (tx) => {
          await tx.outbox.enqueue(message(), T0)
          throw new Error('roll back')
        }),
      ).rejects.toThrow('roll back')
      expect(await suite.count('outbox')).toBe(0)
    })
  })

  describe('after a delivery attempt', () => {
    it('retryLater hides the message until next_attempt_at, then hands it out with attempts 2', async () => {
      await enqueue(message(), T0)
      const claimed = await claimOne(T0)
      await suite.store.outboxQueue.retryLater(claimed.id, claimed.attempts, T0 + 5 * MINUTE, 'smtp 451')
      expect((await row(claimed.id)).last_error).toBe('smtp 451')
      expect(await suite.store.outboxQueue.claim(10, T0 + 5 * MINUTE - 1, LEASE)).toEqual([])
      const again = await claimOne(T0 + 5 * MINUTE)
      expect(again.id).toBe(claimed.id)
      expect(again.attempts).toBe(2)
      expect(again.payload).toEqual(claimed.payload)
    })

    it('markSent marks the message sent, scrubs its payload to {} and never hands it out again', async () => {
      await enqueue(message(), T0)
      const claimed = await claimOne(T0)
      await suite.store.outboxQueue.markSent(claimed.id, T0 + 1)
      const r = await row(claimed.id)
      expect(r.status).toBe('sent')
      expect(r.sent_at).toBe(T0 + 1)
      expect(r.payload).toBe('{}')
      expect(await suite.store.outboxQueue.claim(10, T0 + 10 * LEASE, LEASE)).toEqual([])
    })

    it('abandon gives up, scrubs the payload to {} and never hands it out again', async () => {
      await enqueue(message(), T0)
      const claimed = await claimOne(T0)
      await suite.store.outboxQueue.abandon(claimed.id, claimed.attempts, 'mailbox unavailable', T0 + 1)
      const r = await row(claimed.id)
      expect(r.status).toBe('abandoned')
      expect(r.payload).toBe('{}')
      expect(r.last_error).toBe('mailbox unavailable')
      expect(await suite.store.outboxQueue.claim(10, T0 + 10 * LEASE, LEASE)).toEqual([])
    })

    it('release makes leased messages claimable at once, without counting an attempt', async () => {
      await enqueue(message(), T0)
      await enqueue(message(), T0)
      const claimed = await suite.store.outboxQueue.claim(10, T0, LEASE)
      expect(claimed).toHaveLength(2)
      await suite.store.outboxQueue.release(claimed.map((c) => c.id))
      const again = await suite.store.outboxQueue.claim(10, T0 + 1, LEASE)
      expect(again.map((c) => c.id).sort()).toEqual(claimed.map((c) => c.id).sort())
      expect(again.map((c) => c.attempts)).toEqual([1, 1])
      await suite.store.outboxQueue.release([])
    })

    it('release leaves sent and abandoned messages alone', async () => {
      await enqueue(message(), T0)
      await enqueue(message(), T0)
      const [sent, abandoned] = await suite.store.outboxQueue.claim(10, T0, LEASE)
      await suite.store.outboxQueue.markSent(sent!.id, T0)
      await suite.store.outboxQueue.abandon(abandoned!.id, 1, 'gave up', T0)
      await suite.store.outboxQueue.release([sent!.id, abandoned!.id])
      expect(await suite.store.outboxQueue.claim(10, T0 + 1, LEASE)).toEqual([])
      expect((await row(sent!.id)).status).toBe('sent')
      expect((await row(abandoned!.id)).status).toBe('abandoned')
    })
  })

  describe('counts', () => {
    it('counts messages by status', async () => {
      expect(await suite.store.outboxQueue.counts()).toEqual({})
      for (let i = 0; i < 5; i++) await enqueue(message(), T0 + i)
      const [a, b, c] = await suite.store.outboxQueue.claim(3, T0 + 10, LEASE)
      await suite.store.outboxQueue.markSent(a!.id, T0 + 11)
      await suite.store.outboxQueue.abandon(b!.id, 1, 'no', T0 + 11)
      expect(c).toBeDefined()
      expect(await suite.store.outboxQueue.counts()).toEqual({
        queued: 2,
        processing: 1,
        sent: 1,
        abandoned: 1,
      })
    })
  })

  describe('concurrent workers', () => {
    it('two workers on separate connections never get the same message, and together get all 50', async () => {
      for (let i = 0; i < 50; i++) await enqueue(message({ template: `m${i}` }), T0 + i)
      const connections = [await suite.openAnother(), await suite.openAnother()]
      await Promise.all(connections.map((c) => c.ping()))
      const [one, two] = connections.map((c) => new SqlOutboxQueue(c.db, c.dialect))
      const got: string[][] = [[], []]
      for (let round = 0; round < 50; round++) {
        const now = T0 + 100
        const [a, b] = await Promise.all([one!.claim(4, now, 10 * MINUTE), two!.claim(4, now, 10 * MINUTE)])
        got[0]!.push(...a!.map((m) => m.id))
        got[1]!.push(...b!.map((m) => m.id))
        if (a!.length === 0 && b!.length === 0) break
      }
      const all = [...got[0]!, ...got[1]!]
      expect(new Set(all).size).toBe(all.length)
      expect(all).toHaveLength(50)
      expect(await suite.store.outboxQueue.counts()).toEqual({ processing: 50 })
    })

    it('several claims at once on each of two connections still lease every message once', async () => {
      for (let i = 0; i < 50; i++) await enqueue(message(), T0)
      const connections = [await suite.openAnother(), await suite.openAnother()]
      await Promise.all(connections.map((c) => c.ping()))
      const queues = connections.map((c) => new SqlOutboxQueue(c.db, c.dialect))
      const seen: string[] = []
      for (let round = 0; round < 50; round++) {
        const batches = await Promise.all(
          [...queues, ...queues, ...queues].map((q) => q.claim(3, T0 + 1, 10 * MINUTE)),
        )
        const ids = batches.flat().map((m) => m.id)
        seen.push(...ids)
        if (ids.length === 0) break
      }
      expect(new Set(seen).size).toBe(seen.length)
      expect(seen).toHaveLength(50)
    })
  })
})
