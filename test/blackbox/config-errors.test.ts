import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Fastify from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConfigError, loadConfig, settings, trustProxyOption } from '../../src/config/index.js'
import { KIND, type Kind } from '../../src/config/schema.js'
import { runCli } from '../helpers/process.js'

/** The settings that take any text: no value of theirs is bad. A new one must be added here on purpose. */
const ANY_TEXT = [
  'GATEHOUSE_HOST',
  'GATEHOUSE_METRICS_HOST',
  'GATEHOUSE_DATA_DIR',
  'GATEHOUSE_SMS_ACCOUNT_SID',
  'GATEHOUSE_SMS_AUTH_TOKEN',
  'GATEHOUSE_SMS_FROM',
  'GATEHOUSE_CAPTCHA_SECRET',
  'GATEHOUSE_CAPTCHA_SITE_KEY',
]

/** Bad values for the settings with a check of their own (kind `format`). */
const BAD_FORMAT: Record<string, string[]> = {
  GATEHOUSE_METRICS_PORT: ['70000', 'none'],
  GATEHOUSE_METRICS_TOKEN: ['a-token-of-31-characters-000000'],
  GATEHOUSE_REDIS_PREFIX: ['x'.repeat(65)],
  GATEHOUSE_MAIL_FROM: ['x', 'Gatehouse\r\nBcc: victim@example.com'],
  GATEHOUSE_MIN_CLIENT_VERSION: ['latest'],
  GATEHOUSE_TRUST_PROXY: ['maybe', '10.0.0.0/33', '10.0.0.1,,10.0.0.2', '10.0.0.0/255.0.255.0'],
  GATEHOUSE_SECRET_KEY: ['c2hvcnQ='],
  GATEHOUSE_WEBAUTHN_RP_ID: ['Example.COM', 'https://example.com'],
  GATEHOUSE_WEBAUTHN_RP_NAME: ['x'.repeat(65)],
  GATEHOUSE_WEBAUTHN_ORIGINS: ['https://id.example.com/login'],
  GATEHOUSE_GEOIP_DB: ['/nonexistent/GeoLite2-City.mmdb', '/etc/hostname'],
  GATEHOUSE_MFA_REQUIRED_ROLES: ['admin,root'],
  GATEHOUSE_PHONE_DEFAULT_REGION: ['GBR'],
  GATEHOUSE_BRAND_NAME: ['x'.repeat(65), 'Acme\r\nBcc: victim@example.com'],
  GATEHOUSE_BRAND_LOGO_FILE: ['/nonexistent/logo.svg', '/etc/hostname'],
  GATEHOUSE_BRAND_ACCENT: ['blue', '#12345'],
  GATEHOUSE_RETURN_URLS: [
    'javascript:alert(1)',
    'https://app.example.com/?next=1',
    'https://u:p@app.example.com/',
  ],
  GATEHOUSE_OIDC_RESOURCE_SERVERS: [
    'javascript:alert(1)',
    'https://u:p@api.example.com/',
    'https://api.example.com/#x',
  ],
}

/** Values a setting of this kind refuses, derived from the kind. */
const badValues = (env: string, kind: Kind): string[] => {
  switch (kind.type) {
    case 'text':
      return []
    case 'int':
      return [String(kind.max + 1), '-5', '1.5', 'ten', ...(kind.min > 0 ? [String(kind.min - 1)] : [])]
    case 'bool':
      return ['maybe', 'TRUE!']
    case 'url':
      // The second carries a password: it must not be printed.
      return ['not a url', 'ftp://gatehouse:hunter2@files.example.com/x']
    case 'rate':
      return ['20 per hour', '0/60', '20/0']
    case 'choice':
      return ['nonsense']
    case 'format':
      return BAD_FORMAT[env] ?? []
  }
}

const all = Object.values(settings)
const checked = all.filter((s) => s.schema[KIND].type !== 'text')
const cases = checked.flatMap((s) =>
  badValues(s.env, s.schema[KIND]).map((bad) => ({
    env: s.env,
    bad,
    // Secrets, and URLs that may carry a password, are never printed.
    hidden: ('secret' in s && s.secret === true) || (s.schema[KIND].type === 'url' && bad.includes('@')),
  })),
)

