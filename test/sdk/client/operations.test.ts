import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as client from '@gatehouse/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { clientOf, type ListeningServer, startGatehouse } from './harness.js'

/*
 * Every operation of Gatehouse's OpenAPI document has a function in the package, and that
 * function really reaches its route: each is called against a listening Gatehouse (signed out, so
 * nothing changes) and the request it sent is compared with the document's method and path, and
 * the answer with a route that exists.
 */
type Operation = { operationId: string; parameters?: { in: string; name: string }[] }
const document = JSON.parse(readFileSync(join(process.cwd(), 'docs', 'openapi.json'), 'utf8')) as {
  paths: Record<string, Record<string, Operation>>
}
const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete'])
const operations = Object.entries(document.paths).flatMap(([path, item]) =>
  Object.entries(item)
    .filter(([method]) => METHODS.has(method))
    .map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
)
/** Values for path parameters: a well-formed id that names nothing. */
const PLACEHOLDER = '00000000-0000-4000-8000-000000000000'

describe('every operation of the OpenAPI document has a function that calls its route', () => {
  let server: ListeningServer
  beforeAll(async () => {
    server = await startGatehouse()
  })
  afterAll(async () => {
    await server?.close()
  })

  it('covers the whole document', () => {
    expect(operations.length).toBeGreaterThan(90)
    const missing = operations.filter(
      ({ op }) => typeof (client as Record<string, unknown>)[op.operationId] !== 'function',
    )
    expect(missing.map((o) => o.op.operationId)).toEqual([])
  })

  it('would notice a route that is not there: an unknown path answers 404 not_found', async () => {
    const e = await clientOf(server)
      .call('post', '/v1/no-such-route', { body: {} })
      .catch((err: unknown) => err)
    expect(e).toMatchObject({ status: 404, code: 'not_found' })
  })

  it.each(operations.map((o) => [`${o.method} ${o.path}`, o] as const))(
    '%s',
    async (_, { path, method, op }) => {
      const sent: { method: string; path: string }[] = []
      const gh = clientOf(server, {
        fetch: async (request: Request) => {
          const url = new URL(request.url)
          sent.push({ method: request.method, path: url.pathname })
          return fetch(request)
        },
        retry: { maxWaitSeconds: 0 },
      })
      const params = Object.fromEntries(
        (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => [p.name, PLACEHOLDER]),
      )
      const fn = (client as unknown as Record<string, (gh: unknown, init: object) => Promise<unknown>>)[
        op.operationId
      ]!
      const init = {
        ...(Object.keys(params).length > 0 ? { params: { path: params } } : {}),
        ...(method === 'GET' || method === 'DELETE' ? {} : { body: {} }),
      }
      const outcome = await fn(gh, init).then(
        () => null,
        (e: unknown) => e,
      )
      expect(sent).toHaveLength(1)
      expect(sent[0]).toEqual({
        method,
        path: path.replace(/\{(\w+)\}/g, (_m, name: string) => params[name]!),
      })
      // The route exists: whatever the answer, it is not the 404 of an unknown path.
      if (outcome instanceof client.GatehouseError) {
        expect(outcome.status, `${op.operationId}: ${outcome.message}`).not.toBe(0)
        expect(
          outcome.status === 404 && outcome.code === 'not_found',
          `${op.operationId}: ${outcome.message}`,
        ).toBe(false)
      } else expect(outcome).toBeNull()
    },
  )
})
