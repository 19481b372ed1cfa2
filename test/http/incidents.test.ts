import { randomUUID } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { totpCodeAt } from '../../src/modules/mfa/totp.js'
import { api } from '../helpers/api.js'
import { databaseKinds } from '../helpers/databases.js'
import { runCli } from '../helpers/process.js'
import { adminSession, call, createTestServer, type TestServer, withTotp } from '../helpers/server.js'

const noCtx = { ip: null, userAgent: null, clientVersion: null, requestId: null }

/** Accounts written straight to the table (their password is never used here). */
const seedAccounts = async (
  server: TestServer,
  accounts: Array<{ username: string; email: string; phone?: string; phoneVerified?: boolean }>,
) => {
  const now = server.clock.now()
  const ids: string[] = []
  for (let i = 0; i < accounts.length; i += 500) {
    const rows = accounts.slice(i, i + 500).map((a) => {
      const id = randomUUID()
      ids.push(id)
      return {
        id,
        username: a.username,
        email: a.email,
        email_norm: a.email.toLowerCase(),
        phone: a.phone ?? null,
        phone_verified_at: a.phone && a.phoneVerified !== false ? now : null,
        password_hash: 'unused',
        role: 'user',
        email_verified_at: now,
        must_change_password: 0,
        password_changed_at: now,
        created_at: now,
        updated_at: now,
      }
    })
    await server.app.database.db.insertInto('accounts').values(rows).execute()
  }
  return ids
}

/** A CSV upload (an `email` column) whose body streams: write to `body`, end it, then await `answer`. */
const streamingUpload = (server: TestServer, token: string, incidentId: string) => {
  const body = new PassThrough()
  const answer = server.app.http.inject({
    method: 'POST',
    url: `/v1/admin/incidents/${incidentId}/imports?format=csv&email=email`,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
    payload: body,
  })
  return { body, answer }
}

