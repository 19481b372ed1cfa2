import type { Kysely } from 'kysely'
import type { Database } from './schema.js'

/* Usernames a sign-up holds (with the password hash it was started with) until it completes or expires. */

export const isUsernameTaken = async (
  db: Kysely<Database>,
  usernameNorm: string,
  now: number,
): Promise<boolean> => {
  const [account, reserved] = await Promise.all([
    db.selectFrom('accounts').select('id').where('username', '=', usernameNorm).executeTakeFirst(),
    db
      .selectFrom('username_reservations')
      .select('username')
      .where('username', '=', usernameNorm)
      .where('expires_at', '>', now)
      .executeTakeFirst(),
  ])
  return account !== undefined || reserved !== undefined
}

export const reserveUsername = async (
  db: Kysely<Database>,
  usernameNorm: string,
  now: number,
  until: number,
  passwordHash: string,
): Promise<boolean> => {
  const row = await db
    .insertInto('username_reservations')
    .values({ username: usernameNorm, expires_at: until, created_at: now, password_hash: passwordHash })
    .onConflict((oc) =>
      oc
        .column('username')
        .doUpdateSet({ expires_at: until, created_at: now, password_hash: passwordHash })
        .where('username_reservations.expires_at', '<=', now),
    )
    .returning('username')
    .executeTakeFirst()
  return row !== undefined
}

export const deleteReservationsBefore = async (db: Kysely<Database>, cutoff: number): Promise<number> => {
  const r = await db.deleteFrom('username_reservations').where('expires_at', '<', cutoff).executeTakeFirst()
  return Number(r.numDeletedRows)
}
