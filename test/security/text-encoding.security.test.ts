/**
 * Invariant: a request whose body, query string or path holds text that is not a well-formed
 * Unicode string without NUL (U+0000, a lone UTF-16 surrogate, bytes that are not UTF-8) is
 * refused with a 400 `invalid_encoding` problem before any handler runs, on every route, with or
 * without a session — never a 500 from a database that cannot store it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { databaseKinds } from '../helpers/databases.js'
import {
  adminSession,
  call,
  createTestServer,
  type JsonResponse,
  type TestServer,
} from '../helpers/server.js'

/** The parts of a JSON Schema (as the OpenAPI document gives them) that samples are built from. */
interface Schema {
  type?: string | string[]
  properties?: Record<string, Schema>
  items?: Schema
  minItems?: number
  enum?: unknown[]
  const?: unknown
  anyOf?: Schema[]
  oneOf?: Schema[]
  pattern?: string
  minimum?: number
}

interface Operation {
  parameters?: Array<{ in: string; name: string }>
  requestBody?: { content?: Record<string, { schema?: Schema }> }
}

/** A value the schema accepts (as far as a sample can): every optional property included. */
const sample = (s: Schema): unknown => {
  if (s.const !== undefined) return s.const
  if (s.enum) return s.enum[0]
  const alternatives = s.anyOf ?? s.oneOf
  if (alternatives) return sample(alternatives.find((a) => a.type !== 'null') ?? alternatives[0]!)
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type
  switch (type) {
    case 'object':
      return Object.fromEntries(Object.entries(s.properties ?? {}).map(([k, v]) => [k, sample(v)]))
    case 'array':
      return Array.from({ length: Math.max(1, s.minItems ?? 1) }, () => sample(s.items ?? {}))
    case 'integer':
    case 'number':
      return s.minimum ?? 1
    case 'boolean':
      return false
    case 'string':
      return s.pattern?.includes('\\d') || s.pattern?.includes('0-9') ? '123456' : 'abcdef'
    default:
      return null
  }
}

/** Every sample of a body schema: one per top-level alternative. */
const bodySamples = (s: Schema): unknown[] => (s.anyOf ?? s.oneOf ?? [s]).map(sample)

/** Copies of `value`, each with one of its strings spoiled by `spoil`. */
const spoilEachString = (value: unknown, spoil: (s: string) => string): unknown[] => {
  if (typeof value === 'string') return [spoil(value)]
  if (Array.isArray(value))
    return value.flatMap((item, i) =>
      spoilEachString(item, spoil).map((bad) => value.map((v, j) => (j === i ? bad : v))),
    )
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) =>
      spoilEachString(v, spoil).map((bad) => ({ ...value, [k]: bad })),
    )
  return []
}

const inBody: Array<[string, (s: string) => string]> = [
  ['NUL', (s) => `${s.slice(0, 1)}\u0000${s.slice(1)}`],
  ['a lone high surrogate', (s) => `${s.slice(0, 1)}\ud800${s.slice(1)}`],
  ['a lone low surrogate', (s) => `${s}\udc00`],
]
/** As they arrive in a URL: NUL, a surrogate in UTF-8 form (not UTF-8), a broken sequence. */
const inUrl: Array<[string, string]> = [
  ['NUL', 'a%00b'],
  ['an encoded surrogate', 'a%ED%A0%80b'],
  ['broken UTF-8', 'a%C3%28b'],
  ['a broken escape', 'a%ZZb'],
  ['a cut escape', 'ab%4'],
]

