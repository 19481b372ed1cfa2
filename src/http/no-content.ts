import { z } from 'zod'

/** The `response` of a route that succeeds with `204 No Content`, so that the OpenAPI document says so. */
export const noContent = { 204: z.null().describe('Done: no body') }
