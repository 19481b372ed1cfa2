import { type Kysely, sql, type UpdateObject } from 'kysely'
import { isLocale } from '../../kernel/locale.js'
import type { CampaignActionPorts } from '../../modules/campaigns/actions.js'
import type { SecurityEventLog } from '../../modules/events/ports.js'
import type { EventRecorder } from '../../modules/events/recorder.js'
import { chunks } from './chunks.js'
import type { Dialect } from './dialect.js'
import { idIn } from './id-lists.js'
import { OUTBOX_ROWS_PER_INSERT, outboxRow } from './outbox-repository.js'
import type { Database } from './schema.js'

/** The accounts of a batch, set-based. */
const accountPorts = (trx: Kysely<Database>, dialect: Dialect): CampaignActionPorts['accounts'] => {
  const idOf = (ids: readonly string[]) => idIn(dialect, 'id', ids)
  /** Sets `set` on those of `ids` that exist; returns their ids, in the order given. */
  const mark = async (ids: readonly string[], set: UpdateObject<Database, 'accounts'>) => {
    const rows = await trx.updateTable('accounts').set(set).where(idOf(ids)).returning('id').execute()
    const hit = new Set(rows.map((r) => r.id))
    return ids.filter((id) => hit.has(id))
  }
  return {
    existing: async (ids) =>
      (await trx.selectFrom('accounts').select('id').where(idOf(ids)).execute()).map((r) => r.id),
    requirePasswordReset: (ids, now) =>
      mark(ids, {
        password_reset_required_at: sql<number>`coalesce(password_reset_required_at, cast(${now} as bigint))`,
        updated_at: now,
      }),
    requireMfaEnrolment: (ids, now) => mark(ids, { mfa_enrolment_required: 1, updated_at: now }),
    setResetLock: (ids, now) => mark(ids, { reset_lock: 1, updated_at: now }),
    reachable: async (ids, channel) => {
      const rows = await trx
        .selectFrom('accounts')
        .select(['id', 'username', 'email', 'phone', 'locale'])
        .where(idOf(ids))
        .where(channel === 'email' ? 'email_verified_at' : 'phone_verified_at', 'is not', null)
        .where(channel === 'email' ? 'email' : 'phone', 'is not', null)
        .execute()
      return rows.map((a) => ({
        id: a.id,
        username: a.username,
        address: (channel === 'email' ? a.email : a.phone) as string,
        locale: isLocale(a.locale) ? a.locale : null,
      }))
    },
  }
}

/**
 * The ports of the campaign actions over one transaction: a few set-based statements per batch,
 * whatever its size. Events go through the recorder into `log`, the security event log of the same
 * transaction (counted and sent to webhooks once it commits).
 */
export const sqlCampaignActionPorts = (
  trx: Kysely<Database>,
  dialect: Dialect,
  recorder: Pick<EventRecorder, 'recordMany'>,
  log: SecurityEventLog,
): CampaignActionPorts => {
  const accountIdOf = (ids: readonly string[]) => idIn(dialect, 'account_id', ids)
  return {
    accounts: accountPorts(trx, dialect),
    sessions: {
      revokeLive: async (accountIds, now) => {
        const r = await trx
          .updateTable('sessions')
          .set({ revoked_at: now })
          .where(accountIdOf(accountIds))
          .where('revoked_at', 'is', null)
          .where('expires_at', '>', now)
          .where('idle_expires_at', '>', now)
          .executeTakeFirst()
        return Number(r.numUpdatedRows)
      },
    },
    oidc: {
      revokeClientGrants: async (accountIds, clientId, now) => {
        const grants = await trx
          .selectFrom('oidc_artifacts')
          .select(['id', 'account_id'])
          .where('model', '=', 'Grant')
          .where('client_id', '=', clientId)
          .where(accountIdOf(accountIds))
          .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
          .execute()
        if (grants.length === 0) return []
        const ids = grants.map((g) => g.id)
        await trx
          .deleteFrom('oidc_artifacts')
          .where((eb) =>
            eb.or([eb('grant_id', 'in', ids), eb.and([eb('model', '=', 'Grant'), eb('id', 'in', ids)])]),
          )
          .execute()
        return [...new Set(grants.map((g) => g.account_id).filter((a): a is string => a !== null))]
      },
    },
    tokens: {
      revokeOutstanding: async (accountIds, now) => {
        for (const table of ['one_time_tokens', 'email_changes'] as const) {
          await trx
            .updateTable(table)
            .set({ used_at: now })
            .where(accountIdOf(accountIds))
            .where('used_at', 'is', null)
            .execute()
        }
      },
    },
    notices: {
      // A statement per OUTBOX_ROWS_PER_INSERT messages; the row's id is its dedupe key.
      queueOnce: async (messages, now) => {
        const queued: string[] = []
        for (const part of chunks(messages, OUTBOX_ROWS_PER_INSERT)) {
          const rows = await trx
            .insertInto('outbox')
            .values(part.map((m) => outboxRow(m, now, m.dedupeKey)))
            .onConflict((oc) => oc.doNothing())
            .returning('account_id')
            .execute()
          for (const r of rows) if (r.account_id !== null) queued.push(r.account_id)
        }
        return queued
      },
    },
    events: { recordMany: (events) => recorder.recordMany(events, log) },
  }
}
