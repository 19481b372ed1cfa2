import type { ErrorCode } from './error-codes.js'

/**
 * A failed answer: Gatehouse's RFC 9457 problem document, with its `code`. A network failure is
 * status 0 and code `network`; a challenge the person cancelled is code `challenge_cancelled`.
 */
export class GatehouseError extends Error {
  override readonly name = 'GatehouseError'
  constructor(
    readonly status: number,
    /** One of Gatehouse's error codes (docs/errors.md), or `network` / `challenge_cancelled`. */
    readonly code: ErrorCode | 'network' | 'challenge_cancelled' | undefined,
    readonly title: string,
    readonly detail: string | undefined,
    /** The whole problem document, with the extensions of its code (`challenge`, `min_version` …). */
    readonly problem: Record<string, unknown> = {},
    /** Seconds to wait before trying again (`Retry-After`), when the answer said. */
    readonly retryAfter: number | null = null,
  ) {
    super(detail ? `${title}: ${detail}` : title)
  }
}

/** The error of a failed answer's status, text and `Retry-After` (anything not JSON reads as the status alone). */
export const errorOf = (status: number, text: string, retryAfter: string | null): GatehouseError => {
  let p: Record<string, unknown> = {}
  try {
    const parsed: unknown = JSON.parse(text)
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) p = parsed as Record<string, unknown>
  } catch {
    // not a problem document
  }
  const wait = retryAfter && /^\d{1,6}$/.test(retryAfter) ? Number(retryAfter) : null
  return new GatehouseError(
    status,
    typeof p.code === 'string' ? (p.code as ErrorCode) : undefined,
    typeof p.title === 'string' ? p.title : `The server answered ${status}`,
    typeof p.detail === 'string' ? p.detail : undefined,
    p,
    wait,
  )
}

/** True when `e` is a GatehouseError with this code: `if (isError(e, 'invalid_credentials')) …`. */
export const isError = (e: unknown, code: GatehouseError['code']): e is GatehouseError =>
  e instanceof GatehouseError && e.code === code
