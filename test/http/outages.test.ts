import { sql } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import { captureLogs, LEVEL } from '../helpers/logs.js'
import { call, createTestServer, freshUser, metricsText, type TestServer } from '../helpers/server.js'

/**
 * A dependency outage is not a bug: every request that meets one gets `503 service_unavailable`
 * with `Retry-After` (never `500 internal_error`), the driver's code is what the log names (never
 * SQLite's "cannot rollback" that used to hide it), and the log tells of the outage once when it
 * starts and once when it ends, however many requests met it.
 */
describe('a database that refuses writes (SQLite full)', () => {
  let s: TestServer | undefined
  afterEach(async () => {
    await s?.close()
    s = undefined
  })

  const waitFor = async (what: string, check: () => boolean, ms = 5000) => {
    const until = Date.now() + ms
    while (!check()) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
      await new Promise((r) => setTimeout(r, 50))
    }
  }

  it('answers 503 service_unavailable with Retry-After, and logs the outage once and its end once', async () => {
    const logs = captureLogs()
    s = await createTestServer('sqlite', {}, { logger: logs.logger })
    const db = s.app.database.db
    // SQLite refuses to grow the file past max_page_count with SQLITE_FULL, as on a full volume
    // (VACUUM first: free pages would take the first writes).
    await sql`vacuum`.execute(db)
    const pages = (await sql<{ page_count: number }>`pragma page_count`.execute(db)).rows[0]!.page_count
    await sql.raw(`pragma max_page_count = ${pages}`).execute(db)

    // The pages there are still have room for a few rows: sign up until one needs a new page.
    const answers = []
    for (let i = 0; i < 80 && answers.filter((a) => a.status !== 202).length < 6; i++) {
      answers.push(await call(s, 'POST', '/v1/accounts', { body: freshUser('full') }))
    }
    const failed = answers.filter((a) => a.status !== 202)
    expect(failed).toHaveLength(6)
    for (const a of failed) {
      expect(a.status).toBe(503)
      expect(a.headers['content-type']).toMatch(/^application\/problem\+json/)
      expect(a.headers['retry-after']).toBe('5')
      expect(a.json).toMatchObject({ code: 'service_unavailable', status: 503 })
      expect(a.body).not.toMatch(/SQLITE|sqlite|disk/)
    }
    const errors = logs.lines.filter((l) => l.level >= LEVEL.error)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({ dependency: 'disk', reason: 'SQLITE_FULL' })
    expect(JSON.stringify(logs.lines)).not.toMatch(/cannot rollback|request failed|unhandled error/)
    expect(await metricsText(s)).toMatch(/gatehouse_dependency_up\{dependency="disk"\} 0/)

    // Room again: the probe finds the disk takes writes, and the outage ends with one summary line.
    await sql.raw('pragma max_page_count = 1073741823').execute(db)
    await waitFor('the outage to end', () => logs.lines.some((l) => l.msg === 'disk available again'))
    const summary = logs.lines.find((l) => l.msg === 'disk available again')!
    expect(summary).toMatchObject({ dependency: 'disk', reason: 'SQLITE_FULL', failures: failed.length })
    expect(await metricsText(s)).toMatch(/gatehouse_dependency_up\{dependency="disk"\} 1/)
    expect((await call(s, 'POST', '/v1/accounts', { body: freshUser('room') })).status).toBe(202)
    expect(logs.lines.filter((l) => l.level >= LEVEL.error)).toHaveLength(1)
  })
})
