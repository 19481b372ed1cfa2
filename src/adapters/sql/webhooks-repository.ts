import type { Kysely, Selectable } from 'kysely'
import type { SecurityEventType } from '../../modules/events/vocabulary.js'
import type { WebhookDelivery, WebhookRecord, WebhookRepository } from '../../modules/webhooks/ports.js'
import type { Database, WebhookDeliveriesTable, WebhooksTable } from './schema.js'

const toWebhook = (r: Selectable<WebhooksTable>): WebhookRecord => ({
  id: r.id,
  url: r.url,
  description: r.description,
  eventTypes: JSON.parse(r.event_types) as SecurityEventType[],
  secretSealed: r.secret_sealed,
  createdBy: r.created_by,
  createdAt: Number(r.created_at),
  disabledAt: r.disabled_at == null ? null : Number(r.disabled_at),
})

const toDelivery = (r: Selectable<WebhookDeliveriesTable>): WebhookDelivery => ({
  id: r.id,
  webhookId: r.webhook_id,
  messageId: r.message_id,
  eventType: r.event_type,
  attempt: Number(r.attempt),
  statusCode: r.status_code == null ? null : Number(r.status_code),
  error: r.error,
  durationMs: Number(r.duration_ms),
  deliveredAt: Number(r.delivered_at),
})

export class SqlWebhookRepository implements WebhookRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async create(w: WebhookRecord): Promise<void> {
    await this.db
      .insertInto('webhooks')
      .values({
        id: w.id,
        url: w.url,
        description: w.description,
        event_types: JSON.stringify(w.eventTypes),
        secret_sealed: w.secretSealed,
        created_by: w.createdBy,
        created_at: w.createdAt,
        disabled_at: w.disabledAt,
      })
      .execute()
  }

  async find(id: string): Promise<WebhookRecord | null> {
    const r = await this.db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst()
    return r ? toWebhook(r) : null
  }

  async listActive(): Promise<WebhookRecord[]> {
    const rows = await this.db
      .selectFrom('webhooks')
      .selectAll()
      .where('disabled_at', 'is', null)
      .orderBy('created_at')
      .orderBy('id')
      .execute()
    return rows.map(toWebhook)
  }

  async disable(id: string, now: number): Promise<boolean> {
    const r = await this.db
      .updateTable('webhooks')
      .set({ disabled_at: now, secret_sealed: '' })
      .where('id', '=', id)
      .where('disabled_at', 'is', null)
      .executeTakeFirst()
    return Number(r.numUpdatedRows) > 0
  }

  async recordDelivery(d: WebhookDelivery, pruneBefore: number): Promise<void> {
    await this.db
      .insertInto('webhook_deliveries')
      .values({
        id: d.id,
        webhook_id: d.webhookId,
        message_id: d.messageId,
        event_type: d.eventType,
        attempt: d.attempt,
        status_code: d.statusCode,
        error: d.error?.slice(0, 500) ?? null,
        duration_ms: Math.max(0, Math.round(d.durationMs)),
        delivered_at: d.deliveredAt,
      })
      .execute()
    // Retention by webhook, on its own index: the log never outgrows what an administrator reads.
    await this.db
      .deleteFrom('webhook_deliveries')
      .where('webhook_id', '=', d.webhookId)
      .where('delivered_at', '<', pruneBefore)
      .execute()
  }

  async listDeliveries(webhookId: string, limit: number): Promise<WebhookDelivery[]> {
    const rows = await this.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('webhook_id', '=', webhookId)
      .orderBy('delivered_at', 'desc')
      .orderBy('attempt', 'desc')
      .limit(limit)
      .execute()
    return rows.map(toDelivery)
  }
}
