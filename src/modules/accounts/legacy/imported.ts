import { type ByteEncoding, decodeBytes, fromAb64, fromBase64, ImportHashError, intIn } from './codec.js'
import { FAST_DIGEST_BYTES, type FastDigest, type Pbkdf2Digest, type SaltPosition } from './kdf.js'
import {
  ARGON2,
  argon2Bounded,
  BCRYPT,
  type FastRecipe,
  PBKDF2_MAX_ITERATIONS,
  type StoredImport,
  scryptBounded,
} from './scheme.js'

/*
 * Imported password hashes as an export file gives them, read into what Gatehouse keeps: a slow
 * hash as it is, or a fast hash's bytes with the recipe that recomputes them (to be wrapped).
 */

export type ImportFormat = 'bcrypt' | 'argon2' | 'scrypt' | 'firebase-scrypt' | 'pbkdf2' | FastDigest

/**
 * One imported hash.
 * - bcrypt: `hash` is `$2a$…`, `$2b$…` or `$2y$…`.
 * - argon2: `hash` is an argon2i, argon2d or argon2id PHC string.
 * - scrypt: `hash` and `salt` base64 (or `params.encoding`/`params.saltEncoding`), `params` n, r, p.
 * - firebase-scrypt: `hash` and `salt` base64 as Firebase exports them; `params` signerKey and
 *   saltSeparator (base64), rounds and memCost, from the project's password hash parameters.
 * - pbkdf2: `hash` is Django's `pbkdf2_sha256$iterations$salt$hash` (or pbkdf2_sha1), passlib's
 *   `$pbkdf2-sha256$…` (`$pbkdf2$` is SHA-1, `$pbkdf2-sha512$`), or a raw key (hex, or
 *   `params.encoding`) with `salt` and `params` digest and iterations.
 * - md5, sha1, sha256: `hash` hex (or `params.encoding`), `salt` (UTF-8 text, or
 *   `params.saltEncoding`) placed before (`hash(salt ‖ password)`, the default) or after
 *   (`hash(password ‖ salt)`) the password by `params.saltPosition`; Django's `md5$salt$hex` and
 *   `sha1$salt$hex` are read too (salt before).
 */
export interface ImportedHash {
  format: ImportFormat
  hash: string
  salt?: string
  params?: Record<string, string | number>
}

export type ReadImport = { kept: StoredImport } | { wrap: FastRecipe; bytes: Buffer }

/** OWASP's PBKDF2 iterations (Password Storage Cheat Sheet): below them a PBKDF2 hash is wrapped. */
export const OWASP_PBKDF2_ITERATIONS: Record<Pbkdf2Digest, number> = {
  sha1: 1_300_000,
  sha256: 600_000,
  sha512: 210_000,
}

const fail = (reason: string): never => {
  throw new ImportHashError(reason)
}

const encodingOf = (v: string | number | undefined, fallback: ByteEncoding): ByteEncoding => {
  if (v === undefined) return fallback
  if (v === 'utf8' || v === 'hex' || v === 'base64') return v
  return fail('unknown_encoding')
}

const needInt = (v: string | number | undefined, min: number, max: number, what: string): number =>
  intIn(v, min, max) ?? fail(`${what}_out_of_range`)

const readScrypt = (h: ImportedHash): ReadImport => {
  const p = h.params ?? {}
  const [n, r, par] = [needInt(p.n, 2, 2 ** 20, 'n'), needInt(p.r, 1, 32, 'r'), needInt(p.p, 1, 16, 'p')]
  if (!scryptBounded(n, r, par)) fail('scrypt_parameters_out_of_range')
  const hash = decodeBytes(h.hash, encodingOf(p.encoding, 'base64'), 'hash')
  const salt = decodeBytes(h.salt ?? '', encodingOf(p.saltEncoding, 'base64'), 'salt')
  if (hash.length < 16 || hash.length > 128) fail('hash_length')
  return { kept: { kind: 'scrypt', n, r, p: par, salt, hash } }
}

const readFirebase = (h: ImportedHash): ReadImport => {
  const p = h.params ?? {}
  const memCost = needInt(p.memCost, 1, 20, 'mem_cost')
  const rounds = needInt(p.rounds, 1, 32, 'rounds')
  if (!scryptBounded(2 ** memCost, rounds, 1)) fail('scrypt_parameters_out_of_range')
  const signerKey = fromBase64(String(p.signerKey ?? ''), 'signer_key')
  const saltSeparator = fromBase64(String(p.saltSeparator ?? ''), 'salt_separator')
  const hash = fromBase64(h.hash, 'hash')
  if (signerKey.length === 0 || hash.length !== signerKey.length) fail('hash_length')
  const salt = fromBase64(h.salt ?? '', 'salt')
  return {
    kept: { kind: 'firebase-scrypt', params: { memCost, rounds, signerKey, saltSeparator }, salt, hash },
  }
}

