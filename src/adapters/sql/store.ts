import type { Kysely } from 'kysely'
import { SqlAccountRepository } from './accounts-repository.js'
import type { SqlDatabase } from './database.js'
import { SqlSecurityEventLog } from './events-repository.js'
import { SqlOutbox, SqlOutboxQueue } from './outbox-repository.js'
import type { Database } from './schema.js'
import { SqlSessionRepository } from './sessions-repository.js'
import { SqlOneTimeTokens } from './tokens-repository.js'

const repositories = (db: Kysely<Database>) => ({
  accounts: new SqlAccountRepository(db),
  tokens: new SqlOneTimeTokens(db),
  sessions: new SqlSessionRepository(db),
  outbox: new SqlOutbox(db),
  events: new SqlSecurityEventLog(db),
})

export type SqlRepositories = ReturnType<typeof repositories>

/**
 * Every repository over one database, and `transaction()` that hands the same
 * repositories bound to one transaction. It satisfies each module's store port.
 */
export interface SqlStore extends SqlRepositories {
  readonly outboxQueue: SqlOutboxQueue
  transaction<T>(fn: (tx: SqlRepositories) => Promise<T>): Promise<T>
}

export const createSqlStore = (database: SqlDatabase): SqlStore => ({
  ...repositories(database.db),
  outboxQueue: new SqlOutboxQueue(database.db, database.dialect),
  transaction: (fn) => database.db.transaction().execute((trx) => fn(repositories(trx))),
})
