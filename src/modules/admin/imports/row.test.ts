import { describe, expect, it } from 'vitest'
import { ROLE_RANK } from '../../../kernel/roles.js'
import { readRow } from './row.js'
import { timeOrderedId } from './run.js'

const now = Date.UTC(2026, 0, 1)
const rules = { rank: ROLE_RANK.responder, hashFormat: 'bcrypt', hashParams: undefined, now }
const base = { username: 'Some.User', email: 'Some@Example.org', password_hash: '$2b$04$x' }

describe('reading an account row', () => {
  it('normalises identifiers and reads flags, roles, locales and times', () => {
    const r = readRow(
      3,
      {
        ...base,
        email_verified: 'YES',
        phone: '+14155550123',
        phone_verified: '1',
        role: 'Responder',
        locale: 'de',
        created_at: '1600000000',
      },
      rules,
    )
    expect(r).toMatchObject({
      line: 3,
      username: 'some.user',
      email: 'Some@Example.org',
      emailNorm: 'some@example.org',
      emailVerified: true,
      phone: '+14155550123',
      phoneVerified: true,
      role: 'responder',
      locale: 'de',
      createdAt: 1_600_000_000_000,
      hash: { format: 'bcrypt', hash: '$2b$04$x' },
    })
    expect(readRow(1, { ...base, created_at: '1600000000123' }, rules)).toMatchObject({
      createdAt: 1_600_000_000_123,
    })
    expect(readRow(1, { ...base, created_at: '2020-02-03' }, rules)).toMatchObject({
      createdAt: Date.UTC(2020, 1, 3),
    })
    expect(readRow(1, { ...base, totp_secret: 'jbsw y3dp ehpk 3pxp' }, rules)).toMatchObject({
      totpSecret: 'JBSWY3DPEHPK3PXP',
    })
  })

  it('gives a reason naming the field, never its value', () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ ...base, username: 'x' }, 'the username must be 3 to 32 characters'],
      [{ ...base, email: 'nope' }, 'the email address'],
      [{ ...base, email_verified: 'maybe' }, 'email_verified must be true or false'],
      [{ ...base, phone: '12' }, 'the phone number'],
      [{ ...base, role: 'admin' }, 'ranks above'],
      [{ ...base, role: 'king' }, 'unknown role'],
      [{ ...base, locale: 'fr' }, 'unknown locale'],
      [{ ...base, created_at: '2199-01-01' }, 'created_at'],
      [{ ...base, created_at: 'yesterday' }, 'created_at'],
      [{ ...base, password_format: 'rot13' }, 'unknown password hash format'],
      [{ ...base, totp_secret: 'not base32!' }, 'TOTP secret'],
      [{ username: 'someone', email: 'a@example.org' }, 'no password hash'],
    ]
    for (const [values, reason] of cases) {
      const r = readRow(1, values, rules)
      expect(typeof r, reason).toBe('string')
      expect(r).toContain(reason)
      // A role is named (one of a fixed list); what a person typed never is.
      for (const [k, v] of Object.entries(values))
        if (k !== 'role' && v.length > 4) expect(r).not.toContain(v)
    }
    expect(readRow(1, base, { ...rules, hashFormat: undefined })).toBe('no password hash format')
  })

  it('makes time-ordered UUIDv7 ids', () => {
    const a = timeOrderedId(now)
    const b = timeOrderedId(now + 1)
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(a < b).toBe(true)
  })
})
