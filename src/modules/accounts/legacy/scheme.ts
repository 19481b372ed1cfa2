import { b64u, fromB64u, intIn } from './codec.js'
import type { FastDigest, FirebaseParams, Pbkdf2Digest, SaltPosition } from './kdf.js'

/*
 * What `accounts.password_hash` holds for an imported password, and its grammar. Every imported
 * form starts with `$gh$` and a scheme name; bytes are base64url without padding, numbers decimal.
 *
 *   kept as imported (a slow hash, verified as it is):
 *     $gh$bcrypt$2b$12$…                     the bcrypt string ($2a$, $2b$ or $2y$) after `$gh$bcrypt`
 *     $gh$argon2$argon2id$v=19$m=…           an argon2i/d/id PHC string after `$gh$argon2`
 *     $gh$scrypt$N$r$p$salt$hash
 *     $gh$firebase-scrypt$memCost$rounds$saltSeparator$signerKey$salt$hash
 *     $gh$pbkdf2-sha1|sha256|sha512$iterations$salt$hash   (at or above OWASP's iterations)
 *   wrapped (a fast hash, never stored: argon2id of its bytes in lowercase hex, with what recomputes them):
 *     $gh$wrap-md5|sha1|sha256$before|after$salt$argon2id$v=19$…     hash(salt ‖ pw) or hash(pw ‖ salt)
 *     $gh$wrap-pbkdf2-sha1|sha256|sha512$iterations$length$salt$argon2id$v=19$…
 *
 * The scheme name is the `format` label of the imported-hash count. A plain `$argon2id$…` (no
 * prefix) is a hash Gatehouse made itself.
 */

export const IMPORTED_PREFIX = '$gh$'

/** Every scheme name, which is also the label the imported hashes are counted by. */
export const IMPORTED_SCHEMES = [
  'bcrypt',
  'argon2',
  'scrypt',
  'firebase-scrypt',
  'pbkdf2-sha1',
  'pbkdf2-sha256',
  'pbkdf2-sha512',
  'wrap-md5',
  'wrap-sha1',
  'wrap-sha256',
  'wrap-pbkdf2-sha1',
  'wrap-pbkdf2-sha256',
  'wrap-pbkdf2-sha512',
] as const
export type ImportedScheme = (typeof IMPORTED_SCHEMES)[number]

/** A fast hash's recipe: what recomputes its bytes from a password. */
export type FastRecipe =
  | { kind: 'digest'; digest: FastDigest; position: SaltPosition; salt: Buffer }
  | { kind: 'pbkdf2'; digest: Pbkdf2Digest; iterations: number; length: number; salt: Buffer }

export type StoredImport =
  | { kind: 'bcrypt'; hash: string }
  | { kind: 'argon2'; phc: string }
  | { kind: 'scrypt'; n: number; r: number; p: number; salt: Buffer; hash: Buffer }
  | { kind: 'firebase-scrypt'; params: FirebaseParams; salt: Buffer; hash: Buffer }
  | { kind: 'pbkdf2'; digest: Pbkdf2Digest; iterations: number; salt: Buffer; hash: Buffer }
  | { kind: 'wrapped'; recipe: FastRecipe; phc: string }

/* Bounds: what a login may be made to compute for one imported hash. */
export const BCRYPT = /^\$2[aby]\$(0[4-9]|1[0-8])\$[./A-Za-z0-9]{53}$/
export const ARGON2 =
  /^\$argon2(?:i|d|id)\$(?:v=(?:16|19)\$)?m=([0-9]{1,7}),t=([0-9]{1,2}),p=([0-9]{1,2})\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/
const WRAP_PHC = /^\$argon2id\$v=19\$m=[0-9]+,t=[0-9]+,p=[0-9]+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/

export const argon2Bounded = (phc: string): boolean => {
  const m = ARGON2.exec(phc)
  if (!m) return false
  const [mem, t, p] = [Number(m[1]), Number(m[2]), Number(m[3])]
  return mem >= 8 * p && mem <= 262_144 && t >= 1 && t <= 16 && p >= 1 && p <= 16
}

/** scrypt's N a power of two up to 2^20, r ≤ 32, p ≤ 16, memory (128·N·r) ≤ 256 MiB. */
export const scryptBounded = (n: number, r: number, p: number): boolean =>
  n >= 2 &&
  n <= 2 ** 20 &&
  (n & (n - 1)) === 0 &&
  r >= 1 &&
  r <= 32 &&
  p >= 1 &&
  p <= 16 &&
  128 * n * r <= 2 ** 28

export const PBKDF2_MAX_ITERATIONS = 10_000_000
const PBKDF2_DIGESTS = ['sha1', 'sha256', 'sha512'] as const
const FAST_DIGESTS = ['md5', 'sha1', 'sha256'] as const

const join = (...parts: Array<string | number>): string => parts.join('$')

