import type { Kysely } from 'kysely'
import type { EmailChange } from '../../modules/accounts/ports.js'
import type { Database } from './schema.js'

/* Pending changes of an account's email address, each confirmed once through a token sent to the new address. */

export const createEmailChange = async (db: Kysely<Database>, c: EmailChange): Promise<void> => {
  await db
    .updateTable('email_changes')
    .set({ used_at: c.createdAt })
    .where('account_id', '=', c.accountId)
    .where('used_at', 'is', null)
    .execute()
  await db
    .insertInto('email_changes')
    .values({
      id: c.id,
      account_id: c.accountId,
      new_email: c.newEmail,
      new_email_norm: c.newEmailNorm,
      token_hash: c.tokenHash,
      expires_at: c.expiresAt,
      used_at: null,
      created_at: c.createdAt,
    })
    .execute()
}

export const emailChangeTimesSince = async (
  db: Kysely<Database>,
  id: string,
  since: number,
): Promise<number[]> => {
  const rows = await db
    .selectFrom('email_changes')
    .select('created_at')
    .where('account_id', '=', id)
    .where('created_at', '>=', since)
    .orderBy('created_at')
    .execute()
  return rows.map((r) => Number(r.created_at))
}

export const consumeEmailChange = async (
  db: Kysely<Database>,
  tokenHash: string,
  now: number,
): Promise<EmailChange | null> => {
  const r = await db
    .updateTable('email_changes')
    .set({ used_at: now })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returningAll()
    .executeTakeFirst()
  if (!r) return null
  return {
    id: r.id,
    accountId: r.account_id,
    newEmail: r.new_email,
    newEmailNorm: r.new_email_norm,
    tokenHash: r.token_hash,
    expiresAt: Number(r.expires_at),
    createdAt: Number(r.created_at),
  }
}

export const deleteEmailChangesBefore = async (db: Kysely<Database>, cutoff: number): Promise<number> => {
  const r = await db.deleteFrom('email_changes').where('created_at', '<', cutoff).executeTakeFirst()
  return Number(r.numDeletedRows)
}
