import type { paths } from '@gatehouse/client'
import createClient, { type Client } from 'openapi-fetch'
import type { Answer } from '../../console/src/api/types.js'
import type { TestServer } from './server.js'

export type { Answer, Query, RequestBody as Body } from '../../console/src/api/types.js'

/** A problem answer (RFC 9457) as the tests read it: problem documents are not in the OpenAPI document. */
export interface ProblemBody {
  type?: string
  title: string
  status: number
  code: string
  detail?: string
  [extension: string]: unknown
}

/** The problem document of a failed answer of the typed client. */
export const problem = (error: unknown): ProblemBody => error as ProblemBody

const BASE = 'http://gatehouse.test'

/** Statuses whose answers carry no body (a Response refuses one). */
const NO_BODY = new Set([101, 204, 205, 304])

/** The body of each answer as the server sent it, for checks on its exact text. */
const sent = new WeakMap<Response, string>()

/** The text of an answer of the typed client exactly as the server sent it (`data` and `error` are parsed). */
export const rawBody = (response: Response): string => {
  const body = sent.get(response)
  if (body === undefined) throw new Error('not an answer of the typed client')
  return body
}

/**
 * A client typed by the OpenAPI document (@gatehouse/client's generated types) that sends each request
 * through Fastify's inject: a route or answer that changes under a test breaks the typecheck.
 *
 *   const { data, response } = await api(server, { token }).GET('/v1/admin/incidents/{id}', {
 *     params: { path: { id } },
 *   })
 *
 * `data` is the typed body of a 2xx answer; `error` the parsed body of any other (see `problem`).
 */
export const api = (
  server: TestServer,
  opts: { token?: string; ip?: string; headers?: Record<string, string> } = {},
): Client<paths> =>
  createClient<paths>({
    baseUrl: BASE,
    headers: { ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...opts.headers },
    fetch: async (request: Request) => {
      const url = new URL(request.url)
      const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined
      const res = await server.app.http.inject({
        method: request.method as 'GET',
        url: url.pathname + url.search,
        headers: Object.fromEntries(request.headers),
        ...(body !== undefined ? { payload: body } : {}),
        ...(opts.ip ? { remoteAddress: opts.ip } : {}),
      })
      const headers = new Headers()
      for (const [name, value] of Object.entries(res.headers)) {
        if (value === undefined) continue
        for (const v of Array.isArray(value) ? value : [value]) headers.append(name, String(v))
      }
      const response = new Response(NO_BODY.has(res.statusCode) ? null : res.rawPayload, {
        status: res.statusCode,
        headers,
      })
      sent.set(response, res.body)
      return response
    },
  })

type Login = Answer<'/v1/sessions', 'post', 200> | Answer<'/v1/sessions', 'post', 201>

/** The session a login opened (its 201 answer); a second-factor challenge in its place throws. */
export const opened = (data: Login | undefined): Answer<'/v1/sessions', 'post', 201> => {
  if (!data || !('token' in data)) throw new Error(`no session opened: ${JSON.stringify(data)}`)
  return data
}

/** The second-factor challenge a login answered (200); an opened session in its place throws. */
export const challenged = (data: Login | undefined): Answer<'/v1/sessions', 'post', 200> => {
  if (!data || !('challenge_id' in data)) throw new Error(`no challenge: ${JSON.stringify(data)}`)
  return data
}
