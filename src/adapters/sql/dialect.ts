/** What differs between the two databases, as capability flags rather than `if (pg)` scattered around. */
export interface Dialect {
  readonly name: 'sqlite' | 'postgres'
  /** `FOR UPDATE SKIP LOCKED` is available for claiming work. */
  readonly skipLocked: boolean
  readonly autoIdType: 'integer' | 'bigint'
}

export const sqliteDialect: Dialect = { name: 'sqlite', skipLocked: false, autoIdType: 'integer' }
export const postgresDialect: Dialect = { name: 'postgres', skipLocked: true, autoIdType: 'bigint' }
