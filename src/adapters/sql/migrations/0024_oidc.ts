import type { Kysely } from 'kysely'
import type { Dialect } from '../dialect.js'

/*
 * The OpenID Connect provider: its applications (clients; only the SHA-256 of a secret is kept),
 * its signing keys (private halves sealed under the secret key), and the artefacts it keeps —
 * sessions, interactions, codes, tokens and grants — as JSON payloads by model and id, with the
 * columns the incident hooks and the provider look them up by.
 */

export const up = async (db: Kysely<unknown>, _dialect: Dialect): Promise<void> => {
  await db.schema
    .createTable('oidc_clients')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('owner_account_id', 'text')
    .addColumn('contact', 'text')
    .addColumn('first_party', 'integer', (c) => c.notNull())
    .addColumn('public', 'integer', (c) => c.notNull())
    .addColumn('token_endpoint_auth_method', 'text', (c) => c.notNull())
    .addColumn('secret_hash', 'text')
    .addColumn('secret_created_at', 'bigint')
    .addColumn('redirect_uris', 'text', (c) => c.notNull())
    .addColumn('post_logout_redirect_uris', 'text', (c) => c.notNull())
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('grant_types', 'text', (c) => c.notNull())
    .addColumn('require_acr', 'text')
    .addColumn('backchannel_logout_uri', 'text')
    .addColumn('access_token_format', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('disabled_at', 'bigint')
    .addColumn('last_used_at', 'bigint')
    .execute()

  await db.schema
    .createTable('oidc_keys')
    .addColumn('kid', 'text', (c) => c.primaryKey())
    .addColumn('alg', 'text', (c) => c.notNull())
    .addColumn('private_sealed', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('retired_at', 'bigint')
    .execute()

  await db.schema
    .createTable('oidc_artifacts')
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint')
    .addColumn('grant_id', 'text')
    .addColumn('uid', 'text')
    .addColumn('user_code', 'text')
    .addColumn('account_id', 'text')
    .addColumn('client_id', 'text')
    .addColumn('consumed_at', 'bigint')
    .addPrimaryKeyConstraint('oidc_artifacts_pk', ['model', 'id'])
    .execute()
  await db.schema.createIndex('oidc_artifacts_grant').on('oidc_artifacts').column('grant_id').execute()
  await db.schema.createIndex('oidc_artifacts_uid').on('oidc_artifacts').columns(['model', 'uid']).execute()
  await db.schema
    .createIndex('oidc_artifacts_account')
    .on('oidc_artifacts')
    .columns(['account_id', 'model'])
    .execute()
  await db.schema
    .createIndex('oidc_artifacts_client')
    .on('oidc_artifacts')
    .columns(['client_id', 'model'])
    .execute()
  await db.schema.createIndex('oidc_artifacts_expiry').on('oidc_artifacts').column('expires_at').execute()
}

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await db.schema.dropTable('oidc_artifacts').execute()
  await db.schema.dropTable('oidc_keys').execute()
  await db.schema.dropTable('oidc_clients').execute()
}
