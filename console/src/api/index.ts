/*
 * The console's only door to Gatehouse: the public admin API, same origin, through a fetch client
 * typed by the OpenAPI document the server serves (schema.d.ts, generated: `npm run api:types`).
 * The session token is kept in this module's memory (never in storage, never in a URL) and sent
 * as a bearer token; a reload asks to sign in again. See docs/console.md.
 */
import createClient from 'openapi-fetch'
import { ChallengeCancelled, type PowChallenge, solveChallenge } from '../challenge'
import type { paths } from './schema'

export type * from './types'

/** An RFC 9457 problem answer, or a network failure dressed as one. */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string | undefined,
    readonly code: string | undefined,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail ? `${title}: ${detail}` : title)
  }

  /** A 404 with no detail: the route itself is missing (this server lacks that part of the API). */
  get missingApi(): boolean {
    return this.status === 404 && !this.detail
  }
}

let token: string | null = null
let onUnauthenticated: (() => void) | null = null

export const setToken = (t: string | null) => {
  token = t
}
export const hasToken = () => token !== null
/** The Authorization header value, for the one XHR upload (fetch has no upload progress). */
export const bearer = () => (token ? `Bearer ${token}` : null)
/** Called when the API says the session is gone (401 unauthenticated): the app goes to sign-in. */
export const whenSignedOut = (f: () => void) => {
  onUnauthenticated = f
}

/** Times one request may meet a challenge: a new puzzle can come back if the first one expired. */
const CHALLENGE_ROUNDS = 3

/** The problem document of a failed answer's text (anything else reads as the status alone). */
export const problemOf = (status: number, text: string): Problem => {
  let p: Record<string, unknown> = {}
  try {
    p = JSON.parse(text) as Record<string, unknown>
  } catch {
    // not a problem document
  }
  return new Problem(
    status,
    typeof p.title === 'string' ? p.title : `The server answered ${status}`,
    typeof p.detail === 'string' ? p.detail : undefined,
    typeof p.code === 'string' ? p.code : undefined,
    p,
  )
}

const solved = async (pow: PowChallenge, signal: AbortSignal): Promise<string> => {
  try {
    return await solveChallenge(pow, signal)
  } catch (e) {
    if (e instanceof ChallengeCancelled) {
      throw new Problem(
        0,
        'Cancelled',
        'The challenge was not solved, so the request was not sent again.',
        'challenge_cancelled',
      )
    }
    throw e
  }
}

/** A POST without a body is sent with an empty JSON object, as every console POST always was. */
const withBody = (request: Request): Request => {
  if (request.method !== 'POST' || request.body !== null) return request
  const headers = new Headers(request.headers)
  headers.set('content-type', 'application/json')
  return new Request(request, { body: '{}', headers })
}

/**
 * Sends one API request. An answer `429 challenge_required` with a proof-of-work puzzle is solved
 * in the page (challenge.ts, with visible progress) and the request sent again with the solution,
 * whatever the request: sign-in, its second step, anything the guard screens. Any other failure
 * is thrown as a Problem, so the typed client only ever sees successful answers.
 */
const send = async (given: Request): Promise<Response> => {
  const request = withBody(given)
  const solutions: Record<string, string> = {}
  for (let round = 0; ; round++) {
    const attempt = request.clone()
    if (token) attempt.headers.set('authorization', `Bearer ${token}`)
    for (const [name, value] of Object.entries(solutions)) attempt.headers.set(name, value)
    let res: Response
    try {
      res = await fetch(attempt)
    } catch (e) {
      if (e instanceof DOMException && e.name === 'AbortError') throw e
      throw new Problem(
        0,
        'The server could not be reached',
        'Check the connection and try again.',
        undefined,
      )
    }
    if (res.ok) return res
    const problem = problemOf(res.status, await res.text())
    const pow = powOf(problem)
    if (pow && round < CHALLENGE_ROUNDS) {
      solutions[pow.header.toLowerCase()] = await solved(pow, request.signal)
      continue
    }
    if (res.status === 401 && problem.code === 'unauthenticated' && token) {
      token = null
      onUnauthenticated?.()
    }
    throw problem
  }
}

/** Query strings as the console always wrote them: empty, null and undefined values left out. */
const query = (params: Record<string, unknown>): string => {
  const u = new URLSearchParams()
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') u.set(k, String(v))
  return u.toString()
}

/**
 * The typed client: `api.GET('/v1/admin/incidents/{id}', { params: { path: { id } } })`. A route
 * or answer that changes under a caller breaks the console's build.
 */
export const api = createClient<paths>({
  fetch: send,
  querySerializer: query,
  headers: { accept: 'application/json, application/problem+json, */*' },
  credentials: 'omit',
  cache: 'no-store',
})

/** The body of a successful answer (failures were thrown as a Problem by `send`). */
export const data = async <T>(answer: Promise<{ data?: T }>): Promise<T> => (await answer).data as T

/** The proof-of-work puzzle of a `challenge_required` answer, or null (none, or another answer). */
export const powOf = (p: Problem): PowChallenge | null => {
  if (p.status !== 429 || p.code !== 'challenge_required') return null
  const pow = (p.extra.challenge as { pow?: Partial<PowChallenge> } | undefined)?.pow
  return pow &&
    pow.algorithm === 'sha256-leading-zero-bits' &&
    typeof pow.puzzle === 'string' &&
    typeof pow.difficulty === 'number' &&
    typeof pow.header === 'string'
    ? (pow as PowChallenge)
    : null
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
