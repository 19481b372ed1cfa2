import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultPagesDir, loadLogo, PAGE_PATHS, pagesCsp } from '../../src/http/pages-routes.js'
import { databaseKinds } from '../helpers/databases.js'
import { call, createTestServer, type TestServer } from '../helpers/server.js'

/*
 * The account pages' server side: the built app at every path mails link to, under a strict CSP
 * and no Referer; their configuration, with `return_to` answered only when it is allowed (never an
 * open redirect); the password check behind the strength meter, limited per source.
 */

const LOGO_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'

describe('the account pages are served by Gatehouse', () => {
  let server: TestServer
  let logoDir: string
  beforeAll(async () => {
    if (!defaultPagesDir()) {
      const { build } = await import('vite')
      await build({ configFile: join(process.cwd(), 'pages', 'vite.config.ts'), logLevel: 'warn' })
    }
    logoDir = mkdtempSync(join(tmpdir(), 'gatehouse-logo-'))
    writeFileSync(join(logoDir, 'logo.svg'), LOGO_SVG)
    server = await createTestServer('sqlite', { GATEHOUSE_BRAND_LOGO_FILE: join(logoDir, 'logo.svg') })
  })
  afterAll(async () => {
    await server?.close()
  })

  it.each(PAGE_PATHS)('%s answers the app under the strict CSP, with no Referer', async (path) => {
    const res = await call(server, 'GET', `${path}?token=abc`)
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toMatch(/^text\/html/)
    expect(res.body).toContain('<div id="root">')
    const csp = String(res.headers['content-security-policy'])
    expect(csp).toContain("script-src 'self'")
    expect(csp).not.toContain('unsafe-inline')
    expect(csp).not.toContain('unsafe-eval')
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).toContain("connect-src 'self'")
    expect(res.headers['referrer-policy']).toBe('no-referrer')
    expect(res.body).toContain('<meta name="referrer" content="no-referrer"')
    expect(res.headers['cache-control']).toBe('no-cache')
    // No inline script in the page: every script is a file of the build.
    expect(res.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/)
  })

  it('sends / to sign-in', async () => {
    const res = await call(server, 'GET', '/')
    expect(res.status).toBe(302)
    expect(res.headers.location).toBe('/sign-in')
  })

  it('serves the build under /pages/ (hashed files cached for good) and nothing else', async () => {
    const index = await call(server, 'GET', '/sign-in')
    const script = /<script[^>]+src="(\/pages\/assets\/[^"]+\.js)"/.exec(index.body)?.[1]
    expect(script).toBeDefined()
    const js = await call(server, 'GET', script!)
    expect(js.status).toBe(200)
    expect(js.headers['content-type']).toMatch(/^text\/javascript/)
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    for (const path of [
      '/pages/assets/nope.js',
      '/pages/index.html',
      '/pages/.vite/manifest.json',
      '/pages/../package.json',
      '/pages/%2e%2e/package.json',
      '/pages/assets/%2e%2e/%2e%2e/package.json',
      '/sign-in/extra',
      '/security/../../etc/passwd',
    ]) {
      const res = await call(server, 'GET', path)
      expect([404, 400], path).toContain(res.status)
      expect(res.body, path).not.toContain('"dependencies"')
      expect(res.headers['content-type'], path).toMatch(/^application\/problem\+json/)
    }
  })

  it('serves the configured logo from its own origin, under a CSP that runs nothing', async () => {
    const res = await call(server, 'GET', '/pages/brand/logo')
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toMatch(/^image\/svg\+xml/)
    expect(res.body).toBe(LOGO_SVG)
    expect(String(res.headers['content-security-policy'])).toContain('sandbox')
    expect(String(res.headers['content-security-policy'])).toContain("default-src 'none'")
    const config = await call(server, 'GET', '/v1/pages/config')
    expect(config.json.logo_url).toBe('/pages/brand/logo')
  })

  it('refuses a logo that is not an SVG or PNG, too large, or missing, with one line', () => {
    writeFileSync(join(logoDir, 'logo.gif'), 'GIF89a')
    expect(() => loadLogo(join(logoDir, 'logo.gif'))).toThrow(/must be an \.svg or \.png/)
    writeFileSync(join(logoDir, 'big.png'), Buffer.alloc(300 * 1024))
    expect(() => loadLogo(join(logoDir, 'big.png'))).toThrow(/larger than 256 KiB/)
    expect(() => loadLogo(join(logoDir, 'missing.svg'))).toThrow(/cannot be read/)
  })

  it("adds a CAPTCHA provider's origin to the CSP only when one is configured", () => {
    expect(pagesCsp(null)).not.toMatch(/cloudflare|hcaptcha|frame-src/)
    const turnstile = pagesCsp('turnstile')
    expect(turnstile).toContain("script-src 'self' https://challenges.cloudflare.com")
    expect(turnstile).toContain('frame-src https://challenges.cloudflare.com')
    expect(pagesCsp('hcaptcha')).toContain('https://*.hcaptcha.com')
  })
})

