/*
 * One request as the client sends it: the session and device tokens and the language added, a
 * challenge solved and the request sent again, a short `Retry-After` waited out, the tokens of a
 * sign-in answer kept, and any other failure thrown as a GatehouseError.
 */
import { captchaOf, powOf } from './challenge.js'
import type { GatehouseOptions, TokenStore } from './client.js'
import { errorOf, GatehouseError } from './errors.js'
import { ChallengeCancelled, type Solver } from './solve.js'

export const SESSION_KEY = 'gatehouse.session'
export const DEVICE_KEY = 'gatehouse.device'
/** Times one request may meet a challenge: a new puzzle can come back if the first one expired. */
const CHALLENGE_ROUNDS = 3
/** The answers that carry a new session (and perhaps a device token). */
const SIGN_IN_PATHS = /\/v1\/sessions(?:\/mfa|\/passkey)?$/

export interface Transport {
  options: GatehouseOptions
  mode: 'cookie' | 'token'
  tokens: TokenStore
  devices: TokenStore
  fetch: (request: Request) => Promise<Response>
  retry: { maxWaitSeconds: number; attempts: number }
  challenges: Solver
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

const prepare = (t: Transport, request: Request, solutions: Record<string, string>): Request => {
  const attempt = request.clone()
  const locale = typeof t.options.locale === 'function' ? t.options.locale() : t.options.locale
  if (locale) attempt.headers.set('accept-language', locale)
  if (t.mode === 'token') {
    const token = t.tokens.getItem(SESSION_KEY)
    if (token && !attempt.headers.has('authorization'))
      attempt.headers.set('authorization', `Bearer ${token}`)
    const device = t.devices.getItem(DEVICE_KEY)
    if (device) attempt.headers.set('x-gatehouse-device', device)
  }
  for (const [name, value] of Object.entries(solutions)) attempt.headers.set(name, value)
  return attempt
}

/** The header and value that answer a challenge (the CAPTCHA hook first, else the proof of work), or null. */
const solve = async (
  t: Transport,
  problem: GatehouseError,
  signal: AbortSignal,
): Promise<[string, string] | null> => {
  const captcha = captchaOf(problem.problem)
  const token = captcha && t.options.captcha ? await t.options.captcha(captcha) : null
  if (captcha && token !== null) return [captcha.header.toLowerCase(), token]
  const pow = powOf(problem.problem)
  if (!pow) return null
  try {
    return [pow.header.toLowerCase(), await t.challenges.solve(pow, signal)]
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
const keep = async (t: Transport, request: Request, res: Response) => {
  if (t.mode !== 'token' || res.status !== 201 || !SIGN_IN_PATHS.test(new URL(request.url).pathname)) return
  if (!(res.headers.get('content-type') ?? '').includes('json')) return
  const body = (await res.clone().json()) as { token?: unknown; device_token?: unknown }
  if (typeof body.token === 'string') t.tokens.setItem(SESSION_KEY, body.token)
  if (typeof body.device_token === 'string') t.devices.setItem(DEVICE_KEY, body.device_token)
}

const reach = async (t: Transport, request: Request): Promise<Response> => {
  try {
    return await t.fetch(request)
  } catch (e) {
    if (e instanceof Error && e.name === 'AbortError') throw e
    throw new GatehouseError(
      0,
      'network',
      'The server could not be reached',
      'Check the connection and try again.',
    )
  }
}

const waitable = (t: Transport, problem: GatehouseError, waits: number): boolean =>
  (problem.status === 503 || (problem.status === 429 && problem.code !== 'challenge_required')) &&
  problem.retryAfter !== null &&
  problem.retryAfter <= t.retry.maxWaitSeconds &&
  waits < t.retry.attempts

/** Sends one request through the transport: resolves with a successful answer, or throws. */
export const send = async (t: Transport, given: Request): Promise<Response> => {
  const request = withBody(given)
  const solutions: Record<string, string> = {}
  let waits = 0
  for (let round = 0; ; ) {
    const res = await reach(t, prepare(t, request, solutions))
    if (res.ok) {
      await keep(t, request, res)
      return res
    }
    const problem = errorOf(res.status, await res.text(), res.headers.get('retry-after'))
    const solution =
      problem.code === 'challenge_required' && round < CHALLENGE_ROUNDS
        ? await solve(t, problem, request.signal)
        : null
    if (solution) {
      solutions[solution[0]] = solution[1]
      round++
      continue
    }
    if (waitable(t, problem, waits)) {
      waits++
      await sleep((problem.retryAfter ?? 0) * 1000, request.signal)
      continue
    }
    if (problem.status === 401 && problem.code === 'unauthenticated') {
      if (t.mode === 'token') t.tokens.removeItem(SESSION_KEY)
      t.options.onSignedOut?.()
    }
    throw problem
  }
}
