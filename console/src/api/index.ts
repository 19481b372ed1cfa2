/*
 * The console's only door to Gatehouse: the public admin API, same origin, through a fetch client
 * typed by the OpenAPI document the server serves (@gatehouse/client, generated: `npm run api:types`).
 * The session token is kept in this module's memory (never in storage, never in a URL) and sent
 * as a bearer token; a reload asks to sign in again. See docs/console.md.
 */
import { createGatehouse, type GatehouseError, memoryStore, powOf as powOfProblem } from '@gatehouse/client'

/** An RFC 9457 problem answer, or a network failure (status 0), as @gatehouse/client throws it. */
export { GatehouseError as Problem } from '@gatehouse/client'
export type * from './types'

/** A 404 with no detail: the route itself is missing (this server lacks that part of the API). */
export const missingApi = (p: GatehouseError): boolean => p.status === 404 && !p.detail

let onUnauthenticated: (() => void) | null = null

/**
 * The console's client: same origin, the session token in memory only (a reload asks to sign in
 * again), no device token kept, challenges solved in Web Workers with visible progress, and no
 * automatic wait on `Retry-After` (the page says how long to wait).
 */
export const gh = createGatehouse({
  session: 'token',
  tokenStore: memoryStore(),
  deviceStore: memoryStore(),
  retry: { maxWaitSeconds: 0 },
  onSignedOut: () => onUnauthenticated?.(),
})

export const setToken = (t: string | null) => gh.setToken(t)
export const hasToken = () => gh.token() !== null
/** The Authorization header value, for the one XHR upload (fetch has no upload progress). */
export const bearer = () => {
  const t = gh.token()
  return t ? `Bearer ${t}` : null
}
/** Called when the API says the session is gone (401 unauthenticated): the app goes to sign-in. */
export const whenSignedOut = (f: () => void) => {
  onUnauthenticated = f
}

/**
 * The typed client: `api.GET('/v1/admin/incidents/{id}', { params: { path: { id } } })`. A route
 * or answer that changes under a caller breaks the console's build. Failures are thrown as a Problem.
 */
export const api = gh.api

/** The body of a successful answer (failures were thrown as a Problem). */
export const data = async <T>(answer: Promise<{ data?: T }>): Promise<T> => (await answer).data as T

/** The proof-of-work puzzle of a `challenge_required` answer, or null (none, or another answer). */
export const powOf = (p: GatehouseError) => (p.status === 429 ? powOfProblem(p.problem) : null)

/** Query strings as the console always wrote them: empty, null and undefined values left out. */
const query = (params: Record<string, unknown>): string => {
  const u = new URLSearchParams()
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') u.set(k, String(v))
  return u.toString()
}

/** A query string for a URL written by hand (the one XHR upload): `?a=1&b=2`, or nothing. */
export const qs = (params: Record<string, string | number | boolean | undefined | null>): string => {
  const s = query(params)
  return s ? `?${s}` : ''
}

/** Saves text as a file through a blob URL (no navigation, nothing inline). */
export const download = (name: string, text: string, type: string) => {
  const url = URL.createObjectURL(new Blob([text], { type }))
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
