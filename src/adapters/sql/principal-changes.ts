import type {
  DatabaseConnection,
  Dialect,
  KyselyPlugin,
  OperationNode,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryId,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely'

/** Tables whose rows a session check reads. */
const WATCHED = new Set(['sessions', 'accounts'])

/** Columns of `sessions` that a session check's own bookkeeping writes (the touch): no one else's answer changes. */
const TOUCH_COLUMNS = new Set(['last_seen_at', 'idle_expires_at'])

/**
 * The provider's artefacts whose removal ends an access token's life before its time: the token
 * itself (revocation endpoint), its refresh token or its grant (an application's access withdrawn,
 * a reused refresh token). API servers cache introspection answers and must hear of these. New
 * tokens (inserts), consumed codes and the provider's own sign-in bookkeeping change no answer.
 */
const TOKEN_MODELS = new Set(['AccessToken', 'ClientCredentials', 'RefreshToken', 'Grant'])

/** Columns of `accounts` that a session check answers with. */
const PRINCIPAL_COLUMNS = new Set(['id', 'username', 'role', 'must_change_password', 'locale'])

const RAW_WRITE = /\b(?:update|delete\s+from|insert\s+into|replace\s+into)\s+"?(sessions|accounts)\b/i

// Kysely's operation nodes, only as far as they are read here.
interface Named extends OperationNode {
  readonly table?: Named
  readonly node?: Named
  readonly identifier?: { readonly name: string }
  readonly column?: Named | { readonly name: string }
  readonly name?: string
}

const tableName = (node: Named | undefined): string | undefined => {
  if (!node) return undefined
  if (node.kind === 'AliasNode') return tableName(node.node)
  if (node.kind === 'TableNode') return node.table?.identifier?.name
  return undefined
}

const columnName = (node: Named | undefined): string | undefined => {
  if (!node) return undefined
  if (node.kind === 'ColumnNode') {
    const c = node.column as { name?: string } | undefined
    return c?.name
  }
  if (node.kind === 'ReferenceNode') return columnName(node.column as Named | undefined)
  return undefined
}

/** The values and column names a condition mentions, however it is nested. */
const mentions = (node: unknown, into: Set<unknown> = new Set()): Set<unknown> => {
  if (node === null || typeof node !== 'object') return into
  const n = node as { kind?: string; value?: unknown; column?: { name?: string } }
  if (n.kind === 'ValueNode') into.add(n.value)
  else if (n.kind === 'ColumnNode' && typeof n.column?.name === 'string') into.add(`column:${n.column.name}`)
  for (const child of Object.values(node)) if (typeof child === 'object') mentions(child, into)
  return into
}

/** Whether a delete from the provider's artefacts removes a token or a grant (see TOKEN_MODELS). */
const revokesTokens = (where: unknown): boolean => {
  const named = mentions(where)
  if (named.has('column:grant_id')) return true
  for (const v of named) if (typeof v === 'string' && TOKEN_MODELS.has(v)) return true
  // Without a named model (expired rows swept by housekeeping), nothing live goes.
  return false
}

/** Whether a statement may change what a session check (or a token's introspection) answers. */
export const changesPrincipals = (node: RootOperationNode): boolean => {
  switch (node.kind) {
    case 'DeleteQueryNode':
      if (node.from.froms.some((f) => tableName(f as Named) === 'oidc_artifacts'))
        return revokesTokens(node.where)
      return node.from.froms.some((f) => WATCHED.has(tableName(f as Named) ?? ''))
    case 'UpdateQueryNode': {
      const table = tableName(node.table as Named | undefined)
      if (!table || !WATCHED.has(table)) return false
      const columns = (node.updates ?? []).map((u) => columnName(u.column as Named))
      // A column we cannot name counts as a change.
      if (table === 'sessions') return columns.some((c) => c === undefined || !TOUCH_COLUMNS.has(c))
      return columns.some((c) => c === undefined || PRINCIPAL_COLUMNS.has(c))
    }
    case 'RawNode':
      return RAW_WRITE.test(node.sqlFragments.join('?'))
    default:
      // Inserts (a new session or account changes no cached answer), selects, schema changes.
      return false
  }
}

/**
 * Counts the writes that can change a session check's answer — a revoked or restricted session, a
 * renamed account, a role or a required password change, a revoked access token or grant — so that an in-process cache of those
 * answers knows when to stop trusting what it holds. The count moves before such a statement runs,
 * after it has run, and after the commit of a transaction that ran one: a lookup that overlaps any of
 * these sees the count move and keeps nothing.
 */
export class PrincipalChanges implements KyselyPlugin {
  #generation = 0
  readonly #running = new WeakSet<QueryId>()
  readonly #listeners = new Set<() => void>()

  get generation(): number {
    return this.#generation
  }

  /** A change made through this process: the count moves and the listeners hear of it. */
  bump(): void {
    this.#generation++
    for (const listener of this.#listeners) listener()
  }

  /** A change another instance made (heard from it): the count moves, the listeners are not told. */
  bumpFromElsewhere(): void {
    this.#generation++
  }

  /**
   * Calls `listener` (synchronously, so keep it short) on every change made through this process;
   * the last call of a write comes after it has run, or after its transaction committed. Returns a
   * function that stops the calls.
   */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (changesPrincipals(args.node)) {
      this.bump()
      this.#running.add(args.queryId)
    }
    return args.node
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    if (this.#running.delete(args.queryId)) this.bump()
    return args.result
  }

  /** The dialect, with a commit that moves the count again when the transaction changed principals. */
  observe(dialect: Dialect): Dialect {
    return {
      createAdapter: () => dialect.createAdapter(),
      createIntrospector: (db) => dialect.createIntrospector(db),
      createQueryCompiler: () => dialect.createQueryCompiler(),
      createDriver: () => {
        const driver = dialect.createDriver()
        const began = new WeakMap<DatabaseConnection, number>()
        const begin = driver.beginTransaction.bind(driver)
        const commit = driver.commitTransaction.bind(driver)
        driver.beginTransaction = async (connection, settings) => {
          began.set(connection, this.#generation)
          await begin(connection, settings)
        }
        driver.commitTransaction = async (connection) => {
          await commit(connection)
          if (began.get(connection) !== this.#generation) this.bump()
        }
        return driver
      },
    }
  }
}
