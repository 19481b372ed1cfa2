import type { Kysely, Transaction, Updateable } from 'kysely'
import type {
  AccountLifecycleRepository,
  ProfileChange,
  ProfileChangeResult,
} from '../../modules/admin/lifecycle-ports.js'
import type { AccountsTable, Database } from './schema.js'
import { SqlSessionRepository } from './sessions-repository.js'
import { SqlOneTimeTokens } from './tokens-repository.js'

type Conflict = 'username' | 'email' | 'phone'

/** The first identifier of the change another account (or a sign-up's reservation) holds, or null. */
const conflictOf = async (
  trx: Transaction<Database>,
  id: string,
  change: ProfileChange,
  now: number,
): Promise<Conflict | null> => {
  if (change.username !== undefined) {
    const [holder, reserved] = await Promise.all([
      trx
        .selectFrom('accounts')
        .select('id')
        .where('username', '=', change.username)
        .where('id', '!=', id)
        .executeTakeFirst(),
      trx
        .selectFrom('username_reservations')
        .select('username')
        .where('username', '=', change.username)
        .where('expires_at', '>', now)
        .executeTakeFirst(),
    ])
    if (holder || reserved) return 'username'
  }
  if (change.email !== undefined) {
    const holder = await trx
      .selectFrom('accounts')
      .select('id')
      .where('email_norm', '=', change.email.norm)
      .where('id', '!=', id)
      .executeTakeFirst()
    if (holder) return 'email'
  }
  if (change.phone && change.phoneVerified) {
    const holder = await trx
      .selectFrom('accounts')
      .select('id')
      .where('phone', '=', change.phone)
      .where('phone_verified_at', 'is not', null)
      .where('id', '!=', id)
      .executeTakeFirst()
    if (holder) return 'phone'
  }
  return null
}

/** The columns a change sets. A new or removed phone number loses any earlier verification. */
const columnsOf = (
  current: { phone: string | null; phone_verified_at: number | null; email_norm: string },
  change: ProfileChange,
  now: number,
): Updateable<AccountsTable> => {
  const set: Updateable<AccountsTable> = { updated_at: now }
  if (change.username !== undefined) set.username = change.username
  if (change.email !== undefined) {
    set.email = change.email.address
    set.email_norm = change.email.norm
    // A new address is unverified unless staff say otherwise.
    if (change.email.norm !== current.email_norm && change.emailVerified === undefined)
      set.email_verified_at = null
  }
  if (change.emailVerified !== undefined) set.email_verified_at = change.emailVerified ? now : null
  const phone = change.phone === undefined ? current.phone : change.phone
  if (change.phone !== undefined && change.phone !== current.phone) {
    set.phone = change.phone
    set.phone_verified_at = null
  }
  if (change.phoneVerified !== undefined && phone !== null) {
    set.phone_verified_at = change.phoneVerified ? (current.phone_verified_at ?? now) : null
  }
  if (change.role !== undefined) set.role = change.role
  if (change.locale !== undefined) set.locale = change.locale
  return set
}

/** Account administration's writes over SQL (PostgreSQL and SQLite alike). */
export class SqlAccountLifecycle implements AccountLifecycleRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async changeProfile(id: string, change: ProfileChange, now: number): Promise<ProfileChangeResult> {
    return this.db.transaction().execute(async (trx) => {
      const current = await trx
        .updateTable('accounts')
        .set((eb) => ({ updated_at: eb.ref('updated_at') }))
        .where('id', '=', id)
        .returning(['phone', 'phone_verified_at', 'email_norm', 'role'])
        .executeTakeFirst()
      if (!current) return { ok: false, conflict: 'gone' } as const
      const conflict = await conflictOf(trx, id, change, now)
      if (conflict) return { ok: false, conflict } as const
      await trx
        .updateTable('accounts')
        .set(columnsOf(current, change, now))
        .where('id', '=', id)
        .execute()
      // A new role's MFA policy and scopes apply from the next login on.
      const roleChanged = change.role !== undefined && change.role !== current.role
      const sessions = roleChanged ? await new SqlSessionRepository(trx).revokeAll(id, now) : 0
      return { ok: true, sessions } as const
    })
  }

  async disable(id: string, by: string, now: number): Promise<{ sessions: number } | null> {
    return this.db.transaction().execute(async (trx) => {
      const r = await trx
        .updateTable('accounts')
        .set({ disabled_at: now, disabled_by: by, updated_at: now })
        .where('id', '=', id)
        .where('disabled_at', 'is', null)
        .executeTakeFirst()
      if (Number(r.numUpdatedRows) === 0) return null
      const sessions = await new SqlSessionRepository(trx).revokeAll(id, now)
      await new SqlOneTimeTokens(trx).revokeForAccount(id, now)
      return { sessions }
    })
  }

  async enable(id: string, now: number): Promise<boolean> {
    const r = await this.db
      .updateTable('accounts')
      .set({
        disabled_at: null,
        disabled_by: null,
        // Enabling an account also ends a pending deletion.
        deletion_due_at: null,
        deletion_requested_by: null,
        updated_at: now,
      })
      .where('id', '=', id)
      .where('disabled_at', 'is not', null)
      .executeTakeFirst()
    return Number(r.numUpdatedRows) > 0
  }

  async ownsClients(id: string): Promise<boolean> {
    const owned = await this.db
      .selectFrom('clients')
      .select('id')
      .where('owner_account_id', '=', id)
      .executeTakeFirst()
    return owned !== undefined
  }

  async remove(id: string, now: number): Promise<boolean> {
    return this.db.transaction().execute((trx) => removeAccountData(trx, id, now))
  }
}

/**
 * Removes the account and every row of personal data about it, in the caller's transaction: the
 * row (its sessions, tokens, factors, passkeys, devices, pending changes and recovery digests
 * cascade with it), its security events, its queued messages, its applications' artefacts, its
 * exposures in incidents and the reservation of its username a sign-up made (with that sign-up's
 * password hash); applications it owned lose their owner. Campaign targets keep the opaque id (a
 * campaign's counts stay whole) and the audit log names it by that id only. False when it is gone.
 * Staff's immediate deletion and the purge after the grace period both go through here.
 */
export const removeAccountData = async (trx: Kysely<Database>, id: string, now: number): Promise<boolean> => {
  await trx
    .updateTable('oidc_clients')
    .set({ owner_account_id: null, updated_at: now })
    .where('owner_account_id', '=', id)
    .execute()
  await trx.deleteFrom('oidc_artifacts').where('account_id', '=', id).execute()
  await trx.deleteFrom('outbox').where('account_id', '=', id).execute()
  await trx.deleteFrom('security_events').where('account_id', '=', id).execute()
  await trx.deleteFrom('incident_exposures').where('account_id', '=', id).execute()
  // The sign-up's reservation of the name keeps its password hash: it goes too.
  const row = await trx.selectFrom('accounts').select('username').where('id', '=', id).executeTakeFirst()
  if (row) await trx.deleteFrom('username_reservations').where('username', '=', row.username).execute()
  // Sessions, tokens, factors, passkeys, devices and pending changes go with the row.
  const r = await trx.deleteFrom('accounts').where('id', '=', id).executeTakeFirst()
  return Number(r.numDeletedRows) > 0
}
