import type { Compilable, CompiledQuery, Kysely, QueryResult } from 'kysely'
import { changesPrincipals } from './principal-changes.js'
import type { Database } from './schema.js'

/** Where a value goes in a statement built by `statement`: replaced by the value of its name at each run. */
class Slot {
  constructor(readonly name: string) {}
}

/** One compiled statement: its SQL, and for each parameter either the name of a value or a constant. */
interface Template<R> {
  query: CompiledQuery<R>
  parameters: ReadonlyArray<{ name: string } | { constant: unknown }>
}

/**
 * A statement built with Kysely and compiled once per database, then run with new values in the
 * same places. For the statements every login and every session check runs, where building and
 * compiling the query cost about as much as SQLite running it.
 *
 * `build` receives the values as stand-ins (`v.username`): they must go where Kysely makes
 * parameters of them (compared, inserted, set), never into SQL text or a list whose length varies.
 * A statement that could change what a session check answers (a write to `sessions` or `accounts`
 * other than an insert) is refused: those go through the builder, where the session cache hears of
 * them.
 */
export const statement = <V extends Record<string, unknown>, R>(
  build: (db: Kysely<Database>, v: V) => Compilable<R>,
) => {
  // Keyed by the dialect's adapter, which a database and its transactions share.
  const compiled = new WeakMap<object, Template<R>>()
  const used = new Set<string>()
  const slots = new Proxy({} as V, {
    get: (_, name) => {
      used.add(String(name))
      return new Slot(String(name))
    },
  })

  const templateFor = (db: Kysely<Database>): Template<R> => {
    const key = db.getExecutor().adapter
    let template = compiled.get(key)
    if (!template) {
      const query = build(db, slots).compile()
      if (changesPrincipals(query.query))
        throw new Error(
          `statement: a write the session cache must hear of cannot be precompiled: ${query.sql}`,
        )
      const parameters = query.parameters.map((p) => (p instanceof Slot ? { name: p.name } : { constant: p }))
      // A stand-in that did not become a parameter went somewhere its value would never reach.
      for (const name of used)
        if (!parameters.some((p) => 'name' in p && p.name === name))
          throw new Error(`statement: "${name}" is not a parameter of ${query.sql}`)
      template = { query, parameters }
      compiled.set(key, template)
    }
    return template
  }

  return {
    async run(db: Kysely<Database>, values: V): Promise<QueryResult<R>> {
      const { query, parameters } = templateFor(db)
      return db.executeQuery({
        ...query,
        parameters: parameters.map((p) => {
          if ('constant' in p) return p.constant
          const value = values[p.name]
          if (value === undefined) throw new Error(`statement: no value for "${p.name}" in ${query.sql}`)
          return value
        }),
      })
    },
  }
}
