import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SqlMessageLedger, SqlOutboxQueue } from '../../src/adapters/sql/outbox-repository.js'
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js'
import { runCli } from '../helpers/process.js'

/** `gatehouse outbox list|retry`: dead letters on the command line, without an address, a retry audited. */
describe('gatehouse outbox', () => {
  let db: TestDatabase
  let env: Record<string, string>
  const recipient = 'dead.cli@example.org'

  beforeAll(async () => {
    db = await createTestDatabase('sqlite')
    env = { GATEHOUSE_DATA_DIR: db.dataDir, GATEHOUSE_SECRET_KEY: Buffer.alloc(32, 3).toString('base64') }
    const database = await db.open()
    const store = {
      ledger: new SqlMessageLedger(database.db, database.dialect),
      outboxQueue: new SqlOutboxQueue(database.db, database.dialect),
    }
    const now = Date.now()
    await store.ledger.insert(
      {
        channel: 'email',
        recipient,
        template: 'password_changed',
        payload: { username: 'someone' },
        accountId: null,
        kind: 'notice',
        destination: recipient,
        region: null,
      },
      now - 25 * 3600_000,
    )
    const [claimed] = await store.outboxQueue.claim(1, now, 60_000)
    await store.outboxQueue.deadLetter(claimed!.id, 97, 'connect ECONNREFUSED 10.0.0.25:25', now)
    await database.close()
  })
  afterAll(async () => {
    await db?.drop()
  })

  it('lists dead letters and the counts, sends them again, and audits it', async () => {
    const listed = await runCli(['outbox', 'list'], env)
    expect(listed.code, listed.stderr).toBe(0)
    expect(listed.stdout).toContain('outbox: dead 1')
    expect(listed.stdout).toMatch(
      /email {2}password_changed {2}97 tries {2}dead since .* connect ECONNREFUSED/,
    )
    expect(listed.stdout).not.toContain(recipient)

    const refused = await runCli(['outbox', 'retry'], env)
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/name the messages, or say --all/)

    const retried = await runCli(['outbox', 'retry', '--all'], env)
    expect(retried.code, retried.stderr).toBe(0)
    expect(retried.stdout).toMatch(/^1 message queued again/)
    const after = await runCli(['outbox', 'list', '--json'], env)
    const json = JSON.parse(after.stdout) as { counts: Record<string, number>; dead: unknown[] }
    expect(json.counts).toEqual({ queued: 1 })
    expect(json.dead).toEqual([])

    const database = await db.open()
    try {
      const audit = await database.db.selectFrom('audit_log').select(['actor', 'action']).execute()
      expect(audit).toContainEqual({ actor: 'cli', action: 'outbox.retry' })
    } finally {
      await database.close()
    }
  })
})
