/**
 * Invariant: bad input gets a clear 4xx problem response and loses nothing —
 * never a 500, never a partial write.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { databaseKinds } from '../helpers/databases.js'
import { call, createTestServer, freshUser, type TestServer } from '../helpers/server.js'

describe.each(databaseKinds())('hostile input on %s', (kind) => {
  let server: TestServer
  const counts = async () => {
    const db = server.app.database.db
    const n = async (t: 'accounts' | 'outbox' | 'sessions' | 'one_time_tokens') =>
      Number(
        (
          await db
            .selectFrom(t)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      )
    return {
      accounts: await n('accounts'),
      outbox: await n('outbox'),
      sessions: await n('sessions'),
      tokens: await n('one_time_tokens'),
    }
  }
  beforeAll(async () => {
    server = await createTestServer(kind)
  })
  afterAll(async () => {
    await server?.close()
  })

  const expectProblem = (
    res: { status: number; headers: Record<string, unknown>; json: { code?: string } },
    status: number,
    code?: string,
  ) => {
    expect(res.status).toBe(status)
    expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/)
    expect(typeof res.json.code).toBe('string')
    if (code) expect(res.json.code).toBe(code)
  }

  it('answers every malformed sign-up with a 4xx problem and writes nothing', async () => {
    const before = await counts()
    const valid = freshUser()
    const raw = (rawBody: string | Buffer, headers: Record<string, string> = {}) =>
      call(server, 'POST', '/v1/accounts', { rawBody, headers })
    const cases: [string, () => ReturnType<typeof call>, number, string?][] = [
      ['malformed JSON', () => raw('{"username": "abc",'), 400, 'malformed_json'],
      ['empty body', () => raw(''), 400],
      ['JSON array', () => raw('[]'), 400, 'invalid_request'],
      ['JSON null', () => raw('null'), 400],
      [
        'number as password',
        () => call(server, 'POST', '/v1/accounts', { body: { ...valid, password: 12345678 } }),
        400,
        'invalid_request',
      ],
      [
        'boolean username',
        () => call(server, 'POST', '/v1/accounts', { body: { ...valid, username: true } }),
        400,
        'invalid_request',
      ],
      [
        'operator object',
        () => call(server, 'POST', '/v1/accounts', { body: { ...valid, email: { $ne: null } } }),
        400,
        'invalid_request',
      ],
      [
        'two addresses',
        () =>
          call(server, 'POST', '/v1/accounts', {
            body: { ...valid, email: ['victim@example.org', 'attacker@example.net'] },
          }),
        400,
        'invalid_request',
      ],
      [
        'missing password',
        () =>
          call(server, 'POST', '/v1/accounts', { body: { username: valid.username, email: valid.email } }),
        400,
        'invalid_request',
      ],
      [
        'mass assignment',
        () =>
          call(server, 'POST', '/v1/accounts', { body: { ...valid, role: 'admin', email_verified: true } }),
        400,
        'invalid_request',
      ],
      [
        '__proto__',
        () =>
          raw(
            `{"username":"${valid.username}","email":"${valid.email}","password":"${valid.password}","__proto__":{"role":"admin"}}`,
          ),
        400,
        'malformed_json',
      ],
      [
        'constructor.prototype',
        () => raw(`{"username":"${valid.username}","constructor":{"prototype":{"role":"admin"}}}`),
        400,
        'malformed_json',
      ],
      [
        '10 MB body',
        () => raw(JSON.stringify({ ...valid, password: 'x'.repeat(10 * 1024 * 1024) })),
        413,
        'payload_too_large',
      ],
      [
        '100,000-character password',
        () => raw(JSON.stringify({ ...valid, password: 'p'.repeat(100_000) })),
        413,
        'payload_too_large',
      ],
      [
        'invalid UTF-8',
        () =>
          raw(
            Buffer.concat([
              Buffer.from('{"username":"'),
              Buffer.from([0xc3, 0x28]),
              Buffer.from(`","email":"${valid.email}","password":"${valid.password}"}`),
            ]),
          ),
        400,
        'invalid_encoding',
      ],
      [
        'overlong UTF-8',
        () =>
          raw(Buffer.concat([Buffer.from('{"username":"a'), Buffer.from([0xc0, 0xaf]), Buffer.from('bc"}')])),
        400,
        'invalid_encoding',
      ],
      [
        'lone surrogate',
        () => raw(`{"username":"ab\\ud800c","email":"${valid.email}","password":"${valid.password}"}`),
        400,
        'invalid_encoding',
      ],
      [
        'NUL in username',
        () => call(server, 'POST', '/v1/accounts', { body: { ...valid, username: 'abc\u0000def' } }),
        400,
        'invalid_encoding',
      ],
      [
        'NUL in email',
        () => call(server, 'POST', '/v1/accounts', { body: { ...valid, email: 'abc\u0000@example.org' } }),
        400,
        'invalid_encoding',
      ],
      [
        'NUL in password',
        () =>
          call(server, 'POST', '/v1/accounts', { body: { ...valid, password: 'abc\u0000def ghi jkl mno' } }),
        400,
        'invalid_encoding',
      ],
      [
        'CR/LF in email',
        () =>
          call(server, 'POST', '/v1/accounts', {
            body: { ...valid, email: 'a@example.org\r\nBcc: attacker@evil.test' },
          }),
        400,
        'invalid_email',
      ],
      [
        'encoded CR/LF in email',
        () =>
          call(server, 'POST', '/v1/accounts', {
            body: { ...valid, email: 'a@example.org%0d%0aBcc:x@evil.test' },
          }),
        400,
        'invalid_email',
      ],
      [
        'email with display name',
        () =>
          call(server, 'POST', '/v1/accounts', { body: { ...valid, email: 'Victim <victim@example.org>' } }),
        400,
        'invalid_email',
      ],
      [
        '255-character email',
        () =>
          call(server, 'POST', '/v1/accounts', {
            body: { ...valid, email: `${'a'.repeat(60)}@${'b'.repeat(190)}.org` },
          }),
        400,
        'invalid_email',
      ],
      [
        '10,000-character username',
        () => call(server, 'POST', '/v1/accounts', { body: { ...valid, username: 'u'.repeat(10_000) } }),
        400,
        'invalid_request',
      ],
      [
        'form encoding',
        () =>
          raw(`username=${valid.username}&email[]=a@x.org&email[]=b@y.org`, {
            'content-type': 'application/x-www-form-urlencoded',
          }),
        415,
        'unsupported_media_type',
      ],
      [
        'text/plain',
        () => raw(JSON.stringify(valid), { 'content-type': 'text/plain' }),
        415,
        'unsupported_media_type',
      ],
      ['deep nesting', () => raw(`${'['.repeat(5000)}${']'.repeat(5000)}`), 400],
      [
        'empty password',
        () => call(server, 'POST', '/v1/accounts', { body: { ...valid, password: '' } }),
        400,
        'password_too_short',
      ],
      [
        'whitespace password',
        () => call(server, 'POST', '/v1/accounts', { body: { ...valid, password: '        ' } }),
        400,
      ],
    ]
    for (const [name, run, status, code] of cases) {
      const res = await run()
      expect(res.status, `${name}: ${res.body.slice(0, 200)}`).toBe(status)
      expectProblem(res, status, code)
      expect(res.body, name).not.toMatch(/at .*\.(ts|js):\d+/)
    }
    expect(await counts()).toEqual(before)
  })

  it('answers malformed logins and verifications with a 4xx and no session', async () => {
    const before = await counts()
    const bodies: unknown[] = [
      { identifier: "' OR '1'='1", password: "' OR '1'='1" },
      { identifier: "admin'--", password: 'x' },
      { identifier: "'; SELECT pg_sleep(5)--", password: 'x' },
      { identifier: 'a\r\nauthn_login_success:admin', password: 'x' },
      { identifier: { $gt: '' }, password: 'x' },
      { identifier: 'someone', password: null },
      { identifier: 'someone' },
      { identifier: 'someone', password: 'x', remember: true },
    ]
    for (const body of bodies) {
      const started = performance.now()
      const res = await call(server, 'POST', '/v1/sessions', { body })
      expect(performance.now() - started).toBeLessThan(2000)
      expect([400, 401]).toContain(res.status)
      expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/)
    }
    for (const token of ['', 'x'.repeat(500), '../../etc/passwd', "' OR 1=1 --"]) {
      const res = await call(server, 'POST', '/v1/accounts/verify', { body: { token } })
      expectProblem(res, 400, 'invalid_token')
    }
    expectProblem(
      await call(server, 'POST', '/v1/accounts/verify', { body: { token: ['a', 'b'] } }),
      400,
      'invalid_request',
    )
    const after = await counts()
    expect(after.sessions).toBe(before.sessions)
    expect(after.accounts).toBe(before.accounts)
  })

  it('answers unknown routes and methods with a 404 problem', async () => {
    expectProblem(await call(server, 'GET', '/v1/nope'), 404, 'not_found')
    expectProblem(await call(server, 'GET', '/v1/accounts'), 404, 'not_found')
    expectProblem(await call(server, 'PUT', '/v1/sessions/current'), 404, 'not_found')
    expectProblem(await call(server, 'GET', '/v0/recovery'), 404, 'not_found')
  })

  it('builds mail links from the configured origin, never from Host or X-Forwarded-Host', async () => {
    const user = freshUser()
    const res = await call(server, 'POST', '/v1/accounts', {
      body: user,
      headers: { host: 'evil.test', 'x-forwarded-host': 'evil.test', 'x-forwarded-proto': 'http' },
    })
    expect(res.status).toBe(202)
    await server.deliver()
    const mail = await server.smtp.waitFor((m) => m.to.includes(user.email))
    expect(mail.text).not.toContain('evil.test')
    expect(mail.html).not.toContain('evil.test')
    expect(mail.text).toContain('https://id.example.test/verify-email?token=')
  })

  it('ignores client-supplied forwarding headers when no proxy is trusted', async () => {
    const user = freshUser()
    await call(server, 'POST', '/v1/accounts', { body: user })
    await server.deliver()
    const token = server.smtp.tokenFrom(await server.smtp.waitFor((m) => m.to.includes(user.email)))
    await call(server, 'POST', '/v1/accounts/verify', { body: { token } })
    const login = await call(server, 'POST', '/v1/sessions', {
      body: { identifier: user.username, password: user.password },
      headers: {
        'x-forwarded-for': '203.0.113.9',
        'x-real-ip': '203.0.113.10',
        'true-client-ip': '203.0.113.11',
      },
    })
    const list = await call(server, 'GET', '/v1/sessions', { token: login.json.token })
    expect(list.json.sessions[0].ip).toBe('127.0.0.1')
  })

  it('sends no-store, no-referrer, a closed CSP and a request id on every answer', async () => {
    for (const res of [
      await call(server, 'POST', '/v1/accounts/verify', { body: { token: 'x' } }),
      await call(server, 'POST', '/v1/accounts/verify', { rawBody: '{"token":' }),
      await call(server, 'GET', '/healthz'),
      await call(server, 'GET', '/nope'),
    ]) {
      expect(res.headers['cache-control']).toBe('no-store')
      expect(res.headers['referrer-policy']).toBe('no-referrer')
      expect(res.headers['content-security-policy']).toContain("default-src 'none'")
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'")
      expect(res.headers['x-content-type-options']).toBe('nosniff')
      expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/)
      expect(String(res.headers['x-request-id'])).toMatch(/^[0-9a-f-]{36}$/)
    }
    const echoed = await call(server, 'GET', '/healthz', { headers: { 'x-request-id': 'trace-abc.123' } })
    expect(echoed.headers['x-request-id']).toBe('trace-abc.123')
    const refused = await call(server, 'GET', '/healthz', { headers: { 'x-request-id': 'bad id <junk>' } })
    expect(refused.headers['x-request-id']).not.toContain('junk')
  })
})
