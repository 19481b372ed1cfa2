import { createHmac } from 'node:crypto'
import { isIP } from 'node:net'
import { join } from 'node:path'
import type { CountryCode } from 'libphonenumber-js'
import type { CityResponse } from 'maxmind'
import pino, { type Logger } from 'pino'
import { freeBytes } from './adapters/files/disk-space.js'
import { MAIL_DIR_NAME, securePrivateData } from './adapters/files/private-files.js'
import { loadSecretKey } from './adapters/keys/key-file.js'
import { createMemoryLimiterStore } from './adapters/limits/memory.js'
import { FileMailTransport, SmtpMailTransport } from './adapters/notify/mail-transports.js'
import { createSmsTransport } from './adapters/notify/sms-http.js'
import { SqlAccessRepository } from './adapters/sql/access-repository.js'
import { SqlAdminStatsSource } from './adapters/sql/admin-stats-repository.js'
import { SqlAuditLog } from './adapters/sql/audit-repository.js'
import { SqlCampaignRepository } from './adapters/sql/campaigns-repository.js'
import { openDatabase, type SqlDatabase } from './adapters/sql/database.js'
import { SqlDetectionStore } from './adapters/sql/detections-repository.js'
import { SqlDeviceRepository, SqlLoginCodes, SqlLoginNotices } from './adapters/sql/devices-repository.js'
import { SqlGuardLiftStore } from './adapters/sql/guard-lifts-repository.js'
import { SqlIncidentRepository } from './adapters/sql/incidents-repository.js'
import {
  SqlMfaChallenges,
  SqlMfaFactorRepository,
  SqlPasskeyRepository,
  SqlRecoveryCodes,
  SqlWebauthnChallenges,
} from './adapters/sql/mfa-repository.js'
import { migrateToLatest } from './adapters/sql/migrate.js'
import { SqlNameDirectory } from './adapters/sql/names-repository.js'
import { SqlReportFacts } from './adapters/sql/reports-repository.js'
import { createSqlStore, type SqlStore } from './adapters/sql/store.js'
import { SqlWebhookRepository } from './adapters/sql/webhooks-repository.js'
import { type Config, trustProxyOption } from './config/index.js'
import { consoleRoutes } from './http/console-routes.js'
import { listenMetrics, type MetricsListener } from './http/metrics-server.js'
import { opsRoutes } from './http/ops-routes.js'
import { createHttpServer, type FastPaths, type HttpServer, requestContext } from './http/server.js'
import { trackConnections } from './http/shutdown.js'
import { type Clock, DAY, MINUTE, SECOND, systemClock } from './kernel/clock.js'
import { AppError } from './kernel/errors.js'
import { dependencyFailureOf, OutageTracker, withDeadline } from './kernel/outages.js'
import { SecretBox } from './kernel/secret-box.js'
import { createMetrics, type Metrics } from './metrics.js'
import { staffAuthorizer } from './modules/access/authorize.js'
import { accessRoutes } from './modules/access/routes.js'
import { AccessService } from './modules/access/service.js'
import { findAccountByIdentifier } from './modules/accounts/lookup.js'
import { PasswordHasher } from './modules/accounts/password-hasher.js'
import { PasswordPolicy, warmPasswordLists } from './modules/accounts/password-policy.js'
import type { AccountRecord } from './modules/accounts/ports.js'
import { accountRoutes } from './modules/accounts/routes.js'
import { AccountsService } from './modules/accounts/service.js'
import { adminRoutes } from './modules/admin/routes.js'
import { auditRoutes } from './modules/audit/routes.js'
import { AuditService } from './modules/audit/service.js'
import { campaignRoutes } from './modules/campaigns/routes.js'
import { CampaignsService } from './modules/campaigns/service.js'
import { campaignTimelineSource } from './modules/campaigns/timeline.js'
import { CampaignWorker } from './modules/campaigns/worker.js'
import { DevicesService, type PlaceOf } from './modules/devices/service.js'
import { EventRecorder, noContext } from './modules/events/recorder.js'
import { eventRoutes } from './modules/events/routes.js'
import { HttpCaptchaVerifier } from './modules/guard/captcha.js'
import { Guard } from './modules/guard/guard.js'
import { GuardLiftService, GuardLiftWatcher } from './modules/guard/lifts.js'
import type { DetectionStore, LimiterStore } from './modules/guard/ports.js'
import { ProofOfWork } from './modules/guard/pow.js'
import { guardRoutes } from './modules/guard/routes.js'
import { SourceLimits } from './modules/guard/source-limits.js'
import { incidentRoutes } from './modules/incidents/routes.js'
import { IncidentsService } from './modules/incidents/service.js'
import { auditTimelineSource, importTimelineSource } from './modules/incidents/timeline.js'
import { createLoginModule, LOGIN_CHALLENGE_GUESSES } from './modules/login/module.js'
import { type GateHooks, type GateSettings, OutboundGate } from './modules/mail/gate.js'
import { queueSecurityNotice, type SecurityChange } from './modules/mail/notices.js'
import type { MailTransport, SmsTransport } from './modules/mail/ports.js'
import { outboxRoutes } from './modules/mail/routes.js'
import { type DeadLetter, OutboxWorker } from './modules/mail/worker.js'
import { LoginCodeService } from './modules/mfa/login-codes.js'
import { PasskeyService } from './modules/mfa/passkeys.js'
import { StoredSecondFactors } from './modules/mfa/second-factors.js'
import { MfaService } from './modules/mfa/service.js'
import {
  factorPolicyOf,
  NO_FACTOR_POLICY,
  PASSWORD_FACTOR_FLOOR,
  STAFF_FLOOR,
  satisfies,
} from './modules/mfa/strength.js'
import { recoveryRoutes } from './modules/recovery/routes.js'
import { RecoveryService } from './modules/recovery/service.js'
import { RecoveryWorker } from './modules/recovery/worker.js'
import { mitigationsInPlace } from './modules/reports/mitigations.js'
import { reportRoutes } from './modules/reports/routes.js'
import { IncidentReports } from './modules/reports/service.js'
import { SESSION_CHECK_URL, SessionCheckFastPath } from './modules/sessions/fast-check.js'
import { cookieChangeGuard } from './modules/sessions/http-auth.js'
import type { SessionsService } from './modules/sessions/service.js'
import { webhookRoutes } from './modules/webhooks/routes.js'
import { HttpWebhookSender } from './modules/webhooks/sender.js'
import { WebhooksService } from './modules/webhooks/service.js'
import { VERSION } from './version.js'

