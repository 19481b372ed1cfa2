import { readFileSync } from 'node:fs'
import { type Config, type SettingKey, settings } from './schema.js'

export class ConfigError extends Error {
  override readonly name = 'ConfigError'
}

/**
 * Reads and checks every setting. A bad value throws a ConfigError whose message
 * names the variable, what it must be and the default, in one line.
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
      throw new ConfigError(
        `GATEHOUSE_CONFIG_FILE ${file} cannot be read as a JSON object (${(e as Error).message}); fix the file or unset the variable`,
      )
    }
  }
  const out: Record<string, unknown> = {}
  for (const [key, s] of Object.entries(settings) as [SettingKey, (typeof settings)[SettingKey]][]) {
    const raw = env[s.env] ?? fileValues[s.env] ?? s.default
    const value = raw === '' ? s.default : raw
    const result = s.schema.safeParse(value)
    if (!result.success) {
      const why = result.error.issues[0]?.message ?? 'is not valid'
      throw new ConfigError(
        `${s.env} ${why}${s.default === undefined ? ' (or leave it unset)' : ` (default: ${s.default})`}`,
      )
    }
    out[key] = result.data
  }
  const config = out as Config
  if (config.sessionIdleTtlSeconds > config.sessionAbsoluteTtlSeconds) {
    throw new ConfigError('GATEHOUSE_SESSION_IDLE_TTL must not exceed GATEHOUSE_SESSION_ABSOLUTE_TTL')
  }
  if (config.powDifficulty > config.powMaxDifficulty) {
    throw new ConfigError('GATEHOUSE_POW_DIFFICULTY must not exceed GATEHOUSE_POW_MAX_DIFFICULTY')
  }
  if (config.captchaProvider !== 'off' && (!config.captchaSecret || !config.captchaSiteKey)) {
    throw new ConfigError(
      'GATEHOUSE_CAPTCHA_PROVIDER needs GATEHOUSE_CAPTCHA_SECRET and GATEHOUSE_CAPTCHA_SITE_KEY',
    )
  }
  const loopback = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/.test(config.metricsHost)
  if (config.metricsPort !== null && !loopback && !config.metricsToken) {
    throw new ConfigError(
      'GATEHOUSE_METRICS_HOST is not a loopback address: set GATEHOUSE_METRICS_TOKEN too (metrics count what requests did to accounts and must not be public)',
    )
  }
  return Object.freeze(config)
}

/** Fastify's trustProxy option from GATEHOUSE_TRUST_PROXY. */
export type TrustProxy = boolean | string[] | ((address: string, hop: number) => boolean)

export const trustProxyOption = (v: string): TrustProxy => {
  if (v === 'false' || v === '0' || v === 'no') return false
  if (v === 'true' || v === 'yes') return true
  if (/^\d+$/.test(v)) {
    const hops = Number(v)
    return (_address, hop) => hop < hops
  }
  return v.split(',').map((s) => s.trim())
}
