import { readFileSync } from 'node:fs'
import {
  buildSections,
  type Config,
  type FlatConfig,
  KIND,
  mustPhrase,
  type SettingKey,
  settings,
} from './schema.js'

export { type TrustProxy, trustProxyOption } from './sections/http.js'

/** Every bad setting found at start, one line each (`VARIABLE must …`); the message joins them. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError'
  readonly problems: readonly string[]
  constructor(problems: string | readonly string[]) {
    const lines = typeof problems === 'string' ? [problems] : problems
    super(lines.join('\n'))
    this.problems = lines
  }
}

type Setting = (typeof settings)[SettingKey]

/** The value as the operator typed it, for the error line: never a secret, never a URL with credentials. */
const shown = (s: Setting, value: string): string => {
  if (('secret' in s && s.secret) || (s.schema[KIND].type === 'url' && value.includes('@')))
    return 'value hidden'
  const short = value.length > 60 ? `${value.slice(0, 57)}...` : value
  return `got ${/^[\x21-\x7e]+$/.test(short) ? short : JSON.stringify(short)}`
}

/**
 * Reads and checks every setting. Bad values throw one ConfigError with a line
 * for each: the variable, what it must be in plain words, the value (unless it
 * is secret) and the default. The configuration holds every setting by key
 * (`config.guardEnabled`) and every section built for its module (`config.guard`).
 */
export const loadConfig = (env: NodeJS.ProcessEnv = process.env): Config => {
  let fileValues: Record<string, string> = {}
  const file = env.GATEHOUSE_CONFIG_FILE
  if (file) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'))
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object')
      fileValues = Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]))
    } catch (e) {
      throw new ConfigError([
        `GATEHOUSE_CONFIG_FILE must name a readable JSON file of {"VARIABLE": "value"} pairs, or be unset (${file}: ${(e as Error).message})`,
      ])
    }
  }
  const problems: string[] = []
  const out: Record<string, unknown> = {}
  for (const [key, s] of Object.entries(settings) as [SettingKey, Setting][]) {
    const raw = env[s.env] ?? fileValues[s.env] ?? s.default
    const value = raw === '' ? s.default : raw
    const result = s.schema.safeParse(value)
    if (result.success) {
      out[key] = result.data
      continue
    }
    const fallback = s.default === undefined ? 'or leave it unset' : `the default is ${s.default}`
    problems.push(`${s.env} ${mustPhrase(s.schema[KIND])} (${shown(s, value ?? '')}; ${fallback})`)
  }
  const config = out as FlatConfig
  const parsed = (...keys: SettingKey[]) => keys.every((k) => k in out)
  if (
    parsed('sessionIdleTtlSeconds', 'sessionAbsoluteTtlSeconds') &&
    config.sessionIdleTtlSeconds > config.sessionAbsoluteTtlSeconds
  ) {
    problems.push(
      `GATEHOUSE_SESSION_IDLE_TTL must not exceed GATEHOUSE_SESSION_ABSOLUTE_TTL (got ${config.sessionIdleTtlSeconds} and ${config.sessionAbsoluteTtlSeconds})`,
    )
  }
  if (parsed('powDifficulty', 'powMaxDifficulty') && config.powDifficulty > config.powMaxDifficulty) {
    problems.push(
      `GATEHOUSE_POW_DIFFICULTY must not exceed GATEHOUSE_POW_MAX_DIFFICULTY (got ${config.powDifficulty} and ${config.powMaxDifficulty})`,
    )
  }
  if (
    parsed('captchaProvider', 'captchaSecret', 'captchaSiteKey') &&
    config.captchaProvider !== 'off' &&
    (!config.captchaSecret || !config.captchaSiteKey)
  ) {
    problems.push(
      `GATEHOUSE_CAPTCHA_PROVIDER ${config.captchaProvider} needs GATEHOUSE_CAPTCHA_SECRET and GATEHOUSE_CAPTCHA_SITE_KEY: set both, or set the provider to off`,
    )
  }
  if (parsed('metricsHost', 'metricsPort', 'metricsToken')) {
    const loopback = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/.test(config.metricsHost)
    if (config.metricsPort !== null && !loopback && !config.metricsToken) {
      problems.push(
        'GATEHOUSE_METRICS_HOST is not a loopback address: set GATEHOUSE_METRICS_TOKEN too (metrics count what requests did to accounts and must not be public)',
      )
    }
  }
  if (problems.length > 0) throw new ConfigError(problems)
  // Without a public URL of its own, links and the console follow the port the API listens on.
  const publicUrlGiven = (env.GATEHOUSE_PUBLIC_URL ?? fileValues.GATEHOUSE_PUBLIC_URL ?? '') !== ''
  if (!publicUrlGiven && config.port !== 0) {
    out.publicUrl = `http://localhost:${config.port}`
  }
  return Object.freeze({ ...config, ...buildSections(config) })
}
