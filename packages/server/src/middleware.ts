import type { IncomingMessage } from 'node:http'
import { GatehouseAuthError, unavailable } from './errors.js'
import type { Guard } from './guards.js'
import type { Principal } from './types.js'
import type { Verifier } from './verifier.js'

/*
 * Framework glue, typed structurally: neither Fastify nor Express is imported, so the package
 * works with whichever the application has (or neither).
 */

/** The refusal of any error: a GatehouseAuthError as it is, anything else as 503 (never a 500 leaking details). */
export const asAuthError = (err: unknown): GatehouseAuthError =>
  err instanceof GatehouseAuthError ? err : unavailable('the credentials could not be checked')

/** A request's principal after every guard: throws the first refusal. */
const principalOf = async (verifier: Verifier, req: IncomingMessage, guards: Guard[]): Promise<Principal> => {
  const p = await verifier.authenticate(req)
  for (const g of guards) g.check(p)
  return p
}

/** Fastify's request, as far as it is read here (its `principal` is typed by the application). */
interface FastifyRequestLike {
  raw: IncomingMessage
}
type WithPrincipal = { principal?: Principal | null }
interface FastifyReplyLike {
  code(status: number): FastifyReplyLike
  headers(values: Record<string, string>): FastifyReplyLike
  type(contentType: string): FastifyReplyLike
  send(payload?: unknown): FastifyReplyLike
}

/**
 * A Fastify `preHandler` that authenticates the request, applies `guards`, and sets
 * `request.principal`; a refusal is answered with its status, `WWW-Authenticate` and a problem
 * document. Use it per route (`{ preHandler: fastifyGatehouse(verifier, requireRole('admin')) }`)
 * or for every route (`app.addHook('preHandler', fastifyGatehouse(verifier))`); with the hook, call
 * `app.decorateRequest('principal', null)` first so that every request has the same shape.
 */
export const fastifyGatehouse = (verifier: Verifier, ...guards: Guard[]) =>
  async function gatehouse(request: FastifyRequestLike, reply: FastifyReplyLike): Promise<unknown> {
    try {
      ;(request as WithPrincipal).principal = await principalOf(verifier, request.raw, guards)
      return undefined
    } catch (err) {
      return refuseFastify(reply, err)
    }
  }

const refuseFastify = (reply: FastifyReplyLike, err: unknown) => {
  const e = asAuthError(err)
  return reply
    .code(e.status)
    .headers({ ...e.headers })
    .type('application/problem+json')
    .send(e.problem)
}

interface ExpressRequestLike extends IncomingMessage {
  principal?: Principal | null
}
interface ExpressResponseLike {
  status(code: number): ExpressResponseLike
  set(values: Record<string, string>): ExpressResponseLike
  type(contentType: string): ExpressResponseLike
  send(body: unknown): unknown
}

/**
 * An Express middleware that authenticates the request, applies `guards` and sets
 * `req.principal`; a refusal is answered with its status, `WWW-Authenticate` and a problem document.
 */
export const expressGatehouse =
  (verifier: Verifier, ...guards: Guard[]) =>
  (req: ExpressRequestLike, res: ExpressResponseLike, next: (err?: unknown) => void): void => {
    principalOf(verifier, req, guards).then(
      (p) => {
        req.principal = p
        next()
      },
      (err: unknown) => {
        const e = asAuthError(err)
        res
          .status(e.status)
          .set({ ...e.headers })
          .type('application/problem+json')
          .send(JSON.stringify(e.problem))
      },
    )
  }

/**
 * A guard as route middleware after `expressGatehouse` (for routes that need more than the rest):
 * `app.get('/admin', expressGuard(requireRole('admin')), handler)`.
 */
export const expressGuard =
  (...guards: Guard[]) =>
  (req: ExpressRequestLike, res: ExpressResponseLike, next: (err?: unknown) => void): void => {
    try {
      if (!req.principal)
        throw new GatehouseAuthError(401, 'invalid_token', 'the request is not authenticated')
      for (const g of guards) g.check(req.principal)
      next()
    } catch (err) {
      const e = asAuthError(err)
      res
        .status(e.status)
        .set({ ...e.headers })
        .type('application/problem+json')
        .send(JSON.stringify(e.problem))
    }
  }

/** The same after `fastifyGatehouse` as a hook: `{ preHandler: fastifyGuard(requireScope('orders')) }`. */
export const fastifyGuard = (...guards: Guard[]) =>
  async function gatehouseGuard(request: FastifyRequestLike, reply: FastifyReplyLike): Promise<unknown> {
    try {
      const principal = (request as WithPrincipal).principal
      if (!principal) throw new GatehouseAuthError(401, 'invalid_token', 'the request is not authenticated')
      for (const g of guards) g.check(principal)
      return undefined
    } catch (err) {
      return refuseFastify(reply, err)
    }
  }

interface FastifyInstanceLike {
  decorateRequest(name: 'principal', value: null): unknown
  addHook(name: 'preHandler', hook: ReturnType<typeof fastifyGatehouse>): unknown
}

/**
 * A Fastify plugin: `await app.register(fastifyGatehousePlugin(verifier))` decorates every request
 * with `principal` (null until authenticated) and authenticates every route registered after it in
 * the same context (guards apply to all of them). It is not encapsulated (as fastify-plugin would
 * mark it), so the routes of the application that registers it are covered.
 */
export const fastifyGatehousePlugin = (verifier: Verifier, ...guards: Guard[]) => {
  const plugin = async (app: FastifyInstanceLike): Promise<void> => {
    app.decorateRequest('principal', null)
    app.addHook('preHandler', fastifyGatehouse(verifier, ...guards))
  }
  return Object.assign(plugin, {
    [Symbol.for('skip-override')]: true,
    [Symbol.for('fastify.display-name')]: '@gatehouse/server',
  })
}

// Express applications read `req.principal` typed: @types/express merges this global namespace into
// its Request (nothing changes where Express's types are not installed).
declare global {
  namespace Express {
    interface Request {
      /** Set by expressGatehouse: who the request's session or token belongs to. */
      principal?: Principal
    }
  }
}
