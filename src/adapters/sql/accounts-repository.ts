import { type Kysely, type Selectable, sql } from 'kysely'
import { isLocale, type Locale } from '../../kernel/locale.js'
import {
  type AccountRecord,
  type AccountRepository,
  type CreateAccountResult,
  type EmailChange,
  type LiveTokenRef,
  type NewAccount,
  type Role,
  toRole,
} from '../../modules/accounts/ports.js'
import type { TokenPurpose } from '../../modules/tokens/ports.js'
import * as emailChanges from './accounts-email-changes.js'
import * as phone from './accounts-phone.js'
import * as tokens from './accounts-token-lookups.js'
import * as reservations from './accounts-username-reservations.js'
import { chunks } from './chunks.js'
import { countImportedHashes } from './imported-hashes.js'
import type { AccountsTable, Database } from './schema.js'
import { statement } from './statement.js'

const toRecord = (r: Selectable<AccountsTable>): AccountRecord => ({
  id: r.id,
  username: r.username,
  email: r.email,
  emailNorm: r.email_norm,
  phone: r.phone,
  phoneVerifiedAt: r.phone_verified_at,
  passwordHash: r.password_hash,
  role: toRole(r.role),
  emailVerifiedAt: r.email_verified_at,
  mustChangePassword: r.must_change_password === 1,
  passwordChangedAt: r.password_changed_at,
  createdAt: r.created_at,
  resetLock: r.reset_lock === 1,
  lockedAt: r.locked_at,
  // A disabled account answers a right password exactly as one under a required reset.
  passwordResetRequired: r.password_reset_required_at !== null || r.disabled_at !== null,
  mfaEnrolmentRequired: r.mfa_enrolment_required === 1,
  locale: isLocale(r.locale) ? r.locale : null,
  disabledAt: r.disabled_at,
})

// The lookups of every login (and of most account pages), compiled once.
const byId = statement((db, v: { id: string }) =>
  db.selectFrom('accounts').selectAll().where('id', '=', v.id),
)
const byUsername = statement((db, v: { username: string }) =>
  db.selectFrom('accounts').selectAll().where('username', '=', v.username),
)
// A login by username reads the reservation with the account, whether or not either exists.
const byUsernameWithReservation = statement((db, v: { username: string }) =>
  db
    .selectFrom(sql<{ name: string }>`(select cast(${v.username} as text) as name)`.as('n'))
    .leftJoin('accounts as a', 'a.username', 'n.name')
    .leftJoin('username_reservations as r', 'r.username', 'n.name')
    .selectAll('a')
    .select('r.password_hash as reserved_password_hash'),
)
const byEmail = statement((db, v: { email: string }) =>
  db.selectFrom('accounts').selectAll().where('email_norm', '=', v.email),
)
const byVerifiedPhone = statement((db, v: { phone: string }) =>
  db
    .selectFrom('accounts')
    .selectAll()
    .where('phone', '=', v.phone)
    .where('phone_verified_at', 'is not', null),
)

