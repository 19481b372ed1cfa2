import { randomBytes } from 'node:crypto'
import { newToken } from '../../kernel/tokens.js'
import { API_KEY_PREFIX } from './authorize.js'

const PREFIX_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567'

/**
 * An admin API key: `ghk_<prefix>_<secret>`. The prefix (8 characters, 40 random bits) is shown in
 * lists so that people can tell keys apart; the secret is 32 bytes from the CSPRNG (base64url).
 * Only the SHA-256 of the whole string is stored.
 */
export const newApiKey = (): { key: string; prefix: string } => {
  const bytes = randomBytes(5)
  let bits = 0n
  for (const b of bytes) bits = (bits << 8n) | BigInt(b)
  let prefix = ''
  for (let i = 7; i >= 0; i--) prefix += PREFIX_ALPHABET[Number((bits >> BigInt(i * 5)) & 31n)]
  return { key: `${API_KEY_PREFIX}${prefix}_${newToken(32)}`, prefix }
}

const KEY_SHAPE = /^ghk_([a-z2-7]{8})_[A-Za-z0-9_-]{43}$/

/** The prefix of a well-formed key; null for anything else (refused without a lookup). */
export const keyPrefixOf = (key: string): string | null => KEY_SHAPE.exec(key)?.[1] ?? null
