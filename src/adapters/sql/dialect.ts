/** What differs between the two databases, as capability flags rather than `if (pg)` scattered around. */
export interface Dialect {
  readonly name: 'sqlite' | 'postgres'
  /** `FOR UPDATE SKIP LOCKED` is available for claiming work. */
  readonly skipLocked: boolean
  readonly autoIdType: 'integer' | 'bigint'
  /**
   * A list of values can be bound as one array parameter (`= any($1)`, `unnest($1, …)`): a
   * statement over thousands of rows binds and plans a few values rather than thousands.
   */
  readonly arrayParameters: boolean
}

export const sqliteDialect: Dialect = {
  name: 'sqlite',
  skipLocked: false,
  autoIdType: 'integer',
  arrayParameters: false,
}
export const postgresDialect: Dialect = {
  name: 'postgres',
  skipLocked: true,
  autoIdType: 'bigint',
  arrayParameters: true,
}