export class SqlAccountRepository implements AccountRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async create(a: NewAccount): Promise<CreateAccountResult> {
    // ON CONFLICT DO NOTHING instead of catching the error: on PostgreSQL a failed
    // statement would abort the surrounding transaction.
    const inserted = await this.db
      .insertInto('accounts')
      .values({
        id: a.id,
        username: a.username,
        email: a.email,
        email_norm: a.emailNorm,
        phone: a.phone,
        phone_verified_at: null,
        password_hash: a.passwordHash,
        role: a.role,
        email_verified_at: a.emailVerifiedAt ?? null,
        must_change_password: a.mustChangePassword ? 1 : 0,
        password_changed_at: a.passwordChangedAt,
        created_at: a.createdAt,
        updated_at: a.createdAt,
        locale: a.locale ?? null,
      })
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .executeTakeFirst()
    if (inserted) return { ok: true }
    const taken = await this.db
      .selectFrom('accounts')
      .select('id')
      .where('username', '=', a.username)
      .executeTakeFirst()
    return { ok: false, conflict: taken ? 'username' : 'email' }
  }

  isUsernameTaken(usernameNorm: string, now: number): Promise<boolean> {
    return reservations.isUsernameTaken(this.db, usernameNorm, now)
  }

  reserveUsername(usernameNorm: string, now: number, until: number, passwordHash: string): Promise<boolean> {
    return reservations.reserveUsername(this.db, usernameNorm, now, until, passwordHash)
  }

  deleteReservationsBefore(cutoff: number): Promise<number> {
    return reservations.deleteReservationsBefore(this.db, cutoff)
  }

  async findById(id: string): Promise<AccountRecord | null> {
    const r = (await byId.run(this.db, { id })).rows[0]
    return r ? toRecord(r) : null
  }

  async findByUsername(usernameNorm: string): Promise<AccountRecord | null> {
    const r = (await byUsername.run(this.db, { username: usernameNorm })).rows[0]
    return r ? toRecord(r) : null
  }

  async findByUsernameWithReservation(
    usernameNorm: string,
  ): Promise<{ account: AccountRecord | null; reservedHash: string | null }> {
    const r = (await byUsernameWithReservation.run(this.db, { username: usernameNorm })).rows[0]
    if (!r) throw new Error('the username read returned no row')
    const { reserved_password_hash: reservedHash, ...account } = r
    // Left-joined: every column of the account is null when no account has the name.
    return {
      account: account.id === null ? null : toRecord(account as Selectable<AccountsTable>),
      reservedHash,
    }
  }

  async findByEmail(emailNorm: string): Promise<AccountRecord | null> {
    const r = (await byEmail.run(this.db, { email: emailNorm })).rows[0]
    return r ? toRecord(r) : null
  }

  async findByVerifiedPhone(e164: string): Promise<AccountRecord | null> {
    const r = (await byVerifiedPhone.run(this.db, { phone: e164 })).rows[0]
    return r ? toRecord(r) : null
  }

  createEmailChange(c: EmailChange): Promise<void> {
    return emailChanges.createEmailChange(this.db, c)
  }

  emailChangeTimesSince(id: string, since: number): Promise<number[]> {
    return emailChanges.emailChangeTimesSince(this.db, id, since)
  }

  consumeEmailChange(tokenHash: string, now: number): Promise<EmailChange | null> {
    return emailChanges.consumeEmailChange(this.db, tokenHash, now)
  }

  deleteEmailChangesBefore(cutoff: number): Promise<number> {
    return emailChanges.deleteEmailChangesBefore(this.db, cutoff)
  }

  async setEmail(id: string, email: string, emailNorm: string, at: number): Promise<boolean> {
    const r = await this.db
      .updateTable('accounts')
      .set({ email, email_norm: emailNorm, email_verified_at: at, updated_at: at })
      .where('id', '=', id)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('accounts as other')
              .select('other.id')
              .where('other.email_norm', '=', emailNorm)
              .where('other.id', '!=', id),
          ),
        ),
      )
      .executeTakeFirst()
    return Number(r.numUpdatedRows) > 0
  }

  async setLocale(id: string, locale: Locale, at: number): Promise<boolean> {
    const r = await this.db
      .updateTable('accounts')
      .set({ locale, updated_at: at })
      .where('id', '=', id)
      .executeTakeFirst()
    return Number(r.numUpdatedRows) > 0
  }

  async setRole(id: string, role: Role, at: number): Promise<void> {
    await this.db.updateTable('accounts').set({ role, updated_at: at }).where('id', '=', id).execute()
  }

  async markEmailVerified(id: string, at: number): Promise<boolean> {
    const r = await this.db
      .updateTable('accounts')
      .set((eb) => ({ email_verified_at: eb.fn.coalesce('email_verified_at', eb.val(at)), updated_at: at }))
      .where('id', '=', id)
      .executeTakeFirst()
    return Number(r.numUpdatedRows) > 0
  }

  async setPasswordHash(
    id: string,
    hash: string,
    at: number,
    opts: { changed: boolean; mustChange?: boolean },
  ): Promise<void> {
    await this.db
      .updateTable('accounts')
      .set({
        password_hash: hash,
        updated_at: at,
        // A new password ends a reset a campaign required.
        ...(opts.changed ? { password_changed_at: at, password_reset_required_at: null } : {}),
        ...(opts.mustChange !== undefined ? { must_change_password: opts.mustChange ? 1 : 0 } : {}),
      })
      .where('id', '=', id)
      .execute()
  }

  countImportedHashes(): Promise<Record<string, number>> {
    return countImportedHashes(this.db)
  }

  async requirePasswordChange(id: string, passwordHash: string, at: number): Promise<boolean> {
    const r = await this.db
      .updateTable('accounts')
      .set({ must_change_password: 1, updated_at: at })
      .where('id', '=', id)
      .where('password_hash', '=', passwordHash)
      .executeTakeFirst()
    return Number(r.numUpdatedRows) === 1
  }

  async setResetLock(ids: string[], on: boolean, at: number): Promise<number> {
    if (ids.length === 0) return 0
    let total = 0
    for (const part of chunks(ids)) {
      const r = await this.db
        .updateTable('accounts')
        .set({ reset_lock: on ? 1 : 0, updated_at: at })
        .where('id', 'in', part)
        .executeTakeFirst()
      total += Number(r.numUpdatedRows)
    }
    return total
  }

  async setLocked(id: string, lockedAt: number | null, at: number): Promise<void> {
    await this.db
      .updateTable('accounts')
      .set({ locked_at: lockedAt, updated_at: at })
      .where('id', '=', id)
      .execute()
  }

  async deleteUnverifiedBefore(cutoff: number): Promise<number> {
    const r = await this.db
      .deleteFrom('accounts')
      .where('email_verified_at', 'is', null)
      .where('created_at', '<', cutoff)
      .executeTakeFirst()
    return Number(r.numDeletedRows)
  }

  async lockById(id: string): Promise<AccountRecord | null> {
    // A no-op UPDATE: a row lock on PostgreSQL, the write lock on SQLite, on both without dialect checks.
    const r = await this.db
      .updateTable('accounts')
      .set((eb) => ({ updated_at: eb.ref('updated_at') }))
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst()
    return r ? toRecord(r) : null
  }

  async lockUnverifiedByEmail(emailNorm: string): Promise<AccountRecord | null> {
    const r = await this.db
      .updateTable('accounts')
      .set((eb) => ({ updated_at: eb.ref('updated_at') }))
      .where('email_norm', '=', emailNorm)
      .where('email_verified_at', 'is', null)
      .returningAll()
      .executeTakeFirst()
    return r ? toRecord(r) : null
  }

  setPhone(id: string, e164: string | null, at: number): Promise<void> {
    return phone.setPhone(this.db, id, e164, at)
  }

  markPhoneVerified(id: string, e164: string, at: number): Promise<boolean> {
    return phone.markPhoneVerified(this.db, id, e164, at)
  }

  tokenTimesSince(id: string, purpose: TokenPurpose, since: number): Promise<number[]> {
    return tokens.tokenTimesSince(this.db, id, purpose, since)
  }

  newestLiveToken(id: string, purpose: TokenPurpose, now: number): Promise<LiveTokenRef | null> {
    return tokens.newestLiveToken(this.db, id, purpose, now)
  }

  tokenHashExists(tokenHash: string): Promise<boolean> {
    return tokens.tokenHashExists(this.db, tokenHash)
  }
}
