/** Who did it and from where; filled from the HTTP request. */
export interface RequestContext {
  ip: string | null
  userAgent: string | null
  clientVersion: string | null
  requestId: string | null
}

/** The context of work no request asked for (workers, housekeeping). */
export const noContext: RequestContext = { ip: null, userAgent: null, clientVersion: null, requestId: null }
