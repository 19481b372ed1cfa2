import type { Kysely } from 'kysely'
import type { Dialect } from '../dialect.js'

/*
 * WebAuthn passkeys: stored as second factors of kind `webauthn` next to TOTP, and the single-use
 * challenges of registration and authentication ceremonies.
 */

export const up = async (db: Kysely<unknown>, _dialect: Dialect): Promise<void> => {
  await db.schema.alterTable('mfa_factors').addColumn('credential_id', 'text').execute()
  await db.schema.alterTable('mfa_factors').addColumn('public_key', 'text').execute()
  await db.schema.alterTable('mfa_factors').addColumn('sign_count', 'bigint').execute()
  await db.schema.alterTable('mfa_factors').addColumn('transports', 'text').execute()
  await db.schema.alterTable('mfa_factors').addColumn('name', 'text').execute()
  await db.schema.alterTable('mfa_factors').addColumn('last_used_at', 'bigint').execute()
  await db.schema
    .createIndex('mfa_factors_credential')
    .on('mfa_factors')
    .column('credential_id')
    .unique()
    .execute()

  await db.schema
    .createTable('webauthn_challenges')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.references('accounts.id').onDelete('cascade'))
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('challenge', 'text', (c) => c.notNull())
    .addColumn('login_challenge_id', 'text')
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('webauthn_challenges_expiry')
    .on('webauthn_challenges')
    .column('expires_at')
    .execute()
}