describe.each(databaseKinds())('the pages configuration and the password check (%s)', (kind) => {
  let server: TestServer
  beforeAll(async () => {
    server = await createTestServer(kind, {
      GATEHOUSE_BRAND_NAME: 'Acme ID',
      GATEHOUSE_BRAND_ACCENT: '#0B6E4F',
      GATEHOUSE_BRAND_SUPPORT_URL: 'mailto:help@acme.example',
      GATEHOUSE_BRAND_PRIVACY_URL: 'https://acme.example/privacy',
      GATEHOUSE_DEFAULT_LOCALE: 'de',
      GATEHOUSE_RETURN_URLS: 'https://app.acme.example/, https://shop.acme.example/account',
      GATEHOUSE_PASSWORD_MIN_SCORE: '3',
    })
  })
  afterAll(async () => {
    await server?.close()
  })

  it('tells the pages the brand, languages and password rules, never cached', async () => {
    const res = await call(server, 'GET', '/v1/pages/config')
    expect(res.status).toBe(200)
    expect(res.headers['cache-control']).toBe('no-store')
    expect(res.json).toMatchObject({
      product_name: 'Acme ID',
      logo_url: null,
      accent: '#0b6e4f',
      support_url: 'mailto:help@acme.example',
      terms_url: null,
      privacy_url: 'https://acme.example/privacy',
      default_locale: 'de',
      locales: ['en', 'de'],
      password: { min_length: 8, min_score: 3, policy: 'nist-800-63b-3' },
      captcha: null,
      return_to: null,
    })
  })

  it('answers an allowed return_to, resolved', async () => {
    const q = encodeURIComponent('https://shop.acme.example/account/orders?id=7')
    const res = await call(server, 'GET', `/v1/pages/config?return_to=${q}`)
    expect(res.json.return_to).toBe('https://shop.acme.example/account/orders?id=7')
  })

  it.each([
    'https://evil.example/',
    'https://app.acme.example.evil.example/',
    'https://app.acme.example@evil.example/',
    '//evil.example/',
    '/\\evil.example',
    'javascript:alert(document.cookie)',
    'https://shop.acme.example/accounting',
    'https://shop.acme.example/account/../admin',
    'http://app.acme.example/',
    'https://app.acme.example\\@evil.example/',
  ])('never answers %s (no open redirect)', async (target) => {
    const res = await call(server, 'GET', `/v1/pages/config?return_to=${encodeURIComponent(target)}`)
    expect(res.status).toBe(200)
    expect(res.json.return_to).toBeNull()
  })

  it('refuses a return_to that is not text with a problem, not a 500', async () => {
    const res = await call(server, 'GET', '/v1/pages/config?return_to=%ZZ')
    expect(res.status).toBe(400)
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
    const unknown = await call(server, 'GET', '/v1/pages/config?other=1')
    expect(unknown.status).toBe(400)
  })

  it('judges a password by the rules of sign-up, with the score for the meter', async () => {
    const check = (body: Record<string, unknown>) => call(server, 'POST', '/v1/passwords/check', { body })
    expect((await check({ password: 'short' })).json).toMatchObject({
      acceptable: false,
      code: 'password_too_short',
      min_length: 8,
    })
    expect((await check({ password: 'password123' })).json).toMatchObject({
      acceptable: false,
      code: 'password_common',
    })
    expect((await check({ password: 'mallory-rocks-2026', username: 'mallory' })).json).toMatchObject({
      acceptable: false,
      code: 'password_contains_identifier',
    })
    expect((await check({ password: 'tab\there!!x' })).json.code).toBe('password_invalid_characters')
    const weak = await check({ password: 'qwertyuiop1' })
    expect(weak.json.acceptable).toBe(false)
    const strong = await check({ password: 'velvet tractor orbit glacier' })
    expect(strong.status).toBe(200)
    expect(strong.headers['cache-control']).toBe('no-store')
    expect(strong.json).toEqual({ acceptable: true, code: null, score: expect.any(Number), min_length: 8 })
    expect(strong.json.score).toBeGreaterThanOrEqual(3)
    // The same verdict as sign-up gives.
    const signup = await call(server, 'POST', '/v1/accounts', {
      body: { username: 'pagescheck', email: 'pagescheck@example.org', password: 'qwertyuiop1' },
    })
    expect(signup.status).toBe(400)
    expect(signup.json.code).toBe(weak.json.code)
  })

  it('refuses bad bodies with a problem and loses nothing', async () => {
    for (const body of [
      {},
      { password: 5 },
      { password: 'x', extra: true },
      { password: 'x'.repeat(100_001) },
    ]) {
      const res = await call(server, 'POST', '/v1/passwords/check', { body })
      // An over-long body is refused before it is read (413), the rest by the schema (400).
      expect([400, 413], JSON.stringify(body).slice(0, 40)).toContain(res.status)
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
    }
  })

  it('allows 120 checks a minute from one address, then says how long to wait', async () => {
    const ip = kind === 'sqlite' ? '198.51.100.7' : '198.51.100.8'
    const statuses: number[] = []
    for (let i = 0; i < 121; i++) {
      const res = await call(server, 'POST', '/v1/passwords/check', { body: { password: `pw ${i}` }, ip })
      statuses.push(res.status)
      if (res.status === 429) {
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(0)
        expect(res.json.code).toBe('rate_limited')
      }
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(120)
    expect(statuses.at(-1)).toBe(429)
    // Another address is not affected.
    const other = await call(server, 'POST', '/v1/passwords/check', {
      body: { password: 'pw' },
      ip: '203.0.113.9',
    })
    expect(other.status).toBe(200)
  })
})
