import { createHmac } from 'node:crypto'

/**
 * What a sub-key of the secret key is for. Each purpose is its own HMAC input: changing one of
 * these strings changes the key, and with it every stored value derived under it (login codes,
 * recovery codes, passkey user handles, guard identifiers, proof-of-work stamps, recovery hints).
 */
export type KeyPurpose =
  | 'gatehouse proof of work'
  | 'gatehouse guard identifiers'
  | 'gatehouse webauthn user handles'
  | 'gatehouse login codes'
  | 'gatehouse recovery codes'
  | 'gatehouse recovery hints'
  | 'gatehouse oidc cookies'

/** The sub-key of `secretKey` for one purpose: HMAC-SHA256 of the purpose under the secret key. */
export const deriveKey = (secretKey: Buffer, purpose: KeyPurpose): Buffer =>
  createHmac('sha256', secretKey).update(purpose).digest()

/** The secret key, handed out only as sub-keys for a purpose each. */
export interface Keys {
  derive(purpose: KeyPurpose): Buffer
}

export const createKeys = (secretKey: Buffer): Keys => ({
  derive: (purpose) => deriveKey(secretKey, purpose),
})
