import { randomUUID } from 'node:crypto'
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerOptions,
  type ServerResponse,
} from 'node:http'
import cookie from '@fastify/cookie'
import swagger from '@fastify/swagger'
import Fastify, { type FastifyInstance, type FastifyRequest, LogController } from 'fastify'
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod'
import helmet from 'helmet'
import type { Logger } from 'pino'
import semver from 'semver'
import type { TrustProxy } from '../config/load.js'
import type { RequestContext } from '../kernel/context.js'
import { AppError } from '../kernel/errors.js'
import { localeFromAcceptLanguage } from '../kernel/locale.js'
import type { DependencyFailure } from '../kernel/outages.js'
import type { Metrics } from '../metrics.js'
import { OPERATION_IDS } from './operation-ids.js'
import { createErrorHandler, notFoundHandler, routerErrorOf, sendProblem } from './problem.js'

export type HttpServer = FastifyInstance<
  import('node:http').Server,
  import('node:http').IncomingMessage,
  import('node:http').ServerResponse,
  Logger,
  ZodTypeProvider
>

export interface HttpOptions {
  logger: Logger
  metrics: Metrics
  bodyLimit: number
  trustProxy: TrustProxy
  minClientVersion: string | undefined
  version: string
  /** Called for every request refused as outdated (an event is recorded). */
  onOutdatedClient?: (req: FastifyRequest, version: string) => Promise<void>
  /** Filled in later; consulted for every request before Fastify routes it. */
  fastPaths?: FastPaths
  /** A request met a dependency outage (answered 503 service_unavailable; logged there, once per outage). */
  onOutage?: (failure: DependencyFailure, req: FastifyRequest) => void
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/

/** The request id of a request: a well-formed `X-Request-Id` from a proxy, or a new one. */
export const requestIdOf = (req: IncomingMessage): string => {
  const given = req.headers['x-request-id']
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID()
}

/**
 * A handler that answers some requests to one `GET` URL before the framework sees them. It answers
 * only what it can answer exactly as the route would, and hands everything else on with `next()`
 * (untouched: nothing written, the body not read).
 */
export type FastPath = (req: IncomingMessage, res: ServerResponse, next: () => void) => void

/** Fast paths by exact URL (path and query as sent), for `GET` only. Filled in once the app is built. */
export type FastPaths = Map<string, FastPath>
const utf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * Whether a string is text every store keeps as it is: well-formed UTF-16 (no lone surrogate, which
 * the way to the database would turn into U+FFFD) and no NUL (which PostgreSQL text cannot hold).
 */
export const isStorableText = (s: string): boolean => s.isWellFormed() && !s.includes('\u0000')

/** Whether every string of a parsed JSON value, object keys included, is storable text. Iterative: nesting depth is the body limit's. */
export const isStorableJson = (value: unknown): boolean => {
  const stack: unknown[] = [value]
  while (stack.length > 0) {
    const v = stack.pop()
    if (typeof v === 'string') {
      if (!isStorableText(v)) return false
    } else if (Array.isArray(v)) {
      for (const item of v) stack.push(item)
    } else if (v !== null && typeof v === 'object') {
      for (const [key, item] of Object.entries(v)) {
        if (!isStorableText(key)) return false
        stack.push(item)
      }
    }
  }
  return true
}

const PERCENT_ESCAPES = /(?:%[0-9A-Fa-f]{2})+/g

/**
 * Whether the percent-escapes of a request target (path and query) are well formed and decode to
 * storable text: UTF-8 (a surrogate in UTF-8 form is not), without NUL. Escapes the decoders would leave as they are
 * count as well: a parameter is refused, never passed on in a form the client did not mean.
 */
export const isStorableUrl = (url: string): boolean => {
  if (!url.includes('%')) return true
  // A `%` that does not start an escape (`%ZZ`, `%4` at the end) is malformed.
  if (/%(?![0-9A-Fa-f]{2})/.test(url)) return false
  for (const [run] of url.matchAll(PERCENT_ESCAPES)) {
    let text: string
    try {
      text = utf8.decode(Buffer.from(run.replaceAll('%', ''), 'hex'))
    } catch {
      return false
    }
    if (text.includes('\u0000')) return false
  }
  return true
}

/** The request's who-and-where, for security events. */
export const requestContext = (req: FastifyRequest): RequestContext => {
  const ua = req.headers['user-agent']
  const cv = req.headers['x-client-version']
  return {
    ip: req.ip ?? null,
    userAgent: typeof ua === 'string' ? ua.slice(0, 512) : null,
    clientVersion: typeof cv === 'string' ? cv.slice(0, 64) : null,
    requestId: req.id,
    locale: localeFromAcceptLanguage(req.headers['accept-language']),
  }
}

/** Helmet's headers on every answer; the middleware is built once (the Fastify plugin builds it per request). */
const createSecurityHeaders = () =>
  helmet({
    referrerPolicy: { policy: 'no-referrer' },
    contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  })
type SecurityHeaders = ReturnType<typeof createSecurityHeaders>

/** The server Fastify would make (same timeouts), with the fast paths looked at first. */
const serverWithFastPaths =
  (fast: FastPaths | undefined) =>
  (handler: (req: IncomingMessage, res: ServerResponse) => void, fastifyOptions: unknown): Server => {
    const options = fastifyOptions as {
      http?: ServerOptions
      keepAliveTimeout?: number
      requestTimeout?: number
      connectionTimeout?: number
      maxRequestsPerSocket?: number
    }
    const server = createServer(options.http ?? {}, (req, res) => {
      if (fast && req.method === 'GET' && req.url !== undefined) {
        const path = fast.get(req.url)
        if (path) {
          path(req, res, () => handler(req, res))
          return
        }
      }
      handler(req, res)
    })
    server.keepAliveTimeout = options.keepAliveTimeout ?? 72_000
    server.requestTimeout = options.requestTimeout ?? 0
    server.setTimeout(options.connectionTimeout ?? 0)
    const perSocket = options.maxRequestsPerSocket ?? 0
    if (perSocket > 0) server.maxRequestsPerSocket = perSocket
    return server
  }

/** Fastify itself, with its options: request ids, logging, closing, the router's refusals, the server. */
const createFastify = (opts: HttpOptions, securityHeaders: SecurityHeaders): HttpServer =>
  Fastify({
    loggerInstance: opts.logger,
    bodyLimit: opts.bodyLimit,
    trustProxy: opts.trustProxy,
    // Accept a well-formed X-Request-Id from a proxy; otherwise make one.
    requestIdHeader: false,
    genReqId: requestIdOf,
    logController: new LogController({ requestIdLogLabel: 'request_id', disableRequestLogging: true }),
    // Requests that reach a closing instance are served, or refused with a problem document by the
    // app (src/http/shutdown.ts), never with Fastify's own 503 body.
    return503OnClosing: false,
    routerOptions: { maxParamLength: 200 },
    // Refusals of the router itself (no hook has run): a problem document with the usual headers.
    frameworkErrors: (err, req, reply) => {
      securityHeaders(req.raw, reply.raw, () => {
        reply.header('x-request-id', req.id).header('cache-control', 'no-store')
        sendProblem(routerErrorOf(err), req, reply)
      })
    },
    serverFactory: serverWithFastPaths(opts.fastPaths),
  }).withTypeProvider<ZodTypeProvider>()

/** JSON only, valid UTF-8 only, storable strings only, no prototype poisoning (Fastify's parser refuses __proto__ and constructor.prototype). */
const acceptStrictJson = (app: HttpServer): void => {
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser(['application/json', 'text/plain'])
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
    let text: string
    try {
      text = utf8.decode(body as Buffer)
    } catch {
      done(new AppError('invalid_encoding'), undefined)
      return
    }
    parseJson(req, text, (err, value) => {
      if (err)
        done(new AppError('malformed_json', { detail: 'The request body is not valid JSON' }), undefined)
      else if (!isStorableJson(value))
        done(
          new AppError('invalid_encoding', {
            detail: 'A string in the body holds NUL (U+0000) or a lone surrogate',
          }),
          undefined,
        )
      else done(null, value)
    })
  })
}

