import type { Kysely } from 'kysely'
import type { MessageLedger, Outbox } from '../../modules/mail/ports.js'
import { SqlAccountDeletions } from './account-deletion-repository.js'
import { SqlAccountRepository } from './accounts-repository.js'
import type { SqlDatabase } from './database.js'
import type { Dialect } from './dialect.js'
import { SqlSecurityEventLog } from './events-repository.js'
import { SqlMessageLedger, SqlOutboxQueue } from './outbox-repository.js'
import { SqlRecoveryLedger, SqlRecoveryRequestQueue } from './recovery-repository.js'
import type { Database } from './schema.js'
import { SqlSessionRepository } from './sessions-repository.js'
import { SqlOneTimeTokens } from './tokens-repository.js'

/** Puts the outbound gate in front of a ledger: the only way the store queues a message. */
export type OutboxFactory = (ledger: MessageLedger) => Outbox

const repositories = (
  db: Kysely<Database>,
  dialect: Dialect,
  outbox: OutboxFactory,
  afterCommit?: (fn: () => void) => void,
) => ({
  accounts: new SqlAccountRepository(db),
  tokens: new SqlOneTimeTokens(db),
  sessions: new SqlSessionRepository(db),
  outbox: outbox(new SqlMessageLedger(db, dialect)),
  events: new SqlSecurityEventLog(db, afterCommit, dialect),
  recoveryLedger: new SqlRecoveryLedger(db, dialect),
  deletions: new SqlAccountDeletions(db),
})

export type SqlRepositories = ReturnType<typeof repositories>

/**
 * Every repository over one database, and `transaction()` that hands the same
 * repositories bound to one transaction. It satisfies each module's store port.
 */
export interface SqlStore extends SqlRepositories {
  /** The outbox as the gate's ledger, outside any transaction (for the gate's second look). */
  readonly ledger: MessageLedger
  readonly outboxQueue: SqlOutboxQueue
  readonly recoveryRequests: SqlRecoveryRequestQueue
  transaction<T>(fn: (tx: SqlRepositories) => Promise<T>): Promise<T>
}

export const createSqlStore = (database: SqlDatabase, outbox: OutboxFactory): SqlStore => ({
  ...repositories(database.db, database.dialect, outbox),
  ledger: new SqlMessageLedger(database.db, database.dialect),
  outboxQueue: new SqlOutboxQueue(database.db, database.dialect),
  recoveryRequests: new SqlRecoveryRequestQueue(database.db, database.dialect),
  transaction: (fn) =>
    inTransaction(database.db, (trx, afterCommit) =>
      fn(repositories(trx, database.dialect, outbox, afterCommit)),
    ),
})

/**
 * Runs `fn` in one transaction. `afterCommit` takes work that must only follow a kept change
 * (webhook fan-out of the events recorded in it): it runs once the transaction has committed,
 * never after a rollback.
 */
export const inTransaction = async <T>(
  db: Kysely<Database>,
  fn: (trx: Kysely<Database>, afterCommit: (f: () => void) => void) => Promise<T>,
): Promise<T> => {
  const committed: Array<() => void> = []
  const result = await db.transaction().execute((trx) => fn(trx, (f) => committed.push(f)))
  for (const f of committed) f()
  return result
}