export interface AppOverrides {
  clock?: Clock
  logger?: Logger
  mail?: MailTransport
  sms?: SmsTransport
  /** An already open database (tests); otherwise one is opened from the config. */
  database?: SqlDatabase
  /** Do not start background workers (tests drive them by hand). */
  manualWorkers?: boolean
  /** A limiter store to use instead of the configured one. */
  limiter?: LimiterStore
}

export interface App {
  readonly config: Config
  readonly http: HttpServer
  readonly store: SqlStore
  readonly database: SqlDatabase
  readonly metrics: Metrics
  readonly logger: Logger
  readonly clock: Clock
  readonly services: {
    accounts: AccountsService
    sessions: SessionsService
    recovery: RecoveryService
    mfa: MfaService
    passkeys: PasskeyService
    campaigns: CampaignsService
  }
  readonly workers: { outbox: OutboxWorker; recovery: RecoveryWorker; campaigns: CampaignWorker }
  /** Answers most `GET /v1/sessions/current` requests before Fastify routes them. */
  readonly sessionCheck: SessionCheckFastPath
  readonly limiter: LimiterStore
  readonly guard: Guard
  readonly detections: DetectionStore
  /** Operators' lifts of the guard (`gatehouse guard lift`), applied by every running server. */
  readonly guardLifts: GuardLiftService
  readonly audit: AuditService
  /** External parties: clients, admin API keys, partner accounts, the access review. */
  readonly access: AccessService
  readonly incidents: IncidentsService
  /** Incident reports (security briefs) from what was recorded. */
  readonly reports: IncidentReports
  /**
   * Starts the metrics listener (GATEHOUSE_METRICS_HOST/PORT): Prometheus text at `GET /metrics`,
   * never on the public API. Null when GATEHOUSE_METRICS_PORT is off.
   */
  listenMetrics(): Promise<MetricsListener | null>
  /** Starts background work (outbox delivery, housekeeping, loading the password lists). */
  startWorkers(): void
  /**
   * Starts draining: `/readyz` answers 503 and answers carry `Connection: close`, while requests are
   * still served; resolves after `ms`. `close()` follows.
   */
  drain(ms: number): Promise<void>
  /** Stops taking work, lets requests in flight finish, releases claimed messages, closes the database. */
  close(): Promise<void>
}

/** After the listener closes, a connection with nothing in flight for this long is closed. */
const SHUTDOWN_QUIET_MS = 1000

/** How often a server looks for operators' lifts of the guard. */
const GUARD_LIFT_POLL_MS = 1000

/** A readiness check that passed. */
const ok = { ready: true, state: 'ok' }

export const createLogger = (config: Config): Logger =>
  pino({
    level: config.logLevel,
    base: { service: 'gatehouse' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        '*.password',
        '*.token',
        '*.current_password',
        '*.new_password',
      ],
      censor: '[redacted]',
    },
  })

/**
 * The composition root: the one place that picks adapters (database, mail,
 * SMS, limiter store) from the configuration and wires the modules together.
 */
