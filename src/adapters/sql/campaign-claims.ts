import { type Kysely, sql } from 'kysely'
import type { Dialect } from './dialect.js'
import type { Database } from './schema.js'

/**
 * `status = 'pending'` written as the partial index of pending targets states it, so that either
 * planner matches a query to that index without depending on a parameter's value.
 */
export const PENDING = sql.lit('pending')

/** The claims of campaign targets by one instance (SqlCampaignRepository), in claim order. */
export class TargetClaims {
  /** Per campaign, the last target this instance claimed (slot, account id): where the next claim starts. */
  readonly #cursor = new Map<string, { slot: number; accountId: string }>()

  constructor(private readonly dialect: Dialect) {}

  /**
   * Claims up to `limit` pending targets: the claim is the lease (rows locked `FOR UPDATE SKIP
   * LOCKED` on PostgreSQL, the write lock on SQLite) and ends with the transaction. Targets are
   * claimed in slot order (campaign-selection.ts, TargetSpread), from where this instance last
   * claimed: the targets before it are (mostly) done, and their dead index entries need not be
   * walked again. Once nothing is left after it, from the start again (targets a failed batch gave
   * back).
   */
  async claim(trx: Kysely<Database>, id: string, limit: number): Promise<string[]> {
    const claim = async (after: { slot: number; accountId: string } | undefined) => {
      let q = trx
        .selectFrom('campaign_targets')
        .select(['slot', 'account_id'])
        .where('campaign_id', '=', id)
        .where('status', '=', PENDING)
      if (after !== undefined)
        q = q.where((eb) => eb(eb.refTuple('slot', 'account_id'), '>', eb.tuple(after.slot, after.accountId)))
      q = q.orderBy('slot').orderBy('account_id').limit(limit)
      if (this.dialect.skipLocked) q = q.modifyEnd(sql`for update skip locked`)
      return q.execute()
    }
    const after = this.#cursor.get(id)
    let rows = await claim(after)
    if (rows.length === 0 && after !== undefined) rows = await claim(undefined)
    const last = rows[rows.length - 1]
    if (last) this.#cursor.set(id, { slot: Number(last.slot), accountId: last.account_id })
    else this.#cursor.delete(id)
    return rows.map((r) => r.account_id)
  }
}