/** The first hooks of every request: security headers, then storable path and query parameters. */
const screenRequests = (app: HttpServer, securityHeaders: SecurityHeaders): void => {
  app.addHook('onRequest', (req, reply, done) =>
    securityHeaders(req.raw, reply.raw, (err?: unknown) =>
      done(err === undefined ? undefined : err instanceof Error ? err : new Error(String(err))),
    ),
  )
  // Before any route's own hooks and handler: path and query parameters are storable text.
  app.addHook('onRequest', (req, _reply, done) => {
    if (isStorableUrl(req.raw.url ?? '')) done()
    else
      done(
        new AppError('invalid_encoding', {
          detail: 'The path or query string holds NUL (%00) or escapes that are not UTF-8',
        }),
      )
  })
}

/** The OpenAPI document, built from the routes' schemas. */
const registerOpenApi = (app: HttpServer, version: string) =>
  app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Gatehouse',
        version,
        description: 'Identity and account-security service. Errors are RFC 9457 problem documents.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          cookie: { type: 'apiKey', in: 'cookie', name: 'gh_session' },
        },
      },
    },
    transform: (input) => {
      const out = jsonSchemaTransform(input)
      const method = [input.route.method].flat()[0]
      const key = `${method} ${input.url.replace(/:(\w+)/g, '{$1}')}`
      const operationId = OPERATION_IDS[key]
      return operationId ? { ...out, schema: { ...out.schema, operationId } } : out
    },
  })

/** The request id and no-store on every answer, and a refusal of clients older than `minClientVersion`. */
const checkClientVersion = (app: HttpServer, opts: HttpOptions): void => {
  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id)
    reply.header('cache-control', 'no-store')
    const min = opts.minClientVersion
    if (min) {
      const given = req.headers['x-client-version']
      if (typeof given === 'string') {
        const v = semver.coerce(given)
        if (!v || semver.lt(v, min)) {
          await opts.onOutdatedClient?.(req, given)
          throw new AppError('client_outdated', {
            detail: `Version ${min} or later is required`,
            extensions: { min_version: min },
          })
        }
      }
    }
  })
}

/** Every answer's duration in the metrics; failures (but 503s) in the log. */
const observeResponses = (app: HttpServer, metrics: Metrics): void => {
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched'
    metrics.httpDuration.observe(
      { method: req.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    )
    // 503s are outages and shutdowns, logged once each where they are known, not once per request.
    if (reply.statusCode >= 500 && reply.statusCode !== 503)
      req.log.error({ status: reply.statusCode, route }, 'request failed')
  })
}

/** Fastify with Gatehouse's error model, request ids, strict JSON, metrics and the OpenAPI document. */
export const createHttpServer = async (opts: HttpOptions): Promise<HttpServer> => {
  const securityHeaders = createSecurityHeaders()
  const app = createFastify(opts, securityHeaders)
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  app.setErrorHandler(createErrorHandler(opts.onOutage))
  app.setNotFoundHandler(notFoundHandler)
  acceptStrictJson(app)
  await app.register(cookie)
  screenRequests(app, securityHeaders)
  await registerOpenApi(app, opts.version)
  checkClientVersion(app, opts)
  observeResponses(app, opts.metrics)
  return app
}
