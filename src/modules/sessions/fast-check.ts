import type { IncomingMessage, OutgoingHttpHeader, ServerResponse } from 'node:http'
import { fastifyCookie } from '@fastify/cookie'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { type FastPath, requestIdOf } from '../../http/server.js'
import { iso } from '../../kernel/clock.js'
import { SESSION_COOKIE, tokenInHeaders } from './http-auth.js'
import type { SessionPrincipal, SessionRecord } from './ports.js'
import type { SessionsService } from './service.js'

export const SESSION_CHECK_URL = '/v1/sessions/current'

/** One session as the API shows it. */
export const sessionView = (s: SessionRecord, currentId: string) => ({
  id: s.id,
  current: s.id === currentId,
  device: s.userAgent,
  ip: s.ip,
  created_at: iso(s.createdAt),
  last_seen_at: iso(s.lastSeenAt),
  expires_at: iso(s.expiresAt),
  idle_expires_at: iso(s.idleExpiresAt),
  amr: s.amr,
})

/** The answer of `GET /v1/sessions/current`, in the order of its schema. */
export const currentSessionView = (p: SessionPrincipal) => ({
  account: {
    id: p.account.id,
    username: p.account.username,
    role: p.account.role,
    must_change_password: p.session.restricted,
    mfa_enrolment_required: p.session.mfaEnrolment,
    locale: p.account.locale ?? null,
  },
  session: { ...sessionView(p.session, p.session.id), authenticated_at: iso(p.session.authenticatedAt) },
})

/** Headers that belong to one answer, not to every answer of the route. */
const PER_ANSWER = new Set([
  'x-request-id',
  'content-type',
  'content-length',
  'connection',
  'transfer-encoding',
  'keep-alive',
  'date',
  'set-cookie',
  'www-authenticate',
])

/**
 * `GET /v1/sessions/current` is what every relying service asks on every request it serves, so the
 * answer for a live session is written straight to the socket: the same lookup (and touch) through
 * the sessions service, the same body, the same headers. The headers every answer of the route
 * carries (security headers, cache-control) are learnt from the route's first 200 answered through
 * the framework, so the two cannot drift apart; until then, and for anything else — no token, an
 * unknown or expired one, a client version to check, a body, draining, a failing database — the
 * request goes through the framework as usual, which answers it (401, 426, 503 …) in full.
 */
export class SessionCheckFastPath {
  /** Name, value, name, value …: the form Node writes without copying. */
  #headers: OutgoingHttpHeader[] | null = null
  /** Bodies already written, by principal: the session cache hands out the same object until it changes. */
  readonly #bodies = new WeakMap<SessionPrincipal, string>()
  /** Answers written by the fast path (for tests and metrics). */
  served = 0

  constructor(
    private readonly deps: {
      sessions: SessionsService
      /** False while draining: answers must then carry `Connection: close`, which the framework adds. */
      open: () => boolean
      /** Whether a client version header must be checked (a minimum version is configured). */
      checksClientVersion: boolean
      /** Records the answer's duration, as the framework's hook does for every other answer. */
      observe: (seconds: number) => void
    },
  ) {}

  /** The route's `onSend` hook: learns the headers its 200 answers carry. */
  learn = async (_req: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> => {
    if (this.#headers === null && reply.statusCode === 200) {
      const headers: OutgoingHttpHeader[] = []
      for (const [name, value] of Object.entries(reply.getHeaders())) {
        if (!PER_ANSWER.has(name) && value !== undefined) headers.push(name, value)
      }
      headers.push('content-type', 'application/json; charset=utf-8')
      this.#headers = headers
    }
    return payload
  }

  handle: FastPath = (req, res, next) => {
    const headers = this.#headers
    if (headers === null || !this.eligible(req)) {
      next()
      return
    }
    const token = tokenInHeaders(req.headers.authorization, () => {
      const cookie = req.headers.cookie
      return cookie ? fastifyCookie.parse(cookie)[SESSION_COOKIE] : undefined
    })
    if (token === null) {
      next()
      return
    }
    const started = performance.now()
    const cached = this.deps.sessions.cachedPrincipal(token)
    if (cached !== undefined) {
      this.#answer(req, res, cached, headers, started)
      return
    }
    this.deps.sessions.authenticate(token).then(
      (principal) => {
        if (principal === null) next()
        else this.#answer(req, res, principal, headers, started)
      },
      () => next(),
    )
  }

  #answer(
    req: IncomingMessage,
    res: ServerResponse,
    principal: SessionPrincipal,
    headers: OutgoingHttpHeader[],
    started: number,
  ): void {
    let body = this.#bodies.get(principal)
    if (body === undefined) {
      body = JSON.stringify(currentSessionView(principal))
      this.#bodies.set(principal, body)
    }
    res.writeHead(200, [
      ...headers,
      'x-request-id',
      requestIdOf(req),
      'content-length',
      String(Buffer.byteLength(body)),
    ])
    res.end(body)
    this.served++
    this.deps.observe((performance.now() - started) / 1000)
  }

  private eligible(req: IncomingMessage): boolean {
    const h = req.headers
    return (
      this.deps.open() &&
      h['content-length'] === undefined &&
      h['transfer-encoding'] === undefined &&
      !(this.deps.checksClientVersion && h['x-client-version'] !== undefined)
    )
  }
}
