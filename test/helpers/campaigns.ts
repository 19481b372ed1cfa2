import { type Kysely, sql } from 'kysely'
import { expect } from 'vitest'
import type { Database } from '../../src/adapters/sql/schema.js'

/** A count from a `select … as n` query. */
export const countOf = async (db: Kysely<Database>, q: ReturnType<typeof sql<{ n: number }>>) =>
  Number((await q.execute(db)).rows[0]?.n)

/**
 * A forced-reset campaign and a notify campaign over `accounts` accounts, each finished with every
 * account handled exactly once: counters, targets and batches agree, one event per account of each
 * action, one queued notice per account.
 */
export const expectCampaignsHandledOnce = async (
  db: Kysely<Database>,
  campaignIds: readonly string[],
  accounts: number,
) => {
  const one = (q: ReturnType<typeof sql<{ n: number }>>) => countOf(db, q)
  for (const id of campaignIds) {
    const c = await db.selectFrom('campaigns').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
    // Counters are added in the batch's transaction: a batch counted twice would show here.
    expect([Number(c.total), Number(c.done), Number(c.skipped), Number(c.failed)]).toEqual([
      accounts,
      accounts,
      0,
      0,
    ])
    expect(
      await one(
        sql`select sum(size) as n from campaign_target_groups where campaign_id = ${id} and status = 'done'`,
      ),
    ).toBe(accounts)
    expect(await one(sql`select sum(done) as n from campaign_batches where campaign_id = ${id}`)).toBe(
      accounts,
    )
  }
  for (const type of ['campaign_password_reset_forced', 'campaign_notice_queued']) {
    expect(await one(sql`select count(*) as n from security_events where type = ${type}`)).toBe(accounts)
  }
  expect(await one(sql`select count(*) as n from outbox where template = 'campaign_notice'`)).toBe(accounts)
}
