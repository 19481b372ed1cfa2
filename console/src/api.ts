/*
 * The console's only door to Gatehouse: the public admin API, same origin. The session token is
 * kept in this module's memory (never in storage, never in a URL) and sent as a bearer token;
 * a reload asks to sign in again. See docs/console.md.
 */
import { ChallengeCancelled, type PowChallenge, solveChallenge } from './challenge'

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

export interface CallOptions {
  body?: unknown
  /** A raw body (a file) with its content type, instead of JSON. */
  raw?: { data: Blob | string; type: string }
  /** Return the answer's text instead of parsing JSON. */
  text?: boolean
  signal?: AbortSignal
}

/** Times one request may meet a challenge: a new puzzle can come back if the first one expired. */
const CHALLENGE_ROUNDS = 3

/**
 * One API request. An answer `429 challenge_required` with a proof-of-work puzzle is solved in the
 * page (challenge.ts, with visible progress) and the request sent again with the solution, whatever
 * the request: sign-in, its second step, anything the guard screens.
 */
export const call = async <T>(method: string, path: string, opts: CallOptions = {}): Promise<T> => {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json, */*' }
  if (token) headers.authorization = `Bearer ${token}`
  let body: BodyInit | undefined
  if (opts.raw) {
    headers['content-type'] = opts.raw.type
    body = opts.raw.data
  } else if (opts.body !== undefined) {
    headers['content-type'] = 'application/json'
    body = JSON.stringify(opts.body)
  }
  for (let round = 0; ; round++) {
    let res: Response
    try {
      res = await fetch(path, {
        method,
        headers,
        body,
        credentials: 'omit',
        cache: 'no-store',
        ...(opts.signal ? { signal: opts.signal } : {}),
      })
    } catch (e) {
      if (e instanceof DOMException && e.name === 'AbortError') throw e
      throw new Problem(
        0,
        'The server could not be reached',
        'Check the connection and try again.',
        undefined,
      )
    }
    const text = await res.text()
    if (res.ok) {
      if (opts.text) return text as T
      return (text ? JSON.parse(text) : null) as T
    }
    let p: Record<string, unknown> = {}
    try {
      p = JSON.parse(text) as Record<string, unknown>
    } catch {
      // not a problem document
    }
    const problem = new Problem(
      res.status,
      typeof p.title === 'string' ? p.title : `The server answered ${res.status}`,
      typeof p.detail === 'string' ? p.detail : undefined,
      typeof p.code === 'string' ? p.code : undefined,
      p,
    )
    const pow = powOf(problem)
    if (pow && round < CHALLENGE_ROUNDS && !opts.raw) {
      try {
        headers[pow.header.toLowerCase()] = await solveChallenge(pow, opts.signal)
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
      continue
    }
    if (res.status === 401 && problem.code === 'unauthenticated' && token) {
      token = null
      onUnauthenticated?.()
    }
    throw problem
  }
}

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

export const get = <T>(path: string, signal?: AbortSignal) => call<T>('GET', path, signal ? { signal } : {})
export const post = <T>(path: string, body?: unknown) => call<T>('POST', path, { body: body ?? {} })
export const patch = <T>(path: string, body: unknown) => call<T>('PATCH', path, { body })

export const qs = (params: Record<string, string | number | boolean | undefined | null>): string => {
  const u = new URLSearchParams()
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') u.set(k, String(v))
  const s = u.toString()
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
