import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { createWriteStream, mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { hash as argon2Hash } from '@node-rs/argon2'
import { hash as bcryptHash } from '@node-rs/bcrypt'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROLE_RANK } from '../../src/kernel/roles.js'
import { BULK_LOAD_ACCOUNTS, PROBLEMS_KEPT } from '../../src/modules/admin/imports/run.js'
import {
  ACCOUNT_IMPORT_BATCH_ROWS,
  type AccountImportInput,
} from '../../src/modules/admin/imports/service.js'
import { CLI_ADMINISTRATOR } from '../../src/modules/admin/lifecycle.js'
import { totpCodeAt } from '../../src/modules/mfa/totp.js'
import { databaseKinds } from '../helpers/databases.js'
import { CLI, requireBuild, runCli } from '../helpers/process.js'
import { adminSession, call, createTestServer, type TestServer } from '../helpers/server.js'

/*
 * Account imports: a mixed file (bcrypt, argon2, Firebase scrypt, salted SHA-1, PBKDF2; verified
 * flags; a TOTP secret) becomes accounts that log in with their old passwords (and are rehashed);
 * bad rows are counted and reported by line and reason only; importing the file again creates
 * nothing; wrapped digests and TOTP secrets are not in the database file in plain.
 */

const noCtx = { ip: null, requestId: null }
const FIREBASE = {
  signerKey: 'jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA==',
  saltSeparator: 'Bw==',
  rounds: 8,
  memCost: 14,
}
const TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'
const sha1Of = (s: string) => createHash('sha1').update(s).digest('hex')
const HEADER = 'ext,login,mail,mail_ok,tel,tel_ok,kind,lang,joined,pw,pw_format,pw_salt,otp'

/** The mixed file: the passwords by username, and the rows (lines 2 on). */
const mixedFile = async () => {
  const passwords: Record<string, string> = {
    fb_user: 'hunter2',
    bc_user: 'bcrypt old password',
    sha_user: 'sha1 old password',
    pb_user: 'password',
    ar_user: 'argon2 old password',
    otp_user: 'totp old password',
  }
  const bc = await bcryptHash(passwords.bc_user!, 4)
  const ar = await argon2Hash(passwords.ar_user!, { memoryCost: 1024, timeCost: 1, parallelism: 1 })
  const otp = await bcryptHash(passwords.otp_user!, 4)
  const rows = [
    'e1,fb_user,fb@example.org,true,,,user,en,2020-01-02T03:04:05Z,70k8Vg5B3/OrvJOiqusnasv0dLcBHoDAqJrJr7TRLBfMw4MitWx51YXJYFdGiyMbMeKtWtLf5HiBDcN0SUOm4A==,firebase-scrypt,42xEC+ixf3L2lw==,',
    `e2,bc_user,BC@example.org,true,+14155550123,true,user,de,1600000000,${bc},bcrypt,,`,
    `e3,sha_user,sha@example.org,yes,,,responder,,1600000000000,${sha1Of(`NaCl${passwords.sha_user}`)},sha1,NaCl,`,
    'e4,pb_user,pb@example.org,1,,,user,,,$pbkdf2$1212$OB.dtnSEXZK8U5cgxU/GYQ$y5LKPOplRmok7CZp/aqVDVg8zGI,pbkdf2,,',
    `e5,ar_user,ar@example.org,true,,,user,,,"${ar}",argon2,,`,
    `e6,boss,boss@example.org,true,,,admin,,,${bc},bcrypt,,`,
    `e7,bad_mail,not-an-address,true,,,user,,,${bc},bcrypt,,`,
    `e8,other_fb,FB@example.org,true,,,user,,,${bc},bcrypt,,`,
    `e9,otp_user,otp@example.org,true,,,user,,,${otp},bcrypt,,${TOTP_SECRET}`,
    'e10,bad_hash,badhash@example.org,true,,,user,,,not-a-hash,bcrypt,,',
    'e11,"broken',
  ]
  return { passwords, text: `${HEADER}\n${rows.join('\n')}\n`, sha1: sha1Of(`NaCl${passwords.sha_user}`) }
}

