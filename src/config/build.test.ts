import { describe, expect, it } from 'vitest'
import { loadConfig } from './load.js'

const MINUTE = 60_000
const DAY = 24 * 60 * MINUTE

/** What the modules were given before the sections built it: the defaults must give the same. */
describe('config sections: defaults', () => {
  const config = loadConfig({})

  it('guard', () => {
    expect(config.guard).toEqual({
      enabled: true,
      windowSeconds: 600,
      enumeration: { challengeDistinct: 10, blockDistinct: 100 },
      subnetFactor: 4,
      siteFactor: 8,
      networkFactor: 16,
      signupRefusals: 10,
      stuffing: {
        sourceIdentifiers: 5,
        spikeMinFailures: 30,
        spikeRatio: 0.5,
        spikeJump: 3,
        spikeFloor: 0.1,
        baselineLogins: 100,
        spikeWindowSeconds: 60,
        spikeHoldSeconds: 600,
      },
      bruteForce: { delayAfter: 5, challengeAfter: 10, maxDelaySeconds: 900 },
      recoveryFlood: { requests: 10, windowSeconds: 3600 },
      legacyClients: { requests: 20 },
      blockSeconds: 900,
      knownSourceDays: 30,
      pow: { baseDifficulty: 16, maxDifficulty: 24 },
    })
    expect(config.challenges).toEqual({ pow: { ttlMs: 120_000, ttlSeconds: 120 }, captcha: null })
  })

  it('outbound gate', () => {
    expect(config.gate).toEqual({
      kinds: {
        recovery: { hour: 3, day: 5 },
        login_code: { hour: 3, day: 5 },
        phone_code: { hour: 5, day: 10 },
        verification: { hour: 3, day: 10 },
        unsolicited: { hour: 1, day: 3 },
        notice: { hour: 10, day: 30 },
        login_notice: { day: 10 },
        digest: { day: 2 },
        campaign: { day: 3 },
      },
      destinationPerDay: 40,
      sms: { global: { points: 1000, seconds: 3600 }, perCountry: { points: 100, seconds: 3600 } },
    })
  })

  it('passwords, accounts, sessions and devices', () => {
    expect(config.passwords).toEqual({
      hasher: { memoryKiB: 19456, iterations: 2, parallelism: 1 },
      policy: { minLength: 8, maxLength: 256, minScore: 2, profile: 'nist-800-63b-3' },
    })
    expect(config.accounts).toEqual({
      settings: { verifyTokenTtlMs: DAY, unverifiedAccountTtlMs: 7 * DAY },
      signupLimits: {
        perIp: { points: 20, seconds: 3600 },
        perSubnet: { points: 100, seconds: 3600 },
        global: { points: 3000, seconds: 60 },
      },
      resendPerAddress: { points: 5, seconds: 3600 },
      deletionGraceDays: 7,
    })
    expect(config.sessions).toEqual({
      settings: {
        idleTtlMs: 30 * MINUTE,
        absoluteTtlMs: 12 * 60 * MINUTE,
        passwordMaxLength: 256,
        touchIntervalMs: MINUTE,
      },
      cacheTtlMs: 1000,
      reauthMaxAgeMs: 10 * MINUTE,
      login: { requireVerifiedEmail: true, passwordMaxLength: 256 },
    })
    expect(config.devices).toEqual({
      settings: { rememberMs: 30 * DAY, noticeLinkTtlMs: 7 * DAY },
      stepUpNewDevice: true,
      rememberDevices: true,
      geoipDb: undefined,
    })
  })

  it('second factors and passkeys', () => {
    expect(config.mfa).toEqual({
      requiredRoles: ['admin', 'partner', 'responder', 'auditor'],
      settings: {
        issuer: 'Gatehouse',
        challengeTtlMs: 5 * MINUTE,
        maxAttemptsPerChallenge: 5,
        recoveryCodeCount: 10,
      },
      loginCodes: { ttlMs: 10 * MINUTE },
    })
    expect(config.webauthn).toEqual({
      settings: {
        rpId: 'localhost',
        rpName: 'Gatehouse',
        origins: ['http://localhost:4455'],
        challengeTtlMs: 5 * MINUTE,
        maxAttemptsPerChallenge: 5,
      },
      loginLimits: {
        perIp: { points: 30, seconds: 60 },
        perSubnet: { points: 150, seconds: 60 },
        global: { points: 100_000, seconds: 60 },
      },
    })
  })

  it('recovery', () => {
    expect(config.recovery).toEqual({
      settings: {
        tokenTtlMs: 20 * MINUTE,
        resendAfterMs: 2 * MINUTE,
        digestDelayMs: 60 * MINUTE,
        lockTokenTtlMs: 7 * DAY,
        maxCodeAttempts: 5,
      },
      requestLimits: {
        perIp: { points: 20, seconds: 3600 },
        perSubnet: { points: 100, seconds: 3600 },
        global: { points: 3000, seconds: 60 },
      },
      completeLimits: {
        perIp: { points: 30, seconds: 600 },
        perSubnet: { points: 150, seconds: 600 },
        global: { points: 100_000, seconds: 60 },
      },
      hints: false,
      worker: { intervalMs: 500, leaseMs: 60_000 },
    })
  })

  it('workers, incidents, webhooks and housekeeping', () => {
    expect(config.outbox).toEqual({
      publicUrl: 'http://localhost:4455',
      productName: 'Gatehouse',
      brand: { accent: '#2451b7', supportUrl: null, privacyUrl: null },
      defaultLocale: 'en',
      maxAttempts: 200,
      horizonMs: DAY,
      retryBaseMs: 5000,
      leaseMs: 60_000,
      intervalMs: 500,
    })
    expect(config.campaigns).toEqual({ intervalMs: 500, batchSize: 1000, notifyPerSecond: 50, lanes: 2 })
    expect(config.incidents).toEqual({ importMaxBytes: 2147483648, defaultPhoneRegion: undefined })
    expect(config.webhooks).toEqual({ allowPrivate: false })
    expect(config.housekeeping).toEqual({ eventRetentionMs: 365 * DAY })
  })

  it('server, requests, metrics, storage, Redis and transports', () => {
    expect(config.server).toEqual({
      listen: { host: '127.0.0.1', port: 4455 },
      logLevel: 'info',
      shutdown: { graceMs: 5000, timeoutMs: 10_000 },
    })
    expect(config.http).toEqual({ bodyLimit: 65536, trustProxy: false, minClientVersion: undefined })
    expect(config.metrics).toEqual({ host: '127.0.0.1', port: 9464, token: undefined })
    expect(config.storage).toEqual({
      dataDir: './data',
      database: {
        databaseUrl: undefined,
        dataDir: './data',
        dbConnectTimeoutMs: 3000,
        dbStatementTimeoutMs: 10_000,
      },
      secretKey: { secretKey: undefined, dataDir: './data' },
      readyTimeoutMs: 1000,
      diskMinFreeBytes: 64 * 1024 * 1024,
    })
    expect(config.redis).toEqual({
      url: undefined,
      limiter: { keyPrefix: 'gatehouse:', timeoutMs: 100 },
      prefix: 'gatehouse:',
    })
    expect(config.transports).toEqual({
      mail: { smtpUrl: undefined, from: 'Gatehouse <no-reply@localhost>', dataDir: './data' },
      sms: {
        smsUrl: undefined,
        smsAccountSid: undefined,
        smsAuthToken: undefined,
        smsFrom: undefined,
        dataDir: './data',
      },
    })
  })
})

