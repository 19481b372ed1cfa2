import type { Kysely, Selectable } from 'kysely'
import { isLocale } from '../../kernel/locale.js'
import { toRole } from '../../modules/accounts/ports.js'
import { mergeAmr, UNRECORDED_AMR } from '../../modules/sessions/amr.js'
import type {
  NewSession,
  SessionPrincipal,
  SessionRecord,
  SessionRepository,
} from '../../modules/sessions/ports.js'
import type { Database, SessionsTable } from './schema.js'
import { statement } from './statement.js'

/** The `amr` column: a JSON array of strings; null (a session older than the column) or unreadable reads as `["pwd"]`. */
const readAmr = (stored: string | null): string[] => {
  if (stored !== null) {
    try {
      const parsed: unknown = JSON.parse(stored)
      if (Array.isArray(parsed) && parsed.every((m) => typeof m === 'string')) return parsed
    } catch {
      // Unreadable: the least a session can have proved.
    }
  }
  return [...UNRECORDED_AMR]
}

const toRecord = (r: Selectable<SessionsTable>): SessionRecord => ({
  id: r.id,
  accountId: r.account_id,
  createdAt: r.created_at,
  lastSeenAt: r.last_seen_at,
  expiresAt: r.expires_at,
  idleExpiresAt: r.idle_expires_at,
  ip: r.ip,
  userAgent: r.user_agent,
  restricted: r.restricted === 1,
  revokedAt: r.revoked_at,
  authenticatedAt: r.authenticated_at ?? r.created_at,
  mfaEnrolment: r.mfa_enrolment === 1,
  amr: readAmr(r.amr),
})

/** The live session for a token hash, with its account. */
const findActive = statement((db, v: { tokenHash: string; now: number }) =>
  db
    .selectFrom('sessions as s')
    .innerJoin('accounts as a', 'a.id', 's.account_id')
    .selectAll('s')
    .select(['a.username', 'a.role', 'a.must_change_password', 'a.locale'])
    .where('s.token_hash', '=', v.tokenHash)
    .where('s.revoked_at', 'is', null)
    .where('s.expires_at', '>', v.now)
    .where('s.idle_expires_at', '>', v.now),
)

/** Every login inserts one: compiled once (a new session changes no session check's answer). */
const insertSession = statement(
  (
    db,
    v: Omit<NewSession, 'restricted' | 'mfaEnrolment' | 'revokedAt' | 'amr'> & {
      restricted: number
      mfaEnrolment: number
      amr: string
    },
  ) =>
    db.insertInto('sessions').values({
      id: v.id,
      token_hash: v.tokenHash,
      account_id: v.accountId,
      created_at: v.createdAt,
      last_seen_at: v.lastSeenAt,
      expires_at: v.expiresAt,
      idle_expires_at: v.idleExpiresAt,
      ip: v.ip,
      user_agent: v.userAgent,
      restricted: v.restricted,
      revoked_at: null,
      authenticated_at: v.authenticatedAt,
      mfa_enrolment: v.mfaEnrolment,
      amr: v.amr,
    }),
)

export class SqlSessionRepository implements SessionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async create(s: NewSession): Promise<void> {
    await insertSession.run(this.db, {
      ...s,
      restricted: s.restricted ? 1 : 0,
      mfaEnrolment: s.mfaEnrolment ? 1 : 0,
      amr: JSON.stringify(s.amr),
    })
  }

  /** Compiled once: the session check runs on every request of every relying service. */
  async findActive(tokenHash: string, now: number): Promise<SessionPrincipal | null> {
    const { rows } = await findActive.run(this.db, { tokenHash, now })
    const r = rows[0]
    if (!r) return null
    return {
      session: toRecord(r),
      account: {
        id: r.account_id,
        username: r.username,
        role: toRole(r.role),
        mustChangePassword: r.must_change_password === 1,
        locale: isLocale(r.locale) ? r.locale : null,
      },
    }
  }

  async touch(id: string, now: number, idleExpiresAt: number): Promise<void> {
    await this.db
      .updateTable('sessions')
      .set((eb) => ({
        last_seen_at: now,
        idle_expires_at: eb
          .case()
          .when('expires_at', '<', idleExpiresAt)
          .then(eb.ref('expires_at'))
          .else(idleExpiresAt)
          .end(),
      }))
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .where('idle_expires_at', '>', now)
      .execute()
  }

  async listActive(accountId: string, now: number): Promise<SessionRecord[]> {
    const rows = await this.db
      .selectFrom('sessions')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .where('idle_expires_at', '>', now)
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .execute()
    return rows.map(toRecord)
  }

  async revoke(accountId: string, sessionId: string, now: number): Promise<boolean> {
    const r = await this.db
      .updateTable('sessions')
      .set({ revoked_at: now })
      .where('id', '=', sessionId)
      .where('account_id', '=', accountId)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .where('idle_expires_at', '>', now)
      .executeTakeFirst()
    return Number(r.numUpdatedRows) > 0
  }

  async revokeAll(accountId: string, now: number, exceptId?: string): Promise<number> {
    let q = this.db
      .updateTable('sessions')
      .set({ revoked_at: now })
      .where('account_id', '=', accountId)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .where('idle_expires_at', '>', now)
    if (exceptId) q = q.where('id', '!=', exceptId)
    const r = await q.executeTakeFirst()
    return Number(r.numUpdatedRows)
  }

  async markAuthenticated(id: string, at: number, amr: readonly string[] = []): Promise<void> {
    if (amr.length === 0) {
      await this.db.updateTable('sessions').set({ authenticated_at: at }).where('id', '=', id).execute()
      return
    }
    // Compare and set: a re-authentication running at once in the same session loses no method.
    for (let attempt = 0; attempt < 5; attempt++) {
      const row = await this.db.selectFrom('sessions').select('amr').where('id', '=', id).executeTakeFirst()
      if (!row) return
      const held = row.amr
      const r = await this.db
        .updateTable('sessions')
        .set({ authenticated_at: at, amr: JSON.stringify(mergeAmr(readAmr(held), amr)) })
        .where('id', '=', id)
        .where((eb) => (held === null ? eb('amr', 'is', null) : eb('amr', '=', held)))
        .executeTakeFirst()
      if (Number(r.numUpdatedRows) > 0) return
    }
    await this.db.updateTable('sessions').set({ authenticated_at: at }).where('id', '=', id).execute()
  }

  async liftMfaEnrolment(id: string): Promise<void> {
    await this.db.updateTable('sessions').set({ mfa_enrolment: 0 }).where('id', '=', id).execute()
  }

  async deleteEndedBefore(cutoff: number): Promise<number> {
    const r = await this.db
      .deleteFrom('sessions')
      .where((eb) =>
        eb.or([
          eb('expires_at', '<', cutoff),
          eb('idle_expires_at', '<', cutoff),
          eb('revoked_at', '<', cutoff),
        ]),
      )
      .executeTakeFirst()
    return Number(r.numDeletedRows)
  }
}
