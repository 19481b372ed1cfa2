import type { FetchOptions } from 'openapi-fetch'

/** What a call takes: path and query parameters, the body, and any fetch option. */
export type Init<O> = FetchOptions<O>

type Json<R> = R extends { content: { 'application/json': infer B } } ? B : undefined

/** The body of a successful answer (a union when an operation has two, like 200 and 201 of a sign-in). */
export type Success<O> = O extends { responses: infer Rs }
  ? { [K in keyof Rs]: K extends 200 | 201 | 202 | 204 ? Json<Rs[K]> : never }[keyof Rs]
  : never