describe.each(databaseKinds())('text that is not well-formed Unicode on %s', (kind) => {
  let server: TestServer
  let operations: Array<{ method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'; path: string; op: Operation }>
  let token: string
  beforeAll(async () => {
    server = await createTestServer(kind)
    token = await adminSession(server)
    const doc = await call(server, 'GET', '/openapi.json')
    operations = Object.entries(doc.json.paths as Record<string, Record<string, Operation>>).flatMap(
      ([path, methods]) =>
        Object.entries(methods).map(([method, op]) => ({
          method: method.toUpperCase() as 'GET',
          path,
          op,
        })),
    )
  })
  afterAll(async () => {
    await server?.close()
  })

  const expectRefused = (res: JsonResponse, what: string) => {
    expect(res.status, `${what}: ${res.body.slice(0, 300)}`).toBe(400)
    expect(String(res.headers['content-type']), what).toMatch(/^application\/problem\+json/)
    expect(res.json.code, what).toBe('invalid_encoding')
  }
  const sessions = () =>
    [
      ['without a session', {}],
      ['with an admin session', { token }],
    ] as const

  it('refuses such text in any string of any JSON body', async () => {
    let tried = 0
    for (const { method, path, op } of operations) {
      const schema = op.requestBody?.content?.['application/json']?.schema
      if (!schema) continue
      const url = path.replace(/\{[^}]+\}/g, 'abcdef')
      for (const base of bodySamples(schema)) {
        for (const [what, spoil] of inBody) {
          for (const body of spoilEachString(base, spoil)) {
            for (const [who, auth] of sessions()) {
              const res = await call(server, method, url, { ...auth, body })
              expectRefused(res, `${method} ${path} ${who}, ${what} in ${JSON.stringify(body)}`)
              tried++
            }
          }
        }
      }
    }
    expect(tried).toBeGreaterThan(100)
  })

  it('refuses such text in any path parameter and any query parameter', async () => {
    let tried = 0
    for (const { method, path, op } of operations) {
      const params = op.parameters ?? []
      const schema = op.requestBody?.content?.['application/json']?.schema
      const body = schema ? bodySamples(schema)[0] : undefined
      for (const [what, bad] of inUrl) {
        const urls: string[] = []
        for (const p of params.filter((x) => x.in === 'path'))
          urls.push(path.replace(`{${p.name}}`, bad).replace(/\{[^}]+\}/g, 'abcdef'))
        const plain = path.replace(/\{[^}]+\}/g, 'abcdef')
        for (const q of params.filter((x) => x.in === 'query')) urls.push(`${plain}?${q.name}=${bad}`)
        // A parameter the route does not declare is refused alike.
        urls.push(`${plain}?unknown=${bad}`)
        for (const url of urls) {
          for (const [who, auth] of sessions()) {
            const res = await call(server, method, url, { ...auth, ...(body !== undefined ? { body } : {}) })
            expectRefused(res, `${method} ${url} ${who}, ${what}`)
            tried++
          }
        }
      }
    }
    expect(tried).toBeGreaterThan(100)
  })

  it('refuses NUL in an object key, and in the answer to the recovery and login-challenge routes named in the report', async () => {
    expectRefused(
      await call(server, 'POST', '/v1/recovery', { rawBody: '{"identifier":"abc","\\u0000":1}' }),
      'NUL in a key',
    )
    for (const [url, body] of [
      ['/v1/recovery', { identifier: 'a\u0000b' }],
      ['/v1/recovery', { identifier: 'someone', code: '12\u00003456' }],
      ['/v1/sessions/mfa', { challenge_id: 'a\u0000b', method: 'totp', code: '123456' }],
      ['/v1/sessions/mfa/send', { challenge_id: 'a\u0000b', method: 'email' }],
    ] as const) {
      expectRefused(await call(server, 'POST', url, { body }), `${url} ${JSON.stringify(body)}`)
    }
  })

  it('still takes well-formed text beyond the BMP and non-ASCII names', async () => {
    const res = await call(server, 'POST', '/v1/recovery', { body: { identifier: 'émile😀@example.org' } })
    expect(res.status).toBe(202)
    const incident = await call(server, 'POST', '/v1/admin/incidents', {
      token,
      body: { title: 'Fuite chez le prestataire 😀', summary: 'Résumé', severity: 'low' },
    })
    expect(incident.status).toBe(201)
    expect(incident.json.title).toBe('Fuite chez le prestataire 😀')
    const search = await call(server, 'GET', `/v1/admin/events?type=${encodeURIComponent('é😀')}`, { token })
    expect(search.status).toBe(200)
  })
})
