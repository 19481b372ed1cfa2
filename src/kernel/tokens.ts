import { hash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto'

/** An opaque secret of `bytes` random bytes from the CSPRNG, base64url (32 bytes = 256 bits). */
export const newToken = (bytes = 32): string => randomBytes(bytes).toString('base64url')

/** What storage keeps instead of a token: the hex SHA-256 of the exact string presented. */
export const hashToken = (token: string): string => hash('sha256', token, 'hex')

export const newId = (): string => randomUUID()

export const safeEqual = (a: string, b: string): boolean => {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/** Tokens we issue are base64url of 32 bytes; anything else can be refused without a lookup. */
export const looksLikeToken = (s: string): boolean => /^[A-Za-z0-9_-]{43}$/.test(s)
