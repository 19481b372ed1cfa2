import { closeSync, fstatSync, openSync, readSync } from 'node:fs'
import ipaddr from 'ipaddr.js'
import { z } from 'zod'

/**
 * Every setting Gatehouse reads, in one table: environment variable, default,
 * meaning and parser. `docs/config.md` is generated from it
 * (`gatehouse config docs`), and a test keeps the two in step.
 */
/**
 * What a setting accepts, told in plain words: a bad value stops the start with
 * `VARIABLE must be …` from it, whatever check failed, and the test of those
 * lines feeds every setting a bad value of its kind.
 */
export type Kind =
  /** Any text: nothing to check. */
  | { type: 'text' }
  | { type: 'int'; min: number; max: number }
  | { type: 'bool' }
  | { type: 'url'; protocols: readonly string[] }
  /** `POINTS/SECONDS`. */
  | { type: 'rate' }
  | { type: 'choice'; values: readonly string[] }
  /** Any other check; `must` completes "VARIABLE must …". */
  | { type: 'format'; must: string }

export const KIND: unique symbol = Symbol('gatehouse.config.kind')
export type Kinded = { readonly [KIND]: Kind }

const kinded = <T extends z.ZodType>(schema: T, kind: Kind): T & Kinded =>
  Object.assign(schema, { [KIND]: kind })

/** "must be a whole number from 1 to 100", for a setting of this kind. */
export const mustPhrase = (kind: Kind): string => {
  switch (kind.type) {
    case 'text':
      return 'must be text'
    case 'int':
      return `must be a whole number from ${kind.min} to ${kind.max}`
    case 'bool':
      return 'must be true or false'
    case 'url':
      return `must be a URL starting with ${kind.protocols.map((p) => `${p}//`).join(' or ')}`
    case 'rate':
      return 'must be POINTS/SECONDS with both at least 1, such as 20/3600'
    case 'choice':
      return kind.values.length === 2
        ? `must be ${kind.values[0]} or ${kind.values[1]}`
        : `must be one of ${kind.values.join(', ')}`
    case 'format':
      return kind.must
  }
}

const text = kinded(z.string(), { type: 'text' })
const bool = kinded(
  z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes'),
  { type: 'bool' },
)
const int = (min: number, max: number) =>
  kinded(z.string().regex(/^\d+$/).transform(Number).pipe(z.number().int().min(min).max(max)), {
    type: 'int',
    min,
    max,
  })
const url = (protocols: string[]) =>
  kinded(
    z.string().refine((v) => {
      try {
        return protocols.includes(new URL(v).protocol)
      } catch {
        return false
      }
    }),
    { type: 'url', protocols },
  )
const choice = <const T extends readonly [string, ...string[]]>(values: T) =>
  kinded(z.enum(values), { type: 'choice', values })
/** A check of its own; `must` says in plain words what passes ("must be …"). */
const format = <T extends z.ZodType>(schema: T, must: string) => kinded(schema, { type: 'format', must })
const optional = <T extends z.ZodType & Kinded>(t: T) => kinded(t.optional(), t[KIND])
/** `points/seconds`, e.g. `20/3600` = 20 per hour. */
const rate = kinded(
  z
    .string()
    .regex(/^\d+\/\d+$/)
    .transform((v) => {
      const [points, seconds] = v.split('/').map(Number) as [number, number]
      return { points, seconds }
    })
    .refine((r) => r.points >= 1 && r.seconds >= 1),
  { type: 'rate' },
)

