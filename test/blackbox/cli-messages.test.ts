import { join } from 'node:path'
import Sqlite from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROLES } from '../../src/modules/accounts/ports.js'
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js'
import { runCli } from '../helpers/process.js'

/** What operator commands print: help texts and verdicts that say what they found. */
describe('gatehouse command-line messages', () => {
  let db: TestDatabase
  let env: Record<string, string>

  beforeAll(async () => {
    db = await createTestDatabase('sqlite')
    env = { GATEHOUSE_DATA_DIR: db.dataDir, GATEHOUSE_SECRET_KEY: Buffer.alloc(32, 5).toString('base64') }
    expect((await runCli(['migrate'], env)).code).toBe(0)
  })
  afterAll(async () => {
    await db?.drop()
  })

  it('lists every role in the help of accounts set-role', async () => {
    const help = await runCli(['accounts', 'set-role', '--help'], env)
    expect(help.code).toBe(0)
    expect(ROLES).toHaveLength(5)
    const text = help.stdout.replace(/\s+/g, ' ')
    expect(text).toContain(`(${ROLES.join(', ')})`)
    expect(text).toContain(`(choices: ${ROLES.map((r) => `"${r}"`).join(', ')})`)
  })

  it('tells a head that is not in the audit chain from a chain cut off after it', async () => {
    expect(
      (await runCli(['admin', 'create', '--username', 'chain.admin', '--email', 'c@example.org'], env)).code,
    ).toBe(0)
    for (const role of ['responder', 'auditor', 'admin']) {
      const r = await runCli(['accounts', 'set-role', '--username', 'chain.admin', '--role', role], env)
      expect(r.code, r.stderr).toBe(0)
    }
    const head = await runCli(['audit', 'head'], env)
    const [seqText, hash] = head.stdout.trim().split(' ') as [string, string]
    const seq = Number(seqText)
    expect(seq).toBeGreaterThanOrEqual(4)

    // Still intact, given either way.
    expect((await runCli(['audit', 'verify', '--expected-head', hash], env)).code).toBe(0)
    expect((await runCli(['audit', 'verify', '--expected-head', `${seq} ${hash}`], env)).code).toBe(0)

    // A head this log never had: said so, not "cut off".
    const foreign = 'ab'.repeat(32)
    const unknown = await runCli(['audit', 'verify', '--expected-head', foreign], env)
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain(
      `does not contain the expected head ${foreign}: no entry of the chain has that hash`,
    )
    expect(unknown.stderr).not.toMatch(/cut off:/)
    const rewritten = await runCli(['audit', 'verify', '--expected-head', `${seq - 1}:${foreign}`], env)
    expect(rewritten.code).toBe(1)
    expect(rewritten.stderr).toContain(`entry ${seq - 1} has another hash`)
    const malformed = await runCli(['audit', 'verify', '--expected-head', 'not-a-hash'], env)
    expect(malformed.code).toBe(1)
    expect(malformed.stderr).toContain('--expected-head takes')

    // Now the chain is truly cut off: the head and what follows it are gone.
    const file = new Sqlite(join(db.dataDir, 'gatehouse.sqlite'))
    file.prepare('delete from audit_log where seq >= ?').run(seq - 1)
    file.close()
    const cut = await runCli(['audit', 'verify', '--expected-head', `${seq} ${hash}`], env)
    expect(cut.code).toBe(1)
    expect(cut.stderr).toContain(
      `audit log cut off: the expected head ${hash} was entry ${seq}, and the chain ends at entry ${seq - 2}; the ${seq - 2} entries left verify`,
    )
    // The hash alone cannot tell the two apart, and says only what it knows.
    const alone = await runCli(['audit', 'verify', '--expected-head', hash], env)
    expect(alone.code).toBe(1)
    expect(alone.stderr).toContain('no entry of the chain has that hash')
  }, 180_000)
})