export const createApp = async (config: Config, overrides: AppOverrides = {}): Promise<App> => {
  const clock = overrides.clock ?? systemClock
  const logger = overrides.logger ?? createLogger(config)
  const metrics = createMetrics({
    // Read at scrape time, within a deadline: a hung database does not hang the metrics listener.
    outboxCounts: () => withDeadline(store.outboxQueue.counts(), config.readyTimeoutMs, 'database'),
    dataDirFreeBytes: () => freeBytes(config.dataDir),
  })
  // The data folder holds password hashes, contact data, keys and tokens: for this user only.
  const files = securePrivateData(config.dataDir)
  if (files.narrowed.length > 0)
    logger.warn({ paths: files.narrowed }, 'data files were open to other users: narrowed to the owner')
  if (files.failed.length > 0)
    logger.warn({ paths: files.failed }, 'data files are open to other users and could not be narrowed')
  const database = overrides.database ?? (await openDatabase(config))
  const migrated = await migrateToLatest(database.db as never, database.dialect)
  if (migrated.error) {
    await database.close()
    throw migrated.error
  }
  const minFreeBytes = config.diskMinFreeMb * 1024 * 1024
  /** The data directory's free space (also the gauge), and whether it is enough. */
  const diskRoom = async () => {
    const free = await freeBytes(config.dataDir)
    metrics.dataDirFreeBytes.set(free)
    return free >= minFreeBytes
  }
  // Outages of dependencies: logged once when they start and once when they end, a gauge each;
  // the database and the disk are probed every second while they are down (docs/reliability.md).
  const outages = new OutageTracker({
    log: logger,
    now: () => Date.now(),
    onState: (dependency, up) => metrics.dependencyUp.set({ dependency }, up ? 1 : 0),
    onFailure: (dependency) => metrics.dependencyFailures.inc({ dependency }),
    probes: {
      database: () => withDeadline(database.ping(config.readyTimeoutMs), config.readyTimeoutMs, 'database'),
      disk: async () => {
        if (!(await diskRoom())) throw new Error('low on space')
        await withDeadline(database.pingWrite(config.readyTimeoutMs), config.readyTimeoutMs, 'disk')
      },
    },
  })
  const gateSettings: GateSettings = {
    kinds: {
      recovery: { hour: config.recoveryCapPerHour, day: config.recoveryCapPerDay },
      login_code: { hour: config.loginCodeCapPerHour, day: config.loginCodeCapPerDay },
      phone_code: { hour: 5, day: 10 },
      verification: { hour: 3, day: 10 },
      unsolicited: { hour: 1, day: 3 },
      notice: { hour: 10, day: 30 },
      login_notice: { day: config.loginNoticeCapPerDay },
      digest: { day: 2 },
      campaign: { day: 3 },
    },
    destinationPerDay: config.messagesPerDestinationDay,
    sms: { global: config.smsBudget, perCountry: config.smsBudgetPerCountry },
  }
  // Told by the gate when the SMS budgets refuse a text: at most one event a minute per budget.
  const smsBudgetTold = new Map<string, number>()
  const gateHooks: GateHooks = {
    queued: (channel) => metrics.messages.inc({ channel, state: 'queued' }),
    suppressed: (channel, kind, budget, stage) => {
      metrics.suppressed.inc({ channel, kind, budget, stage })
      if (budget !== 'sms_global' && budget !== 'sms_country') return
      const now = clock.now()
      if ((smsBudgetTold.get(budget) ?? 0) > now - MINUTE) return
      smsBudgetTold.set(budget, now)
      // `events` exists by the time anything is queued.
      events
        .record('outbound_budget_exhausted', null, noContext, { budget, channel, stage })
        .catch((err) => logger.error({ err }, 'could not record outbound_budget_exhausted'))
    },
  }
  const store = createSqlStore(database, (ledger) => new OutboundGate(ledger, gateSettings, gateHooks))

  const mail: MailTransport =
    overrides.mail ??
    (config.smtpUrl
      ? new SmtpMailTransport(config.smtpUrl, config.mailFrom)
      : new FileMailTransport(join(config.dataDir, MAIL_DIR_NAME), config.mailFrom))
  const sms = overrides.sms ?? createSmsTransport(config)

  let webhooks: WebhooksService | undefined
  const events = new EventRecorder(
    store.events,
    () => clock.now(),
    (type, count) => metrics.events.inc({ type }, count),
    {
      onRecorded: (recorded) => webhooks?.fanOut(recorded),
      onHookError: (err, recorded) =>
        logger.error(
          { err, type: recorded[0]?.type, events: recorded.length },
          'could not queue webhook messages',
        ),
    },
  )
  const hasher = new PasswordHasher({
    memoryKiB: config.argon2MemoryKiB,
    iterations: config.argon2Iterations,
    parallelism: config.argon2Parallelism,
  })
  const policy = new PasswordPolicy({
    minLength: config.passwordMinLength,
    maxLength: config.passwordMaxLength,
    minScore: config.passwordMinScore,
    profile: config.passwordPolicy,
  })
  /** A service queued messages (the gate counted them): deliver now rather than at the next poll. */
  const queued = (_channel: 'email' | 'sms') => outboxWorker?.kick()
  const secretKey = loadSecretKey(config)
  const box = new SecretBox(secretKey)
  const mfaFactors = new SqlMfaFactorRepository(database.db)
  const totp = new StoredSecondFactors({
    factors: mfaFactors,
    box,
    clock,
    onUnreadable: (factorId) =>
      logger.error(
        { factor_id: factorId },
        'a second-factor secret does not open: check GATEHOUSE_SECRET_KEY',
      ),
  })
  /**
   * A worker's logger: an error it logs that is a dependency outage (the database down while it
   * polls) goes to the outage tracker, logged once per outage, instead of once per run.
   */
  const workerLogger = (worker: string): Logger => {
    const child = logger.child({ worker })
    const error = child.error.bind(child)
    child.error = ((fields: unknown, ...rest: unknown[]) => {
      const err = (fields as { err?: unknown } | null)?.err
      const outage = err !== undefined ? dependencyFailureOf(err) : null
      if (outage) outages.failed(outage, worker)
      else (error as (...args: unknown[]) => void)(fields, ...rest)
    }) as typeof child.error
    return child
  }
  const limiter =
    overrides.limiter ??
    (config.redisUrl
      ? // ioredis and its limiter load only when Redis is configured.
        await (await import('./adapters/limits/redis.js')).createRedisLimiterStore(config.redisUrl, {
          keyPrefix: config.redisPrefix,
          timeoutMs: config.redisTimeoutMs,
          // Logged once per change of state by the tracker; limits count in memory meanwhile.
          onFallback: (err) => {
            outages.failed(
              { dependency: 'redis', reason: err.message },
              'limiter: using per-instance memory limits',
            )
            events.record('limiter_store_fallback', null, noContext, { error: err.message }).catch(() => {})
          },
          onRecovered: () => {
            outages.recovered('redis')
            events.record('limiter_store_recovered', null, noContext).catch(() => {})
          },
        })
      : createMemoryLimiterStore())
  // Instances on one Redis tell each other of writes that change session checks: their session
  // caches drop what they hold at once (else within GATEHOUSE_SESSION_CACHE_MS).
  const broadcast =
    config.redisUrl && config.sessionCacheMs > 0
      ? await (await import('./adapters/broadcast/principal-changes.js')).startPrincipalBroadcast(
          config.redisUrl,
          {
            changes: database.principalChanges,
            prefix: config.redisPrefix,
            onError: (err) =>
              logger.warn(
                { err: { message: err.message } },
                'session-change broadcast unreachable: other instances see revocations within the session cache time',
              ),
          },
        )
      : null
  const limited = (scope: string) => metrics.rateLimited.inc({ scope })
  const detections = new SqlDetectionStore(database.db)
  const auditLog = new SqlAuditLog(database.db, database.dialect)
  const audit = new AuditService({ log: auditLog, now: () => clock.now() })
  const guard = new Guard({
    store: limiter,
    detections,
    events,
    pow: new ProofOfWork({
      key: createHmac('sha256', secretKey).update('gatehouse proof of work').digest(),
      ttlMs: config.powTtlSeconds * SECOND,
      now: () => clock.now(),
      used: limiter.counters('guard:pow_used', config.powTtlSeconds),
    }),
    captcha:
      config.captchaProvider !== 'off' && config.captchaSecret && config.captchaSiteKey
        ? new HttpCaptchaVerifier(config.captchaProvider, {
            secret: config.captchaSecret,
            siteKey: config.captchaSiteKey,
            ...(config.captchaVerifyUrl ? { verifyUrl: config.captchaVerifyUrl } : {}),
          })
        : undefined,
    identifierKey: createHmac('sha256', secretKey).update('gatehouse guard identifiers').digest(),
    findAccount: async (identifier) =>
      (await findAccountByIdentifier(store.accounts, identifier))?.id ?? null,
    now: () => clock.now(),
    metrics: {
      detection: (kind, action) => metrics.detections.inc({ kind, action }),
      challenge: (kind, outcome) => metrics.challenges.inc({ kind, outcome }),
      block: (scope) => metrics.blocks.inc({ scope }),
      refused: (reason) => metrics.guardRefusals.inc({ reason }),
      screened: (seconds) => metrics.guardScreen.observe(seconds),
    },
    onError: (err, what) => logger.error({ err, what }, 'guard observation failed'),
    settings: {
      enabled: config.guardEnabled,
      windowSeconds: config.guardWindowSeconds,
      enumeration: {
        challengeDistinct: config.guardEnumerationChallenge,
        blockDistinct: config.guardEnumerationBlock,
      },
      subnetFactor: config.guardSubnetFactor,
      siteFactor: config.guardSiteFactor,
      networkFactor: config.guardNetworkFactor,
      signupRefusals: config.guardSignupRefusals,
      stuffing: {
        sourceIdentifiers: config.guardStuffingIdentifiers,
        spikeMinFailures: config.guardSpikeMinFailures,
        spikeRatio: config.guardSpikePercent / 100,
        spikeJump: config.guardSpikeJump,
        spikeFloor: config.guardSpikeFloorPercent / 100,
        baselineLogins: config.guardSpikeBaselineLogins,
        spikeWindowSeconds: config.guardSpikeWindowSeconds,
        spikeHoldSeconds: config.guardSpikeHoldSeconds,
      },
      bruteForce: {
        delayAfter: config.guardBruteForceDelayAfter,
        challengeAfter: config.guardBruteForceChallengeAfter,
        maxDelaySeconds: config.guardBruteForceMaxDelaySeconds,
      },
      recoveryFlood: {
        requests: config.guardRecoveryFlood.points,
        windowSeconds: config.guardRecoveryFlood.seconds,
      },
      legacyClients: { requests: config.guardLegacyClients },
      blockSeconds: config.guardBlockSeconds,
      knownSourceDays: config.guardKnownSourceDays,
      pow: { baseDifficulty: config.powDifficulty, maxDifficulty: config.powMaxDifficulty },
    },
  })
  // Operators' lifts (`gatehouse guard lift`) reach this server through the database.
  const guardLiftStore = new SqlGuardLiftStore(database.db)
  const guardLifts = new GuardLiftService({ store: guardLiftStore, audit, events, now: () => clock.now() })
  const liftWatcher = new GuardLiftWatcher({
    store: guardLiftStore,
    guard,
    now: () => clock.now(),
    windowMs: config.guardWindowSeconds * SECOND,
    intervalMs: GUARD_LIFT_POLL_MS,
    onApplied: (lift) =>
      logger.warn(
        { lift_id: lift.id, sources: lift.sources ?? 'all', operator: lift.operator, reason: lift.reason },
        'guard lifted by an operator: challenges, delays and blocks of these sources ended',
      ),
    onError: (err) => logger.error({ err }, 'guard lifts could not be read'),
  })
  let outboxWorker: OutboxWorker | undefined
  /** Tells the holder, on every verified channel, that a factor or the recovery codes changed. */
  const notifySecurityChange = async (accountId: string, change: SecurityChange): Promise<void> => {
    const account = await store.accounts.findById(accountId)
    if (!account) return
    await queueSecurityNotice(store.outbox, account, change, clock.now())
    outboxWorker?.kick()
  }
  const loginChallenges = new SqlMfaChallenges(database.db)
  const publicUrl = new URL(config.publicUrl)
  const rpId = config.webauthnRpId ?? publicUrl.hostname
  if (isIP(rpId.replace(/^\[(.*)\]$/, '$1')) !== 0)
    logger.warn(
      { rp_id: rpId },
      'passkeys will not work: the WebAuthn relying-party id is an IP address, which browsers refuse; set GATEHOUSE_PUBLIC_URL (or GATEHOUSE_WEBAUTHN_RP_ID) to a domain name such as localhost',
    )
  const webauthnChallenges = new SqlWebauthnChallenges(database.db)
  const passkeys = new PasskeyService({
    passkeys: new SqlPasskeyRepository(database.db),
    challenges: webauthnChallenges,
    loginChallenges,
    events,
    clock,
    handleKey: createHmac('sha256', secretKey).update('gatehouse webauthn user handles').digest(),
    settings: {
      rpId,
      rpName: config.webauthnRpName,
      origins: config.webauthnOrigins ?? [publicUrl.origin],
      challengeTtlMs: 5 * 60 * SECOND,
      maxAttemptsPerChallenge: LOGIN_CHALLENGE_GUESSES,
    },
  })
  const onCodeQueued = queued
  const loginCodeRepo = new SqlLoginCodes(database.db)
  const loginNoticeRepo = new SqlLoginNotices(database.db)
  const loginCodes = new LoginCodeService({
    codes: loginCodeRepo,
    outbox: store.outbox,
    events,
    clock,
    codeKey: createHmac('sha256', secretKey).update('gatehouse login codes').digest(),
    settings: { ttlMs: 10 * MINUTE },
    onMessageQueued: onCodeQueued,
  })
  let placeOf: PlaceOf | undefined
  if (config.geoipDb) {
    const { default: maxmind } = await import('maxmind')
    const reader = await maxmind.open<CityResponse>(config.geoipDb)
    placeOf = (ip) => {
      const found = maxmind.validate(ip) ? reader.get(ip) : null
      const parts = [found?.city?.names?.en, found?.country?.names?.en].filter((p): p is string => Boolean(p))
      return parts.length > 0 ? parts.join(', ') : null
    }
  }
  const devices = new DevicesService({
    devices: new SqlDeviceRepository(database.db),
    notices: loginNoticeRepo,
    events,
    clock,
    outbox: store.outbox,
    ...(placeOf ? { placeOf } : {}),
    settings: {
      rememberMs: config.rememberDeviceDays * DAY,
      noticeLinkTtlMs: config.lockTokenTtlSeconds * SECOND,
    },
    onMessageQueued: onCodeQueued,
  })
  /** The MFA policy of an account: factor strength floor and whether a factor is required. */
  const policyOf = (account: AccountRecord) => factorPolicyOf(account, config.mfaRequiredRoles)
  const mfa = new MfaService({
    factors: mfaFactors,
    challenges: loginChallenges,
    codes: new SqlRecoveryCodes(database.db),
    totp,
    box,
    codeKey: createHmac('sha256', secretKey).update('gatehouse recovery codes').digest(),
    events,
    clock,
    // Guesses per account across every login challenge: opening new challenges buys no more.
    accountGuesses: limiter.limiter('mfa:account', { points: 10, seconds: 15 * 60 }),
    notify: notifySecurityChange,
    codeCheck: (challengeId, channel, code) => loginCodes.verify(challengeId, channel, code),
    passkeyCheck: (accountId, loginChallengeId, input, ctx) =>
      passkeys.verifySecondFactor(accountId, loginChallengeId, input, ctx),
    policyOf: async (accountId) => {
      const account = await store.accounts.findById(accountId)
      return account ? policyOf(account) : NO_FACTOR_POLICY
    },
    settings: {
      issuer: 'Gatehouse',
      challengeTtlMs: 5 * 60 * SECOND,
      maxAttemptsPerChallenge: LOGIN_CHALLENGE_GUESSES,
      recoveryCodeCount: 10,
    },
  })
  /** Whether the account holds a second factor that lets its password be shorter (see PASSWORD_FACTOR_FLOOR). */
  const hasPasswordFactor = async (accountId: string) =>
    satisfies(await mfaFactors.listAll(accountId), PASSWORD_FACTOR_FLOOR)

  const accounts = new AccountsService({
    store,
    hasher,
    policy,
    events,
    clock,
    settings: {
      verifyTokenTtlMs: config.verifyTokenTtlSeconds * SECOND,
      unverifiedAccountTtlMs: config.unverifiedAccountTtlDays * DAY,
    },
    onMessageQueued: queued,
    onPasswordChanged: (accountId, ctx) => devices.forgetRemembered(accountId, ctx),
    multiFactor: hasPasswordFactor,
  })
  let recoveryWorker: RecoveryWorker | undefined
  const recovery = new RecoveryService({
    store,
    hasher,
    policy,
    factors: mfaFactors,
    mfa,
    guard,
    events,
    clock,
    settings: {
      tokenTtlMs: config.recoveryTokenTtlSeconds * SECOND,
      resendAfterMs: config.recoveryResendAfterSeconds * SECOND,
      digestDelayMs: config.recoveryDigestDelaySeconds * SECOND,
      lockTokenTtlMs: config.lockTokenTtlSeconds * SECOND,
      maxCodeAttempts: 5,
    },
    // Counted without their outcome: whether a request named an account is not a metric's to tell.
    onOutcome: () => metrics.recoveryRequests.inc(),
    onMessageQueued: queued,
    onRequestQueued: () => recoveryWorker?.kick(),
    onPasswordReset: (accountId, ctx) => devices.forgetRemembered(accountId, ctx),
  })
  recoveryWorker = new RecoveryWorker({
    queue: store.recoveryRequests,
    service: recovery,
    clock,
    logger: workerLogger('recovery'),
    intervalMs: config.workerIntervalMs,
    leaseMs: config.workerLeaseSeconds * SECOND,
  })
  // Login (src/modules/login/flow.ts) and the sessions it opens.
  const login = createLoginModule({
    config,
    accounts: store.accounts,
    sessions: store.sessions,
    principalChanges: database.principalChanges,
    hasher,
    policy,
    events,
    clock,
    guard,
    limiter,
    mfa,
    factors: mfaFactors,
    challenges: loginChallenges,
    passkeys,
    loginCodes,
    devices,
    recovery,
    notifyFactorAdded: (accountId) => notifySecurityChange(accountId, 'factor_added'),
    metrics,
  })
  const sessions: SessionsService = login.sessions

  const webhookRepo = new SqlWebhookRepository(database.db)
  webhooks = new WebhooksService({
    webhooks: webhookRepo,
    outbox: store.outbox,
    box,
    clock,
    events,
    onQueued: (count) => {
      metrics.messages.inc({ channel: 'webhook', state: 'queued' }, count)
      outboxWorker?.kick()
    },
    allowPrivate: config.webhookAllowPrivate,
  })
  const sendGate = new OutboundGate(store.ledger, gateSettings, gateHooks)
  const outbox = new OutboxWorker({
    queue: store.outboxQueue,
    mail,
    sms,
    webhooks: new HttpWebhookSender({
      webhooks: webhookRepo,
      box,
      clock,
      onLogError: (err) => logger.error({ err }, 'could not write the webhook delivery log'),
      allowPrivate: config.webhookAllowPrivate,
    }),
    clock,
    logger: workerLogger('outbox'),
    metrics: {
      sent: (channel) => metrics.messages.inc({ channel, state: 'sent' }),
      failed: (channel) => metrics.messages.inc({ channel, state: 'failed' }),
      abandoned: (channel) => metrics.messages.inc({ channel, state: 'abandoned' }),
      suppressed: (channel) => metrics.messages.inc({ channel, state: 'suppressed' }),
      expired: (channel) => metrics.messages.inc({ channel, state: 'expired' }),
      deadLettered: (channel) => metrics.messages.inc({ channel, state: 'dead_lettered' }),
      redriven: (channel, n) => metrics.messages.inc({ channel, state: 'redriven' }, n),
    },
    publicUrl: config.publicUrl,
    maxAttempts: config.mailMaxAttempts,
    horizonMs: config.mailRetryHorizonSeconds * SECOND,
    retryBaseMs: config.mailRetryBaseSeconds * SECOND,
    onDeadLettered: (dead) => recordDeadLetters(dead),
    // The relay (or SMS provider) as a dependency: one log line per outage, and a gauge.
    onTransport: (channel, up, err) => {
      const dependency = channel === 'email' ? 'smtp' : 'sms'
      if (up) outages.recovered(dependency)
      else
        outages.failed(
          dependencyFailureOf(err, dependency) ?? {
            dependency,
            reason: String((err as Error)?.message ?? err).slice(0, 200),
          },
          'outbox',
        )
    },
    ...(mail.verify ? { probes: { email: () => mail.verify?.() ?? Promise.resolve() } } : {}),
    leaseMs: config.workerLeaseSeconds * SECOND,
    intervalMs: config.workerIntervalMs,
    // The outbound gate's second look, before each send (budgets over what was sent meanwhile).
    recheck: (m) => sendGate.recheck(m, clock.now()),
  })
  outboxWorker = outbox
  /**
   * One `messages_dead_lettered` event per run that dead-lettered messages. Webhook messages that
   * carried this very event are left out, so that a receiver that is down cannot feed a loop.
   */
  const recordDeadLetters = (dead: DeadLetter[]): void => {
    const counted = dead.filter((m) => m.eventType !== 'messages_dead_lettered')
    if (counted.length === 0) return
    const channels: Record<string, number> = {}
    for (const m of counted) channels[m.channel] = (channels[m.channel] ?? 0) + 1
    events
      .record(
        'messages_dead_lettered',
        null,
        { ...noContext, requestId: 'outbox' },
        {
          count: counted.length,
          channels,
          templates: [...new Set(counted.map((m) => m.template))].sort(),
          message_ids: counted.slice(0, 20).map((m) => m.id),
        },
      )
      .catch((err) => logger.error({ err }, 'could not record messages_dead_lettered'))
  }

  let draining = false
  const fastPaths: FastPaths = new Map()
  const http = await createHttpServer({
    fastPaths,
    logger,
    metrics,
    bodyLimit: config.bodyLimit,
    trustProxy: trustProxyOption(config.trustProxy),
    minClientVersion: config.minClientVersion,
    version: VERSION,
    onOutage: (failure, req) => outages.failed(failure, req.routeOptions.url ?? 'unmatched'),
    onOutdatedClient: (req, version) => {
      const ctx = requestContext(req)
      void guard.legacyClient(ctx, version)
      return events.record('client_outdated', null, ctx, { version }).catch((err) => {
        logger.error({ err }, 'could not record client_outdated event')
      })
    },
  })
  // Changes authenticated by the session cookie come from pages of this origin only (CSRF).
  http.addHook('onRequest', cookieChangeGuard([publicUrl.origin, ...(config.webauthnOrigins ?? [])]))
  // While draining, keep-alive clients are told to reconnect (to another instance).
  http.addHook('onSend', (_req, reply, payload, done) => {
    if (draining) reply.header('connection', 'close')
    done(null, payload)
  })
  // Shutdown takes no new work and resets no request (src/http/shutdown.ts): a request on a
  // connection accepted after the drain began, or one that reaches the app once the workers and the
  // database are closing, gets a problem document (not Fastify's own 503 body) telling the client
  // to go elsewhere.
  const connections = trackConnections(http.server)
  let stopped = false
  http.addHook('onRequest', async (req) => {
    if (stopped || connections.refuses(req.raw))
      throw new AppError('service_unavailable', {
        detail: 'The instance is shutting down',
        headers: { 'retry-after': '1', connection: 'close' },
      })
  })
  opsRoutes(http, {
    timeoutMs: config.readyTimeoutMs,
    draining: () => draining,
    checks: {
      database_read: {
        dependency: 'database',
        run: async () => {
          await database.ping(config.readyTimeoutMs)
          return ok
        },
      },
      database_write: {
        dependency: 'database',
        run: async () => {
          await database.pingWrite(config.readyTimeoutMs)
          return ok
        },
      },
      disk: {
        dependency: 'disk',
        run: async () => ((await diskRoom()) ? ok : { ready: false, state: 'low' }),
      },
      // Not a reason to take the instance out of service: limits count in memory meanwhile.
      ...(config.redisUrl
        ? {
            redis: {
              dependency: 'redis' as const,
              run: async () => ({ ready: true, state: outages.isDown('redis') ? 'fallback' : 'ok' }),
            },
          }
        : {}),
    },
    onFailed: (check, state, err) =>
      outages.failed(
        dependencyFailureOf(err) ?? { dependency: check.dependency, reason: state },
        'readiness',
      ),
  })
  accountRoutes(http, {
    accounts,
    sessions,
    reauthMaxAgeMs: config.reauthMaxAgeSeconds * SECOND,
    now: () => clock.now(),
    guard,
    resendPerAddress: limiter.limiter('verify_resend:address', config.verifyResendLimitPerAddress),
    signupLimits: new SourceLimits(
      limiter,
      'signup',
      {
        perIp: config.signupLimitPerIp,
        perSubnet: config.signupLimitPerSubnet,
        global: config.signupLimitGlobal,
      },
      (scope) => limited(`signup_${scope}`),
    ),
  })
  const sessionChecksAnswered = metrics.httpDuration.labels('GET', SESSION_CHECK_URL, '200')
  const sessionCheck = new SessionCheckFastPath({
    sessions,
    open: () => !draining,
    checksClientVersion: config.minClientVersion !== undefined,
    observe: (seconds) => sessionChecksAnswered.observe(seconds),
  })
  fastPaths.set(SESSION_CHECK_URL, sessionCheck.handle)
  login.routes(http, sessionCheck)
  const access = new AccessService({ repo: new SqlAccessRepository(database.db), audit, events, clock })
  const authorize = staffAuthorizer({
    sessions,
    hasStrongFactor: async (id) => satisfies(await mfaFactors.listAll(id), STAFF_FLOOR),
    apiKeys: access.authenticate,
    now: () => clock.now(),
  })
  const names = new SqlNameDirectory(database.db)
  eventRoutes(http, { sessions, events: store.events, authorize, names })
  guardRoutes(http, {
    authorize,
    detections,
    guard,
    events,
    audit,
    names,
    now: () => clock.now(),
  })
  auditRoutes(http, { authorize, audit, log: auditLog, names })
  webhookRoutes(http, { authorize, webhooks, audit })
  // Campaigns (docs/campaigns.md): actions over selections of accounts, run in batches by the worker.
  const campaignRepo = new SqlCampaignRepository(database.db, database.dialect, events)
  const campaignWorker = new CampaignWorker({
    campaigns: campaignRepo,
    audit,
    clock,
    logger: workerLogger('campaigns'),
    intervalMs: config.workerIntervalMs,
    batchSize: config.campaignBatchSize,
    notifyPerSecond: config.campaignNotifyPerSecond,
    lanes: database.dialect.skipLocked ? config.campaignWorkers : 1,
    pauseShare: database.dialect.skipLocked ? 0 : 0.25,
    metrics: {
      targets: (action, outcome, n) => metrics.campaignTargets.inc({ action, outcome }, n),
      progress: (c, ratio) => metrics.campaignProgress.set({ campaign_id: c.id, action: c.action }, ratio),
    },
  })
  const campaigns = new CampaignsService({
    campaigns: campaignRepo,
    audit,
    clock,
    onWork: () => campaignWorker.kick(),
  })
  campaignRoutes(http, { authorize, campaigns })
  accessRoutes(http, { authorize, access, now: () => clock.now() })
  const incidentRepo = new SqlIncidentRepository(database.db, database.dialect)
  const incidents = new IncidentsService({
    incidents: incidentRepo,
    audit,
    now: () => clock.now(),
    defaultPhoneRegion: config.phoneDefaultRegion as CountryCode | undefined,
    timelineSources: [
      importTimelineSource((id) => incidentRepo.listImports(id)),
      auditTimelineSource((ref, limit) => auditLog.byRef(ref, limit)),
      campaignTimelineSource((id) => campaigns.list({ incidentId: id }, 1000)),
    ],
  })
  incidentRoutes(http, { authorize, incidents, importMaxBytes: config.incidentImportMaxBytes, names })
  const reportFacts = new SqlReportFacts(database.db)
  const reports = new IncidentReports({
    incident: (id) => incidents.get(id),
    imports: (id) => incidents.imports(id),
    exposureFacts: (id) => reportFacts.exposureFacts(id),
    campaigns: (id) => campaigns.incidentSummary(id),
    auditEntries: (id) => auditLog.byRef(`incident:${id}`, 5000),
    verifyAudit: () => audit.verify(),
    mitigationsInPlace: mitigationsInPlace(config),
    now: () => clock.now(),
  })
  reportRoutes(http, { authorize, reports, audit })
  // The admin console: its figures and account tools, and the built single-page app at /console.
  adminRoutes(http, {
    authorize,
    audit,
    stats: new SqlAdminStatsSource(database.db),
    accounts: store.accounts,
    sessions: store.sessions,
    factors: mfaFactors,
    events: store.events,
    now: () => clock.now(),
  })
  outboxRoutes(http, {
    authorize,
    audit,
    queue: store.outboxQueue,
    now: () => clock.now(),
    onRetried: () => outbox.kick(),
  })
  await consoleRoutes(http)
  recoveryRoutes(http, {
    recovery,
    guard,
    sessions,
    requestLimits: new SourceLimits(
      limiter,
      'recovery',
      {
        perIp: config.recoveryLimitPerIp,
        perSubnet: config.recoveryLimitPerSubnet,
        global: config.recoveryLimitGlobal,
      },
      (scope) => limited(`recovery_${scope}`),
    ),
    completeLimits: new SourceLimits(
      limiter,
      'recovery_complete',
      {
        perIp: config.recoveryCompleteLimitPerIp,
        perSubnet: {
          points: config.recoveryCompleteLimitPerIp.points * 5,
          seconds: config.recoveryCompleteLimitPerIp.seconds,
        },
        global: { points: 100_000, seconds: 60 },
      },
      (scope) => limited(`recovery_complete_${scope}`),
    ),
    hints: {
      enabled: config.recoveryHints,
      secret: createHmac('sha256', secretKey).update('gatehouse recovery hints').digest(),
      lookup: async (raw) => (await findAccountByIdentifier(store.accounts, raw))?.email ?? null,
    },
  })
  await http.ready()

  let metricsListener: MetricsListener | null = null
  let housekeeping: NodeJS.Timeout | undefined
  let importSweep: NodeJS.Timeout | undefined
  // Leak imports whose instance died while running them are marked failed (each instance looks).
  const sweepImports = async () => {
    try {
      const stopped = await incidents.sweepInterrupted()
      if (stopped > 0)
        logger.warn({ imports: stopped }, 'leak imports interrupted by a lost instance marked failed')
    } catch (err) {
      logger.error({ err }, 'sweeping interrupted imports failed')
    }
  }
  const runHousekeeping = async () => {
    try {
      const pruned = await accounts.pruneUnverified()
      if (pruned > 0) {
        await events.record(
          'account_unverified_deleted',
          null,
          { ...noContext, requestId: 'housekeeping' },
          { count: pruned },
        )
      }
      const cutoff = clock.now() - 30 * DAY
      const ended = await store.sessions.deleteEndedBefore(cutoff)
      const messages = await store.outboxQueue.deleteFinishedBefore(cutoff)
      const requests = await store.recoveryRequests.deleteHandledBefore(clock.now() - 7 * DAY)
      // Short-lived login material: kept a day past its end (caps look back at most a day), then gone.
      const dayAgo = clock.now() - DAY
      const ceremonies =
        (await webauthnChallenges.deleteExpiredBefore(dayAgo)) +
        (await loginChallenges.deleteExpiredBefore(dayAgo)) +
        (await loginCodeRepo.deleteCreatedBefore(dayAgo - DAY)) +
        (await loginNoticeRepo.deleteExpiredBefore(dayAgo)) +
        (await store.accounts.deleteEmailChangesBefore(dayAgo)) +
        (await store.accounts.deleteReservationsBefore(clock.now()))
      const oldEvents =
        (await store.events.deleteBefore(clock.now() - config.eventRetentionDays * DAY)) +
        (await detections.deleteClosedBefore(clock.now() - config.eventRetentionDays * DAY))
      if (pruned || ended || messages || requests || ceremonies || oldEvents) {
        logger.info(
          {
            pruned_unverified_accounts: pruned,
            deleted_sessions: ended,
            deleted_messages: messages,
            deleted_recovery_requests: requests,
            deleted_login_material: ceremonies,
            deleted_security_events: oldEvents,
          },
          'housekeeping',
        )
      }
    } catch (err) {
      logger.error({ err }, 'housekeeping failed')
    }
  }

  return {
    config,
    http,
    store,
    database,
    metrics,
    logger,
    clock,
    services: { accounts, sessions, recovery, mfa, passkeys, campaigns },
    workers: { outbox, recovery: recoveryWorker, campaigns: campaignWorker },
    sessionCheck,
    limiter,
    guard,
    detections,
    guardLifts,
    audit,
    access,
    incidents,
    reports,
    listenMetrics: async () => {
      if (config.metricsPort === null) return null
      metricsListener ??= await listenMetrics({
        metrics,
        host: config.metricsHost,
        port: config.metricsPort,
        token: config.metricsToken,
      })
      return metricsListener
    },
    startWorkers: () => {
      if (overrides.manualWorkers) return
      // The blocklist and zxcvbn's dictionaries load once the server listens (a few tenths of a
      // second), so that the first sign-up does not wait for them and start-up does not either.
      setImmediate(warmPasswordLists)
      outbox.start()
      recoveryWorker.start()
      campaignWorker.start()
      void runHousekeeping()
      housekeeping = setInterval(() => void runHousekeeping(), 3600 * SECOND)
      housekeeping.unref()
      void sweepImports()
      importSweep = setInterval(() => void sweepImports(), 60 * SECOND)
      importSweep.unref()
      void liftWatcher.start()
    },
    drain: async (ms) => {
      draining = true
      if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms))
    },
    close: async () => {
      draining = true
      if (housekeeping) clearInterval(housekeeping)
      if (importSweep) clearInterval(importSweep)
      if (http.server.listening)
        logger.info(
          { connections: connections.open, timeout_seconds: config.shutdownTimeoutSeconds },
          'taking no new work: serving requests already received or being read, refusing new connections with 503',
        )
      const drained = await connections.close({
        quietMs: SHUTDOWN_QUIET_MS,
        deadlineMs: config.shutdownTimeoutSeconds * SECOND,
        onListenerClosed: () => logger.info({ connections: connections.open }, 'listener closed'),
      })
      if (drained.servedAfterClose + drained.refused + drained.closedIdle + drained.cut > 0)
        logger[drained.cut > 0 ? 'warn' : 'info'](
          {
            served_after_close: drained.servedAfterClose,
            refused: drained.refused,
            closed_idle: drained.closedIdle,
            cut: drained.cut,
          },
          'connections drained',
        )
      stopped = true
      await http.close()
      await metricsListener?.close()
      await Promise.allSettled([
        outbox.stop(),
        recoveryWorker.stop(),
        campaignWorker.stop(),
        liftWatcher.stop(),
      ])
      await guard.close()
      outages.close()
      await Promise.allSettled([
        mail.close(),
        sms.close(),
        overrides.limiter ? Promise.resolve() : limiter.close(),
        broadcast?.close(),
      ])
      await database.close()
    },
  }
}
