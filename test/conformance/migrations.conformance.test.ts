import { randomUUID } from 'node:crypto'
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
 * The newest migration goes down and up again (a release rolled back, then deployed once more),
 * and the schema it leaves works: a campaign is created and claimed.
 */

describe.each(databaseKinds())('the newest migration on %s', (kind) => {
  let testDb: TestDatabase | undefined
  let database: SqlDatabase | undefined

  afterAll(async () => {
    await database?.close()
    await testDb?.drop()
  })

  it('goes down and up again, and the schema still serves a campaign', async () => {
    testDb = await createTestDatabase(kind)
    database = await testDb.open()
    const { db, dialect } = database
    const down = await migrateDownOne(db as never, dialect)
    expect(down.error).toBeUndefined()
    expect(down.results?.map((r) => [r.direction, r.status])).toEqual([['Down', 'Success']])
    const up = await migrateToLatest(db as never, dialect)
    expect(up.error).toBeUndefined()
    expect(up.results?.map((r) => r.migrationName)).toEqual(down.results?.map((r) => r.migrationName))

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
