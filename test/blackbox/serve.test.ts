import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { type AddressInfo, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Sqlite from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { totpCodeAt } from '../../src/modules/mfa/totp.js'
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases.js'
import { requestJson, runCli, type Started, startServer } from '../helpers/process.js'
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js'

describe.each(databaseKinds())('gatehouse serve as a process on %s', (kind) => {
  let db: TestDatabase
  let smtp: SmtpSink
  let server: Started
  let env: Record<string, string>

  beforeAll(async () => {
    db = await createTestDatabase(kind)
    smtp = await startSmtpSink()
    env = {
      GATEHOUSE_DATA_DIR: db.dataDir,
      GATEHOUSE_SMTP_URL: smtp.url,
      GATEHOUSE_WORKER_INTERVAL_MS: '50',
      GATEHOUSE_SHUTDOWN_GRACE_SECONDS: '2',
      ...(db.databaseUrl ? { DATABASE_URL: db.databaseUrl } : {}),
    }
    server = await startServer(env)
  })
  afterAll(async () => {
    if (server && server.child.exitCode === null) server.child.kill('SIGKILL')
    await smtp?.close()
    await db?.drop()
  })

  it('serves health, readiness and the OpenAPI document, and metrics on a listener of their own only', async () => {
    expect((await requestJson(server.baseUrl, 'GET', '/healthz')).json).toEqual({ status: 'ok' })
    expect((await requestJson(server.baseUrl, 'GET', '/readyz')).json).toEqual({
      status: 'ready',
      checks: { database_read: 'ok', database_write: 'ok', disk: 'ok' },
    })
    const metrics = await fetch(`${server.metricsUrl}/metrics`).then((r) => r.text())
    expect(metrics).toContain('gatehouse_http_request_duration_seconds_bucket')
    const onApi = await fetch(`${server.baseUrl}/metrics`)
    expect(onApi.status).toBe(404)
    expect(await onApi.text()).not.toContain('gatehouse_')
    expect(new URL(server.metricsUrl).port).not.toBe(new URL(server.baseUrl).port)
    const doc = (await requestJson(server.baseUrl, 'GET', '/openapi.json')).json
    expect(doc.openapi).toBe('3.1.0')
    for (const path of [
      '/v1/accounts',
      '/v1/accounts/verify',
      '/v1/sessions',
      '/v1/sessions/current',
      '/v1/sessions/{id}',
      '/healthz',
      '/readyz',
    ]) {
      expect(Object.keys(doc.paths)).toContain(path)
    }
    expect(Object.keys(doc.paths)).not.toContain('/metrics')
  })

  it('signs up, delivers the verification mail by SMTP in the background, verifies and logs in', async () => {
    const user = {
      username: `bb_${kind}`,
      email: `bb.${kind}@example.org`,
      password: 'quiet meadow anchor 77',
    }
    expect((await requestJson(server.baseUrl, 'POST', '/v1/accounts', user)).status).toBe(202)
    const mail = await smtp.waitFor((m) => m.to.includes(user.email), 10_000)
    const token = smtp.tokenFrom(mail)
    expect((await requestJson(server.baseUrl, 'POST', '/v1/accounts/verify', { token })).status).toBe(200)
    const login = await requestJson(server.baseUrl, 'POST', '/v1/sessions', {
      identifier: user.email,
      password: user.password,
    })
    expect(login.status).toBe(201)
    const current = await requestJson(
      server.baseUrl,
      'GET',
      '/v1/sessions/current',
      undefined,
      login.json.token,
    )
    expect(current.json.account.username).toBe(user.username)
    const metrics = await fetch(`${server.metricsUrl}/metrics`).then((r) => r.text())
    expect(metrics).toMatch(/gatehouse_logins_total\{outcome="success"\} 1/)
    expect(metrics).toMatch(/gatehouse_messages_total\{channel="email",state="sent"\} 1/)
    // Logs never carry the password, the token or the full address.
    const logs = server.logs.join('\n')
    expect(logs).not.toContain(user.password)
    expect(logs).not.toContain(token)
    expect(logs).not.toContain(login.json.token)
    expect(logs).not.toContain(user.email)
  })

  it('refuses a second server on the same port with one clear line', async () => {
    const port = new URL(server.baseUrl).port
    const res = await runCli(['serve'], { ...env, GATEHOUSE_PORT: port })
    expect(res.code).toBe(1)
    expect(res.stderr.trim().split('\n')).toHaveLength(1)
    expect(res.stderr).toMatch(new RegExp(`port ${port} on 127.0.0.1 is in use`))
  })

  it('drains on SIGTERM — /readyz 503, requests still served, Connection: close — then exits cleanly', async () => {
    server.child.kill('SIGTERM')
    // GATEHOUSE_SHUTDOWN_GRACE_SECONDS=2 here: the instance keeps serving while it drains.
    let ready = await requestJson(server.baseUrl, 'GET', '/readyz')
    for (let i = 0; i < 20 && ready.status === 200; i++) {
      await new Promise((r) => setTimeout(r, 25))
      ready = await requestJson(server.baseUrl, 'GET', '/readyz')
    }
    expect(ready.status).toBe(503)
    expect(ready.json.code).toBe('not_ready')
    const health = await requestJson(server.baseUrl, 'GET', '/healthz')
    expect(health.status).toBe(200)
    expect(health.headers.get('connection')).toBe('close')
    const recovery = await requestJson(server.baseUrl, 'POST', '/v1/recovery', {
      identifier: 'someone@example.org',
    })
    expect(recovery.status).toBe(202)
    expect(await server.exited).toBe(0)
    expect(server.logs.join('\n')).toContain('stopped')
  })
})

describe('start-up checks and the CLI', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-cli-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it.each([
    [
      { DATABASE_URL: 'mysql://localhost/x' },
      /^gatehouse: DATABASE_URL must be a URL starting with postgres:/,
    ],
    [
      { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none' },
      /^gatehouse: cannot connect to PostgreSQL at 127\.0\.0\.1:1\/none .*check DATABASE_URL/,
    ],
    [
      { GATEHOUSE_PORT: 'eighty' },
      /^gatehouse: GATEHOUSE_PORT must be a whole number from 0 to 65535 \(got eighty; the default is 4455\)/,
    ],
    [
      { GATEHOUSE_SMTP_URL: 'http://mail' },
      /^gatehouse: GATEHOUSE_SMTP_URL must be a URL starting with smtp:/,
    ],
  ])('stops with one line and exit code 1 for %j', async (bad, message) => {
    const res = await runCli(['serve'], { GATEHOUSE_DATA_DIR: join(dir, 'ok'), ...bad })
    expect(res.code).toBe(1)
    expect(res.stderr.trim().split('\n')).toHaveLength(1)
    expect(res.stderr).toMatch(message)
  })

  it('warns in one log line at start when the passkey relying-party id is an IP address', async () => {
    const server = await startServer({
      GATEHOUSE_DATA_DIR: join(dir, 'ip-rp'),
      GATEHOUSE_PUBLIC_URL: 'http://127.0.0.1:4455',
    })
    try {
      const warnings = server.logs.filter((l) => l.includes('relying-party id is an IP address'))
      expect(warnings).toHaveLength(1)
      expect(JSON.parse(warnings[0]!)).toMatchObject({ level: 40, rp_id: '127.0.0.1' })
    } finally {
      server.child.kill('SIGTERM')
      await server.exited
    }
  })

  it('links to the port it listens on when no public URL is set', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo
        probe.close(() => resolve(port))
      })
    })
    const dataDir = join(dir, 'own-port')
    const server = await startServer({ GATEHOUSE_DATA_DIR: dataDir, GATEHOUSE_PORT: String(port) })
    try {
      expect(server.baseUrl).toBe(`http://127.0.0.1:${port}`)
      const listening = server.logs.find((l) => l.includes('"gatehouse listening"'))
      expect(JSON.parse(listening!).public_url).toBe(`http://localhost:${port}`)
      expect(server.logs.join('\n')).toContain(`http://localhost:${port}/console/`)
      const signUp = await requestJson(server.baseUrl, 'POST', '/v1/accounts', {
        username: 'porter',
        email: 'porter@example.org',
        password: 'lantern quarry 4455 maple',
      })
      expect(signUp.status).toBe(202)
      // The verification mail's link points at this server.
      const mailDir = join(dataDir, 'mail')
      let mail = ''
      for (let i = 0; i < 100 && !mail; i++) {
        const files = existsSync(mailDir) ? readdirSync(mailDir).filter((f) => f.endsWith('.eml')) : []
        if (files[0]) mail = readFileSync(join(mailDir, files[0]), 'utf8')
        else await new Promise((r) => setTimeout(r, 100))
      }
      expect(mail).toContain(`http://localhost:${port}/`)
      expect(mail).not.toContain('localhost:4455')
    } finally {
      server.child.kill('SIGTERM')
      await server.exited
    }
  })

  it('stops with one line when the data directory is not writable', async () => {
    const locked = join(dir, 'locked')
    await runCli(['migrate'], { GATEHOUSE_DATA_DIR: locked })
    chmodSync(locked, 0o500)
    try {
      // root ignores permissions; a path under a file is unwritable for everyone.
      writeFileSync(join(dir, 'a-file'), '')
      const target = process.getuid?.() === 0 ? join(dir, 'a-file', 'sub') : locked
      const res = await runCli(['serve'], { GATEHOUSE_DATA_DIR: target })
      expect(res.code).toBe(1)
      expect(res.stderr).toMatch(/^gatehouse: data directory .* is not writable .*GATEHOUSE_DATA_DIR/)
    } finally {
      chmodSync(locked, 0o700)
    }
  })

  it('migrates, creates an administrator who must change the one-time password, then enrol a second factor', async () => {
    const dataDir = join(dir, 'admin')
    const migrated = await runCli(['migrate'], { GATEHOUSE_DATA_DIR: dataDir })
    expect(migrated.code).toBe(0)
    expect(migrated.stdout).toContain('0001_foundation: Success')
    expect((await runCli(['migrate'], { GATEHOUSE_DATA_DIR: dataDir })).stdout).toContain('up to date')

    const created = await runCli(
      ['admin', 'create', '--username', 'root.admin', '--email', 'ops@example.org'],
      {
        GATEHOUSE_DATA_DIR: dataDir,
      },
    )
    expect(created.code).toBe(0)
    let password = created.stdout.match(/one-time password: (\S+)/)?.[1]
    expect(password).toBeTruthy()
    const dup = await runCli(['admin', 'create', '--username', 'root.admin', '--email', 'x@example.org'], {
      GATEHOUSE_DATA_DIR: dataDir,
    })
    expect(dup.code).toBe(1)
    expect(dup.stderr).toContain('username_taken')

    const ids = join(dir, 'cohort.txt')
    writeFileSync(ids, `${created.stdout.match(/\(([0-9a-f-]{36})\)/)?.[1]}\nnot-an-account\n`)
    const cohort = await runCli(['accounts', 'reset-lock', '--on', '--file', ids], {
      GATEHOUSE_DATA_DIR: dataDir,
    })
    expect(cohort.code).toBe(0)
    expect(cohort.stdout).toContain('reset lock on for 1 of 2 accounts')
    expect(
      (await runCli(['accounts', 'reset-lock', '--ids', 'x'], { GATEHOUSE_DATA_DIR: dataDir })).code,
    ).toBe(1)

    const toPartner = await runCli(
      ['accounts', 'set-role', '--username', 'root.admin', '--role', 'partner'],
      {
        GATEHOUSE_DATA_DIR: dataDir,
      },
    )
    expect(toPartner.code).toBe(0)
    expect(toPartner.stdout).toContain('role of root.admin: admin -> partner')
    const badRole = await runCli(['accounts', 'set-role', '--username', 'root.admin', '--role', 'root'], {
      GATEHOUSE_DATA_DIR: dataDir,
    })
    expect(badRole.code).toBe(1)
    expect(badRole.stderr).toContain('Allowed choices are user, admin, partner, responder, auditor')
    const nobody = await runCli(['accounts', 'set-role', '--username', 'nobody.here', '--role', 'user'], {
      GATEHOUSE_DATA_DIR: dataDir,
    })
    expect(nobody.code).toBe(1)

    // The operator's way back in for a staff account without a strong factor: a new one-time password.
    const reset = await runCli(['accounts', 'reset-password', '--username', 'root.admin'], {
      GATEHOUSE_DATA_DIR: dataDir,
    })
    expect(reset.code).toBe(0)
    const renewed = reset.stdout.match(/one-time password for root\.admin: (\S+)/)?.[1]
    expect(renewed).toBeTruthy()
    expect(renewed).not.toBe(password)
    password = renewed
    expect(
      (
        await runCli(['accounts', 'reset-password', '--username', 'nobody.here'], {
          GATEHOUSE_DATA_DIR: dataDir,
        })
      ).code,
    ).toBe(1)

    // Every operator command that changed something is in the hash-chained audit log.
    const env = { GATEHOUSE_DATA_DIR: dataDir }
    const head = await runCli(['audit', 'head'], env)
    expect(head.code).toBe(0)
    const [seq, hash] = head.stdout.trim().split(' ') as [string, string]
    expect(Number(seq)).toBeGreaterThanOrEqual(3)
    expect(hash).toMatch(/^[0-9a-f]{64}$/)
    const intact = await runCli(['audit', 'verify', '--expected-head', hash], env)
    expect(intact.code).toBe(0)
    expect(intact.stdout).toContain(`audit log intact: ${seq} entries`)
    const file = new Sqlite(join(dataDir, 'gatehouse.sqlite'))
    file.prepare(`update audit_log set actor = 'someone else' where seq = 2`).run()
    file.close()
    const broken = await runCli(['audit', 'verify'], env)
    expect(broken.code).toBe(1)
    expect(broken.stderr).toContain('audit log broken at entry 2 (hash); 1 entry verifies before it')

    const server = await startServer({ GATEHOUSE_DATA_DIR: dataDir })
    try {
      const login = await requestJson(server.baseUrl, 'POST', '/v1/sessions', {
        identifier: 'root.admin',
        password,
      })
      expect(login.status).toBe(201)
      const token = login.json.token
      expect(
        (await requestJson(server.baseUrl, 'GET', '/v1/sessions/current', undefined, token)).json.account
          .must_change_password,
      ).toBe(true)
      const blocked = await requestJson(server.baseUrl, 'GET', '/v1/sessions', undefined, token)
      expect(blocked.status).toBe(403)
      expect(blocked.json.code).toBe('password_change_required')
      const changed = await requestJson(
        server.baseUrl,
        'POST',
        '/v1/me/password',
        { current_password: password, new_password: 'granite lighthouse polka 19' },
        token,
      )
      expect(changed.status).toBe(200)
      // Partners (like administrators) must have a second factor (GATEHOUSE_MFA_REQUIRED_ROLES): enrolment comes next.
      const enrolFirst = await requestJson(server.baseUrl, 'GET', '/v1/sessions', undefined, token)
      expect(enrolFirst.status).toBe(403)
      expect(enrolFirst.json.code).toBe('mfa_enrolment_required')
      const enrol = await requestJson(server.baseUrl, 'POST', '/v1/mfa/totp', undefined, token)
      expect(enrol.status).toBe(201)
      const confirm = await requestJson(
        server.baseUrl,
        'POST',
        '/v1/mfa/totp/confirm',
        { code: totpCodeAt(enrol.json.secret, Date.now()) },
        token,
      )
      expect(confirm.status).toBe(200)
      expect(confirm.json.recovery_codes).toHaveLength(10)
      expect((await requestJson(server.baseUrl, 'GET', '/v1/sessions', undefined, token)).status).toBe(200)
      // Without SMTP, the notice is written as an .eml file under the data dir.
      await new Promise((r) => setTimeout(r, 1500))
      const files = readdirSync(join(dataDir, 'mail')).filter((f) => f.endsWith('.eml'))
      expect(files.length).toBeGreaterThan(0)
      expect(readFileSync(join(dataDir, 'mail', files[0]!), 'utf8')).toContain('ops@example.org')
    } finally {
      server.child.kill('SIGTERM')
      await server.exited
    }
    // Eight CLI processes and a server, each loading the application.
  }, 90_000)
})
