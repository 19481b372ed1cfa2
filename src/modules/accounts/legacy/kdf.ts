import { createCipheriv, createHash, pbkdf2, scrypt, timingSafeEqual } from 'node:crypto'
import { promisify } from 'node:util'

/*
 * The computations behind imported password hashes, all from node:crypto (OpenSSL): salted
 * MD5/SHA digests, PBKDF2, scrypt and Firebase's modified scrypt. Each takes the password's
 * UTF-8 bytes and returns the bytes its format compares.
 */

const pbkdf2Async = promisify(pbkdf2)
const scryptAsync = promisify(scrypt) as (
  password: Buffer,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>

export type FastDigest = 'md5' | 'sha1' | 'sha256'
export type Pbkdf2Digest = 'sha1' | 'sha256' | 'sha512'
/** Where a legacy salt goes: before the password (`hash(salt + password)`) or after it. */
export type SaltPosition = 'before' | 'after'

export const FAST_DIGEST_BYTES: Record<FastDigest, number> = { md5: 16, sha1: 20, sha256: 32 }

/** scrypt's memory, 128·N·r bytes, with room: parameters are bounded where they are parsed. */
const SCRYPT_MAXMEM = 300 * 1024 * 1024

export const fastDigest = (
  digest: FastDigest,
  position: SaltPosition,
  salt: Buffer,
  password: Buffer,
): Buffer =>
  createHash(digest)
    .update(position === 'before' ? Buffer.concat([salt, password]) : Buffer.concat([password, salt]))
    .digest()

export const pbkdf2Key = (
  digest: Pbkdf2Digest,
  iterations: number,
  salt: Buffer,
  length: number,
  password: Buffer,
): Promise<Buffer> => pbkdf2Async(password, salt, iterations, length, digest)

export const scryptKey = (
  n: number,
  r: number,
  p: number,
  salt: Buffer,
  length: number,
  password: Buffer,
): Promise<Buffer> => scryptAsync(password, salt, length, { N: n, r, p, maxmem: SCRYPT_MAXMEM })

export interface FirebaseParams {
  /** The project's signer key (bytes). */
  signerKey: Buffer
  /** The project's salt separator (bytes), appended to each account's salt. */
  saltSeparator: Buffer
  /** scrypt's r. */
  rounds: number
  /** log2 of scrypt's N. */
  memCost: number
}

/**
 * Firebase's modified scrypt (github.com/firebase/scrypt): a 64-byte scrypt key of the password
 * over salt ‖ separator (N = 2^memCost, r = rounds, p = 1); its first 32 bytes key AES-256-CTR
 * (counter from zero), which encrypts the signer key: that ciphertext is the account's hash.
 */
export const firebaseScrypt = async (
  params: FirebaseParams,
  salt: Buffer,
  password: Buffer,
): Promise<Buffer> => {
  const key = await scryptKey(
    2 ** params.memCost,
    params.rounds,
    1,
    Buffer.concat([salt, params.saltSeparator]),
    64,
    password,
  )
  const cipher = createCipheriv('aes-256-ctr', key.subarray(0, 32), Buffer.alloc(16))
  return Buffer.concat([cipher.update(params.signerKey), cipher.final()])
}

/** Equal bytes, in time that depends on the length only. */
export const sameBytes = (a: Buffer, b: Buffer): boolean => a.length === b.length && timingSafeEqual(a, b)
