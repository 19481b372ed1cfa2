/*
 * The Gatehouse client: one `fetch` for every call, which solves the guard's challenges, waits out
 * short `Retry-After`s, keeps the session and device tokens where they belong, and turns every
 * failed answer into a GatehouseError with its `code`. Calls are typed by Gatehouse's OpenAPI
 * document: the generated functions of operations.ts (`createSession(gh, { body })`), or the
 * path-based `gh.api.POST('/v1/sessions', { body })`.
 */
import createClient, { type Client } from 'openapi-fetch'
import type { CaptchaChallenge } from './challenge.js'
import { captchaOf, powOf } from './challenge.js'
import { errorOf, GatehouseError } from './errors.js'
import type { paths } from './schema.js'
import { ChallengeCancelled, createSolver, type Solver, type SolverOptions } from './solve.js'

/** Where a token is kept: `localStorage`, `sessionStorage`, or anything with these three calls. */
export interface TokenStore {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
  removeItem(key: string): void
}

/** A store that forgets on reload: the default for session tokens. */
export const memoryStore = (): TokenStore => {
  const m = new Map<string, string>()
  return {
    getItem: (k) => m.get(k) ?? null,
    setItem: (k, v) => void m.set(k, v),
    removeItem: (k) => void m.delete(k),
  }
}

export interface GatehouseOptions {
  /** Gatehouse's address, e.g. `https://id.example.com`. Default: the page's own origin. */
  baseUrl?: string
  /**
   * How the session travels. `cookie`: the httpOnly `gh_session` cookie Gatehouse sets (pages on
   * Gatehouse's own site; script never holds the token). `token`: `Authorization: Bearer`, kept in
   * `tokenStore` (Node, a native app's backend, the console). Default: `cookie` in a browser,
   * `token` elsewhere.
   */
  session?: 'cookie' | 'token'
  /** Where the session token is kept in `token` mode. Default: memory (a reload signs out). */
  tokenStore?: TokenStore
  /**
   * Where the device token of a remembered device is kept in `token` mode (sent as
   * `X-Gatehouse-Device`, so a known device is not told about again). Default: `localStorage`
   * where there is one, else memory. In `cookie` mode the `gh_device` cookie does this.
   */
  deviceStore?: TokenStore
  /**
   * The fetch to use (default: the global one). It is called with a Request alone, so a function
   * that takes a Request (to record or adapt requests) will do as well as `fetch` itself.
   */
  fetch?: typeof fetch | ((request: Request) => Promise<Response>)
  /** The language for mails sent from these requests (`Accept-Language`): a tag, or a function. */
  locale?: string | (() => string)
  /** Solves a CAPTCHA the server offers (shows the widget, resolves with its token). Without it, proof of work only. */
  captcha?: (challenge: CaptchaChallenge) => Promise<string>
  /** Proof-of-work solving: where the worker script is, or `workerUrl: false` for the main thread. */
  pow?: SolverOptions
  /**
   * Waiting out `Retry-After` (429 `rate_limited`, 503): a wait of at most `maxWaitSeconds` is
   * waited and the request sent again, up to `attempts` times; a longer one is thrown at once
   * (GatehouseError.retryAfter). Default: 5 seconds, once. `{ maxWaitSeconds: 0 }` never waits.
   */
  retry?: { maxWaitSeconds: number; attempts?: number }
  /** Called when Gatehouse says the session is gone (401 `unauthenticated`). */
  onSignedOut?: () => void
  /** Headers sent with every request (`X-Client-Version`, say). */
  headers?: Record<string, string>
}

export interface Gatehouse {
  /** The path-typed client: `gh.api.GET('/v1/me')`. Failures are thrown as GatehouseError. */
  readonly api: Client<paths>
  /** The proof-of-work solver: subscribe to show progress, cancel to give up. */
  readonly challenges: Solver
  /** Sends a typed call (the generated operations use this); resolves with the answer's body. */
  call<T>(method: string, path: string, init?: object): Promise<T>
  /** A JSON request to a route outside the OpenAPI document, sent like every other. */
  request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T>
  /** The session token in `token` mode (null when signed out or in `cookie` mode). */
  token(): string | null
  /** Keeps (or, with null, forgets) the session token in `token` mode. */
  setToken(token: string | null): void
  readonly mode: 'cookie' | 'token'
}

export const SESSION_KEY = 'gatehouse.session'
export const DEVICE_KEY = 'gatehouse.device'
/** Times one request may meet a challenge: a new puzzle can come back if the first one expired. */
const CHALLENGE_ROUNDS = 3
/** The answers that carry a new session (and perhaps a device token). */
const SIGN_IN_PATHS = /\/v1\/sessions(?:\/mfa|\/passkey)?$/

const defaultDeviceStore = (): TokenStore => {
  try {
    const ls = (globalThis as { localStorage?: TokenStore }).localStorage
    if (ls) return ls
  } catch {
    // storage blocked: memory
  }
  return memoryStore()
}

const sleep = (ms: number, signal: AbortSignal | null) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms)
    signal?.addEventListener('abort', () => {
      clearTimeout(t)
      reject(signal.reason)
    })
  })

/** A body-less POST/PUT/PATCH/DELETE is sent with `{}`, as Gatehouse's JSON routes expect a body. */
const withBody = (request: Request): Request => {
  if (request.method === 'GET' || request.method === 'HEAD' || request.body !== null) return request
  const headers = new Headers(request.headers)
  headers.set('content-type', 'application/json')
  return new Request(request, { body: '{}', headers })
}

