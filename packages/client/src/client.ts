/*
 * The Gatehouse client: one `fetch` for every call, which solves the guard's challenges, waits out
 * short `Retry-After`s, keeps the session and device tokens where they belong, and turns every
 * failed answer into a GatehouseError with its `code`. Calls are typed by Gatehouse's OpenAPI
 * document: the generated functions of operations.ts (`createSession(gh, { body })`), or the
 * path-based `gh.api.POST('/v1/sessions', { body })`.
 */
import createClient, { type Client } from 'openapi-fetch'
import type { CaptchaChallenge } from './challenge.js'
import type { paths } from './schema.js'
import { createSolver, type Solver, type SolverOptions } from './solve.js'
import { SESSION_KEY, send, type Transport } from './transport.js'

export { DEVICE_KEY, SESSION_KEY } from './transport.js'

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
  /**
   * Solves a CAPTCHA the server offers (shows the widget, resolves with its token), or resolves
   * null when it cannot now (no widget shown): the proof of work is solved instead. Without it,
   * proof of work only.
   */
  captcha?: (challenge: CaptchaChallenge) => Promise<string | null>
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

const defaultDeviceStore = (): TokenStore => {
  try {
    const ls = (globalThis as { localStorage?: TokenStore }).localStorage
    if (ls) return ls
  } catch {
    // storage blocked: memory
  }
  return memoryStore()
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
  const baseUrl = (options.baseUrl ?? (inBrowser ? location.origin : '')).replace(/\/+$/, '')
  if (!baseUrl) throw new TypeError('createGatehouse: baseUrl is required outside a browser')
  const t: Transport = {
    options,
    mode,
    tokens: options.tokenStore ?? memoryStore(),
    devices: options.deviceStore ?? defaultDeviceStore(),
    fetch: options.fetch ?? ((input: Request) => globalThis.fetch(input)),
    retry: { maxWaitSeconds: 5, attempts: 1, ...options.retry },
    challenges: createSolver(options.pow),
  }
  const credentials = mode === 'cookie' ? 'include' : 'omit'
  const api = createClient<paths>({
    baseUrl,
    fetch: (request) => send(t, request),
    querySerializer,
    headers: { accept: 'application/json, application/problem+json, */*', ...options.headers },
    credentials,
    cache: 'no-store',
  })
  const untyped = api as unknown as {
    request(method: string, path: string, init?: object): Promise<{ data?: unknown }>
  }
  const request = async <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> => {
    const headers: Record<string, string> = {
      accept: 'application/json, application/problem+json',
      ...options.headers,
    }
    if (body !== undefined) headers['content-type'] = 'application/json'
    const init: RequestInit = { method, headers, credentials, cache: 'no-store' }
    if (body !== undefined) init.body = JSON.stringify(body)
    const res = await send(t, new Request(`${baseUrl}${path}`, init))
    return (await res.json()) as T
  }
  return {
    api,
    challenges: t.challenges,
    mode,
    call: async <T>(method: string, path: string, init?: object) =>
      (await untyped.request(method.toUpperCase(), path, init)).data as T,
    request,
    token: () => (mode === 'token' ? t.tokens.getItem(SESSION_KEY) : null),
    setToken: (token) =>
      token === null ? t.tokens.removeItem(SESSION_KEY) : t.tokens.setItem(SESSION_KEY, token),
  }
}
