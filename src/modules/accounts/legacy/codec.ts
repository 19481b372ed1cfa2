/*
 * Byte encodings met in imported password hashes, decoded strictly: a string that is not what
 * its format says is refused (ImportHashError), never read leniently.
 */

/** Why an imported hash was refused: a reason code, never the hash or any part of it. */
export class ImportHashError extends Error {
  constructor(readonly reason: string) {
    super(`imported password hash refused: ${reason}`)
    this.name = 'ImportHashError'
  }
}

export type ByteEncoding = 'utf8' | 'hex' | 'base64'

const HEX = /^(?:[0-9a-fA-F]{2})*$/
// Standard and URL-safe alphabets, padding optional.
const BASE64 = /^(?:[A-Za-z0-9+/_-]{4})*(?:[A-Za-z0-9+/_-]{2}(?:==)?|[A-Za-z0-9+/_-]{3}=?)?$/
const BASE64URL = /^[A-Za-z0-9_-]*$/

export const fromHex = (s: string, what: string): Buffer => {
  if (!HEX.test(s)) throw new ImportHashError(`${what}_not_hex`)
  return Buffer.from(s, 'hex')
}

/** Standard or URL-safe base64, padded or not. */
export const fromBase64 = (s: string, what: string): Buffer => {
  if (!BASE64.test(s)) throw new ImportHashError(`${what}_not_base64`)
  return Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64')
}

/** passlib's "adapted base64": `.` for `+`, no padding. */
export const fromAb64 = (s: string, what: string): Buffer => {
  if (!/^[A-Za-z0-9./]*$/.test(s)) throw new ImportHashError(`${what}_not_ab64`)
  return fromBase64(s.replace(/\./g, '+'), what)
}

export const decodeBytes = (s: string, encoding: ByteEncoding, what: string): Buffer => {
  if (encoding === 'hex') return fromHex(s, what)
  if (encoding === 'base64') return fromBase64(s, what)
  return Buffer.from(s, 'utf8')
}

/** The stored strings' encoding of bytes: base64url without padding (no `$` can appear). */
export const b64u = (b: Buffer): string => b.toString('base64url')

/** Reads a stored field back; null when it is not base64url. */
export const fromB64u = (s: string | undefined): Buffer | null =>
  s !== undefined && BASE64URL.test(s) ? Buffer.from(s, 'base64url') : null

/** A decimal integer within [min, max], written without leading zeros; null otherwise. */
export const intIn = (s: string | number | undefined, min: number, max: number): number | null => {
  const text = typeof s === 'number' ? String(s) : s
  if (text === undefined || !/^(?:0|[1-9][0-9]{0,9})$/.test(text)) return null
  const n = Number(text)
  return n >= min && n <= max ? n : null
}