describe.each(databaseKinds())('incidents and leaked-data imports on %s', (kind) => {
  let server: TestServer
  let admin: string
  let ids: string[]
  beforeAll(async () => {
    server = await createTestServer(kind, { GATEHOUSE_PHONE_DEFAULT_REGION: 'US' })
    admin = await adminSession(server)
    ids = await seedAccounts(server, [
      { username: 'alice', email: 'Alice@Example.org' },
      { username: 'bob', email: 'bob@example.org', phone: '+442079460958' },
      { username: 'carol', email: 'carol@example.org', phone: '+14155550123', phoneVerified: false },
      { username: 'dave', email: 'dave@example.org' },
    ])
  })
  afterAll(async () => {
    await server?.close()
  })

  const asAdmin = () => api(server, { token: admin })
  const newIncident = async (title = 'Scraped records on a forum') => {
    const r = await asAdmin().POST('/v1/admin/incidents', {
      body: { title, summary: 'A data set of usernames and emails', severity: 'high' },
    })
    expect(r.response.status).toBe(201)
    return r.data!.id
  }
  const incident = async (id: string) =>
    (await asAdmin().GET('/v1/admin/incidents/{id}', { params: { path: { id } } })).data!

  const upload = (id: string, query: string, body: string | Buffer, type = 'text/csv', token = admin) =>
    call(server, 'POST', `/v1/admin/incidents/${id}/imports?${query}`, {
      token,
      rawBody: body,
      headers: { 'content-type': type },
    })

  const exposures = async (id: string) => {
    const r = await asAdmin().GET('/v1/admin/incidents/{id}/exposures', {
      params: { path: { id }, query: { limit: 1000 } },
    })
    expect(r.response.status).toBe(200)
    return r.data!
  }

  /** The tables staging a leak's rows while an import runs (they hold its identifiers). */
  const stageTables = async (): Promise<string[]> => {
    const db = server.app.database.db
    const rows =
      kind === 'postgres'
        ? await sql<{ name: string }>`select tablename as name from pg_tables
            where schemaname = current_schema() and tablename like 'leak%'`.execute(db)
        : await sql<{
            name: string
          }>`select name from sqlite_master where type = 'table' and name like 'leak%'`.execute(db)
    return rows.rows.map((r) => r.name).sort()
  }
  const stageOf = (importId: string) =>
    ['leak_hits_', 'leak_rows_'].map((prefix) => prefix + importId.replaceAll('-', ''))

  it('creates, lists, shows, updates and closes incidents, each change audited and on the timeline', async () => {
    const id = await newIncident('CRUD')
    const path = { params: { path: { id } } }
    expect(await incident(id)).toMatchObject({
      id,
      title: 'CRUD',
      severity: 'high',
      status: 'open',
      risks: '',
      imports: [],
    })
    const patched = await asAdmin().PATCH('/v1/admin/incidents/{id}', {
      ...path,
      body: { severity: 'critical', risks: 'Phishing that cites real usernames' },
    })
    expect(patched.response.status).toBe(200)
    expect(patched.data).toMatchObject({ severity: 'critical', risks: 'Phishing that cites real usernames' })
    const closed = (await asAdmin().POST('/v1/admin/incidents/{id}/close', path)).data!
    expect(closed.status).toBe('closed')
    expect(closed.closed_at).not.toBeNull()
    server.clock.advance(1000)
    const second = await newIncident('second')
    const list = (await asAdmin().GET('/v1/admin/incidents', { params: { query: { limit: 1 } } })).data!
    expect(list.incidents.map((i) => i.id)).toEqual([second])
    const next = await asAdmin().GET('/v1/admin/incidents', {
      params: { query: { limit: 1, before: list.next_before! } },
    })
    expect(next.data!.incidents[0]!.id).toBe(id)

    const audit = (await asAdmin().GET('/v1/admin/audit', { params: { query: { limit: 20 } } })).data!
    const mine = audit.entries.filter((e) => e.target === `incident:${id}`)
    expect(mine.map((e) => e.action)).toEqual(['incident.close', 'incident.update', 'incident.create'])
    const timeline = await asAdmin().GET('/v1/admin/incidents/{id}/timeline', path)
    expect(timeline.response.status).toBe(200)
    expect(timeline.data!.entries.map((e) => e.kind)).toEqual([
      'incident.create',
      'incident.update',
      'incident.close',
    ])
    expect(timeline.data!.entries[1]!.details.fields).toEqual(['severity', 'risks'])
    // A closed incident takes no more imports.
    const refused = await upload(id, 'format=csv&email=email', 'email\nbob@example.org\n')
    expect(refused.status).toBe(409)
    expect(refused.json.code).toBe('incident_closed')
    const missing = await asAdmin().GET('/v1/admin/incidents/{id}', { params: { path: { id: 'nope' } } })
    expect(missing.response.status).toBe(404)
  })

  it('matches a CSV by email (any case), username and E.164 phone; counts and reports unparseable rows', async () => {
    const id = await newIncident()
    server.clock.advance(1000)
    const csv = [
      'login,Email,tel,city',
      'ALICE,,,Leeds', // username in capitals
      ',BOB@EXAMPLE.ORG,,', // email in capitals
      'nobody,nobody@example.org,+15005550006,Paris', // names no account
      ',,+44 (0)20 7946 0958,London', // bob again, by phone written with a national prefix
      ',,(415) 555-0123,', // carol's phone, not verified: no match
      'dave,"dave@example.org",,"Oslo, Norway"',
      'too,many,columns,here,really', // line 8: wrong column count
      ',,,Nowhere', // line 9: no identifier
      'x"y,bad@example.org,,', // line 10: broken quoting
      'dave,,,',
    ].join('\n')
    const r = await upload(
      id,
      'format=csv&username=login&email=Email&phone=tel&location=city&phone_region=GB',
      csv,
    )
    expect(r.status).toBe(201)
    expect(r.json).toMatchObject({
      status: 'done',
      rows_read: 10,
      rows_matched: 5,
      rows_unparseable: 3,
      accounts_matched: 3,
    })
    expect(r.json.problems).toEqual([
      { line: 8, reason: 'wrong number of columns' },
      { line: 9, reason: 'no usable username, email or phone' },
      { line: 10, reason: 'broken quoting' },
    ])
    const e = await exposures(id)
    expect(e.total).toBe(3)
    const by = Object.fromEntries(e.exposures.map((x) => [x.username, x]))
    expect(by.alice).toMatchObject({ account_id: ids[0], fields: ['location', 'username'], rows: 1 })
    expect(by.bob).toMatchObject({ fields: ['email', 'location', 'phone'], rows: 2 })
    expect(by.dave).toMatchObject({ fields: ['email', 'location', 'username'], rows: 2 })
    expect(by.carol).toBeUndefined()
    expect(JSON.stringify(e)).not.toContain('example.org')

    const shown = await asAdmin().GET('/v1/admin/incidents/{id}/imports/{importId}', {
      params: { path: { id, importId: r.json.id } },
    })
    expect(shown.data).toMatchObject({ status: 'done', rows_read: 10, mapping: { email: 'Email' } })
    const timeline = await asAdmin().GET('/v1/admin/incidents/{id}/timeline', { params: { path: { id } } })
    expect(timeline.data!.entries.map((x) => x.kind)).toEqual([
      'incident.create',
      'import.started',
      'import.finished',
      'incident.import',
    ])
  })

  it('reads JSONL, and a second import merges fields and adds rows without duplicating accounts', async () => {
    const id = await newIncident()
    const first = await upload(
      id,
      'format=jsonl&email=mail',
      ['{"mail":"alice@example.org"}', '{broken', '', '[1,2]', '{"mail":"ghost@example.org"}'].join('\n'),
      'application/x-ndjson',
    )
    expect(first.status).toBe(201)
    expect(first.json).toMatchObject({
      rows_read: 4,
      rows_matched: 1,
      rows_unparseable: 2,
      accounts_matched: 1,
    })
    expect(first.json.problems).toEqual([
      { line: 2, reason: 'not valid JSON' },
      { line: 4, reason: 'not a JSON object' },
    ])
    const second = await upload(
      id,
      'format=jsonl&username=u&phone=p',
      '{"u":"alice","p":"+1 415 555 0100"}\n{"u":"Bob","p":"020 7946 0958"}\n',
      'application/jsonl',
    )
    expect(second.json).toMatchObject({ rows_read: 2, rows_matched: 2, accounts_matched: 2 })
    const e = await exposures(id)
    expect(e.total).toBe(2)
    const by = Object.fromEntries(e.exposures.map((x) => [x.username, x]))
    expect(by.alice).toMatchObject({
      fields: ['email', 'phone', 'username'],
      rows: 2,
      first_import_id: first.json.id,
    })
    expect(by.bob).toMatchObject({ fields: ['phone', 'username'], rows: 1, first_import_id: second.json.id })
  })

  it('refuses bad requests before recording anything', async () => {
    const id = await newIncident()
    const csv = 'email\nalice@example.org\n'
    expect((await upload(id, 'format=xml&email=email', csv)).status).toBe(400)
    expect((await upload(id, 'format=csv&location=email', csv)).status).toBe(400)
    const missing = await upload(id, 'format=csv&email=Mail', csv)
    expect(missing.status).toBe(400)
    expect(missing.json.detail).toContain('"Mail"')
    expect((await upload(id, 'format=csv&email=email&phone_region=XX', csv)).status).toBe(400)
    expect((await upload(id, 'format=csv&email=email', csv, 'application/xml')).status).toBe(415)
    expect((await upload('nope', 'format=csv&email=email', csv)).status).toBe(404)
    expect((await incident(id)).imports).toEqual([])
    expect((await exposures(id)).total).toBe(0)
  })

  it('takes a 100,000-row upload as a stream', async () => {
    const id = await newIncident()
    const lines = ['username,email']
    for (let i = 0; i < 100_000; i++)
      lines.push(i % 1000 === 0 ? `dave,x${i}@example.net` : `u${i},u${i}@example.net`)
    const r = await upload(id, 'format=csv&username=username&email=email', `${lines.join('\n')}\n`)
    expect(r.status).toBe(201)
    expect(r.json).toMatchObject({
      rows_read: 100_000,
      rows_matched: 100,
      rows_unparseable: 0,
      accounts_matched: 1,
    })
    expect((await exposures(id)).exposures[0]).toMatchObject({ username: 'dave', rows: 100 })
    // Of the leak only the exposures stay: the staged rows are gone with the import.
    expect(await stageTables()).toEqual([])
  })

  it("shows an import's progress while the upload is still streaming", async () => {
    const id = await newIncident()
    const { body, answer } = streamingUpload(server, admin, id)
    body.write('email\n')
    for (let i = 0; i < 25_000; i++) body.write(i === 7 ? 'alice@example.org\n' : `p${i}@example.net\n`)
    // The first batch (20,000 rows) is recorded while the rest has not even been sent.
    let running: { status: string; rows_read: number } | undefined
    for (let tries = 0; tries < 200 && !(running && running.rows_read >= 20_000); tries++) {
      await new Promise((r) => setTimeout(r, 20))
      running = (await incident(id)).imports[0]
    }
    expect(running).toMatchObject({ status: 'running' })
    expect(running!.rows_read).toBeGreaterThanOrEqual(20_000)
    body.end('bob@example.org\n')
    const done = await answer
    expect(done.statusCode).toBe(201)
    expect(done.json()).toMatchObject({
      status: 'done',
      rows_read: 25_001,
      rows_matched: 2,
      accounts_matched: 2,
    })
  })

  it('marks failed an import whose instance died, and leaves running and finished ones alone', async () => {
    const id = await newIncident()
    const db = server.app.database.db
    const now = server.clock.now()
    // An import an instance was running when it was killed: its heartbeat stopped five minutes ago.
    const crashed = randomUUID()
    await db
      .insertInto('incident_imports')
      .values({
        id: crashed,
        incident_id: id,
        source_name: 'dump.csv',
        format: 'csv',
        mapping: JSON.stringify({ email: 'email' }),
        status: 'running',
        rows_read: 20_000,
        rows_matched: 3,
        rows_unparseable: 0,
        accounts_matched: 0,
        error: null,
        problems: '[]',
        created_by: 'test',
        started_at: now - 10 * 60_000,
        finished_at: null,
        heartbeat_at: now - 5 * 60_000,
      })
      .execute()
    // The instance died with the crashed import's rows staged.
    for (const table of stageOf(crashed))
      await sql`create table ${sql.table(table)} (row_no integer, username text)`.execute(db)
    // An import still streaming here, whose last batch was written a minute ago.
    const { body, answer } = streamingUpload(server, admin, id)
    body.write('email\n')
    for (let i = 0; i < 20_001; i++) body.write(`q${i}@example.net\n`)
    const imports = async () => (await incident(id)).imports
    for (let tries = 0; tries < 200; tries++) {
      if ((await imports()).some((i) => i.id !== crashed && i.rows_read >= 20_000)) break
      await new Promise((r) => setTimeout(r, 20))
    }
    server.clock.advance(60_000)

    expect(await server.app.incidents.sweepInterrupted()).toBe(1)
    const swept = await imports()
    // The crashed import's stage is dropped; the running one's stays until it ends.
    const running = swept.find((i) => i.id !== crashed)!
    expect(await stageTables()).toEqual(stageOf(running.id))
    expect(swept.find((i) => i.id === crashed)).toMatchObject({
      status: 'failed',
      rows_read: 20_000,
      error: expect.stringContaining('went away'),
    })
    expect(swept.find((i) => i.id !== crashed)).toMatchObject({ status: 'running' })
    const entries = await db
      .selectFrom('audit_log')
      .select(['actor', 'details'])
      .where('action', '=', 'incident.import')
      .where('target', '=', `incident:${id}`)
      .execute()
    expect(entries).toHaveLength(1)
    expect(entries[0]!.actor).toBe('system')
    expect(JSON.parse(entries[0]!.details)).toMatchObject({
      import_id: crashed,
      status: 'failed',
      reason: 'interrupted',
    })

    body.end()
    expect((await answer).json()).toMatchObject({ status: 'done', rows_read: 20_001 })
    expect(await stageTables()).toEqual([])
    server.clock.advance(10 * 60_000)
    expect(await server.app.incidents.sweepInterrupted()).toBe(0)
    expect((await imports()).map((i) => i.status).sort()).toEqual(['done', 'failed'])
  })

  it('describes the upload in the OpenAPI document', async () => {
    const doc = await call(server, 'GET', '/openapi.json')
    expect(doc.status).toBe(200)
    expect(Object.keys(doc.json.paths)).toEqual(
      expect.arrayContaining(['/v1/admin/incidents', '/v1/admin/incidents/{id}/imports']),
    )
  })

  it('lets an auditor read but not write', async () => {
    const id = await newIncident()
    const { user, secret } = await withTotp(server)
    await server.app.services.accounts.setRole(user.username, 'auditor', noCtx)
    const login = await call(server, 'POST', '/v1/sessions', {
      body: { identifier: user.username, password: user.password },
    })
    const done = await call(server, 'POST', '/v1/sessions/mfa', {
      body: {
        challenge_id: login.json.challenge_id,
        method: 'totp',
        code: totpCodeAt(secret, server.clock.now()),
      },
    })
    expect(done.status).toBe(201)
    const auditor = done.json.token as string
    expect((await call(server, 'GET', `/v1/admin/incidents/${id}`, { token: auditor })).status).toBe(200)
    expect((await call(server, 'GET', `/v1/admin/incidents/${id}/timeline`, { token: auditor })).status).toBe(
      200,
    )
    expect(
      (await call(server, 'GET', `/v1/admin/incidents/${id}/exposures`, { token: auditor })).status,
    ).toBe(200)
    const write = await call(server, 'PATCH', `/v1/admin/incidents/${id}`, {
      token: auditor,
      body: { title: 'x' },
    })
    expect(write.status).toBe(403)
    expect(
      (await upload(id, 'format=csv&email=email', 'email\nalice@example.org\n', 'text/csv', auditor)).status,
    ).toBe(403)
    const create = await call(server, 'POST', '/v1/admin/incidents', {
      token: auditor,
      body: { title: 't', summary: 's', severity: 'low' },
    })
    expect(create.status).toBe(403)
  })

  it.runIf(kind === 'sqlite')('imports a file through the CLI', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-leak-'))
    const file = join(dir, 'leak.csv')
    writeFileSync(file, 'Email,login\nalice@example.org,\n,dave\n"broken\n')
    const env = {
      GATEHOUSE_DATA_DIR: server.db.dataDir,
      GATEHOUSE_SECRET_KEY: Buffer.alloc(32, 7).toString('base64'),
    }
    const created = await runCli(
      ['incident', 'create', '--title', 'From the CLI', '--severity', 'low', '--summary', 's'],
      env,
    )
    expect(created.code, created.stderr).toBe(0)
    const id = /([0-9a-f-]{36})/.exec(created.stdout)![1]!
    const imported = await runCli(
      ['incident', 'import', id, file, '--format', 'csv', '--map', 'email=Email,username=login'],
      env,
    )
    expect(imported.code, imported.stderr).toBe(0)
    expect(imported.stdout).toMatch(/2 of 3 rows matched 2 accounts; 1 unparseable/)
    const e = await exposures(id)
    expect(e.exposures.map((x) => x.username).sort()).toEqual(['alice', 'dave'])
    const listed = await runCli(['incident', 'list'], env)
    expect(listed.stdout).toContain('From the CLI')
    // `show` prints what the API answers: its field names, ISO 8601 times.
    const shown = await runCli(['incident', 'show', id], env)
    expect(shown.code, shown.stderr).toBe(0)
    const printed = JSON.parse(shown.stdout)
    expect(printed).toEqual(await incident(id))
    expect(printed.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    expect(printed.imports[0].started_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    expect(printed).not.toHaveProperty('createdAt')
  })
})

describe('leak uploads over the size limit', () => {
  let server: TestServer
  let admin: string
  beforeAll(async () => {
    server = await createTestServer('sqlite', { GATEHOUSE_INCIDENT_IMPORT_MAX_BYTES: '2048' })
    admin = await adminSession(server)
  })
  afterAll(async () => {
    await server?.close()
  })

  it('answer 413 and mark the import failed', async () => {
    const created = await call(server, 'POST', '/v1/admin/incidents', {
      token: admin,
      body: { title: 'big', summary: 's', severity: 'low' },
    })
    const id = created.json.id as string
    const lines = ['email', ...Array.from({ length: 200 }, (_, i) => `n${i}@example.net`)].join('\n')
    const r = await call(server, 'POST', `/v1/admin/incidents/${id}/imports?format=csv&email=email`, {
      token: admin,
      rawBody: lines,
      headers: { 'content-type': 'text/csv' },
    })
    expect(r.status).toBe(413)
    expect(r.json.code).toBe('payload_too_large')

    // Without a Content-Length the limit is counted as the body streams; the import is marked failed.
    const { body, answer } = streamingUpload(server, admin, id)
    body.write('email\nfirst@example.net\n')
    for (let tries = 0; tries < 100; tries++) {
      const seen = await call(server, 'GET', `/v1/admin/incidents/${id}`, { token: admin })
      if (seen.json.imports.length > 0) break
      await new Promise((r) => setTimeout(r, 20))
    }
    body.end(lines)
    const streamed = await answer
    expect(streamed.statusCode).toBe(413)
    const shown = await call(server, 'GET', `/v1/admin/incidents/${id}`, { token: admin })
    expect(shown.json.imports).toHaveLength(1)
    expect(shown.json.imports[0]).toMatchObject({ status: 'failed' })
    expect(shown.json.imports[0].error).toMatch(/at most 2048 bytes/)
  })
})
