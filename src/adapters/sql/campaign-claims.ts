import { type Kysely, sql } from 'kysely'
import type { CampaignAction } from '../../modules/campaigns/ports.js'
import { groupSizeOf } from './campaign-selection.js'
import type { Dialect } from './dialect.js'
import type { Database } from './schema.js'

/**
 * `status = 'pending'` written as the partial index of pending groups states it, so that either
 * planner matches a query to that index without depending on a parameter's value.
 */
export const PENDING = sql.lit('pending')

/** The groups of targets a batch claimed: their names (first accounts) and their accounts, in claim order. */
export interface ClaimedGroups {
  firstIds: string[]
  accountIds: string[]
}

/** Where a claim starts: after this group (slot, first account). */
interface Cursor {
  slot: number
  firstId: string
}

/** The claims of campaign targets by one instance (SqlCampaignRepository), in claim order. */
export class TargetClaims {
  /** Per campaign, the last group this instance claimed (slot, first account): where the next claim starts. */
  readonly #cursor = new Map<string, Cursor>()

  constructor(
    private readonly dialect: Dialect,
    private readonly group: number,
  ) {}

  /**
   * Claims pending groups of targets, as many as fit in `limit` accounts (at least one): the claim
   * is the lease (rows locked `FOR UPDATE SKIP LOCKED` on PostgreSQL, the write lock on SQLite) and
   * ends with the transaction. Groups are claimed in slot order (campaign-selection.ts,
   * TargetSpread), from where this instance last claimed: the groups before it are (mostly) done,
   * and their dead index entries need not be walked again. Once nothing is left after it, from
   * the start again (groups a failed batch gave back).
   *
   * Groups hold up to the campaign's group size, fewer at the end of a slot's run: the first read
   * takes as many as the limit holds full groups, a next one (up to three) as many as the rest
   * holds groups of the size seen so far. A group read that would overfill the batch is left
   * pending; on PostgreSQL it stays locked until the batch ends, and a claim meanwhile passes it by.
   */
  async claim(
    trx: Kysely<Database>,
    id: string,
    action: CampaignAction,
    limit: number,
  ): Promise<ClaimedGroups> {
    const read = async (after: Cursor | undefined, rows: number) => {
      let q = trx
        .selectFrom('campaign_target_groups')
        .select(['slot', 'first_id', 'account_ids', 'size'])
        .where('campaign_id', '=', id)
        .where('status', '=', PENDING)
      if (after !== undefined)
        q = q.where((eb) => eb(eb.refTuple('slot', 'first_id'), '>', eb.tuple(after.slot, after.firstId)))
      q = q.orderBy('slot').orderBy('first_id').limit(rows)
      if (this.dialect.skipLocked) q = q.modifyEnd(sql`for update skip locked`)
      return q.execute()
    }
    const taken: Array<{ slot: number; first_id: string; account_ids: string }> = []
    let size = 0
    let after = this.#cursor.get(id)
    let rows = Math.max(1, Math.floor(limit / groupSizeOf(action, this.group)))
    for (let round = 0; round < 4 && size < limit; round += 1) {
      let found = await read(after, rows)
      if (found.length === 0 && after !== undefined && taken.length === 0) found = await read(undefined, rows)
      let overfilled = false
      for (const g of found) {
        if (taken.length > 0 && size + Number(g.size) > limit) {
          overfilled = true
          break
        }
        taken.push(g)
        size += Number(g.size)
      }
      if (overfilled || found.length < rows) break
      const last = taken[taken.length - 1]!
      after = { slot: Number(last.slot), firstId: last.first_id }
      rows = Math.max(1, Math.ceil(((limit - size) * taken.length) / size))
    }
    const last = taken[taken.length - 1]
    if (last) this.#cursor.set(id, { slot: Number(last.slot), firstId: last.first_id })
    else this.#cursor.delete(id)
    return {
      firstIds: taken.map((g) => g.first_id),
      accountIds: taken.flatMap((g) => JSON.parse(g.account_ids) as string[]),
    }
  }
}
