import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { databaseKinds } from '../helpers/databases.js'
import { runCli, SOURCE_CLI } from '../helpers/process.js'
import { call, createTestServer, signUpAndLogin, type TestServer, testEnv } from '../helpers/server.js'

/**
 * `gatehouse accounts export` and `schedule-deletion` against the configured database. On
 * the first database kind only: each command is a process of its own (seconds each), and the service
 * they call is the one test/http/account-deletion.test.ts runs on every kind.
 */
describe.each(databaseKinds().slice(0, 1))(
  'account export and deletion from the command line on %s',
  (kind) => {
    let server: TestServer
    beforeAll(async () => {
      server = await createTestServer(kind)
    })
    afterAll(async () => {
      await server?.close()
    })

    it('exports an account to a private file, schedules and cancels its deletion, all audited as cli', async () => {
      const { user } = await signUpAndLogin(server)
      const env = testEnv(server.db, server.smtp.url)
      const out = join(server.db.dataDir, 'export.json')
      const exported = await runCli(
        ['accounts', 'export', '--username', user.username, '--out', out],
        env,
        30_000,
        SOURCE_CLI,
      )
      expect(exported.code, exported.stderr).toBe(0)
      expect(statSync(out).mode & 0o777).toBe(0o600)
      const doc = JSON.parse(readFileSync(out, 'utf8'))
      expect(doc.profile).toMatchObject({ username: user.username, email: user.email })

      const scheduled = await runCli(
        ['accounts', 'schedule-deletion', '--username', user.username],
        env,
        30_000,
        SOURCE_CLI,
      )
      expect(scheduled.code, scheduled.stderr).toBe(0)
      expect(scheduled.stdout).toMatch(/deletion scheduled for .*: due /)
      const login = await call(server, 'POST', '/v1/sessions', {
        body: { identifier: user.username, password: user.password },
      })
      expect(login.json.code).toBe('password_reset_required')
      // cancel-deletion and purge-due call what the admin API and the job do (account-deletion.test.ts).
      const id = doc.profile.id as string
      expect(
        await server.app.accountDeletion.cancelByStaff(id, 'cli', {
          ip: null,
          userAgent: null,
          clientVersion: null,
          requestId: 'cli',
        }),
      ).toBe(true)
      const again = await call(server, 'POST', '/v1/sessions', {
        body: { identifier: user.username, password: user.password },
      })
      expect(again.status).toBe(201)

      const actions = (
        await server.app.database.db.selectFrom('audit_log').select(['actor', 'action']).execute()
      )
        .filter((e) => e.actor === 'cli')
        .map((e) => e.action)
      expect(actions).toEqual(['account.export', 'account.deletion_schedule', 'account.deletion_cancel'])
    }, 60_000)
  },
)
