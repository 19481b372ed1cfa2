import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SqlAuditLog } from '../../src/adapters/sql/audit-repository.js'
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases.js'
import { runCli } from '../helpers/process.js'

/** `gatehouse accounts create|edit|disable|enable|delete`: account administration from the command line, audited as `cli`. */
describe.each(databaseKinds())('gatehouse accounts administration on %s', (kind) => {
  let db: TestDatabase
  let env: Record<string, string>
  const cli = async (args: string[], code = 0) => {
    const r = await runCli(['accounts', ...args], env, 60_000)
    expect(r.code, r.stderr).toBe(code)
    return r
  }

  beforeAll(async () => {
    db = await createTestDatabase(kind)
    env = {
      GATEHOUSE_DATA_DIR: db.dataDir,
      GATEHOUSE_SECRET_KEY: Buffer.alloc(32, 7).toString('base64'),
      ...(db.databaseUrl ? { DATABASE_URL: db.databaseUrl } : {}),
    }
  }, 60_000)
  afterAll(async () => {
    await db?.drop()
  })

  it('creates, edits, disables, enables and deletes an account; every step audited, the chain intact', async () => {
    const made = await cli([
      'create',
      '--username',
      'cli.person',
      '--email',
      'cli.person@example.org',
      '--role',
      'responder',
    ])
    expect(made.stdout).toMatch(/^created cli\.person \(([\w-]+)\), role responder$/m)
    expect(made.stdout).toMatch(/^one-time password: \S{20,}$/m)
    const id = /\(([\w-]+)\)/.exec(made.stdout)![1]!

    const edited = await cli([
      'edit',
      '--username',
      'cli.person',
      '--new-username',
      'cli.renamed',
      '--locale',
      'de',
    ])
    expect(edited.stdout).toContain(`changed cli.renamed (${id}), role responder`)
    expect((await cli(['disable', '--id', id])).stdout).toMatch(/^disabled; 0 session\(s\) ended$/m)
    expect((await cli(['disable', '--username', 'cli.renamed'])).stdout).toContain('disabled already')
    expect((await cli(['enable', '--username', 'cli.renamed'])).stdout).toContain('enabled')
    expect((await cli(['delete', '--username', 'cli.renamed'], 1)).stderr).toMatch(/confirm with --yes/)
    expect((await cli(['edit', '--username', 'nobody.here', '--locale', 'en'], 1)).stderr).toMatch(
      /no account with the username "nobody.here"/,
    )
    expect((await cli(['delete', '--username', 'cli.renamed', '--yes'])).stdout).toContain(
      `deleted account ${id}`,
    )
    expect((await cli(['enable', '--id', id], 1)).stderr).toMatch(/No such account/)

    const database = await db.open()
    try {
      const entries = await new SqlAuditLog(database.db, database.dialect).readFrom(0, 100)
      const mine = entries.filter((e) => e.target === `account:${id}`)
      expect(mine.map((e) => [e.actor, e.action])).toEqual([
        ['cli', 'account.create'],
        ['cli', 'account.update'],
        ['cli', 'account.disable'],
        ['cli', 'account.enable'],
        ['cli', 'account.delete'],
      ])
      expect(JSON.stringify(mine)).not.toContain('cli.person@example.org')
      const row = await database.db
        .selectFrom('accounts')
        .select('id')
        .where('id', '=', id)
        .executeTakeFirst()
      expect(row).toBeUndefined()
    } finally {
      await database.close()
    }
    const verified = await runCli(['audit', 'verify'], env, 60_000)
    expect(verified.code, verified.stderr).toBe(0)
    expect(verified.stdout).toMatch(/^audit log intact: 5 entries/)
  }, 180_000)
})