const pbkdf2Read = (
  digest: Pbkdf2Digest,
  iterText: string | number | undefined,
  salt: Buffer,
  hash: Buffer,
) => {
  const iterations = needInt(iterText, 1, PBKDF2_MAX_ITERATIONS, 'iterations')
  if (hash.length < 16 || hash.length > 128) fail('hash_length')
  if (iterations >= OWASP_PBKDF2_ITERATIONS[digest]) {
    return { kept: { kind: 'pbkdf2', digest, iterations, salt, hash } } as ReadImport
  }
  return {
    wrap: { kind: 'pbkdf2', digest, iterations, length: hash.length, salt },
    bytes: hash,
  } as ReadImport
}

const PASSLIB = /^\$pbkdf2(-sha256|-sha512)?\$([0-9]+)\$([A-Za-z0-9./]*)\$([A-Za-z0-9./]+)$/
const DJANGO = /^pbkdf2_(sha1|sha256)\$([0-9]+)\$([^$]*)\$([A-Za-z0-9+/=]+)$/

const readPbkdf2 = (h: ImportedHash): ReadImport => {
  const passlib = PASSLIB.exec(h.hash)
  if (passlib) {
    const digest = (passlib[1]?.slice(1) ?? 'sha1') as Pbkdf2Digest
    return pbkdf2Read(digest, passlib[2], fromAb64(passlib[3]!, 'salt'), fromAb64(passlib[4]!, 'hash'))
  }
  const django = DJANGO.exec(h.hash)
  if (django) {
    const salt = Buffer.from(django[3]!, 'utf8')
    return pbkdf2Read(django[1] as Pbkdf2Digest, django[2], salt, fromBase64(django[4]!, 'hash'))
  }
  const p = h.params ?? {}
  const digest = p.digest
  if (digest !== 'sha1' && digest !== 'sha256' && digest !== 'sha512') return fail('unknown_digest')
  const salt = decodeBytes(h.salt ?? '', encodingOf(p.saltEncoding, 'utf8'), 'salt')
  return pbkdf2Read(digest, p.iterations, salt, decodeBytes(h.hash, encodingOf(p.encoding, 'hex'), 'hash'))
}

const readFast = (digest: FastDigest, h: ImportedHash): ReadImport => {
  const p = h.params ?? {}
  const django = new RegExp(`^${digest}\\$([^$]*)\\$([0-9a-fA-F]+)$`).exec(h.hash)
  const position = p.saltPosition ?? 'before'
  if (position !== 'before' && position !== 'after') return fail('unknown_salt_position')
  const salt = django
    ? Buffer.from(django[1]!, 'utf8')
    : decodeBytes(h.salt ?? '', encodingOf(p.saltEncoding, 'utf8'), 'salt')
  const bytes = decodeBytes(django ? django[2]! : h.hash, encodingOf(p.encoding, 'hex'), 'hash')
  if (bytes.length !== FAST_DIGEST_BYTES[digest]) fail('hash_length')
  return {
    wrap: { kind: 'digest', digest, position: django ? 'before' : (position as SaltPosition), salt },
    bytes,
  }
}

/** Reads one imported hash; throws ImportHashError (a reason code only) when it cannot be used. */
export const readImport = (h: ImportedHash): ReadImport => {
  switch (h.format) {
    case 'bcrypt':
      return BCRYPT.test(h.hash) ? { kept: { kind: 'bcrypt', hash: h.hash } } : fail('not_bcrypt')
    case 'argon2':
      if (!ARGON2.test(h.hash)) return fail('not_argon2')
      return argon2Bounded(h.hash)
        ? { kept: { kind: 'argon2', phc: h.hash } }
        : fail('argon2_parameters_out_of_range')
    case 'scrypt':
      return readScrypt(h)
    case 'firebase-scrypt':
      return readFirebase(h)
    case 'pbkdf2':
      return readPbkdf2(h)
    case 'md5':
    case 'sha1':
    case 'sha256':
      return readFast(h.format, h)
    default:
      return fail('unknown_format')
  }
}
