/**
 * Invariant: no observable part of an answer to a request without a session — status, headers,
 * cookies, body, the guard's reaction after any history of requests, and anything the caller can
 * read elsewhere (metrics) — depends on whether an identifier names an account, or on which account
 * it names, except through a correct secret. The sweep walks every route the OpenAPI document
 * lists without a session (new routes join by themselves), fills every field from its schema at
 * several sizes, and compares answers for real and missing accounts, and for identifiers of an
 * attacked account and of an untouched one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { databaseKinds } from '../helpers/databases.js'
import {
  call,
  createTestServer,
  freshUser,
  type JsonResponse,
  signUpAndLogin,
  type TestServer,
} from '../helpers/server.js'

interface Schema {
  type?: string
  properties?: Record<string, Schema>
  required?: string[]
  maxLength?: number
  minLength?: number
  enum?: unknown[]
  anyOf?: Schema[]
  const?: unknown
}

interface Operation {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH'
  path: string
  body: Schema | undefined
}

/** Fields whose value names an account (sign-up's `username` is public by design: 409 when taken). */
const NAMING = new Set(['identifier', 'email', 'phone'])
/** The sizes every other string field is tried at: empty, usual, the longest password accepted, past hashing, the schema's maximum and one past it. */
const SIZES = [0, 20, 256, 1025, 'max', 'over'] as const

let source = 0
/** A source address of its own for every request: a /48 of its own, so no request meets another's history. */
const freshSource = () => {
  source += 1
  return `2001:db8:${source.toString(16)}::7`
}

/** What a stranger compares: everything but the request id, the date and the puzzle of a challenge. */
const observed = (r: JsonResponse) => {
  const {
    date: _date,
    'x-request-id': _id,
    'content-length': _length,
    'retry-after': retryAfter,
    ...headers
  } = r.headers
  return {
    status: r.status,
    headers: { ...headers, ...(retryAfter !== undefined ? { 'retry-after': 'set' } : {}) },
    body: r.body
      .replace(/"request_id":"[^"]*"/g, '"request_id":"…"')
      .replace(/"puzzle":"[^"]*"/g, '"puzzle":"…"')
      .replace(/"(challenge_id|challenge|webauthn_challenge_id)":"[^"]*"/g, '"$1":"…"')
      .replace(/"expires_at":"[^"]*"/g, '"expires_at":"…"')
      .replace(/"retry_after":\d+/g, '"retry_after":…'),
  }
}

/** A value of `size` for a field that does not name an account. */
const filler = (field: Schema, size: (typeof SIZES)[number]): unknown => {
  if (field.enum) return field.enum[0]
  if (field.const !== undefined) return field.const
  if (field.type === 'boolean') return false
  if (field.type === 'number' || field.type === 'integer') return 1
  if (field.type === 'object' || field.anyOf) return {}
  const max = field.maxLength ?? 1000
  const n = size === 'max' ? max : size === 'over' ? max + 1 : Math.min(size, max)
  return 'x'.repeat(Math.max(n, field.minLength ?? 0))
}