/** The MaxMind DB format ends with a metadata section that starts with this marker, in the last 128 KiB. */
const MMDB_METADATA_MARKER = Buffer.from('abcdef4d61784d696e642e636f6d', 'hex')
const isMmdb = (path: string): boolean => {
  let fd: number | undefined
  try {
    fd = openSync(path, 'r')
    const size = fstatSync(fd).size
    const length = Math.min(size, 128 * 1024)
    const tail = Buffer.alloc(length)
    readSync(fd, tail, 0, length, size - length)
    return tail.includes(MMDB_METADATA_MARKER)
  } catch {
    return false
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

/** One entry of GATEHOUSE_TRUST_PROXY's list, as Fastify's proxy-addr reads it. */
const proxyEntry = (entry: string): boolean => {
  if (entry === 'loopback' || entry === 'linklocal' || entry === 'uniquelocal') return true
  const slash = entry.lastIndexOf('/')
  const address = slash === -1 ? entry : entry.slice(0, slash)
  if (!ipaddr.isValid(address)) return false
  if (slash === -1) return true
  const ip = ipaddr.parse(address)
  const max = ip.kind() === 'ipv6' ? 128 : 32
  const range = entry.slice(slash + 1)
  if (/^\d+$/.test(range)) return Number(range) > 0 && Number(range) <= max
  if (ip.kind() !== 'ipv4' || !ipaddr.IPv4.isValid(range)) return false
  const prefix = ipaddr.IPv4.parse(range).prefixLengthFromSubnetMask()
  return prefix !== null && prefix > 0
}
const trustProxy = format(
  z.string().refine(
    (v) =>
      /^(true|false|yes|no|\d+)$/.test(v) ||
      v
        .split(',')
        .map((s) => s.trim())
        .every(proxyEntry),
  ),
  'must be true, false, a number of proxy hops, or comma-separated proxy addresses or networks (such as 10.0.0.1,10.1.0.0/16 or loopback)',
)

/** One row of the table. `secret`: its value is never printed, not even in an error. */
interface Setting {
  readonly env: string
  readonly default: string | undefined
  readonly doc: string
  readonly schema: z.ZodType & Kinded
  readonly secret?: true
}

export const settings = {
  host: {
    env: 'GATEHOUSE_HOST',
    default: '127.0.0.1',
    doc: 'Address the HTTP API listens on.',
    schema: text,
  },
  port: {
    env: 'GATEHOUSE_PORT',
    default: '4455',
    doc: 'Port the HTTP API listens on (0 picks a free one).',
    schema: int(0, 65535),
  },
  metricsHost: {
    env: 'GATEHOUSE_METRICS_HOST',
    default: '127.0.0.1',
    doc: 'Address the Prometheus metrics listener (`GET /metrics`) binds to: loopback by default, never the public API. Another address needs GATEHOUSE_METRICS_TOKEN.',
    schema: text,
  },
  metricsPort: {
    env: 'GATEHOUSE_METRICS_PORT',
    default: '9464',
    doc: 'Port of the metrics listener (0 picks a free one; `off` runs none).',
    schema: format(
      z
        .string()
        .regex(/^(off|\d+)$/)
        .transform((v) => (v === 'off' ? null : Number(v)))
        .pipe(z.number().int().min(0).max(65535).nullable()),
      'must be a port number from 0 to 65535, or off',
    ),
  },
  metricsToken: {
    env: 'GATEHOUSE_METRICS_TOKEN',
    default: undefined,
    secret: true,
    doc: 'When set, the metrics listener answers only `Authorization: Bearer <token>` (at least 32 characters).',
    schema: optional(format(z.string().min(32), 'must be at least 32 characters long')),
  },
  dataDir: {
    env: 'GATEHOUSE_DATA_DIR',
    default: './data',
    doc: 'Folder for the SQLite file, outgoing mail (.eml) and SMS files.',
    schema: text,
  },
  databaseUrl: {
    env: 'DATABASE_URL',
    default: undefined,
    secret: true,
    doc: '`postgres://user@host:port/db` selects PostgreSQL; unset uses SQLite in the data dir.',
    schema: optional(url(['postgres:', 'postgresql:'])),
  },
  dbConnectTimeoutMs: {
    env: 'GATEHOUSE_DB_CONNECT_TIMEOUT_MS',
    default: '3000',
    doc: 'PostgreSQL: deadline for opening a connection or waiting for a free one in the pool; past it the request answers `503 service_unavailable`.',
    schema: int(100, 60000),
  },
  dbStatementTimeoutMs: {
    env: 'GATEHOUSE_DB_STATEMENT_TIMEOUT_MS',
    default: '10000',
    doc: 'PostgreSQL: deadline of one statement (the server cancels it; the client gives up one second later if the server does not answer at all, and drops that connection).',
    schema: int(100, 600000),
  },
  readyTimeoutMs: {
    env: 'GATEHOUSE_READY_TIMEOUT_MS',
    default: '1000',
    doc: '`/readyz` answers within about this: each check (database read, database write, disk space) that has not answered by then reads `timeout`, and the answer is 503.',
    schema: int(50, 30000),
  },
  diskMinFreeMb: {
    env: 'GATEHOUSE_DISK_MIN_FREE_MB',
    default: '64',
    doc: 'Below this much free space in the data directory (MiB), `/readyz` answers 503 (`disk: low`) and the outage is logged, before writes start to fail; `gatehouse_data_dir_free_bytes` shows the figure.',
    schema: int(0, 1_000_000),
  },
  redisUrl: {
    env: 'REDIS_URL',
    default: undefined,
    secret: true,
    doc: '`redis://host:port` shares limiter state between instances, and tells them of session revocations at once; unset keeps it in memory.',
    schema: optional(url(['redis:', 'rediss:'])),
  },
  redisPrefix: {
    env: 'GATEHOUSE_REDIS_PREFIX',
    default: 'gatehouse:',
    doc: 'Put before every key Gatehouse writes to Redis: deployments that share one Redis need different prefixes; the instances of one deployment, the same.',
    schema: format(z.string().max(64), 'must be at most 64 characters long'),
  },
  redisTimeoutMs: {
    env: 'GATEHOUSE_REDIS_TIMEOUT_MS',
    default: '100',
    doc: 'Deadline of one limiter call to Redis; past it the call is answered from per-instance memory at the same rule. Three timeouts in a row open the circuit breaker: every call goes to memory (no waiting) until a probe finds Redis answering again, so a hung Redis costs a request at most three times this (300 ms by default).',
    schema: int(10, 5000),
  },
  smtpUrl: {
    env: 'GATEHOUSE_SMTP_URL',
    default: undefined,
    secret: true,
    doc: '`smtp://host:port` (or `smtps://`) for real mail delivery; unset writes .eml files under the data dir.',
    schema: optional(url(['smtp:', 'smtps:'])),
  },
  mailFrom: {
    env: 'GATEHOUSE_MAIL_FROM',
    default: 'Gatehouse <no-reply@localhost>',
    doc: 'Sender of every mail.',
    schema: format(
      z
        .string()
        .min(3)
        .refine((v) => !/[\r\n]/.test(v)),
      'must be one line of at least 3 characters, such as Gatehouse <no-reply@example.com>',
    ),
  },
  publicUrl: {
    env: 'GATEHOUSE_PUBLIC_URL',
    default: 'http://localhost:4455',
    doc: 'Base of links in messages and of the console; never taken from the Host header. Unset: `http://localhost:` and GATEHOUSE_PORT. Its host is the default passkey relying-party id (a domain name: browsers refuse an IP address) and its origin the one trusted for cookie-authenticated changes. https makes the session cookie Secure.',
    schema: url(['http:', 'https:']),
  },
  minClientVersion: {
    env: 'GATEHOUSE_MIN_CLIENT_VERSION',
    default: undefined,
    doc: 'Requests whose `X-Client-Version` is below this semver get `426 client_outdated`.',
    schema: optional(format(z.string().regex(/^\d+\.\d+\.\d+/), 'must be a semantic version such as 2.3.0')),
  },
  trustProxy: {
    env: 'GATEHOUSE_TRUST_PROXY',
    default: 'false',
    doc: 'Believe `X-Forwarded-For` (true, or a number of hops / comma-separated proxy addresses). Only behind a proxy you run.',
    schema: trustProxy,
  },
  logLevel: {
    env: 'GATEHOUSE_LOG_LEVEL',
    default: 'info',
    doc: 'pino log level: fatal, error, warn, info, debug, trace or silent.',
    schema: choice(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  },
  bodyLimit: {
    env: 'GATEHOUSE_BODY_LIMIT',
    default: '65536',
    doc: 'Largest request body in bytes; larger bodies get `413 payload_too_large`.',
    schema: int(1024, 10 * 1024 * 1024),
  },
  passwordMinLength: {
    env: 'GATEHOUSE_PASSWORD_MIN_LENGTH',
    default: '8',
    doc: 'Shortest password accepted, in Unicode code points after NFKC (NIST SP 800-63B: at least 8).',
    schema: int(8, 64),
  },
  passwordMaxLength: {
    env: 'GATEHOUSE_PASSWORD_MAX_LENGTH',
    default: '256',
    doc: 'Longest password accepted, in code points.',
    schema: int(64, 1024),
  },
  passwordMinScore: {
    env: 'GATEHOUSE_PASSWORD_MIN_SCORE',
    default: '2',
    doc: 'Lowest zxcvbn score (0–4) a new password must reach.',
    schema: int(0, 4),
  },
  passwordPolicy: {
    env: 'GATEHOUSE_PASSWORD_POLICY',
    default: 'nist-800-63b-3',
    doc: "Which length floor applies. `nist-800-63b-3` (NIST SP 800-63B rev. 3, 2017): `GATEHOUSE_PASSWORD_MIN_LENGTH` for every password. `nist-800-63b-4` (rev. 4, 2025): at least 15 code points while the password is the account's only factor (sign-up always), `GATEHOUSE_PASSWORD_MIN_LENGTH` once it has a TOTP factor or a passkey (email and SMS codes do not count); checked at sign-up, password change and reset, and at login, where a password shorter than that must be changed before anything else.",
    schema: choice(['nist-800-63b-3', 'nist-800-63b-4']),
  },
  argon2MemoryKiB: {
    env: 'GATEHOUSE_ARGON2_MEMORY_KIB',
    default: '19456',
    doc: 'argon2id memory cost in KiB (OWASP minimum 19456). Hashes are upgraded at the next login when it changes.',
    schema: int(8192, 4 * 1024 * 1024),
  },
  argon2Iterations: {
    env: 'GATEHOUSE_ARGON2_ITERATIONS',
    default: '2',
    doc: 'argon2id time cost.',
    schema: int(1, 100),
  },
  argon2Parallelism: {
    env: 'GATEHOUSE_ARGON2_PARALLELISM',
    default: '1',
    doc: 'argon2id parallelism.',
    schema: int(1, 16),
  },
  requireVerifiedEmail: {
    env: 'GATEHOUSE_REQUIRE_VERIFIED_EMAIL',
    default: 'true',
    doc: 'Refuse login until the email address is verified: the right password answers `email_unverified` by username or phone, `invalid_credentials` by email address.',
    schema: bool,
  },
  verifyTokenTtlSeconds: {
    env: 'GATEHOUSE_VERIFY_TOKEN_TTL',
    default: '86400',
    doc: 'Lifetime of an email-verification token, in seconds.',
    schema: int(60, 7 * 86400),
  },
  sessionIdleTtlSeconds: {
    env: 'GATEHOUSE_SESSION_IDLE_TTL',
    default: '1800',
    doc: 'A session unused for this many seconds expires.',
    schema: int(60, 90 * 86400),
  },
  sessionAbsoluteTtlSeconds: {
    env: 'GATEHOUSE_SESSION_ABSOLUTE_TTL',
    default: '43200',
    doc: 'A session expires this many seconds after login, however active.',
    schema: int(300, 365 * 86400),
  },
  sessionCacheMs: {
    env: 'GATEHOUSE_SESSION_CACHE_MS',
    default: '1000',
    doc: 'Session checks keep a live session in memory for up to this many milliseconds (0: every check reads the database). A revocation on this instance takes effect at once; on another instance at once when they share REDIS_URL (they tell each other), else within this time.',
    schema: int(0, 1000),
  },
  mailMaxAttempts: {
    env: 'GATEHOUSE_MAIL_MAX_ATTEMPTS',
    default: '200',
    doc: 'Most delivery tries of one message (mail, SMS or webhook); past them, or past GATEHOUSE_MAIL_RETRY_HORIZON, it is dead-lettered (kept, counted, `gatehouse outbox retry` sends it again).',
    schema: int(1, 10000),
  },
  mailRetryHorizonSeconds: {
    env: 'GATEHOUSE_MAIL_RETRY_HORIZON',
    default: '86400',
    doc: 'How long, in seconds from when it was queued, a message that cannot be delivered is tried again (24 hours), with backoff; then it is dead-lettered and a `messages_dead_lettered` event is recorded. A message that carries a code or a link that expires (reset, verification, login and phone codes) is closed as `expired` once it has, never sent late.',
    schema: int(60, 30 * 86400),
  },
  mailRetryBaseSeconds: {
    env: 'GATEHOUSE_MAIL_RETRY_BASE',
    default: '5',
    doc: 'First retry delay in seconds; it doubles on each try, up to 15 minutes. When a send succeeds again after failures, or the SMTP relay answers a probe, every message waiting for a retry on that channel is due at once.',
    schema: int(1, 3600),
  },
  shutdownGraceSeconds: {
    env: 'GATEHOUSE_SHUTDOWN_GRACE_SECONDS',
    default: '5',
    doc: 'On SIGTERM, how long the instance keeps serving while `/readyz` answers 503 (and answers carry `Connection: close`), so that a load balancer stops sending it requests; then it stops taking connections, finishes the requests in flight, releases claimed work and exits.',
    schema: int(0, 300),
  },
  shutdownTimeoutSeconds: {
    env: 'GATEHOUSE_SHUTDOWN_TIMEOUT_SECONDS',
    default: '10',
    doc: 'After the grace period the instance takes no new work: requests already received or being read are served (each answer carries `Connection: close`), a request on a connection made since is answered `503 service_unavailable`, idle connections are closed after a quiet second, and the listener closes once no request is in flight and no connection came for a second. What is left after this many seconds is cut.',
    schema: int(1, 300),
  },
  workerLeaseSeconds: {
    env: 'GATEHOUSE_WORKER_LEASE_SECONDS',
    default: '60',
    doc: 'How long a worker holds the outbox messages and recovery requests it claimed; work claimed by an instance that died is taken over by another when this ends.',
    schema: int(2, 3600),
  },
  workerIntervalMs: {
    env: 'GATEHOUSE_WORKER_INTERVAL_MS',
    default: '500',
    doc: 'How often the outbox worker looks for work when idle.',
    schema: int(10, 60000),
  },
  unverifiedAccountTtlDays: {
    env: 'GATEHOUSE_UNVERIFIED_ACCOUNT_TTL_DAYS',
    default: '7',
    doc: 'Accounts whose email was never verified are deleted after this many days, freeing the username.',
    schema: int(1, 365),
  },
  secretKey: {
    env: 'GATEHOUSE_SECRET_KEY',
    default: undefined,
    secret: true,
    doc: 'Base64 of 32 random bytes that encrypt second-factor secrets at rest. Unset: a key file `secret.key` is generated in the data dir on first start (back it up; several instances must share one key).',
    schema: optional(
      format(
        z.string().refine((v) => Buffer.from(v, 'base64').length === 32),
        'must be base64 of exactly 32 bytes (openssl rand -base64 32)',
      ),
    ),
  },
  smsUrl: {
    env: 'GATEHOUSE_SMS_URL',
    default: undefined,
    doc: 'Base URL of a Twilio-compatible SMS API (`https://api.twilio.com`); unset writes SMS as files under the data dir.',
    schema: optional(url(['http:', 'https:'])),
  },
  smsAccountSid: {
    env: 'GATEHOUSE_SMS_ACCOUNT_SID',
    default: undefined,
    doc: 'Account SID for the SMS API (HTTP basic-auth user).',
    schema: optional(text),
  },
  smsAuthToken: {
    env: 'GATEHOUSE_SMS_AUTH_TOKEN',
    default: undefined,
    secret: true,
    doc: 'Auth token for the SMS API (HTTP basic-auth password).',
    schema: optional(text),
  },
  smsFrom: {
    env: 'GATEHOUSE_SMS_FROM',
    default: undefined,
    doc: 'Sender number (E.164) or messaging-service id for SMS.',
    schema: optional(text),
  },
  recoveryTokenTtlSeconds: {
    env: 'GATEHOUSE_RECOVERY_TOKEN_TTL',
    default: '1200',
    doc: 'Lifetime of a recovery token, in seconds (20 minutes).',
    schema: int(60, 86400),
  },
  recoveryCapPerHour: {
    env: 'GATEHOUSE_RECOVERY_CAP_HOUR',
    default: '3',
    doc: 'Most recovery messages one account receives per hour, across channels and identifiers.',
    schema: int(1, 100),
  },
  recoveryCapPerDay: {
    env: 'GATEHOUSE_RECOVERY_CAP_DAY',
    default: '5',
    doc: 'Most recovery messages one account receives per day.',
    schema: int(1, 1000),
  },
  recoveryResendAfterSeconds: {
    env: 'GATEHOUSE_RECOVERY_RESEND_AFTER',
    default: '120',
    doc: 'While a recovery token sent less than this many seconds ago is still valid, no new message is sent.',
    schema: int(0, 3600),
  },
  recoveryDigestDelaySeconds: {
    env: 'GATEHOUSE_RECOVERY_DIGEST_DELAY',
    default: '3600',
    doc: 'How long after the first blocked request the daily digest of blocked requests is sent.',
    schema: int(0, 86400),
  },
  recoveryHints: {
    env: 'GATEHOUSE_RECOVERY_HINTS',
    default: 'false',
    doc: 'Answer recovery requests with a masked hint (`j***@e***.com`); missing accounts get a fake hint derived from the identifier. Off by default.',
    schema: bool,
  },
  recoveryLimitPerIp: {
    env: 'GATEHOUSE_RECOVERY_LIMIT_IP',
    default: '20/3600',
    doc: 'Recovery requests allowed per source address, as POINTS/SECONDS.',
    schema: rate,
  },
  recoveryLimitPerSubnet: {
    env: 'GATEHOUSE_RECOVERY_LIMIT_SUBNET',
    default: '100/3600',
    doc: 'Recovery requests allowed per /24 (IPv4) or /64 (IPv6) network; a /56 (IPv6) gets twice as many, a /16 (IPv4) or /48 (IPv6) four times.',
    schema: rate,
  },
  recoveryLimitGlobal: {
    env: 'GATEHOUSE_RECOVERY_LIMIT_GLOBAL',
    default: '3000/60',
    doc: 'Recovery requests allowed in total (all sources), the global budget.',
    schema: rate,
  },
  signupLimitPerIp: {
    env: 'GATEHOUSE_SIGNUP_LIMIT_IP',
    default: '20/3600',
    doc: "Sign-ups allowed per source address, accepted or not, as POINTS/SECONDS: each costs a password hash and may mail an address of the caller's choosing. The /56 gets 2× and the /16 or /48 4× the /24 or /64 budget.",
    schema: rate,
  },
  signupLimitPerSubnet: {
    env: 'GATEHOUSE_SIGNUP_LIMIT_SUBNET',
    default: '100/3600',
    doc: 'Sign-ups allowed per /24 (IPv4) or /64 (IPv6) network.',
    schema: rate,
  },
  signupLimitGlobal: {
    env: 'GATEHOUSE_SIGNUP_LIMIT_GLOBAL',
    default: '3000/60',
    doc: 'Sign-ups allowed in total (all sources).',
    schema: rate,
  },
  verifyResendLimitPerAddress: {
    env: 'GATEHOUSE_VERIFY_RESEND_LIMIT_ADDRESS',
    default: '5/3600',
    doc: 'Verification resends allowed per address typed (normalised, whether or not it has an account), as POINTS/SECONDS; then 429 for that address from anywhere.',
    schema: rate,
  },
  recoveryCompleteLimitPerIp: {
    env: 'GATEHOUSE_RECOVERY_COMPLETE_LIMIT_IP',
    default: '30/600',
    doc: 'Recovery completions (token guesses) allowed per source address.',
    schema: rate,
  },
  lockTokenTtlSeconds: {
    env: 'GATEHOUSE_LOCK_TOKEN_TTL',
    default: '604800',
    doc: 'Lifetime of the "this wasn\'t me" link in password-change notices, in seconds.',
    schema: int(600, 30 * 86400),
  },
  reauthMaxAgeSeconds: {
    env: 'GATEHOUSE_REAUTH_MAX_AGE_SECONDS',
    default: '600',
    doc: 'Adding or removing a second factor, new recovery codes or a new email address need a proof of identity (login or POST /v1/sessions/current/reauth) at most this many seconds old.',
    schema: int(60, 86400),
  },
  webauthnRpId: {
    env: 'GATEHOUSE_WEBAUTHN_RP_ID',
    default: undefined,
    doc: 'WebAuthn relying-party id for passkeys: a registrable domain (unset: the host of GATEHOUSE_PUBLIC_URL). Passkeys are bound to it.',
    schema: optional(
      format(
        z.string().regex(/^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/),
        'must be a lower-case domain name such as example.com',
      ),
    ),
  },
  webauthnRpName: {
    env: 'GATEHOUSE_WEBAUTHN_RP_NAME',
    default: 'Gatehouse',
    doc: 'The relying-party name authenticators show when a passkey is created.',
    schema: format(z.string().max(64), 'must be at most 64 characters long'),
  },
  webauthnOrigins: {
    env: 'GATEHOUSE_WEBAUTHN_ORIGINS',
    default: undefined,
    doc: 'Comma-separated origins (https://host[:port]) whose pages may use passkeys (unset: the origin of GATEHOUSE_PUBLIC_URL).',
    schema: optional(
      format(
        z
          .string()
          .transform((v) =>
            v
              .split(',')
              .map((o) => o.trim())
              .filter((o) => o.length > 0),
          )
          .pipe(
            z
              .array(
                z.string().refine((o) => {
                  try {
                    const u = new URL(o)
                    return (u.protocol === 'https:' || u.protocol === 'http:') && u.origin === o
                  } catch {
                    return false
                  }
                }),
              )
              .min(1),
          ),
        'must list origins such as https://id.example.com, comma-separated, without a path',
      ),
    ),
  },
  stepUpNewDevice: {
    env: 'GATEHOUSE_STEP_UP_NEW_DEVICE',
    default: 'true',
    doc: 'A correct password from a device the account has not used before, on an account without a second factor, must be confirmed with a code mailed to the account (not for its very first device).',
    schema: bool,
  },
  rememberDeviceDays: {
    env: 'GATEHOUSE_REMEMBER_DEVICE_DAYS',
    default: '30',
    doc: '"Remember this device" skips the second factor on that device for this many days (a password reset or change ends it). 0 turns the option off.',
    schema: int(0, 365),
  },
  loginCodeCapPerHour: {
    env: 'GATEHOUSE_LOGIN_CODE_CAP_HOUR',
    default: '3',
    doc: 'Most one-time login codes (email or SMS) one account receives per hour.',
    schema: int(1, 100),
  },
  loginCodeCapPerDay: {
    env: 'GATEHOUSE_LOGIN_CODE_CAP_DAY',
    default: '5',
    doc: 'Most one-time login codes (email or SMS) one account receives per day.',
    schema: int(1, 1000),
  },
  messagesPerDestinationDay: {
    env: 'GATEHOUSE_MESSAGES_PER_DESTINATION_DAY',
    default: '40',
    doc: 'Most messages of every kind together that one email address or phone number receives per day (the outbound gate; see docs/security.md for the budget of each kind).',
    schema: int(1, 100_000),
  },
  smsBudget: {
    env: 'GATEHOUSE_SMS_BUDGET',
    default: '1000/3600',
    doc: 'Every SMS Gatehouse sends, together, as POINTS/SECONDS: a budget against SMS pumping (toll fraud). Texts over it are not sent, and an `outbound_budget_exhausted` event tells operators.',
    schema: rate,
  },
  smsBudgetPerCountry: {
    env: 'GATEHOUSE_SMS_BUDGET_PER_COUNTRY',
    default: '100/3600',
    doc: 'SMS to the numbers of one country calling code (`+44`, `+1` …), as POINTS/SECONDS: pumping usually targets a few expensive destinations.',
    schema: rate,
  },
  loginNoticeCapPerDay: {
    env: 'GATEHOUSE_LOGIN_NOTICE_CAP_DAY',
    default: '10',
    doc: 'Most new-sign-in notices one account receives per day.',
    schema: int(1, 1000),
  },
  geoipDb: {
    env: 'GATEHOUSE_GEOIP_DB',
    default: undefined,
    doc: 'A local MaxMind GeoLite2/GeoIP2 City or Country database (.mmdb): new-sign-in notices then name the approximate place. Unset: no place.',
    schema: optional(format(z.string().refine(isMmdb), 'must be the path of a readable MaxMind .mmdb file')),
  },
  eventRetentionDays: {
    env: 'GATEHOUSE_EVENT_RETENTION_DAYS',
    default: '365',
    doc: 'Security events older than this many days are deleted by the hourly housekeeping.',
    schema: int(1, 3650),
  },
  guardEnabled: {
    env: 'GATEHOUSE_GUARD',
    default: 'true',
    doc: 'Run the detectors (enumeration, credential stuffing, brute force, recovery floods, legacy clients) and their responses: challenges, delays, blocks. See docs/guard.md.',
    schema: bool,
  },
  guardWindowSeconds: {
    env: 'GATEHOUSE_GUARD_WINDOW_SECONDS',
    default: '600',
    doc: 'The sliding window of the source and identifier detectors; a challenge mark lasts as long.',
    schema: int(10, 86_400),
  },
  guardEnumerationChallenge: {
    env: 'GATEHOUSE_GUARD_ENUMERATION_CHALLENGE',
    default: '10',
    doc: 'Distinct identifiers one address asks about (recovery, verification resend, refused sign-ups, failed logins) in the window before it must solve challenges (harder as the count doubles). Whether they name accounts plays no part.',
    schema: int(2, 100_000),
  },
  guardEnumerationBlock: {
    env: 'GATEHOUSE_GUARD_ENUMERATION_BLOCK',
    default: '100',
    doc: 'Distinct identifiers from one address in the window before it is blocked for GATEHOUSE_GUARD_BLOCK_SECONDS (solving challenges does not help).',
    schema: int(2, 1_000_000),
  },
  guardSubnetFactor: {
    env: 'GATEHOUSE_GUARD_SUBNET_FACTOR',
    default: '4',
    doc: 'A /24 (IPv4) or /64 (IPv6) network gets this many times the thresholds of one address.',
    schema: int(1, 1000),
  },
  guardSiteFactor: {
    env: 'GATEHOUSE_GUARD_SITE_FACTOR',
    default: '8',
    doc: 'A /56 (IPv6) network gets this many times the thresholds of one address.',
    schema: int(1, 10_000),
  },
  guardNetworkFactor: {
    env: 'GATEHOUSE_GUARD_NETWORK_FACTOR',
    default: '16',
    doc: 'A /16 (IPv4) or /48 (IPv6) network gets this many times the thresholds of one address (one /48 holds 65,536 /64s).',
    schema: int(1, 100_000),
  },
  guardSignupRefusals: {
    env: 'GATEHOUSE_GUARD_SIGNUP_REFUSALS',
    default: '10',
    doc: 'Refused sign-ups (taken username, password the policy rejects, invalid address …) from one address in the window before it must solve challenges (harder as the count doubles).',
    schema: int(1, 100_000),
  },
  guardStuffingIdentifiers: {
    env: 'GATEHOUSE_GUARD_STUFFING_IDENTIFIERS',
    default: '5',
    doc: 'Distinct identifiers with failed logins from one address in the window before it must solve challenges (credential stuffing).',
    schema: int(2, 100_000),
  },
  guardSpikeMinFailures: {
    env: 'GATEHOUSE_GUARD_SPIKE_MIN_FAILURES',
    default: '30',
    doc: 'Failed logins (all sources) in GATEHOUSE_GUARD_SPIKE_WINDOW_SECONDS before a rise in the failure ratio counts as a spike.',
    schema: int(1, 1_000_000),
  },
  guardSpikePercent: {
    env: 'GATEHOUSE_GUARD_SPIKE_PERCENT',
    default: '50',
    doc: 'Share of failed logins (percent) in the spike window that makes a spike when the hour before saw fewer than GATEHOUSE_GUARD_SPIKE_BASELINE_LOGINS logins.',
    schema: int(1, 100),
  },
  guardSpikeJump: {
    env: 'GATEHOUSE_GUARD_SPIKE_JUMP',
    default: '3',
    doc: 'With a baseline, a spike is a failure share at least this many times that of the hour before, and at least GATEHOUSE_GUARD_SPIKE_FLOOR_PERCENT. During a spike every source without a session opened in GATEHOUSE_GUARD_KNOWN_SOURCE_DAYS is challenged.',
    schema: int(1, 100),
  },
  guardSpikeFloorPercent: {
    env: 'GATEHOUSE_GUARD_SPIKE_FLOOR_PERCENT',
    default: '10',
    doc: 'The smallest failure share (percent) that counts as a spike when compared with a baseline.',
    schema: int(1, 100),
  },
  guardSpikeBaselineLogins: {
    env: 'GATEHOUSE_GUARD_SPIKE_BASELINE_LOGINS',
    default: '100',
    doc: 'Logins the hour before the spike window must have seen to serve as a baseline.',
    schema: int(1, 1_000_000),
  },
  guardSpikeWindowSeconds: {
    env: 'GATEHOUSE_GUARD_SPIKE_WINDOW_SECONDS',
    default: '60',
    doc: 'Sliding window of the global failure ratio.',
    schema: int(10, 3600),
  },
  guardSpikeHoldSeconds: {
    env: 'GATEHOUSE_GUARD_SPIKE_HOLD_SECONDS',
    default: '600',
    doc: 'How long new sources stay challenged after a spike was last seen.',
    schema: int(10, 86_400),
  },
  guardBruteForceDelayAfter: {
    env: 'GATEHOUSE_GUARD_BRUTE_FORCE_DELAY_AFTER',
    default: '5',
    doc: 'Failed logins on one identifier in the window before each source must wait before its next try on it (1 s, doubling with every failure). Sources the identifier logged in from before are not held back: no lockout.',
    schema: int(1, 10_000),
  },
  guardBruteForceChallengeAfter: {
    env: 'GATEHOUSE_GUARD_BRUTE_FORCE_CHALLENGE_AFTER',
    default: '10',
    doc: 'Failed logins on one identifier in the window before sources it has not logged in from must solve challenges (harder as failures double).',
    schema: int(1, 10_000),
  },
  guardBruteForceMaxDelaySeconds: {
    env: 'GATEHOUSE_GUARD_BRUTE_FORCE_MAX_DELAY_SECONDS',
    default: '900',
    doc: 'The longest wait between tries on one identifier from one source.',
    schema: int(1, 86_400),
  },
  guardRecoveryFlood: {
    env: 'GATEHOUSE_GUARD_RECOVERY_FLOOD',
    default: '10/3600',
    doc: 'Recovery requests reaching one account (REQUESTS/SECONDS) that open a recovery-flood detection; the caps already stop the messages.',
    schema: rate,
  },
  guardLegacyClients: {
    env: 'GATEHOUSE_GUARD_LEGACY_CLIENTS',
    default: '20',
    doc: 'Requests refused as outdated (426) from one address in the window that open a legacy-client detection.',
    schema: int(1, 1_000_000),
  },
  guardBlockSeconds: {
    env: 'GATEHOUSE_GUARD_BLOCK_SECONDS',
    default: '900',
    doc: 'How long a block lasts (429 with Retry-After for every guarded request from the source).',
    schema: int(1, 86_400 * 30),
  },
  guardKnownSourceDays: {
    env: 'GATEHOUSE_GUARD_KNOWN_SOURCE_DAYS',
    default: '30',
    doc: 'How long a device that logged in successfully counts as known on its account (exempt from brute-force delays and challenges on its identifiers), and an address that did as known for the global spike (exempt from its challenges).',
    schema: int(1, 365),
  },
  powDifficulty: {
    env: 'GATEHOUSE_POW_DIFFICULTY',
    default: '16',
    doc: 'Leading zero bits of the first proof-of-work challenge (about 2^N SHA-256 hashes); each level of suspicion adds 2.',
    schema: int(1, 32),
  },
  powMaxDifficulty: {
    env: 'GATEHOUSE_POW_MAX_DIFFICULTY',
    default: '24',
    doc: 'The hardest proof-of-work challenge.',
    schema: int(1, 32),
  },
  powTtlSeconds: {
    env: 'GATEHOUSE_POW_TTL_SECONDS',
    default: '120',
    doc: 'How long a puzzle may be answered; each puzzle is good for one request.',
    schema: int(10, 3600),
  },
  captchaProvider: {
    env: 'GATEHOUSE_CAPTCHA_PROVIDER',
    default: 'off',
    doc: '`turnstile` or `hcaptcha`: a CAPTCHA token in `Gatehouse-Captcha` also meets a challenge. `off`: proof of work only.',
    schema: choice(['off', 'turnstile', 'hcaptcha']),
  },
  captchaSecret: {
    env: 'GATEHOUSE_CAPTCHA_SECRET',
    default: undefined,
    secret: true,
    doc: "The CAPTCHA provider's secret key (required when a provider is set).",
    schema: optional(text),
  },
  captchaSiteKey: {
    env: 'GATEHOUSE_CAPTCHA_SITE_KEY',
    default: undefined,
    doc: 'The site key clients render the widget with; returned in challenges.',
    schema: optional(text),
  },
  captchaVerifyUrl: {
    env: 'GATEHOUSE_CAPTCHA_VERIFY_URL',
    default: undefined,
    doc: "The provider's verify endpoint; unset uses the provider's own (Turnstile or hCaptcha siteverify).",
    schema: optional(url(['https:', 'http:'])),
  },
  mfaRequiredRoles: {
    env: 'GATEHOUSE_MFA_REQUIRED_ROLES',
    default: 'admin,partner,responder,auditor',
    doc: 'Roles (comma-separated: user, admin, partner, responder, auditor) whose accounts must have a second factor: until they have one, their sessions may only set one up. `none` for no role. Staff roles (admin, responder, auditor, partner) need a TOTP factor or a passkey; email and SMS codes count for the others.',
    schema: format(
      z
        .string()
        .transform((v) =>
          v
            .split(',')
            .map((r) => r.trim())
            .filter((r) => r.length > 0 && r !== 'none'),
        )
        .pipe(z.array(z.enum(['user', 'admin', 'partner', 'responder', 'auditor']))),
      'must be none or a comma-separated list of roles among user, admin, partner, responder, auditor',
    ),
  },
  incidentImportMaxBytes: {
    env: 'GATEHOUSE_INCIDENT_IMPORT_MAX_BYTES',
    default: '2147483648',
    doc: 'Largest leaked data set `POST /v1/admin/incidents/{id}/imports` takes, in bytes (streamed, never held in memory); larger uploads get `413 payload_too_large` and the import is marked failed.',
    schema: int(1024, 1024 * 1024 * 1024 * 1024),
  },
  phoneDefaultRegion: {
    env: 'GATEHOUSE_PHONE_DEFAULT_REGION',
    default: undefined,
    doc: 'ISO 3166 region (such as `GB`) for phone numbers written without a country code in leaked data sets, unless an import names its own `phone_region`; unset, such numbers match nobody.',
    schema: optional(
      format(
        z
          .string()
          .regex(/^[A-Za-z]{2}$/)
          .transform((v) => v.toUpperCase()),
        'must be a two-letter region code such as GB',
      ),
    ),
  },
  campaignNotifyPerSecond: {
    env: 'GATEHOUSE_CAMPAIGN_NOTIFY_PER_SECOND',
    default: '50',
    doc: 'Pace of a notify campaign: at most this many accounts a second get its message queued (per campaign, across every instance).',
    schema: int(1, 100000),
  },
  campaignBatchSize: {
    env: 'GATEHOUSE_CAMPAIGN_BATCH_SIZE',
    default: '1000',
    doc: 'Accounts a campaign worker handles in one transaction.',
    schema: int(1, 10000),
  },
  campaignWorkers: {
    env: 'GATEHOUSE_CAMPAIGN_WORKERS',
    default: '2',
    doc: 'Campaign batches each instance runs at once (PostgreSQL; SQLite runs one at a time whatever this says).',
    schema: int(1, 32),
  },
  webhookAllowPrivate: {
    env: 'GATEHOUSE_WEBHOOK_ALLOW_PRIVATE',
    default: 'false',
    doc: 'Let webhooks go to loopback, private (RFC 1918, fc00::/7), link-local (169.254/16 with cloud metadata, fe80::/10), CGNAT and other non-public addresses. Off: such URLs are refused when a webhook is created, and every delivery resolves the host again and connects only to public addresses.',
    schema: bool,
  },
} as const satisfies Record<string, Setting>

export type SettingKey = keyof typeof settings
type Out<K extends SettingKey> = z.output<(typeof settings)[K]['schema']>
export type Config = { readonly [K in SettingKey]: Out<K> }

/** Markdown table of every setting, for docs/config.md. */
export const configDocs = (): string => {
  const rows = Object.values(settings).map(
    (s) => `| \`${s.env}\` | ${s.default === undefined ? '*(unset)*' : `\`${s.default}\``} | ${s.doc} |`,
  )
  return [
    '# Configuration',
    '',
    'Gatehouse reads its settings from the environment (and, when `GATEHOUSE_CONFIG_FILE` names a JSON file of',
    '`{"VARIABLE": "value"}` pairs, from that file first; the environment wins). Every value is checked at start:',
    'bad ones stop the start with one line each, naming the variable, what it must be and the value given',
    '(never the value of a secret such as a token, a key or a URL with a password).',
    '',
    'This file is generated by `gatehouse config docs`.',
    '',
    '| variable | default | meaning |',
    '|---|---|---|',
    ...rows,
    '',
  ].join('\n')
}