export const encodeStored = (s: StoredImport): string => {
  const p = IMPORTED_PREFIX
  switch (s.kind) {
    case 'bcrypt':
      return `${p}bcrypt${s.hash}`
    case 'argon2':
      return `${p}argon2${s.phc}`
    case 'scrypt':
      return p + join('scrypt', s.n, s.r, s.p, b64u(s.salt), b64u(s.hash))
    case 'firebase-scrypt': {
      const f = s.params
      const parts = [
        f.memCost,
        f.rounds,
        b64u(f.saltSeparator),
        b64u(f.signerKey),
        b64u(s.salt),
        b64u(s.hash),
      ]
      return p + join('firebase-scrypt', ...parts)
    }
    case 'pbkdf2':
      return p + join(`pbkdf2-${s.digest}`, s.iterations, b64u(s.salt), b64u(s.hash))
    case 'wrapped': {
      const r = s.recipe
      const head =
        r.kind === 'digest'
          ? join(`wrap-${r.digest}`, r.position, b64u(r.salt))
          : join(`wrap-pbkdf2-${r.digest}`, r.iterations, r.length, b64u(r.salt))
      return p + head + s.phc
    }
  }
}

/** The scheme name of a stored imported hash; null for Gatehouse's own hashes and anything else. */
export const importedScheme = (stored: string): ImportedScheme | null => {
  if (!stored.startsWith(IMPORTED_PREFIX)) return null
  const name = stored.slice(IMPORTED_PREFIX.length).split('$', 1)[0]
  return (IMPORTED_SCHEMES as readonly string[]).includes(name!) ? (name as ImportedScheme) : null
}

const decodeKept = (scheme: ImportedScheme, body: string, f: string[]): StoredImport | null => {
  if (scheme === 'bcrypt') return BCRYPT.test(body) ? { kind: 'bcrypt', hash: body } : null
  if (scheme === 'argon2') return argon2Bounded(body) ? { kind: 'argon2', phc: body } : null
  if (scheme === 'scrypt' && f.length === 6) {
    const [n, r, p] = [intIn(f[1], 2, 2 ** 20), intIn(f[2], 1, 32), intIn(f[3], 1, 16)]
    const [salt, hash] = [fromB64u(f[4]), fromB64u(f[5])]
    if (n === null || r === null || p === null || !salt || !hash || !scryptBounded(n, r, p)) return null
    return hash.length >= 16 ? { kind: 'scrypt', n, r, p, salt, hash } : null
  }
  if (scheme === 'firebase-scrypt' && f.length === 7) {
    const [memCost, rounds] = [intIn(f[1], 1, 20), intIn(f[2], 1, 32)]
    const [saltSeparator, signerKey, salt, hash] = f.slice(3).map(fromB64u)
    if (memCost === null || rounds === null || !saltSeparator || !signerKey || !salt || !hash) return null
    if (!scryptBounded(2 ** memCost, rounds, 1) || signerKey.length === 0 || hash.length !== signerKey.length)
      return null
    return { kind: 'firebase-scrypt', params: { memCost, rounds, saltSeparator, signerKey }, salt, hash }
  }
  const digest = PBKDF2_DIGESTS.find((d) => scheme === `pbkdf2-${d}`)
  if (digest && f.length === 4) {
    const [iterations, salt, hash] = [intIn(f[1], 1, PBKDF2_MAX_ITERATIONS), fromB64u(f[2]), fromB64u(f[3])]
    if (iterations === null || !salt || !hash || hash.length < 16 || hash.length > 128) return null
    return { kind: 'pbkdf2', digest, iterations, salt, hash }
  }
  return null
}

const decodeWrapped = (scheme: ImportedScheme, f: string[]): StoredImport | null => {
  const fast = FAST_DIGESTS.find((d) => scheme === `wrap-${d}`)
  if (fast) {
    const [position, salt, phc] = [f[1], fromB64u(f[2]), `$${f.slice(3).join('$')}`]
    if ((position !== 'before' && position !== 'after') || !salt || !WRAP_PHC.test(phc)) return null
    return { kind: 'wrapped', recipe: { kind: 'digest', digest: fast, position, salt }, phc }
  }
  const digest = PBKDF2_DIGESTS.find((d) => scheme === `wrap-pbkdf2-${d}`)
  if (!digest) return null
  const [iterations, length, salt] = [
    intIn(f[1], 1, PBKDF2_MAX_ITERATIONS),
    intIn(f[2], 16, 128),
    fromB64u(f[3]),
  ]
  const phc = `$${f.slice(4).join('$')}`
  if (iterations === null || length === null || !salt || !WRAP_PHC.test(phc)) return null
  return { kind: 'wrapped', recipe: { kind: 'pbkdf2', digest, iterations, length, salt }, phc }
}

/** Reads a stored imported hash; null when it is not one or is malformed. */
export const decodeStored = (stored: string): StoredImport | null => {
  const scheme = importedScheme(stored)
  if (!scheme) return null
  const body = stored.slice(IMPORTED_PREFIX.length + scheme.length)
  const fields = body.split('$') // fields[0] is '' (the `$` after the scheme name)
  return scheme.startsWith('wrap-') ? decodeWrapped(scheme, fields) : decodeKept(scheme, body, fields)
}
