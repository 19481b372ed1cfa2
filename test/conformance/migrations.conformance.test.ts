import { randomUUID } from 'node:crypto'
import { type Kysely, sql } from 'kysely'
import { afterAll, describe, expect, it } from 'vitest'
import { SqlCampaignRepository } from '../../src/adapters/sql/campaigns-repository.js'
import type { SqlDatabase } from '../../src/adapters/sql/database.js'
import { SqlSecurityEventLog } from '../../src/adapters/sql/events-repository.js'
import { migrateDownOne, migrateToLatest } from '../../src/adapters/sql/migrate.js'
import { createSqlStore } from '../../src/adapters/sql/store.js'
import { EventRecorder } from '../../src/modules/events/recorder.js'
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases.js'
import { roomyOutbox } from '../helpers/outbound.js'
import { newAccount, T0 } from './fixtures.js'

/*
 * The newest migrations go down and up again (a release rolled back, then deployed once more),
 * carry the data they find over, and the schema they leave works: a campaign is created and claimed.
 */

/** Undoes migrations one at a time, the newest first, through `name`; returns their names as undone. */
const downThrough = async (db: Kysely<unknown>, dialect: SqlDatabase['dialect'], name: string) => {
  const undone: string[] = []
  for (;;) {
    const down = await migrateDownOne(db, dialect)
    expect(down.error).toBeUndefined()
    expect(down.results?.map((r) => [r.direction, r.status])).toEqual([['Down', 'Success']])
    undone.push(down.results![0]!.migrationName)
    if (undone.at(-1) === name || undone.length > 10) return undone
  }
}

