import { type Kysely, sql } from 'kysely'
import type {
  AccountData,
  AccountDeletionRepository,
  PendingDeletion,
  ScheduleResult,
} from '../../modules/lifecycle/ports.js'
import { removeAccountData } from './account-lifecycle-repository.js'
import type { Database } from './schema.js'
import { SqlSessionRepository } from './sessions-repository.js'
import { SqlOneTimeTokens } from './tokens-repository.js'

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v))

const json = (s: string): Record<string, unknown> => {
  try {
    const v = JSON.parse(s) as unknown
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {}
  } catch {
    return {}
  }
}

/** Marks the accounts a deletion request disabled (staff's own disabling names the actor). */
const BY_DELETION = 'deletion'

/**
 * Deletions with a grace period and exports over SQL (PostgreSQL and SQLite alike). Bound to the
 * database or to a transaction: `schedule` and `cancel` run in the caller's.
 */
export class SqlAccountDeletions implements AccountDeletionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async exportOf(id: string): Promise<AccountData | null> {
    const a = await this.db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst()
    if (!a) return null
    const rows = await this.#rowsOf(id)
    return {
      profile: {
        id: a.id,
        username: a.username,
        email: a.email,
        emailVerifiedAt: num(a.email_verified_at),
        phone: a.phone,
        phoneVerifiedAt: num(a.phone_verified_at),
        locale: a.locale,
        role: a.role,
        createdAt: Number(a.created_at),
        passwordChangedAt: Number(a.password_changed_at),
      },
      ...rows,
      deletion:
        a.deletion_due_at === null
          ? null
          : { dueAt: Number(a.deletion_due_at), requestedBy: a.deletion_requested_by ?? '' },
    }
  }

  /** The account's rows in the other tables, as the export shows them. */
  async #rowsOf(id: string): Promise<Omit<AccountData, 'profile' | 'deletion'>> {
    const [factors, [devices, sessions, events, exposures, grants]] = await Promise.all([
      this.#factorsOf(id),
      this.#historyOf(id),
    ])
    return {
      ...factors,
      devices: devices.map((d) => ({
        userAgent: d.user_agent,
        ip: d.ip,
        createdAt: Number(d.created_at),
        lastSeenAt: Number(d.last_seen_at),
        rememberedUntil: num(d.remembered_until),
      })),
      sessions: sessions.map((s) => ({
        createdAt: Number(s.created_at),
        lastSeenAt: Number(s.last_seen_at),
        expiresAt: Number(s.expires_at),
        ip: s.ip,
        userAgent: s.user_agent,
        revokedAt: num(s.revoked_at),
      })),
      events: events.map((e) => ({
        type: e.type,
        at: Number(e.created_at),
        ip: e.ip,
        userAgent: e.user_agent,
        details: json(e.details),
      })),
      exposures: exposures.map((x) => ({
        incidentId: x.incident_id,
        incident: x.title,
        fields: x.fields.split(',').filter((f) => f.length > 0),
        rows: Number(x.rows),
        firstSeenAt: Number(x.first_seen_at),
      })),
      applications: grants.map((g) => ({
        clientId: g.client_id ?? '',
        name: g.name ?? null,
        expiresAt: num(g.expires_at),
      })),
    }
  }

  /** Second factors and passkeys by kind, label and dates (never a secret), recovery codes as counts. */
  async #factorsOf(id: string): Promise<Pick<AccountData, 'factors' | 'passkeys' | 'recoveryCodes'>> {
    const [factors, codes] = await Promise.all([
      this.db
        .selectFrom('mfa_factors')
        .select(['kind', 'name', 'created_at', 'confirmed_at', 'last_used_at', 'last_used_step'])
        .where('account_id', '=', id)
        .orderBy('created_at')
        .execute(),
      this.db.selectFrom('mfa_recovery_codes').select(['used_at']).where('account_id', '=', id).execute(),
    ])
    const lastUsed = (f: (typeof factors)[number]) =>
      num(f.last_used_at) ?? (f.last_used_step === null ? null : Number(f.last_used_step) * 30_000)
    return {
      factors: factors
        .filter((f) => f.kind !== 'webauthn')
        .map((f) => ({
          kind: f.kind,
          label: f.name,
          createdAt: Number(f.created_at),
          confirmedAt: num(f.confirmed_at),
          lastUsedAt: lastUsed(f),
        })),
      passkeys: factors
        .filter((f) => f.kind === 'webauthn')
        .map((f) => ({ label: f.name, createdAt: Number(f.created_at), lastUsedAt: num(f.last_used_at) })),
      recoveryCodes: { total: codes.length, unused: codes.filter((c) => c.used_at === null).length },
    }
  }

  #historyOf(id: string) {
    return Promise.all([
      this.db
        .selectFrom('devices')
        .select(['user_agent', 'ip', 'created_at', 'last_seen_at', 'remembered_until'])
        .where('account_id', '=', id)
        .orderBy('created_at')
        .execute(),
      this.db
        .selectFrom('sessions')
        .select(['created_at', 'last_seen_at', 'expires_at', 'ip', 'user_agent', 'revoked_at'])
        .where('account_id', '=', id)
        .orderBy('created_at')
        .execute(),
      this.db
        .selectFrom('security_events')
        .select(['type', 'created_at', 'ip', 'user_agent', 'details'])
        .where('account_id', '=', id)
        .orderBy('id')
        .execute(),
      this.db
        .selectFrom('incident_exposures')
        .innerJoin('incidents', 'incidents.id', 'incident_exposures.incident_id')
        .select([
          'incident_exposures.incident_id',
          'incidents.title',
          'incident_exposures.fields',
          'incident_exposures.rows',
          'incident_exposures.first_seen_at',
        ])
        .where('incident_exposures.account_id', '=', id)
        .orderBy('incident_exposures.first_seen_at')
        .execute(),
      this.db
        .selectFrom('oidc_artifacts')
        .leftJoin('oidc_clients', 'oidc_clients.id', 'oidc_artifacts.client_id')
        .select(['oidc_artifacts.client_id', 'oidc_clients.name', 'oidc_artifacts.expires_at'])
        .where('oidc_artifacts.account_id', '=', id)
        .where('oidc_artifacts.model', '=', 'Grant')
        .execute(),
    ])
  }

  async pending(id: string): Promise<PendingDeletion | null> {
    const r = await this.db
      .selectFrom('accounts')
      .select(['deletion_due_at', 'deletion_requested_by'])
      .where('id', '=', id)
      .executeTakeFirst()
    if (!r || r.deletion_due_at === null) return null
    return { dueAt: Number(r.deletion_due_at), requestedBy: r.deletion_requested_by ?? '' }
  }

  async ownsClients(id: string): Promise<boolean> {
    const owned = await this.db
      .selectFrom('clients')
      .select('id')
      .where('owner_account_id', '=', id)
      .executeTakeFirst()
    return owned !== undefined
  }

  async schedule(id: string, dueAt: number, by: string, now: number): Promise<ScheduleResult> {
    // The conditional update is the claim: of concurrent requests one sets the date, the others
    // (after it committed, on PostgreSQL behind its row lock) find it set.
    const r = await this.db
      .updateTable('accounts')
      .set({
        deletion_due_at: dueAt,
        deletion_requested_by: by,
        disabled_by: sql<string>`case when disabled_at is null then ${BY_DELETION} else disabled_by end`,
        disabled_at: sql<number>`coalesce(disabled_at, ${now})`,
        updated_at: now,
      })
      .where('id', '=', id)
      .where('deletion_due_at', 'is', null)
      .executeTakeFirst()
    if (Number(r.numUpdatedRows) === 0) {
      const p = await this.pending(id)
      return p ? { kind: 'pending', dueAt: p.dueAt } : { kind: 'gone' }
    }
    const sessions = await new SqlSessionRepository(this.db).revokeAll(id, now)
    await new SqlOneTimeTokens(this.db).revokeForAccount(id, now)
    return { kind: 'scheduled', dueAt, sessions }
  }

  async cancel(id: string, now: number): Promise<boolean> {
    const r = await this.db
      .updateTable('accounts')
      .set({
        deletion_due_at: null,
        deletion_requested_by: null,
        disabled_at: sql<
          number | null
        >`case when disabled_by = ${BY_DELETION} then null else disabled_at end`,
        disabled_by: sql<
          string | null
        >`case when disabled_by = ${BY_DELETION} then null else disabled_by end`,
        updated_at: now,
      })
      .where('id', '=', id)
      .where('deletion_due_at', 'is not', null)
      .executeTakeFirst()
    return Number(r.numUpdatedRows) > 0
  }

  async due(now: number, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('accounts')
      .select('id')
      .where('deletion_due_at', '<=', now)
      .orderBy('deletion_due_at')
      .limit(limit)
      .execute()
    return rows.map((r) => r.id)
  }

  async purgeDue(id: string, now: number): Promise<{ requestedBy: string; role: string } | null> {
    return this.db.transaction().execute(async (trx) => {
      // The claim: a no-op update that locks the row while the deletion is still due. A second
      // instance waits behind it (PostgreSQL) or the write lock (SQLite), then finds no row.
      const claimed = await trx
        .updateTable('accounts')
        .set((eb) => ({ updated_at: eb.ref('updated_at') }))
        .where('id', '=', id)
        .where('deletion_due_at', '<=', now)
        .returning(['deletion_requested_by', 'role'])
        .executeTakeFirst()
      if (!claimed) return null
      if (!(await removeAccountData(trx, id, now))) return null
      return { requestedBy: claimed.deletion_requested_by ?? '', role: claimed.role }
    })
  }
}