const MAPPING = {
  external_id: 'ext',
  username: 'login',
  email: 'mail',
  email_verified: 'mail_ok',
  phone: 'tel',
  phone_verified: 'tel_ok',
  role: 'kind',
  locale: 'lang',
  created_at: 'joined',
  password_hash: 'pw',
  password_format: 'pw_format',
  salt: 'pw_salt',
  totp_secret: 'otp',
}

describe.each(databaseKinds())('account imports on %s', (kind) => {
  let server: TestServer
  let admin: string
  let file: Awaited<ReturnType<typeof mixedFile>>
  beforeAll(async () => {
    server = await createTestServer(kind)
    admin = await adminSession(server)
    file = await mixedFile()
  })
  afterAll(async () => {
    await server?.close()
  })

  const responder = { actor: 'account:responder-1', accountId: 'responder-1', rank: ROLE_RANK.responder }
  const importText = (text: string, more: Partial<AccountImportInput> = {}) =>
    server.app.accountImports.importAccounts(
      {
        format: 'csv',
        mapping: MAPPING,
        hashParams: FIREBASE,
        sourceName: 'users.csv',
        input: Readable.from([Buffer.from(text)]),
        ...more,
      },
      responder,
      noCtx,
    )
  const login = (identifier: string, password: string) =>
    call(server, 'POST', '/v1/sessions', { body: { identifier, password } })
  const byName = (name: string) => server.app.store.accounts.findByUsername(name)

  /** An API key with the account scopes: it ranks as a responder. */
  const responderKey = async () => {
    const me = await call(server, 'GET', '/v1/sessions/current', { token: admin })
    const client = await call(server, 'POST', '/v1/admin/clients', {
      token: admin,
      body: { name: `importer ${Date.now()}`, owner_account_id: me.json.account.id },
    })
    expect(client.status, client.body).toBe(201)
    const issued = await call(server, 'POST', `/v1/admin/clients/${client.json.id}/keys`, {
      token: admin,
      body: { scopes: ['accounts:read', 'accounts:write'], expires_in_days: 30 },
    })
    expect(issued.status, issued.body).toBe(201)
    return issued.json.key as string
  }
  const query = (extra: Record<string, string> = {}) =>
    new URLSearchParams({
      format: 'csv',
      ...MAPPING,
      signer_key: FIREBASE.signerKey,
      salt_separator: FIREBASE.saltSeparator,
      rounds: String(FIREBASE.rounds),
      mem_cost: String(FIREBASE.memCost),
      source_name: 'users.csv',
      ...extra,
    }).toString()

  it('imports a mixed file over HTTP; bad rows are counted by line and reason only', async () => {
    const key = await responderKey()
    const r = await call(server, 'POST', `/v1/admin/accounts/imports?${query()}`, {
      token: key,
      rawBody: file.text,
      headers: { 'content-type': 'text/csv' },
    })
    expect(r.status, r.body).toBe(201)
    const done = r.json
    expect(done.problems).toEqual([
      { line: 7, reason: "the role admin ranks above the importing staff member's" },
      { line: 8, reason: expect.stringMatching(/^the email address /) },
      { line: 9, reason: 'email already used by another account' },
      { line: 11, reason: 'the password hash cannot be used (not_bcrypt)' },
      { line: 12, reason: 'broken quoting' },
    ])
    expect(done).toMatchObject({
      status: 'completed',
      rows_read: 11,
      rows_created: 6,
      rows_present: 0,
      rows_bad: 5,
    })
    for (const content of ['not-an-address', 'boss', 'FB@example.org', 'not-a-hash'])
      expect(r.body).not.toContain(content)
    const one = await call(server, 'GET', `/v1/admin/accounts/imports/${done.id}`, { token: admin })
    expect(one.json).toEqual(done)
    const list = await call(server, 'GET', '/v1/admin/accounts/imports', { token: admin })
    expect(list.json.imports.map((i: { id: string }) => i.id)).toContain(done.id)
    expect((await call(server, 'GET', '/v1/admin/accounts/imports/nope', { token: admin })).status).toBe(404)
    // Audited at start and end, with counts and field names only.
    const entries = await server.app.database.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'account.import')
      .where('target', '=', `account_import:${done.id}`)
      .execute()
    expect(entries.map((e) => JSON.parse(e.details).status)).toEqual(['running', 'completed'])
    expect(JSON.stringify(entries)).not.toMatch(/example\.org|users\.csv/)
    // Refusals before anything is written: 400 problems, never a 500.
    const noHash = await call(
      server,
      'POST',
      '/v1/admin/accounts/imports?format=csv&username=login&email=mail',
      {
        token: admin,
        rawBody: file.text,
        headers: { 'content-type': 'text/csv' },
      },
    )
    expect(noHash.status).toBe(400)
    const missing = await call(server, 'POST', `/v1/admin/accounts/imports?${query({ username: 'nope' })}`, {
      token: admin,
      rawBody: file.text,
      headers: { 'content-type': 'text/csv' },
    })
    expect([missing.status, missing.json.detail]).toEqual([
      400,
      'The username column "nope" is not in the CSV header',
    ])
    expect(
      (
        await call(server, 'POST', `/v1/admin/accounts/imports?${query({ bogus: 'x' })}`, {
          token: admin,
          rawBody: 'a',
          headers: { 'content-type': 'text/csv' },
        })
      ).status,
    ).toBe(400)
  })

  it('reads JSONL with one hash format for the file; without external ids the email finds the account', async () => {
    const pw = await bcryptHash('jsonl password', 4)
    const lines = [
      JSON.stringify({ u: 'jsonl_one', e: 'jsonl1@example.org', v: true, h: pw }),
      '{not json',
      JSON.stringify({ u: 'jsonl_two', e: 'jsonl2@example.org', v: false, h: pw, l: 'xx' }),
    ].join('\n')
    const upload = () =>
      call(
        server,
        'POST',
        '/v1/admin/accounts/imports?format=jsonl&username=u&email=e&email_verified=v&password_hash=h&locale=l&hash_format=bcrypt',
        {
          token: admin,
          rawBody: lines,
          headers: { 'content-type': 'application/x-ndjson' },
        },
      )
    const first = await upload()
    expect(first.json).toMatchObject({
      rows_read: 3,
      rows_created: 1,
      rows_bad: 2,
      problems: [
        { line: 2, reason: 'not valid JSON' },
        { line: 3, reason: 'unknown locale' },
      ],
    })
    const again = await upload()
    expect(again.json).toMatchObject({ rows_read: 3, rows_created: 0, rows_present: 1, rows_bad: 2 })
    expect((await login('jsonl_one', 'jsonl password')).status).toBe(201)
  })

  it('writes the fields the file names', async () => {
    const done = await server.app.accountImports.get(
      (await server.app.accountImports.list(10)).find((r) => r.sourceName === 'users.csv')!.id,
    )
    expect(done.rowsCreated).toBe(6)
    const bc = (await byName('bc_user'))!
    expect(bc).toMatchObject({ email: 'BC@example.org', phone: '+14155550123', locale: 'de', role: 'user' })
    expect(bc.emailVerifiedAt).toBe(1600000000000)
    expect(bc.createdAt).toBe(1600000000000)
    expect((await byName('fb_user'))!.createdAt).toBe(Date.parse('2020-01-02T03:04:05Z'))
    expect((await byName('sha_user'))!.role).toBe('responder')
    expect((await byName('sha_user'))!.passwordHash).toMatch(/^\$gh\$wrap-sha1\$/)
    expect(await byName('boss')).toBeNull()
  })

  it('logs imported accounts in with their old passwords and rehashes them', async () => {
    for (const name of ['fb_user', 'bc_user', 'pb_user', 'ar_user']) {
      const password = file.passwords[name]!
      expect((await login(name, `${password}!`)).status).toBe(401)
      const r = await login(name, password)
      expect(r.status, name).toBe(201)
      expect((await byName(name))!.passwordHash).toMatch(/^\$argon2id\$/)
    }
  })

  it('imports a TOTP secret as a confirmed factor, sealed at rest', async () => {
    const first = await login('otp_user', file.passwords.otp_user!)
    expect(first.status).toBe(200)
    expect(first.json).toMatchObject({ mfa_required: true, methods: expect.arrayContaining(['totp']) })
    const done = await call(server, 'POST', '/v1/sessions/mfa', {
      body: {
        challenge_id: first.json.challenge_id,
        method: 'totp',
        code: totpCodeAt(TOTP_SECRET, server.clock.now()),
      },
    })
    expect(done.status).toBe(201)
  })

  it('creates nothing when the same file is imported again', async () => {
    const before = await server.app.database.db
      .selectFrom('accounts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    const again = await importText(file.text)
    expect(again).toMatchObject({
      status: 'completed',
      rowsRead: 11,
      rowsCreated: 0,
      rowsPresent: 6,
      rowsBad: 5,
    })
    const after = await server.app.database.db
      .selectFrom('accounts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    expect(Number(after.n)).toBe(Number(before.n))
    // The operator (the command line) ranks above every role: the admin row is created then.
    const asCli = await server.app.accountImports.importAccounts(
      {
        format: 'csv',
        mapping: MAPPING,
        hashParams: FIREBASE,
        sourceName: 'users.csv',
        input: Readable.from([file.text]),
      },
      CLI_ADMINISTRATOR,
      noCtx,
    )
    expect(asCli).toMatchObject({ rowsCreated: 1, rowsPresent: 6, rowsBad: 4 })
  })

  it.runIf(kind === 'sqlite')(
    'keeps neither wrapped digests nor TOTP secrets in plain in the database file',
    async () => {
      const files = readdirSync(server.db.dataDir).filter((f) => f.startsWith('gatehouse.sqlite'))
      const bytes = Buffer.concat(files.map((f) => readFileSync(join(server.db.dataDir, f))))
      expect(bytes.length).toBeGreaterThan(0)
      const digest = Buffer.from(file.sha1, 'hex')
      for (const form of [file.sha1, file.sha1.toUpperCase(), digest.toString('base64'), TOTP_SECRET]) {
        expect(bytes.includes(Buffer.from(form))).toBe(false)
      }
      expect(bytes.includes(digest)).toBe(false)
    },
  )

  it('leaves a large import ready for lookups that read the index alone', async () => {
    const bc = await bcryptHash('bulk password', 4)
    const rows = Array.from(
      { length: BULK_LOAD_ACCOUNTS },
      (_, i) => `bulk${i},bulk_user_${i},bulk${i}@example.org,true,,,user,,,${bc},bcrypt,,`,
    )
    const done = await importText(`${HEADER}\n${rows.join('\n')}\n`)
    expect(done.status).toBe('completed')
    expect(done.rowsCreated).toBe(BULK_LOAD_ACCOUNTS)
    if (kind !== 'postgres') return
    // A leak import's lookup: with the new pages marked all-visible, no row is read from the table.
    const names = Array.from({ length: 2000 }, (_, i) => `bulk_user_${i * 5}`)
    // The plan a table of millions gets (here, 10,000 rows would be read whole instead).
    const plan = await server.app.database.db.transaction().execute(async (tx) => {
      await sql`set local enable_seqscan = off`.execute(tx)
      await sql`set local enable_bitmapscan = off`.execute(tx)
      return sql<{ 'QUERY PLAN': string }>`explain (analyze, costs off)
        select id from accounts where username = any(${names})`.execute(tx)
    })
    const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n')
    expect(text).toMatch(/Index Only Scan using accounts_username_id/)
    // 2,000 without it (every page of the import was written since the last vacuum); a page or
    // two written while it ran may be left.
    expect(Number(text.match(/Heap Fetches: (\d+)/)?.[1]), text).toBeLessThan(50)
  })

  it('counts an account named by two batches written at the same time once, as created then present', async () => {
    // Batch 2 (lines 5,002-10,001) is written beside batch 1: every other row of it names an
    // account of batch 1 (in the opposite order), and some take a username of batch 1 under an
    // external id of their own.
    const pw = await bcryptHash('overlap password', 4)
    const half = ACCOUNT_IMPORT_BATCH_ROWS
    const row = (k: number, ext = `ov${k}`) =>
      `${ext},overlap_${k},overlap${k}@example.org,true,,,user,,,${pw},bcrypt,,`
    const rows: string[] = []
    for (let i = 0; i < half; i++) rows.push(row(i))
    let repeats = 0
    let clashes = 0
    for (let i = 0; i < half; i++) {
      if (i % 2 === 0) rows.push(row(half + i))
      else if (i % 50 === 1) {
        rows.push(row(half - 1 - i, `ov-other-${i}`).replace(/overlap\d+@/, `other${i}@`))
        clashes += 1
      } else {
        rows.push(row(half - 1 - i))
        repeats += 1
      }
    }
    const done = await importText(`${HEADER}\n${rows.join('\n')}\n`)
    expect(done).toMatchObject({
      status: 'completed',
      rowsRead: 2 * half,
      rowsCreated: half + half / 2,
      rowsPresent: repeats,
      rowsBad: clashes,
    })
    // Whichever of the two rows is written first, the other is the bad one.
    expect(done.problems).toHaveLength(Math.min(clashes, PROBLEMS_KEPT))
    for (const p of done.problems) expect(p.reason).toBe('username already used by another account')
    const count = await server.app.database.db
      .selectFrom('accounts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('username', 'like', 'overlap%')
      .executeTakeFirstOrThrow()
    expect(Number(count.n)).toBe(half + half / 2)
  })

  it('resumes an import killed mid-way: the sweep marks it interrupted, running it again completes it', async () => {
    // Last: the server's clock moves to the child's time.
    const rows = 25_000
    const pw = await bcryptHash('crash password', 4)
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-accounts-'))
    const path = join(dir, 'crash.csv')
    const out = createWriteStream(path)
    out.write('id,name,mail,hash\n')
    for (let i = 0; i < rows; i++) out.write(`c${i},crash${i},crash${i}@example.net,${pw}\n`)
    await new Promise((resolve) => out.end(resolve))
    const env = {
      PATH: process.env.PATH ?? '',
      GATEHOUSE_LOG_LEVEL: 'warn',
      GATEHOUSE_DATA_DIR: server.db.dataDir,
      GATEHOUSE_SECRET_KEY: Buffer.alloc(32, 7).toString('base64'),
      ...(server.db.databaseUrl ? { DATABASE_URL: server.db.databaseUrl } : {}),
    }
    const args = ['accounts', 'import', path, '--format', 'csv', '--hash-format', 'bcrypt']
    const map = ['--map', 'external_id=id,username=name,email=mail,password_hash=hash']
    requireBuild()
    const child = spawn(process.execPath, [CLI, ...args, ...map], { env, stdio: 'ignore' })
    const exited = new Promise((resolve) => child.on('exit', resolve))
    const running = () =>
      server.app.database.db
        .selectFrom('account_imports')
        .selectAll()
        .where('source_name', '=', 'crash.csv')
        .executeTakeFirst()
    for (let i = 0; i < 300; i++) {
      const r = await running()
      if (r && Number(r.rows_created) > 0) break
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    child.kill('SIGKILL')
    await exited
    const killed = (await running())!
    expect(killed.status).toBe('running')
    expect(Number(killed.rows_created)).toBeGreaterThan(0)
    expect(Number(killed.rows_created)).toBeLessThan(rows)

    server.clock.advance(Math.max(0, Date.now() - server.clock.now()) + 3 * 60_000)
    expect(await server.app.accountImports.sweepInterrupted()).toBe(1)
    const interrupted = await server.app.accountImports.get(killed.id)
    expect(interrupted.status).toBe('interrupted')
    expect(interrupted.error).toMatch(/import the file again/)

    const again = await runCli([...args, ...map], env, 60_000)
    expect(again.code, again.stderr).toBe(0)
    expect(again.stdout).toMatch(new RegExp(`${rows} rows read, \\d+ created, \\d+ already present, 0 bad`))
    const count = await server.app.database.db
      .selectFrom('accounts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('username', 'like', 'crash%')
      .executeTakeFirstOrThrow()
    expect(Number(count.n)).toBe(rows)
    const second = (await server.app.accountImports.list(1))[0]!
    expect(second.status).toBe('completed')
    expect(second.rowsCreated + second.rowsPresent).toBe(rows)
    expect(second.rowsPresent).toBeGreaterThanOrEqual(Number(killed.rows_created))
    const shown = await runCli(['accounts', 'imports', second.id], env)
    expect(JSON.parse(shown.stdout)).toMatchObject({ id: second.id, status: 'completed', rows_read: rows })
  }, 60_000)
})
