/** The parsers of settings: each knows its kind, and so how to say in plain words what it accepts. */
import { z } from 'zod'

/**
 * What a setting accepts, told in plain words: a bad value stops the start with
 * `VARIABLE must be …` from it, whatever check failed, and the test of those
 * lines feeds every setting a bad value of its kind.
 */
export type Kind =
  /** Any text: nothing to check. */
  | { type: 'text' }
  | { type: 'int'; min: number; max: number }
  | { type: 'bool' }
  | { type: 'url'; protocols: readonly string[] }
  /** `POINTS/SECONDS`. */
  | { type: 'rate' }
  | { type: 'choice'; values: readonly string[] }
  /** Any other check; `must` completes "VARIABLE must …". */
  | { type: 'format'; must: string }

export const KIND: unique symbol = Symbol('gatehouse.config.kind')
export type Kinded = { readonly [KIND]: Kind }

const kinded = <T extends z.ZodType>(schema: T, kind: Kind): T & Kinded =>
  Object.assign(schema, { [KIND]: kind })

/** "must be a whole number from 1 to 100", for a setting of this kind. */
export const mustPhrase = (kind: Kind): string => {
  switch (kind.type) {
    case 'text':
      return 'must be text'
    case 'int':
      return `must be a whole number from ${kind.min} to ${kind.max}`
    case 'bool':
      return 'must be true or false'
    case 'url':
      return `must be a URL starting with ${kind.protocols.map((p) => (p === 'mailto:' ? p : `${p}//`)).join(' or ')}`
    case 'rate':
      return 'must be POINTS/SECONDS with both at least 1, such as 20/3600'
    case 'choice':
      return kind.values.length === 2
        ? `must be ${kind.values[0]} or ${kind.values[1]}`
        : `must be one of ${kind.values.join(', ')}`
    case 'format':
      return kind.must
  }
}

export const text = kinded(z.string(), { type: 'text' })
export const bool = kinded(
  z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes'),
  { type: 'bool' },
)
export const int = (min: number, max: number) =>
  kinded(z.string().regex(/^\d+$/).transform(Number).pipe(z.number().int().min(min).max(max)), {
    type: 'int',
    min,
    max,
  })
export const url = (protocols: string[]) =>
  kinded(
    z.string().refine((v) => {
      try {
        return protocols.includes(new URL(v).protocol)
      } catch {
        return false
      }
    }),
    { type: 'url', protocols },
  )
export const choice = <const T extends readonly [string, ...string[]]>(values: T) =>
  kinded(z.enum(values), { type: 'choice', values })
/** A check of its own; `must` says in plain words what passes ("must be …"). */
export const format = <T extends z.ZodType>(schema: T, must: string) =>
  kinded(schema, { type: 'format', must })
export const optional = <T extends z.ZodType & Kinded>(t: T) => kinded(t.optional(), t[KIND])
/** `points/seconds`, e.g. `20/3600` = 20 per hour. */
export const rate = kinded(
  z
    .string()
    .regex(/^\d+\/\d+$/)
    .transform((v) => {
      const [points, seconds] = v.split('/').map(Number) as [number, number]
      return { points, seconds }
    })
    .refine((r) => r.points >= 1 && r.seconds >= 1),
  { type: 'rate' },
)

/** One row of the table. `secret`: its value is never printed, not even in an error. */
export interface Setting {
  readonly env: string
  readonly default: string | undefined
  readonly doc: string
  readonly schema: z.ZodType & Kinded
  readonly secret?: true
}

/** The parsed values of some rows, by key. */
export type Values<R extends Record<string, Setting>> = { readonly [K in keyof R]: z.output<R[K]['schema']> }

/**
 * A section of the configuration: its rows (in the order docs/config.md lists them) and `build`,
 * which turns the parsed values into the settings its module takes. `build` may read rows of other
 * sections too (it is given every parsed value); its parameter names what it reads.
 */
export interface Section<R extends Record<string, Setting>, P, T> {
  readonly title: string
  readonly settings: R
  readonly build: (values: P) => T
}

export const section = <R extends Record<string, Setting>, T, P = Values<R>>(
  title: string,
  settings: R,
  build: (values: P) => T,
): Section<R, P, T> => ({ title, settings, build })