describe.each(databaseKinds())('no account oracle through any route on %s', (kind) => {
  let server: TestServer
  let operations: Operation[]
  let phones = 0
  /** A fresh valid number no account has. */
  const freshPhone = () => `+1415555${String(1000 + ((process.pid + ++phones * 37) % 9000)).padStart(4, '0')}`
  /** What names nobody: a username, an address and a number, fresh for each test. */
  const missing = () => {
    const u = freshUser('ghost')
    return { username: u.username, email: u.email, phone: freshPhone() }
  }
  /** A fresh account with a verified phone: each test its own, so that no test inherits another's history. */
  const account = async () => {
    const { user } = await signUpAndLogin(server)
    const phone = freshPhone()
    await server.app.database.db
      .updateTable('accounts')
      .set({ phone, phone_verified_at: server.clock.now() })
      .where('username', '=', user.username)
      .execute()
    return { ...user, phone }
  }

  beforeAll(async () => {
    server = await createTestServer(kind, {
      GATEHOUSE_GUARD: 'true',
      // The sweep's own failed logins would make a global spike, which challenges every new source
      // alike and would hide the reactions compared here.
      GATEHOUSE_GUARD_SPIKE_MIN_FAILURES: '1000000',
    })
    const doc = (await call(server, 'GET', '/openapi.json')).json as {
      paths: Record<
        string,
        Record<
          string,
          { security?: unknown[]; requestBody?: { content?: Record<string, { schema?: Schema }> } }
        >
      >
    }
    operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => !op.security || op.security.length === 0)
        .map(([method, op]) => ({
          method: method.toUpperCase() as Operation['method'],
          path,
          body: op.requestBody?.content?.['application/json']?.schema,
        })),
    )
  })
  afterAll(async () => {
    await server?.close()
  })

  /** The body of `op` at `size`, with `name` in every field that names an account (or, without one, in every field). */
  const bodyOf = (
    op: Operation,
    size: (typeof SIZES)[number],
    name: Record<'identifier' | 'email' | 'phone', string>,
  ) => {
    const props = op.body?.properties ?? {}
    const naming = Object.keys(props).filter((k) => NAMING.has(k))
    const body: Record<string, unknown> = {}
    for (const [key, field] of Object.entries(props)) {
      const required = op.body?.required?.includes(key) ?? false
      if (NAMING.has(key)) body[key] = name[key as 'identifier' | 'email' | 'phone']
      else if (key === 'username') body[key] = freshUser('fresh').username
      else if (naming.length === 0 && field.type === 'string' && !field.enum)
        body[key] = name.identifier.slice(0, field.maxLength ?? 320)
      else if (required || field.type === 'string') body[key] = filler(field, size)
    }
    // Sign-up's phone is optional: tried only when it is what names the account.
    if ('phone' in props && !op.path.endsWith('/accounts')) body.phone = name.phone
    return body
  }

  /** Sends the request of `op` for two names, each from a fresh source, and returns what a stranger sees of each. */
  const compare = async (
    op: Operation,
    size: (typeof SIZES)[number],
    a: Record<'identifier' | 'email' | 'phone', string>,
    b: Record<'identifier' | 'email' | 'phone', string>,
  ) => {
    const send = (name: typeof a) =>
      call(server, op.method, op.path, {
        ...(op.body ? { body: bodyOf(op, size, name) } : {}),
        ip: freshSource(),
      })
    const [x, y] = [await send(a), await send(b)]
    return [observed(x), observed(y)] as const
  }

  /** Every route, every size, for the pairs given: no difference anywhere, and never a 5xx. */
  const sweep = async (
    pairs: Array<
      [
        string,
        Record<'identifier' | 'email' | 'phone', string>,
        Record<'identifier' | 'email' | 'phone', string>,
      ]
    >,
  ) => {
    let compared = 0
    for (const op of operations) {
      for (const size of op.body ? SIZES : ([20] as const)) {
        for (const [label, a, b] of pairs) {
          const [x, y] = await compare(op, size, a, b)
          expect(x.status, `${op.method} ${op.path} (${label}, size ${size})`).toBeLessThan(500)
          expect(y, `${op.method} ${op.path} (${label}, size ${size})`).toEqual(x)
          compared++
        }
      }
    }
    return compared
  }

  const named = (
    who: { username: string; email: string; phone: string },
    by: 'username' | 'email' | 'phone',
  ) => ({
    identifier: who[by],
    email: who.email,
    phone: who.phone,
  })

  it('lists the routes it sweeps (the ones without a session) and finds the identifier routes among them', () => {
    const paths = operations.map((o) => `${o.method} ${o.path}`)
    for (const p of [
      'POST /v1/sessions',
      'POST /v1/recovery',
      'POST /v1/accounts',
      'POST /v1/accounts/verify/resend',
    ]) {
      expect(paths).toContain(p)
    }
    expect(paths).not.toContain('GET /metrics')
  })

  it('answers every route alike for a real and a missing account, by every identifier and at every size', async () => {
    const real = await account()
    const ghost = missing()
    const compared = await sweep([
      ['username', named(real, 'username'), named(ghost, 'username')],
      ['email', named(real, 'email'), named(ghost, 'email')],
      ['phone', named(real, 'phone'), named(ghost, 'phone')],
    ])
    expect(compared).toBeGreaterThan(100)
  })

  it('answers alike after either was attacked the same way: the guard reacts to what was typed, not to the account', async () => {
    const real = await account()
    const ghost = missing()
    // The same history for the real and the missing name: failed logins from many sources, and
    // recovery requests.
    for (const name of [real.username, ghost.username]) {
      for (let i = 0; i < 14; i++) {
        await call(server, 'POST', '/v1/sessions', {
          body: { identifier: name, password: `wrong password ${i}` },
          ip: freshSource(),
        })
        await call(server, 'POST', '/v1/recovery', { body: { identifier: name }, ip: freshSource() })
      }
    }
    await sweep([['username after failures', named(real, 'username'), named(ghost, 'username')]])
  })

  it("does not link an attacked username to its email or phone: they answer like another account's", async () => {
    // Many failed logins on the account's username, from many sources: its email and phone must
    // still answer like the email and phone of an account nobody attacked.
    const attacked = await account()
    const other = await account()
    for (let i = 0; i < 30; i++) {
      await call(server, 'POST', '/v1/sessions', {
        body: { identifier: attacked.username, password: `wrong password ${i}` },
        ip: freshSource(),
      })
    }
    // The attack took hold: the username itself meets the guard.
    const onName = await call(server, 'POST', '/v1/sessions', {
      body: { identifier: attacked.username, password: 'wrong again' },
      ip: freshSource(),
    })
    expect(onName.status).toBe(429)
    await sweep([
      ['email of an attacked account', named(attacked, 'email'), named(other, 'email')],
      ['phone of an attacked account', named(attacked, 'phone'), named(other, 'phone')],
    ])
  })

  it('shows no metrics to a stranger', async () => {
    for (const path of ['/metrics', '/metrics/', '/v1/metrics']) {
      const res = await call(server, 'GET', path, { ip: freshSource() })
      expect(res.status).toBe(404)
      expect(res.body).not.toContain('gatehouse_')
    }
  })
})