describe.each(databaseKinds())('the newest migrations on %s', (kind) => {
  let testDb: TestDatabase | undefined
  let database: SqlDatabase | undefined

  afterAll(async () => {
    await database?.close()
    await testDb?.drop()
  })

  it('go down and up again, and the schema still serves a campaign', async () => {
    testDb = await createTestDatabase(kind)
    database = await testDb.open()
    const { db, dialect } = database
    const undone = await downThrough(db as never, dialect, '0031_campaign_target_groups')
    expect(undone).toEqual([
      '0034_identifier_collation',
      '0033_exposure_repeats',
      '0032_leak_import_paths',
      '0031_campaign_target_groups',
    ])
    // On PostgreSQL the exposures fill their pages again (0032 undone).
    const exposureOptions = async () =>
      dialect.name === 'postgres'
        ? (
            await sql<{ options: string[] | null }>`
              select reloptions as options from pg_class where relname = 'incident_exposures'`.execute(db)
          ).rows[0]?.options
        : 'sqlite'
    expect(await exposureOptions()).toEqual(dialect.name === 'postgres' ? null : 'sqlite')
    // On PostgreSQL usernames and email addresses compare under the database's collation again
    // (0034 undone), byte by byte after it.
    const identifierCollations = async () =>
      dialect.name === 'postgres'
        ? (
            await sql<{ name: string; collation: string | null }>`
              select column_name as name, collation_name as collation from information_schema.columns
              where table_name = 'accounts' and column_name in ('username', 'email_norm')
              order by column_name`.execute(db)
          ).rows.map((c) => [c.name, c.collation])
        : 'sqlite'
    expect(await identifierCollations()).toEqual(
      dialect.name === 'postgres'
        ? [
            ['email_norm', null],
            ['username', null],
          ]
        : 'sqlite',
    )
    // A campaign under way when the release went back: 45 targets pending, one done, one failed.
    const raw = db as unknown as Kysely<Record<string, Record<string, unknown>>>
    const campaignId = randomUUID()
    await raw
      .insertInto('campaigns')
      .values({
        id: campaignId,
        incident_id: null,
        selector: '{"kind":"accounts","ids":[]}',
        action: 'reset_lock',
        params: '{}',
        status: 'running',
        total: 47,
        done: 1,
        failed: 1,
        skipped: 0,
        sessions_revoked: 0,
        not_before: 0,
        created_by: 'account:admin',
        created_at: T0,
        updated_at: T0,
        finished_at: null,
      })
      .execute()
    const ids = Array.from({ length: 47 }, () => randomUUID()).sort()
    await raw
      .insertInto('campaign_targets')
      .values(
        ids.map((id, n) => ({
          campaign_id: campaignId,
          account_id: id,
          status: n === 0 ? 'done' : n === 1 ? 'failed' : 'pending',
          attempts: n === 1 ? 3 : 0,
          handled_at: n < 2 ? T0 : null,
          slot: 0,
        })),
      )
      .execute()
    const up = await migrateToLatest(db as never, dialect)
    expect(up.error).toBeUndefined()
    expect(up.results?.map((r) => r.migrationName)).toEqual([...undone].reverse())
    expect(await exposureOptions()).toEqual(dialect.name === 'postgres' ? ['fillfactor=70'] : 'sqlite')
    expect(await identifierCollations()).toEqual(
      dialect.name === 'postgres'
        ? [
            ['email_norm', 'C'],
            ['username', 'C'],
          ]
        : 'sqlite',
    )
    if (dialect.name === 'postgres') {
      // A leak's lookups read the unique indexes alone: they carry the account's id.
      for (const column of ['username', 'email_norm']) {
        const plan = await db.transaction().execute(async (trx) => {
          await sql`set local enable_seqscan = off`.execute(trx)
          await sql`set local enable_bitmapscan = off`.execute(trx)
          const r = await sql<{ 'QUERY PLAN': string }>`explain select id, ${sql.ref(column)} from accounts
            where ${sql.ref(column)} = any(${['a', 'b']}::text[])`.execute(trx)
          return r.rows.map((x) => x['QUERY PLAN']).join('\n')
        })
        expect(plan).toContain(`Index Only Scan using accounts_${column}_id`)
      }
    }
    // Carried over in groups of forty, in account order; the done target lives on in the counters.
    const groups = await raw
      .selectFrom('campaign_target_groups')
      .select(['first_id', 'account_ids', 'size', 'status', 'attempts'])
      .where('campaign_id', '=', campaignId)
      .orderBy('status')
      .orderBy('first_id')
      .execute()
    expect(groups.map((g) => [g.status, Number(g.size), Number(g.attempts), g.first_id])).toEqual([
      ['failed', 1, 3, ids[1]],
      ['pending', 40, 0, ids[2]],
      ['pending', 5, 0, ids[42]],
    ])
    expect(groups.flatMap((g) => JSON.parse(String(g.account_ids)) as string[])).toEqual(ids.slice(1))
    // Back once more: each group's accounts are targets of their own again.
    await downThrough(db as never, dialect, '0031_campaign_target_groups')
    const targets = await raw
      .selectFrom('campaign_targets')
      .select(['account_id', 'status'])
      .where('campaign_id', '=', campaignId)
      .orderBy('account_id')
      .execute()
    expect(targets.map((t) => [t.account_id, t.status])).toEqual(
      ids.slice(1).map((id, n) => [id, n === 0 ? 'failed' : 'pending']),
    )
    expect((await migrateToLatest(db as never, dialect)).error).toBeUndefined()

    const a = newAccount({ role: 'user' })
    expect(await createSqlStore(database, roomyOutbox).accounts.create(a)).toEqual({ ok: true })
    const repo = new SqlCampaignRepository(
      db,
      dialect,
      new EventRecorder(new SqlSecurityEventLog(db, undefined, dialect), () => T0),
    )
    const c = await repo.create({
      id: randomUUID(),
      incidentId: null,
      selector: { kind: 'accounts', ids: [a.id] },
      action: 'reset_lock',
      params: {},
      createdBy: 'account:admin',
      createdAt: T0,
    })
    expect(c.total).toBe(1)
    expect(await repo.runBatch(c.id, { limit: 10, now: T0, notifyPerSecond: 1 })).toMatchObject({ done: 1 })
  })
})
