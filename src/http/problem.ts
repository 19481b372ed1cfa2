import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod'
import { AppError, type ErrorCode, errorCatalog } from '../kernel/errors.js'
import { type DependencyFailure, dependencyFailureOf } from '../kernel/outages.js'

export const PROBLEM_CONTENT_TYPE = 'application/problem+json'

export interface Problem {
  type: string
  title: string
  status: number
  code: ErrorCode
  detail?: string
  instance?: string
  [extension: string]: unknown
}

export const problemType = (code: ErrorCode): string => `urn:gatehouse:problem:${code}`

export const toProblem = (e: AppError, requestId: string): Problem => ({
  ...e.extensions,
  type: problemType(e.code),
  title: e.title,
  status: e.status,
  code: e.code,
  ...(e.message !== e.title ? { detail: e.message } : {}),
  request_id: requestId,
})

/** Fastify's own error codes, mapped to ours; anything else unexpected is a 500. */
const fromFastify = (err: FastifyError): AppError | null => {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('payload_too_large')
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('unsupported_media_type')
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('malformed_json', { detail: 'The body is empty' })
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('malformed_json')
  }
  if (err instanceof SyntaxError || err.message?.includes('prototype')) {
    return new AppError('malformed_json')
  }
  if (typeof err.statusCode === 'number' && err.statusCode === 413) return new AppError('payload_too_large')
  if (typeof err.statusCode === 'number' && err.statusCode === 415)
    return new AppError('unsupported_media_type')
  return null
}

/** Seconds a client is asked to wait after a dependency failed (`Retry-After`). */
export const OUTAGE_RETRY_AFTER_SECONDS = 5

/** The answer to a request that met a dependency outage: nothing about which one, or why. */
export const outageProblem = (): AppError =>
  new AppError('service_unavailable', { headers: { 'retry-after': String(OUTAGE_RETRY_AFTER_SECONDS) } })

/**
 * The only place where errors become HTTP responses. Problem documents carry a
 * stable `code`, never a stack or a cause. A dependency outage (classified by its driver's error
 * code, src/kernel/outages.ts) is `503 service_unavailable` with `Retry-After`, reported to
 * `onOutage` (which logs it once per outage), not logged as a bug.
 */
export const createErrorHandler =
  (onOutage?: (failure: DependencyFailure, req: FastifyRequest) => void) =>
  (err: FastifyError, req: FastifyRequest, reply: FastifyReply): void => {
    // A client's own failure (a body cut off: `aborted`, ECONNRESET) comes with a 4xx status from Fastify.
    const clientSide = typeof err.statusCode === 'number' && err.statusCode < 500
    const outage = err instanceof AppError || clientSide ? null : dependencyFailureOf(err)
    if (outage) {
      onOutage?.(outage, req)
      sendProblem(outageProblem(), req, reply)
      return
    }
    errorHandler(err, req, reply)
  }

export const errorHandler = (err: FastifyError, req: FastifyRequest, reply: FastifyReply): void => {
  let e: AppError
  if (err instanceof AppError) {
    e = err
  } else if (hasZodFastifySchemaValidationErrors(err)) {
    const errors = err.validation.map((v) => ({
      path: `${err.validationContext ?? 'body'}${v.instancePath || ''}`,
      message: v.message ?? 'is not valid',
    }))
    e = new AppError('invalid_request', {
      detail: errors.map((x) => `${x.path}: ${x.message}`).join('; '),
      extensions: { errors },
    })
  } else if (isResponseSerializationError(err)) {
    req.log.error({ err }, 'response does not match its schema')
    e = new AppError('internal_error')
  } else {
    const mapped = fromFastify(err)
    if (mapped) e = mapped
    else {
      req.log.error({ err }, 'unhandled error')
      e = new AppError('internal_error')
    }
  }
  sendProblem(e, req, reply)
}

/** Answers `e` as a problem document (with its headers). */
export const sendProblem = (e: AppError, req: FastifyRequest, reply: FastifyReply): void => {
  for (const [k, v] of Object.entries(e.headers)) reply.header(k, v)
  reply.status(e.status).type(PROBLEM_CONTENT_TYPE).send(toProblem(e, req.id))
}

/**
 * Errors the router meets before any hook runs (Fastify's `frameworkErrors`): a path whose escapes
 * do not decode, a path parameter over the length limit.
 */
export const routerErrorOf = (err: FastifyError): AppError => {
  switch (err.code) {
    case 'FST_ERR_BAD_URL':
      return new AppError('invalid_encoding', {
        detail: 'The path holds NUL (%00) or escapes that are not UTF-8',
      })
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new AppError('invalid_request', { detail: 'A path parameter is too long' })
    default:
      return fromFastify(err) ?? new AppError('internal_error')
  }
}

export const notFoundHandler = (req: FastifyRequest, reply: FastifyReply): void => {
  // The path is not echoed: it may carry what a caller typed.
  const e = new AppError('not_found')
  reply.status(e.status).type(PROBLEM_CONTENT_TYPE).send(toProblem(e, req.id))
}

export const allErrorCodes = Object.keys(errorCatalog) as ErrorCode[]