/** Query strings without empty, null and undefined values. */
const querySerializer = (params: Record<string, unknown>): string => {
  const u = new URLSearchParams()
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') u.set(k, String(v))
  return u.toString()
}

export const createGatehouse = (options: GatehouseOptions = {}): Gatehouse => {
  const inBrowser = typeof document !== 'undefined'
  const mode = options.session ?? (inBrowser ? 'cookie' : 'token')
  const tokens = options.tokenStore ?? memoryStore()
  const devices = options.deviceStore ?? defaultDeviceStore()
  const fetchFn = options.fetch ?? ((input: Request) => globalThis.fetch(input))
  const retry = { maxWaitSeconds: 5, attempts: 1, ...options.retry }
  const challenges = createSolver(options.pow)
  const baseUrl = (options.baseUrl ?? (inBrowser ? location.origin : '')).replace(/\/+$/, '')
  if (!baseUrl) throw new TypeError('createGatehouse: baseUrl is required outside a browser')

  const prepare = (request: Request, solutions: Record<string, string>): Request => {
    const attempt = request.clone()
    const locale = typeof options.locale === 'function' ? options.locale() : options.locale
    if (locale) attempt.headers.set('accept-language', locale)
    if (mode === 'token') {
      const token = tokens.getItem(SESSION_KEY)
      if (token && !attempt.headers.has('authorization'))
        attempt.headers.set('authorization', `Bearer ${token}`)
      const device = devices.getItem(DEVICE_KEY)
      if (device) attempt.headers.set('x-gatehouse-device', device)
    }
    for (const [name, value] of Object.entries(solutions)) attempt.headers.set(name, value)
    return attempt
  }

  const solve = async (problem: GatehouseError, signal: AbortSignal): Promise<[string, string] | null> => {
    const captcha = captchaOf(problem.problem)
    if (captcha && options.captcha) return [captcha.header.toLowerCase(), await options.captcha(captcha)]
    const pow = powOf(problem.problem)
    if (!pow) return null
    try {
      return [pow.header.toLowerCase(), await challenges.solve(pow, signal)]
    } catch (e) {
      if (e instanceof ChallengeCancelled)
        throw new GatehouseError(
          0,
          'challenge_cancelled',
          'Cancelled',
          'The challenge was not solved, so the request was not sent again.',
        )
      throw e
    }
  }

  /** Keeps the tokens a sign-in answer carries (token mode). */
  const keep = async (request: Request, res: Response) => {
    if (mode !== 'token' || res.status !== 201 || !SIGN_IN_PATHS.test(new URL(request.url).pathname)) return
    if (!(res.headers.get('content-type') ?? '').includes('json')) return
    const body = (await res.clone().json()) as { token?: unknown; device_token?: unknown }
    if (typeof body.token === 'string') tokens.setItem(SESSION_KEY, body.token)
    if (typeof body.device_token === 'string') devices.setItem(DEVICE_KEY, body.device_token)
  }

  const send = async (given: Request): Promise<Response> => {
    const request = withBody(given)
    const solutions: Record<string, string> = {}
    let waits = 0
    for (let round = 0; ; ) {
      let res: Response
      try {
        res = await fetchFn(prepare(request, solutions))
      } catch (e) {
        if (e instanceof Error && e.name === 'AbortError') throw e
        throw new GatehouseError(
          0,
          'network',
          'The server could not be reached',
          'Check the connection and try again.',
        )
      }
      if (res.ok) {
        await keep(request, res)
        return res
      }
      const problem = errorOf(res.status, await res.text(), res.headers.get('retry-after'))
      if (problem.code === 'challenge_required' && round < CHALLENGE_ROUNDS) {
        const solution = await solve(problem, request.signal)
        if (solution) {
          solutions[solution[0]] = solution[1]
          round++
          continue
        }
      }
      const waitable =
        problem.status === 503 || (problem.status === 429 && problem.code !== 'challenge_required')
      if (
        waitable &&
        problem.retryAfter !== null &&
        problem.retryAfter <= retry.maxWaitSeconds &&
        waits < retry.attempts
      ) {
        waits++
        await sleep(problem.retryAfter * 1000, request.signal)
        continue
      }
      if (problem.status === 401 && problem.code === 'unauthenticated') {
        if (mode === 'token') tokens.removeItem(SESSION_KEY)
        options.onSignedOut?.()
      }
      throw problem
    }
  }

  const api = createClient<paths>({
    baseUrl,
    fetch: send,
    querySerializer,
    headers: { accept: 'application/json, application/problem+json, */*', ...options.headers },
    credentials: mode === 'cookie' ? 'include' : 'omit',
    cache: 'no-store',
  })

  const untyped = api as unknown as {
    request(method: string, path: string, init?: object): Promise<{ data?: unknown }>
  }

  return {
    api,
    challenges,
    mode,
    call: async <T>(method: string, path: string, init?: object) =>
      (await untyped.request(method.toUpperCase(), path, init)).data as T,
    request: async <T>(method: 'GET' | 'POST', path: string, body?: unknown) => {
      const res = await send(
        new Request(`${baseUrl}${path}`, {
          method,
          headers: {
            accept: 'application/json, application/problem+json',
            ...options.headers,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          credentials: mode === 'cookie' ? 'include' : 'omit',
          cache: 'no-store',
        }),
      )
      return (await res.json()) as T
    },
    token: () => (mode === 'token' ? tokens.getItem(SESSION_KEY) : null),
    setToken: (t) => (t === null ? tokens.removeItem(SESSION_KEY) : tokens.setItem(SESSION_KEY, t)),
  }
}
