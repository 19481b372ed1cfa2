import { createHmac, randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createKeys, deriveKey, type KeyPurpose } from './keys.js'

const purposes: KeyPurpose[] = [
  'gatehouse proof of work',
  'gatehouse guard identifiers',
  'gatehouse webauthn user handles',
  'gatehouse login codes',
  'gatehouse recovery codes',
  'gatehouse recovery hints',
]

describe('deriveKey', () => {
  it('is HMAC-SHA256 of the purpose under the secret key, as stored data was derived', () => {
    const secret = randomBytes(32)
    for (const purpose of purposes) {
      const expected = createHmac('sha256', secret).update(purpose).digest()
      expect(deriveKey(secret, purpose).equals(expected)).toBe(true)
      expect(createKeys(secret).derive(purpose).equals(expected)).toBe(true)
    }
  })

  it('keeps the bytes of a known key', () => {
    const secret = Buffer.alloc(32, 7)
    expect(deriveKey(secret, 'gatehouse login codes').toString('hex')).toBe(
      createHmac('sha256', Buffer.alloc(32, 7)).update('gatehouse login codes').digest('hex'),
    )
  })

  it('gives each purpose its own key', () => {
    const secret = randomBytes(32)
    const derived = new Set(purposes.map((p) => deriveKey(secret, p).toString('hex')))
    expect(derived.size).toBe(purposes.length)
  })
})
