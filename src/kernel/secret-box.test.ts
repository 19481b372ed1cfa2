import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { SecretBox } from './secret-box.js'

const box = new SecretBox(randomBytes(32))

/** `sealed` with one byte of the ciphertext+tag part flipped. */
const flipByte = (sealed: string, index: number): string => {
  const [v, iv, body] = sealed.split('.') as [string, string, string]
  const bytes = Buffer.from(body, 'base64url')
  bytes[index % bytes.length]! ^= 0x01
  return `${v}.${iv}.${bytes.toString('base64url')}`
}

describe('SecretBox', () => {
  it('round-trips, with and without AAD', () => {
    const sealed = box.seal('JBSWY3DPEHPK3PXP', 'account-a')
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/)
    expect(sealed).not.toContain('JBSWY3DPEHPK3PXP')
    expect(box.open(sealed, 'account-a')).toBe('JBSWY3DPEHPK3PXP')
    expect(box.open(box.seal('héllo ✓'), undefined)).toBe('héllo ✓')
    expect(box.open(box.seal(''), undefined)).toBe('')
  })

  it('throws when any byte of the ciphertext or tag was flipped, or the IV changed', () => {
    const sealed = box.seal('JBSWY3DPEHPK3PXP', 'account-a')
    const length = Buffer.from(sealed.split('.')[2]!, 'base64url').length
    for (let i = 0; i < length; i++) expect(() => box.open(flipByte(sealed, i), 'account-a')).toThrow()
    const [v, iv, body] = sealed.split('.') as [string, string, string]
    const otherIv = Buffer.from(iv, 'base64url')
    otherIv[0]! ^= 0x80
    expect(() => box.open(`${v}.${otherIv.toString('base64url')}.${body}`, 'account-a')).toThrow()
  })

  it('throws when opened with another AAD, without the AAD, or with another key', () => {
    const sealed = box.seal('JBSWY3DPEHPK3PXP', 'account-a')
    expect(() => box.open(sealed, 'account-b')).toThrow()
    expect(() => box.open(sealed)).toThrow()
    expect(() => new SecretBox(randomBytes(32)).open(sealed, 'account-a')).toThrow()
  })

  it('seals the same plaintext differently each time', () => {
    const a = box.seal('same', 'x')
    const b = box.seal('same', 'x')
    expect(a).not.toBe(b)
    expect(a.split('.')[1]).not.toBe(b.split('.')[1])
    expect(box.open(a, 'x')).toBe(box.open(b, 'x'))
  })

  it('refuses malformed values and wrong-size keys', () => {
    for (const bad of [
      '',
      'v1',
      'v1..',
      'v2.AAAAAAAAAAAAAAAA.AAAA',
      'v1.AAAA.AAAAAAAAAAAAAAAAAAAAAAAA',
      'v1.a+b.c/d',
    ]) {
      expect(() => box.open(bad), bad).toThrow()
    }
    expect(() => new SecretBox(randomBytes(16))).toThrow(/32-byte/)
  })
})
