import type { Locale } from './locale.js'

/** Who did it and from where; filled from the HTTP request. */
export interface RequestContext {
  ip: string | null
  userAgent: string | null
  clientVersion: string | null
  requestId: string | null
  /**
   * The language the request's `Accept-Language` asks for, of those Gatehouse has; null (or absent)
   * when it names none. Messages the request causes are written in it unless the account has one.
   */
  locale?: Locale | null
}

/** The context of work no request asked for (workers, housekeeping). */
export const noContext: RequestContext = { ip: null, userAgent: null, clientVersion: null, requestId: null }
