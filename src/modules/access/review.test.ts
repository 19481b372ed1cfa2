import { describe, expect, it } from 'vitest'
import { DAY } from '../../kernel/clock.js'
import { applicationFlags, csvCell, keyFlags, recommend } from './review.js'

describe('csvCell', () => {
  it('leaves plain text alone and quotes commas, quotes and line breaks', () => {
    expect(csvCell('plain text')).toBe('plain text')
    expect(csvCell('a,b')).toBe('"a,b"')
    expect(csvCell('say "hi"')).toBe('"say ""hi"""')
    expect(csvCell('two\nlines')).toBe('"two\nlines"')
    expect(csvCell('')).toBe('')
  })

  it('turns every cell a spreadsheet would run as a formula into text', () => {
    for (const v of ['=1+1', '+1', '-1', '@SUM(A1)', '\t=1', '\r=1']) {
      expect(csvCell(v).replace(/^"/, '').startsWith(`'`), JSON.stringify(v)).toBe(true)
    }
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`)
    expect(csvCell('a=1')).toBe('a=1')
  })
})

describe('keyFlags and recommend', () => {
  const now = 1_000 * DAY
  it('counts a key never used from its creation, and prefers revoke to rotate', () => {
    const k = { scopes: ['access:write'], createdAt: now - 400 * DAY, lastUsedAt: null, expiresAt: null }
    const flags = keyFlags(k, true, now)
    expect(flags).toEqual(['unused_90d', 'admin_scope', 'key_older_365d', 'never_expires'])
    expect(recommend('api_key', 'active', flags, { ...k, now })).toMatchObject({ action: 'revoke' })
    expect(recommend('api_key', 'rotating', flags, { ...k, now }).action).toBe('none')
  })

  it('flags a fresh key that is used, expires and whose owner has a factor with nothing', () => {
    const k = { scopes: ['audit:read'], createdAt: now - DAY, lastUsedAt: now - 1000, expiresAt: now + DAY }
    expect(keyFlags(k, true, now)).toEqual([])
    expect(keyFlags(k, false, now)).toEqual(['no_second_factor'])
    expect(recommend('api_key', 'active', ['no_second_factor'], { ...k, now }).action).toBe('enrol_factor')
  })
})

describe('applicationFlags', () => {
  const now = 1_000 * DAY
  const tidy = {
    scopes: ['openid', 'profile'],
    ownerAccountId: 'owner',
    requireAcr: 'mfa',
    createdAt: now - DAY,
    lastUsedAt: null,
    secretCreatedAt: now - DAY,
  }

  it('finds nothing in a tidy application', () => {
    expect(applicationFlags(tidy, now)).toEqual([])
  })

  it('flags idleness, broad scopes, no owner, an old secret, sensitive scopes without a second factor', () => {
    expect(applicationFlags({ ...tidy, createdAt: now - 90 * DAY }, now)).toEqual(['unused_90d'])
    expect(
      applicationFlags({ ...tidy, lastUsedAt: now - 89 * DAY, createdAt: now - 400 * DAY }, now),
    ).toEqual([])
    expect(applicationFlags({ ...tidy, scopes: ['openid', 'profile', 'email', 'phone'] }, now)).toEqual([
      'broad_scopes',
    ])
    expect(applicationFlags({ ...tidy, scopes: ['openid', 'offline_access', 'phone'] }, now)).toEqual([
      'broad_scopes',
    ])
    expect(applicationFlags({ ...tidy, scopes: ['openid', 'offline_access'] }, now)).toEqual([])
    expect(applicationFlags({ ...tidy, ownerAccountId: null }, now)).toEqual(['no_owner'])
    expect(applicationFlags({ ...tidy, secretCreatedAt: now - 365 * DAY, lastUsedAt: now }, now)).toEqual([
      'secret_older_365d',
    ])
    expect(applicationFlags({ ...tidy, secretCreatedAt: null }, now)).toEqual([])
    expect(applicationFlags({ ...tidy, scopes: ['openid', 'email'], requireAcr: 'pwd' }, now)).toEqual([
      'no_mfa_required',
    ])
    expect(applicationFlags({ ...tidy, scopes: ['openid', 'profile'], requireAcr: null }, now)).toEqual([])
  })

  it('recommends disabling an idle application, rotating an old secret, nothing for a disabled one', () => {
    const facts = { lastUsedAt: null, createdAt: now - 100 * DAY, now, secretCreatedAt: now - 400 * DAY }
    expect(recommend('oidc_client', 'active', ['unused_90d', 'secret_older_365d'], facts).action).toBe(
      'revoke',
    )
    expect(recommend('oidc_client', 'active', ['secret_older_365d'], facts)).toEqual({
      action: 'rotate',
      reason: 'secret created 400 days ago: rotate it',
    })
    expect(recommend('oidc_client', 'client_disabled', ['unused_90d'], facts).action).toBe('none')
    expect(recommend('oidc_client', 'active', ['no_mfa_required'], facts).reason).toContain('require_acr')
  })
})
