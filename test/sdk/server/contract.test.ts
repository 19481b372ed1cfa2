import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  ACR,
  allOf,
  DEFAULT_REDIS_PREFIX,
  GatehouseAuthError,
  LruTtlCache,
  type Principal,
  requireFactor,
  requireRole,
  requireScope,
  SESSION_COOKIE,
  tokenKey,
} from '@gatehouse/server'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../../src/config/index.js'
import { ACR_URN } from '../../../src/modules/oidc/acr.js'
import { SESSION_COOKIE as SERVICE_COOKIE } from '../../../src/modules/sessions/http-auth.js'

/*
 * What the server package assumes of Gatehouse — its default Redis prefix, its session cookie, its
 * ACR values — is what Gatehouse does; and the package's own parts (the cache, the guards as
 * predicates) behave as documented.
 */

describe('@gatehouse/server and Gatehouse agree', () => {
  it("listens under Gatehouse's default Redis prefix, reads its cookie, asks for its ACR values", () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-sdk-contract-'))
    try {
      const config = loadConfig({
        GATEHOUSE_DATA_DIR: dir,
        GATEHOUSE_SECRET_KEY: Buffer.alloc(32, 3).toString('base64'),
      })
      expect(DEFAULT_REDIS_PREFIX).toBe(config.redis.prefix)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
    expect(SESSION_COOKIE).toBe(SERVICE_COOKIE)
    expect(ACR).toEqual({ mfa: ACR_URN.mfa, 'phishing-resistant': ACR_URN.phr })
  })
})

describe('the cache', () => {
  it('drops the least recently used entry when full, and an entry whose time is up', () => {
    const c = new LruTtlCache<number>(2)
    c.set('a', 1, 1000)
    c.set('b', 2, 1000)
    expect(c.get('a', 0)).toBe(1) // a is now the most recently used
    c.set('c', 3, 1000)
    expect([c.get('a', 0), c.get('b', 0), c.get('c', 0)]).toEqual([1, undefined, 3])
    expect(c.get('a', 1000)).toBeUndefined()
    expect(c.size).toBe(1)
    expect(() => new LruTtlCache(0)).toThrow(TypeError)
  })

  it('keys tokens by their SHA-256, never by the token', () => {
    const token = 'a-session-token-of-forty-three-characters-x'
    expect(tokenKey(token)).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(tokenKey(token)).not.toContain(token.slice(0, 8))
    expect(tokenKey(token)).toBe(tokenKey(token))
  })
})

describe('the guards', () => {
  const principal = (over: Partial<Principal>): Principal => ({
    kind: 'access_token',
    subject: 'acc',
    accountId: 'acc',
    roles: [],
    amr: ['pwd'],
    scopes: [],
    expiresAt: Date.now() + 60_000,
    ...over,
  })
  const refusal = (f: () => void) => {
    try {
      f()
    } catch (err) {
      return err as GatehouseAuthError
    }
    throw new Error('expected a refusal')
  }

  it('tell a second factor and a passkey apart (RFC 8176 methods)', () => {
    const mfa = requireFactor('mfa')
    const phr = requireFactor('phishing-resistant')
    expect(
      [['pwd'], ['pwd', 'otp', 'mfa'], ['hwk'], ['swk', 'mfa']].map((amr) => mfa.test(principal({ amr }))),
    ).toEqual([false, true, true, true])
    expect(
      [['pwd', 'otp', 'mfa'], ['hwk'], ['pwd', 'swk', 'mfa']].map((amr) => phr.test(principal({ amr }))),
    ).toEqual([false, true, true])
    const e = refusal(() => phr.check(principal({ amr: ['pwd', 'otp', 'mfa'] })))
    expect(e).toBeInstanceOf(GatehouseAuthError)
    expect([e.status, e.code, e.acrValues]).toEqual([403, 'insufficient_user_authentication', ACR_URN.phr])
    expect(() => requireFactor('sms' as never)).toThrow(TypeError)
  })

  it('check roles and scopes; a session passes any scope; allOf refuses with the first failure', () => {
    expect(requireRole('admin', 'auditor').test(principal({ roles: ['auditor'] }))).toBe(true)
    expect(requireRole('admin').test(principal({ roles: ['user'] }))).toBe(false)
    const scope = requireScope('orders:read', 'profile')
    expect(scope.test(principal({ scopes: ['profile', 'orders:read', 'openid'] }))).toBe(true)
    expect(scope.test(principal({ scopes: ['profile'] }))).toBe(false)
    expect(scope.test(principal({ kind: 'session' }))).toBe(true)
    const e = refusal(() => scope.check(principal({ scopes: ['profile'] })))
    expect(e.headers['www-authenticate']).toBe(
      'Bearer error="insufficient_scope", error_description="the access token lacks a scope: orders:read profile", scope="orders:read profile"',
    )
    const both = allOf(requireFactor('mfa'), requireRole('admin'))
    expect(refusal(() => both.check(principal({ roles: ['admin'] }))).code).toBe(
      'insufficient_user_authentication',
    )
    expect(both.test(principal({ roles: ['admin'], amr: ['hwk'] }))).toBe(true)
  })
})
