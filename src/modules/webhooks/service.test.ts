import { describe, expect, it } from 'vitest'
import { ManualClock } from '../../kernel/clock.js'
import { SecretBox } from '../../kernel/secret-box.js'
import type { SecurityEvent, SecurityEventLog } from '../events/ports.js'
import { EventRecorder, noContext } from '../events/recorder.js'
import type { Outbox, OutgoingMessage } from '../mail/ports.js'
import type { WebhookRecord, WebhookRepository } from './ports.js'
import { WebhooksService } from './service.js'

/** The webhooks in memory, counting how often the fan-out reads the list. */
const memoryWebhooks = () => {
  const rows = new Map<string, WebhookRecord>()
  let reads = 0
  const repo: WebhookRepository = {
    create: async (w) => {
      rows.set(w.id, w)
    },
    find: async (id) => rows.get(id) ?? null,
    listActive: async () => {
      reads += 1
      return [...rows.values()].filter((w) => w.disabledAt === null)
    },
    disable: async (id, now) => {
      const w = rows.get(id)
      if (!w || w.disabledAt !== null) return false
      rows.set(id, { ...w, disabledAt: now, secretSealed: '' })
      return true
    },
    recordDelivery: async () => {},
    listDeliveries: async () => [],
  }
  return { repo, reads: () => reads }
}

const setup = () => {
  const clock = new ManualClock()
  const queued: OutgoingMessage[] = []
  const bulks: number[] = []
  const outbox: Outbox = {
    enqueue: async (m) => {
      queued.push(m)
      return { queued: true }
    },
    rehearse: async () => {},
    enqueueMany: async (ms) => {
      bulks.push(ms.length)
      queued.push(...ms)
      return ms.length
    },
  }
  const log: SecurityEventLog = {
    append: async () => {},
    appendMany: async () => {},
    listForAccount: async () => [],
    search: async () => [],
    deleteBefore: async () => 0,
  }
  const hooks = memoryWebhooks()
  let service: WebhooksService | undefined
  const events = new EventRecorder(log, () => clock.now())
  events.subscribe((recorded) => service?.fanOut(recorded))
  service = new WebhooksService({
    webhooks: hooks.repo,
    outbox,
    box: new SecretBox(Buffer.alloc(32, 3)),
    clock,
    events,
    allowPrivate: false,
  })
  return { clock, queued, bulks, hooks, events, service }
}

const loginFail: SecurityEvent = {
  type: 'authn_login_fail',
  accountId: null,
  context: { ...noContext, ip: '198.51.100.1', requestId: 'r1' },
  details: { reason: 'unknown_identifier' },
  at: Date.UTC(2026, 0, 1),
}

describe('webhook fan-out', () => {
  it('reads the list of webhooks at most once per 5 seconds, so that events cost no query in between', async () => {
    const { clock, queued, hooks, service } = setup()
    await service.fanOut([loginFail])
    await service.fanOut([loginFail])
    clock.advance(4_999)
    await service.fanOut([loginFail])
    expect(hooks.reads()).toBe(1)
    expect(queued).toHaveLength(0)
    clock.advance(1)
    await service.fanOut([loginFail])
    expect(hooks.reads()).toBe(2)
  })

  it('queues one message per subscribed webhook, with the body to send, and sees its own changes at once', async () => {
    const { queued, service } = setup()
    await service.fanOut([loginFail]) // warms the cache with no webhooks
    const a = await service.create(
      { url: 'https://a.example.test/', eventTypes: ['authn_login_fail'] },
      'admin',
      noContext,
    )
    await service.create(
      { url: 'https://b.example.test/', eventTypes: ['guard_detection'] },
      'admin',
      noContext,
    )
    queued.length = 0
    await service.fanOut([loginFail])
    expect(queued).toHaveLength(1)
    const m = queued[0]!
    expect(m).toMatchObject({
      channel: 'webhook',
      recipient: a.webhook.id,
      template: 'webhook',
      payload: { event_type: 'authn_login_fail' },
    })
    expect(JSON.parse(String(m.payload.body))).toEqual({
      id: expect.any(String),
      type: 'authn_login_fail',
      time: '2026-01-01T00:00:00.000Z',
      account_id: null,
      ip: '198.51.100.1',
      request_id: 'r1',
      details: { reason: 'unknown_identifier' },
    })
    await service.delete(a.webhook.id, 'admin', noContext)
    queued.length = 0
    await service.fanOut([loginFail])
    expect(queued).toHaveLength(0)
  })

  it('fans a batch of events out with one bulk enqueue, each to the webhooks subscribed to its type', async () => {
    const { queued, bulks, events, service } = setup()
    const a = await service.create(
      { url: 'https://a.example.test/', eventTypes: ['campaign_password_reset_forced'] },
      'admin',
      noContext,
    )
    const b = await service.create(
      { url: 'https://b.example.test/', eventTypes: ['campaign_password_reset_forced', 'authn_login_fail'] },
      'admin',
      noContext,
    )
    queued.length = 0
    bulks.length = 0
    const batch = Array.from({ length: 250 }, (_, i) => ({
      type: 'campaign_password_reset_forced' as const,
      accountId: `acct-${i}`,
      context: { ...noContext, requestId: 'campaign:c-1' },
      details: { campaign_id: 'c-1', incident_id: null },
    }))
    await events.recordMany([...batch, { ...batch[0]!, type: 'session_logout' }])
    expect(bulks).toEqual([500])
    expect(queued.filter((m) => m.recipient === a.webhook.id)).toHaveLength(250)
    expect(queued.filter((m) => m.recipient === b.webhook.id)).toHaveLength(250)
    expect(new Set(queued.map((m) => JSON.parse(String(m.payload.body)).account_id)).size).toBe(250)
  })

  it('gives each message its own id, and seals the secret so that only this webhook opens it', async () => {
    const { queued, service } = setup()
    const { webhook, secret } = await service.create(
      { url: 'https://a.example.test/x#frag', eventTypes: ['authn_login_fail', 'authn_login_fail'] },
      'admin',
      noContext,
    )
    expect(webhook.url).toBe('https://a.example.test/x')
    expect(webhook.eventTypes).toEqual(['authn_login_fail'])
    expect(webhook.secretSealed).not.toContain(secret.slice(6))
    await service.fanOut([loginFail])
    await service.fanOut([loginFail])
    const ids = queued.map((m) => JSON.parse(String(m.payload.body)).id)
    expect(new Set(ids).size).toBe(2)
  })
})