/** What a line must not read like: a stack frame, or a validator's wording. */
const JARGON = /(^|\n)\s*at |expected|too big|too small|invalid|zod|issue/i

const problemsOf = (env: Record<string, string>): readonly string[] => {
  try {
    loadConfig(env)
  } catch (e) {
    if (e instanceof ConfigError) return e.problems
    throw e
  }
  return []
}

describe('configuration errors', () => {
  it('knows the kind of every setting, and which take any text', () => {
    expect(all.filter((s) => s.schema[KIND].type === 'text').map((s) => s.env)).toEqual(ANY_TEXT)
    const formats: string[] = all.filter((s) => s.schema[KIND].type === 'format').map((s) => s.env)
    expect(formats.filter((env) => !BAD_FORMAT[env]?.length)).toEqual([])
    expect(Object.keys(BAD_FORMAT).filter((env) => !formats.includes(env))).toEqual([])
    expect(checked.length).toBeGreaterThan(100)
    // Every default is good.
    expect(problemsOf({})).toEqual([])
  })

  it.each(cases)('$env=$bad: one plain line naming the variable', ({ env, bad, hidden }) => {
    const problems = problemsOf({ [env]: bad })
    expect(problems).toHaveLength(1)
    const line = problems[0] as string
    expect(line.startsWith(`${env} must `)).toBe(true)
    expect(line).not.toContain('\n')
    expect(line).not.toMatch(JARGON)
    if (hidden) {
      expect(line).toContain('(value hidden')
      expect(line).not.toContain(bad)
      expect(line).not.toContain('hunter2')
    } else {
      expect(line).toContain(
        `(got ${/^[\x21-\x7e]+$/.test(bad) ? bad.slice(0, 57) : JSON.stringify(bad).slice(0, 20)}`,
      )
    }
  })

  it('gives one line for each bad setting when many are bad at once, in the order of the table', () => {
    const env = Object.fromEntries(cases.map((c) => [c.env, c.bad]))
    const problems = problemsOf(env)
    expect(problems.map((p) => p.split(' ')[0])).toEqual(checked.map((s) => s.env))
  })

  it('says which of two related settings is wrong, with both values', () => {
    expect(
      problemsOf({ GATEHOUSE_SESSION_IDLE_TTL: '50000', GATEHOUSE_SESSION_ABSOLUTE_TTL: '43200' }),
    ).toEqual([
      'GATEHOUSE_SESSION_IDLE_TTL must not exceed GATEHOUSE_SESSION_ABSOLUTE_TTL (got 50000 and 43200)',
    ])
    expect(problemsOf({ GATEHOUSE_CAPTCHA_PROVIDER: 'turnstile' })).toEqual([
      'GATEHOUSE_CAPTCHA_PROVIDER turnstile needs GATEHOUSE_CAPTCHA_SECRET and GATEHOUSE_CAPTCHA_SITE_KEY: set both, or set the provider to off',
    ])
    // A bad value is reported alone: no second line about a comparison it cannot take part in.
    expect(
      problemsOf({ GATEHOUSE_SESSION_IDLE_TTL: 'long', GATEHOUSE_SESSION_ABSOLUTE_TTL: '300' }),
    ).toHaveLength(1)
  })

  it('accepts exactly the forms of GATEHOUSE_TRUST_PROXY that Fastify accepts', () => {
    const fastifyTakes = (v: string) => {
      try {
        Fastify({ trustProxy: trustProxyOption(v) })
        return true
      } catch {
        return false
      }
    }
    for (const good of [
      'true',
      'no',
      '2',
      '10.0.0.1',
      '10.0.0.0/8, loopback',
      '192.168.0.0/255.255.0.0',
      'fd00::/8',
    ]) {
      expect(problemsOf({ GATEHOUSE_TRUST_PROXY: good }), good).toEqual([])
      expect(fastifyTakes(good), good).toBe(true)
    }
    for (const bad of BAD_FORMAT.GATEHOUSE_TRUST_PROXY ?? []) {
      expect(problemsOf({ GATEHOUSE_TRUST_PROXY: bad }), bad).toHaveLength(1)
      expect(fastifyTakes(bad), bad).toBe(false)
    }
  })
})

