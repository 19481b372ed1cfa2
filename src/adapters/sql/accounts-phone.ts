import type { Kysely } from 'kysely'
import { PhoneTakenConflict } from '../../modules/accounts/ports.js'
import type { Database } from './schema.js'

/* An account's phone number, and its verification under the unique index on verified numbers. */

/** The unique index on verified phone numbers refused a write (PostgreSQL or SQLite wording). */
const isVerifiedPhoneConflict = (e: unknown): boolean => {
  if (typeof e !== 'object' || e === null) return false
  const { code, constraint, message } = e as { code?: unknown; constraint?: unknown; message?: unknown }
  if (code === '23505') return constraint === 'accounts_verified_phone'
  return (
    typeof code === 'string' &&
    code.startsWith('SQLITE_CONSTRAINT') &&
    typeof message === 'string' &&
    message.includes('accounts.phone')
  )
}

export const setPhone = async (
  db: Kysely<Database>,
  id: string,
  e164: string | null,
  at: number,
): Promise<void> => {
  await db
    .updateTable('accounts')
    .set({ phone: e164, phone_verified_at: null, updated_at: at })
    .where('id', '=', id)
    .execute()
}

export const markPhoneVerified = async (
  db: Kysely<Database>,
  id: string,
  e164: string,
  at: number,
): Promise<boolean> => {
  // Checked first so that the common case never makes the database refuse a statement (which
  // would abort a PostgreSQL transaction); the catch covers two accounts racing for one number.
  const holder = await db
    .selectFrom('accounts')
    .select('id')
    .where('phone', '=', e164)
    .where('phone_verified_at', 'is not', null)
    .where('id', '!=', id)
    .executeTakeFirst()
  if (holder) throw new PhoneTakenConflict('another account holds this phone number verified')
  try {
    const r = await db
      .updateTable('accounts')
      .set({ phone_verified_at: at, updated_at: at })
      .where('id', '=', id)
      .where('phone', '=', e164)
      .executeTakeFirst()
    return Number(r.numUpdatedRows) > 0
  } catch (e) {
    if (isVerifiedPhoneConflict(e)) {
      throw new PhoneTakenConflict('another account holds this phone number verified', { cause: e })
    }
    throw e
  }
}
