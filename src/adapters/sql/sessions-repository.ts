import type { CompiledQuery, Kysely, Selectable } from 'kysely'
import { toRole } from '../../modules/accounts/ports.js'
import type {
  NewSession,
  SessionPrincipal,
  SessionRecord,
  SessionRepository,
} from '../../modules/sessions/ports.js'
import type { Database, SessionsTable } from './schema.js'

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
})

/** A compiled query run with other values in the same places. */
const withParameters = <R>(query: CompiledQuery<R>, parameters: readonly unknown[]): CompiledQuery<R> => ({
  ...query,
  parameters,
})

/** The live session for a token hash, with its account; parameters: token hash, now, now. */
const compileFindActive = (db: Kysely<Database>) =>
  db
    .selectFrom('sessions as s')
    .innerJoin('accounts as a', 'a.id', 's.account_id')
    .selectAll('s')
    .select(['a.username', 'a.role', 'a.must_change_password'])
    .where('s.token_hash', '=', '')
    .where('s.revoked_at', 'is', null)
    .where('s.expires_at', '>', 0)
    .where('s.idle_expires_at', '>', 0)
    .compile()

export class SqlSessionRepository implements SessionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async create(s: NewSession): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({
        id: s.id,
        token_hash: s.tokenHash,
        account_id: s.accountId,
        created_at: s.createdAt,
        last_seen_at: s.lastSeenAt,
        expires_at: s.expiresAt,
        idle_expires_at: s.idleExpiresAt,
        ip: s.ip,
        user_agent: s.userAgent,
        restricted: s.restricted ? 1 : 0,
        revoked_at: null,
        authenticated_at: s.authenticatedAt,
        mfa_enrolment: s.mfaEnrolment ? 1 : 0,
      })
      .execute()
  }

  /**
   * Compiled once per repository: the session check runs on every request of every relying
   * service, and building the query each time would cost more than running it.
   */
  #findActive: ReturnType<typeof compileFindActive> | undefined

  async findActive(tokenHash: string, now: number): Promise<SessionPrincipal | null> {
    this.#findActive ??= compileFindActive(this.db)
    const { rows } = await this.db.executeQuery(withParameters(this.#findActive, [tokenHash, now, now]))
    const r = rows[0]
    if (!r) return null
    return {
      session: toRecord(r),
      account: {
        id: r.account_id,
        username: r.username,
        role: toRole(r.role),
        mustChangePassword: r.must_change_password === 1,
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

  async markAuthenticated(id: string, at: number): Promise<void> {
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