describe('configuration errors from `gatehouse serve`', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-config-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  const expectPlainLines = (stderr: string, envs: string[]) => {
    const lines = stderr.trim().split('\n')
    expect(lines.map((l) => l.match(/^gatehouse: (\S+) /)?.[1])).toEqual(envs)
    expect(stderr).not.toMatch(JARGON)
  }

  it('stops with one line, no stack trace, for a proxy setting Fastify could not read', async () => {
    const res = await runCli(['serve'], {
      GATEHOUSE_DATA_DIR: join(dir, 'a'),
      GATEHOUSE_TRUST_PROXY: 'maybe',
    })
    expect(res.code).toBe(1)
    expectPlainLines(res.stderr, ['GATEHOUSE_TRUST_PROXY'])
    expect(res.stderr).toContain('(got maybe; the default is false)')
  })

  it('prints one line per bad setting, hides secrets and exits 1', async () => {
    const res = await runCli(['serve'], {
      GATEHOUSE_DATA_DIR: join(dir, 'b'),
      GATEHOUSE_PORT: '70000',
      DATABASE_URL: 'postgres//gatehouse:hunter2@db.example/gatehouse',
      GATEHOUSE_METRICS_TOKEN: 'hunter2-but-shorter-than-32',
      GATEHOUSE_BODY_LIMIT: '-5',
      GATEHOUSE_GEOIP_DB: '/etc/hostname',
    })
    expect(res.code).toBe(1)
    expectPlainLines(res.stderr, [
      'GATEHOUSE_PORT',
      'GATEHOUSE_METRICS_TOKEN',
      'DATABASE_URL',
      'GATEHOUSE_BODY_LIMIT',
      'GATEHOUSE_GEOIP_DB',
    ])
    expect(res.stderr).toContain(
      'GATEHOUSE_PORT must be a whole number from 0 to 65535 (got 70000; the default is 4455)',
    )
    expect(res.stderr).toContain('GATEHOUSE_BODY_LIMIT must be a whole number from 1024 to 10485760 (got -5;')
    expect(res.stderr).not.toContain('hunter2')
    expect(res.stdout).toBe('')
  })

  it('prints one line for each of every bad setting at once, and for a value in the config file', async () => {
    const file = join(dir, 'config.json')
    writeFileSync(file, JSON.stringify({ GATEHOUSE_PASSWORD_POLICY: 'nist-2030' }))
    const env: Record<string, string> = Object.fromEntries(
      checked.map((s) => [s.env, badValues(s.env, s.schema[KIND])[0] as string]),
    )
    delete env.GATEHOUSE_PASSWORD_POLICY
    const res = await runCli(['serve'], {
      ...env,
      GATEHOUSE_DATA_DIR: join(dir, 'c'),
      GATEHOUSE_CONFIG_FILE: file,
    })
    expect(res.code).toBe(1)
    expectPlainLines(
      res.stderr,
      checked.map((s) => s.env),
    )
    expect(res.stderr).toContain(
      'GATEHOUSE_PASSWORD_POLICY must be nist-800-63b-3 or nist-800-63b-4 (got nist-2030;',
    )
  })

  it('says in one line that the config file cannot be read', async () => {
    const file = join(dir, 'broken.json')
    writeFileSync(file, '{"GATEHOUSE_PORT": ')
    const res = await runCli(['serve'], { GATEHOUSE_DATA_DIR: join(dir, 'd'), GATEHOUSE_CONFIG_FILE: file })
    expect(res.code).toBe(1)
    expect(res.stderr.trim().split('\n')).toHaveLength(1)
    expect(res.stderr).toMatch(/^gatehouse: GATEHOUSE_CONFIG_FILE must name a readable JSON file/)
    expect(res.stderr).not.toMatch(/(^|\n)\s*at /)
  })
})
