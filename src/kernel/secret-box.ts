import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'

const VERSION = 'v1'
const IV_BYTES = 12
const TAG_BYTES = 16
const B64URL = /^[A-Za-z0-9_-]+$/

/**
 * Authenticated encryption of small secrets at rest (AES-256-GCM, random 96-bit IV per seal).
 * Sealed form: `v1.<base64url iv>.<base64url ciphertext+tag>`.
 *
 * `aad` binds a sealed value to where it belongs (second-factor secrets use the account id):
 * it is not stored, must be given again to open, and a value copied to another row does not open.
 */
export class SecretBox {
  readonly #key: Buffer

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error(`SecretBox needs a 32-byte key, got ${key.length} bytes`)
    this.#key = Buffer.from(key)
  }

  seal(plaintext: string, aad?: string): string {
    const iv = randomBytes(IV_BYTES)
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv, { authTagLength: TAG_BYTES })
    if (aad !== undefined) cipher.setAAD(Buffer.from(aad, 'utf8'))
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()])
    return `${VERSION}.${iv.toString('base64url')}.${body.toString('base64url')}`
  }

  /** The plaintext; throws when the value is malformed, was altered, or `aad` differs from sealing. */
  open(sealed: string, aad?: string): string {
    const parts = sealed.split('.')
    if (parts.length !== 3 || parts[0] !== VERSION || !B64URL.test(parts[1]!) || !B64URL.test(parts[2]!)) {
      throw new Error('sealed secret is malformed')
    }
    const iv = Buffer.from(parts[1]!, 'base64url')
    const body = Buffer.from(parts[2]!, 'base64url')
    if (iv.length !== IV_BYTES || body.length < TAG_BYTES) throw new Error('sealed secret is malformed')
    const decipher = createDecipheriv('aes-256-gcm', this.#key, iv, { authTagLength: TAG_BYTES })
    if (aad !== undefined) decipher.setAAD(Buffer.from(aad, 'utf8'))
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES))
    try {
      const out = Buffer.concat([
        decipher.update(body.subarray(0, body.length - TAG_BYTES)),
        decipher.final(),
      ])
      return out.toString('utf8')
    } catch {
      throw new Error('sealed secret does not open: altered, sealed for another record, or another key')
    }
  }
}
