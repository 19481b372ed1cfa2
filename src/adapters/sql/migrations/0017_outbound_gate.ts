import { type Kysely, sql } from 'kysely'
import type { Dialect } from '../dialect.js'

/*
 * The outbound gate budgets every message by its kind, its normalised destination and, for SMS, the
 * country calling code of the number: the outbox keeps the three, with indexes for the tallies (per
 * destination, per account — outbox_account already — and per channel for the SMS budgets).
 * Messages of the last three days get their kind and destination from their template and recipient
 * (the budgets look back a day); older ones keep nulls.
 */

const KINDS: Record<string, string> = {
  recovery_email: 'recovery',
  recovery_sms: 'recovery',
  login_code: 'login_code',
  phone_code: 'phone_code',
  verify_email: 'verification',
  verify_new_email: 'verification',
  signup_existing_email: 'unsolicited',
  email_change_address_in_use: 'unsolicited',
  password_changed: 'notice',
  phone_changed: 'notice',
  security_change: 'notice',
  new_login: 'login_notice',
  recovery_digest: 'digest',
  campaign_notice: 'campaign',
  webhook: 'webhook',
}

export const up = async (db: Kysely<unknown>, _dialect: Dialect): Promise<void> => {
  await db.schema.alterTable('outbox').addColumn('kind', 'text').execute()
  await db.schema.alterTable('outbox').addColumn('destination', 'text').execute()
  await db.schema.alterTable('outbox').addColumn('region', 'text').execute()
  const recent = Date.now() - 3 * 24 * 3600 * 1000
  for (const [template, kind] of Object.entries(KINDS)) {
    await sql`update outbox set kind = ${kind} where template = ${template} and created_at >= ${recent}`.execute(
      db,
    )
  }
  await sql`update outbox set destination = lower(recipient) where channel in ('email', 'sms') and created_at >= ${recent}`.execute(
    db,
  )
  await db.schema
    .createIndex('outbox_destination')
    .on('outbox')
    .columns(['destination', 'created_at'])
    .execute()
  await db.schema.createIndex('outbox_channel').on('outbox').columns(['channel', 'created_at']).execute()
}

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await db.schema.dropIndex('outbox_channel').execute()
  await db.schema.dropIndex('outbox_destination').execute()
  await db.schema.alterTable('outbox').dropColumn('region').execute()
  await db.schema.alterTable('outbox').dropColumn('destination').execute()
  await db.schema.alterTable('outbox').dropColumn('kind').execute()
}