describe('config sections: from environment strings', () => {
  it('guard: percentages become ratios, rates become requests per window', () => {
    const { guard } = loadConfig({
      GATEHOUSE_GUARD: 'no',
      GATEHOUSE_GUARD_SPIKE_PERCENT: '40',
      GATEHOUSE_GUARD_SPIKE_FLOOR_PERCENT: '25',
      GATEHOUSE_GUARD_RECOVERY_FLOOD: '7/90',
      GATEHOUSE_POW_DIFFICULTY: '18',
      GATEHOUSE_POW_MAX_DIFFICULTY: '20',
      GATEHOUSE_GUARD_ENUMERATION_BLOCK: '500',
    })
    expect(guard.enabled).toBe(false)
    expect(guard.stuffing.spikeRatio).toBe(0.4)
    expect(guard.stuffing.spikeFloor).toBe(0.25)
    expect(guard.recoveryFlood).toEqual({ requests: 7, windowSeconds: 90 })
    expect(guard.pow).toEqual({ baseDifficulty: 18, maxDifficulty: 20 })
    expect(guard.enumeration.blockDistinct).toBe(500)
    expect(loadConfig({ GATEHOUSE_GUARD_SPIKE_PERCENT: '50' }).guard.stuffing.spikeRatio).toBe(0.5)
  })

  it('challenges: a CAPTCHA provider with its keys', () => {
    const { challenges } = loadConfig({
      GATEHOUSE_POW_TTL_SECONDS: '30',
      GATEHOUSE_CAPTCHA_PROVIDER: 'turnstile',
      GATEHOUSE_CAPTCHA_SECRET: 's3cret',
      GATEHOUSE_CAPTCHA_SITE_KEY: 'site',
    })
    expect(challenges).toEqual({
      pow: { ttlMs: 30_000, ttlSeconds: 30 },
      captcha: { provider: 'turnstile', settings: { secret: 's3cret', siteKey: 'site' } },
    })
    const verifyUrl = 'https://captcha.example.com/verify'
    expect(
      loadConfig({
        GATEHOUSE_CAPTCHA_PROVIDER: 'hcaptcha',
        GATEHOUSE_CAPTCHA_SECRET: 's',
        GATEHOUSE_CAPTCHA_SITE_KEY: 'k',
        GATEHOUSE_CAPTCHA_VERIFY_URL: verifyUrl,
      }).challenges.captcha?.settings.verifyUrl,
    ).toBe(verifyUrl)
  })

  it('gate: caps and SMS budgets', () => {
    const { gate } = loadConfig({
      GATEHOUSE_RECOVERY_CAP_HOUR: '2',
      GATEHOUSE_RECOVERY_CAP_DAY: '4',
      GATEHOUSE_LOGIN_NOTICE_CAP_DAY: '3',
      GATEHOUSE_MESSAGES_PER_DESTINATION_DAY: '12',
      GATEHOUSE_SMS_BUDGET_PER_COUNTRY: '9/60',
    })
    expect(gate.kinds.recovery).toEqual({ hour: 2, day: 4 })
    expect(gate.kinds.login_notice).toEqual({ day: 3 })
    expect(gate.destinationPerDay).toBe(12)
    expect(gate.sms.perCountry).toEqual({ points: 9, seconds: 60 })
  })

  it('passwords and sessions: seconds become milliseconds, the touch interval follows the idle time', () => {
    const config = loadConfig({
      GATEHOUSE_PASSWORD_POLICY: 'nist-800-63b-4',
      GATEHOUSE_PASSWORD_MAX_LENGTH: '128',
      GATEHOUSE_ARGON2_MEMORY_KIB: '65536',
      GATEHOUSE_SESSION_IDLE_TTL: '300',
      GATEHOUSE_SESSION_ABSOLUTE_TTL: '3600',
      GATEHOUSE_REQUIRE_VERIFIED_EMAIL: 'false',
      GATEHOUSE_SESSION_CACHE_MS: '0',
    })
    expect(config.passwords.policy.profile).toBe('nist-800-63b-4')
    expect(config.passwords.hasher.memoryKiB).toBe(65536)
    expect(config.sessions).toEqual({
      settings: {
        idleTtlMs: 300_000,
        absoluteTtlMs: 3_600_000,
        passwordMaxLength: 128,
        touchIntervalMs: 30_000,
      },
      cacheTtlMs: 0,
      reauthMaxAgeMs: 10 * MINUTE,
      login: { requireVerifiedEmail: false, passwordMaxLength: 128 },
    })
  })

  it('recovery: the completion limit of a network is five times that of an address', () => {
    const { recovery } = loadConfig({
      GATEHOUSE_RECOVERY_COMPLETE_LIMIT_IP: '10/60',
      GATEHOUSE_RECOVERY_LIMIT_GLOBAL: '500/60',
      GATEHOUSE_RECOVERY_HINTS: 'yes',
      GATEHOUSE_LOCK_TOKEN_TTL: '3600',
      GATEHOUSE_WORKER_LEASE_SECONDS: '5',
    })
    expect(recovery.completeLimits.perSubnet).toEqual({ points: 50, seconds: 60 })
    expect(recovery.requestLimits.global).toEqual({ points: 500, seconds: 60 })
    expect(recovery.hints).toBe(true)
    expect(recovery.settings.lockTokenTtlMs).toBe(3_600_000)
    expect(recovery.worker.leaseMs).toBe(5000)
  })

  it('passkeys: the relying party follows the public URL unless set', () => {
    const followed = loadConfig({ GATEHOUSE_PUBLIC_URL: 'https://id.example.com/base' }).webauthn.settings
    expect(followed.rpId).toBe('id.example.com')
    expect(followed.origins).toEqual(['https://id.example.com'])
    const set = loadConfig({
      GATEHOUSE_WEBAUTHN_RP_ID: 'example.com',
      GATEHOUSE_WEBAUTHN_ORIGINS: 'https://a.example.com, https://b.example.com',
    }).webauthn.settings
    expect(set.rpId).toBe('example.com')
    expect(set.origins).toEqual(['https://a.example.com', 'https://b.example.com'])
    // Without a public URL, the port the API listens on.
    expect(loadConfig({ GATEHOUSE_PORT: '8080' }).webauthn.settings.origins).toEqual([
      'http://localhost:8080',
    ])
  })

  it('devices, outbox, campaigns and the rest', () => {
    const config = loadConfig({
      GATEHOUSE_REMEMBER_DEVICE_DAYS: '0',
      GATEHOUSE_PUBLIC_URL: 'https://id.example.com',
      GATEHOUSE_MAIL_RETRY_HORIZON: '3600',
      GATEHOUSE_WORKER_INTERVAL_MS: '50',
      GATEHOUSE_CAMPAIGN_WORKERS: '4',
      GATEHOUSE_PHONE_DEFAULT_REGION: 'gb',
      GATEHOUSE_WEBHOOK_ALLOW_PRIVATE: 'true',
      GATEHOUSE_METRICS_PORT: 'off',
      GATEHOUSE_TRUST_PROXY: '2',
      GATEHOUSE_DATA_DIR: '/var/lib/gatehouse',
      GATEHOUSE_SMTP_URL: 'smtp://mail.example.com:25',
      REDIS_URL: 'redis://127.0.0.1:6379',
      GATEHOUSE_REDIS_PREFIX: 'gh1:',
    })
    expect(config.devices.rememberDevices).toBe(false)
    expect(config.devices.settings.rememberMs).toBe(0)
    expect(config.outbox.publicUrl).toBe('https://id.example.com')
    expect(config.outbox.horizonMs).toBe(3_600_000)
    expect(config.outbox.intervalMs).toBe(50)
    expect(config.campaigns).toMatchObject({ intervalMs: 50, lanes: 4 })
    expect(config.incidents.defaultPhoneRegion).toBe('GB')
    expect(config.webhooks.allowPrivate).toBe(true)
    expect(config.metrics).toBeNull()
    const trust = config.http.trustProxy as (address: string, hop: number) => boolean
    expect([trust('10.0.0.1', 1), trust('10.0.0.1', 2)]).toEqual([true, false])
    expect(config.transports.mail).toEqual({
      smtpUrl: 'smtp://mail.example.com:25',
      from: 'Gatehouse <no-reply@localhost>',
      dataDir: '/var/lib/gatehouse',
    })
    expect(config.storage.secretKey.dataDir).toBe('/var/lib/gatehouse')
    expect(config.redis).toEqual({
      url: 'redis://127.0.0.1:6379',
      limiter: { keyPrefix: 'gh1:', timeoutMs: 100 },
      prefix: 'gh1:',
    })
  })
})
