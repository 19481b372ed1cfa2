import { join } from 'node:path'
import pino, { type Logger } from 'pino'
import { freeBytes } from './adapters/files/disk-space.js'
import { MAIL_DIR_NAME, securePrivateData } from './adapters/files/private-files.js'
import { loadSecretKey } from './adapters/keys/key-file.js'
import { createMemoryLimiterStore } from './adapters/limits/memory.js'
import { FileMailTransport, SmtpMailTransport } from './adapters/notify/mail-transports.js'
import { createSmsTransport } from './adapters/notify/sms-http.js'
import { openDatabase, type SqlDatabase } from './adapters/sql/database.js'
import { migrateToLatest } from './adapters/sql/migrate.js'
import { createSqlRepositories } from './adapters/sql/repositories.js'
import { createSqlStore } from './adapters/sql/store.js'
import type { Config } from './config/index.js'
import type { RedisSettings } from './config/sections/redis.js'
import type { StorageSettings } from './config/sections/storage.js'
import { type Clock, systemClock } from './kernel/clock.js'
import { noContext } from './kernel/context.js'
import { createKeys } from './kernel/keys.js'
import { createNotifier } from './kernel/notifier.js'
import { dependencyFailureOf, OutageTracker, withDeadline } from './kernel/outages.js'
import { SecretBox } from './kernel/secret-box.js'
import { createMetrics, heldFor, type Metrics } from './metrics.js'
import { EventRecorder } from './modules/events/recorder.js'
import type { LimiterStore } from './modules/guard/ports.js'
import { type BudgetExhausted, outboundGate } from './modules/mail/module.js'
import type { MailTransport, SmsTransport } from './modules/mail/ports.js'

/** What `createApp` may be given instead of what the configuration picks (tests). */
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

export const createLogger = (config: Pick<Config, 'server'>): Logger =>
  pino({
    level: config.server.logLevel,
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

/** The data folder narrowed to its owner, the database opened and migrated. */
const openData = async (config: StorageSettings, logger: Logger, given: SqlDatabase | undefined) => {
  // The data folder holds password hashes, contact data, keys and tokens: for this user only.
  const files = securePrivateData(config.dataDir)
  if (files.narrowed.length > 0)
    logger.warn({ paths: files.narrowed }, 'data files were open to other users: narrowed to the owner')
  if (files.failed.length > 0)
    logger.warn({ paths: files.failed }, 'data files are open to other users and could not be narrowed')
  const database = given ?? (await openDatabase(config.database))
  const migrated = await migrateToLatest(database.db as never, database.dialect)
  if (migrated.error) {
    await database.close()
    throw migrated.error
  }
  return database
}

/**
 * Outages of dependencies: logged once when they start and once when they end, a gauge each;
 * the database and the disk are probed every second while they are down (docs/reliability.md).
 */
const trackOutages = (config: StorageSettings, logger: Logger, metrics: Metrics, database: SqlDatabase) => {
  const { readyTimeoutMs } = config
  /** The data directory's free space (also the gauge), and whether it is enough. */
  const diskRoom = async () => {
    const free = await freeBytes(config.dataDir)
    metrics.dataDirFreeBytes.set(free)
    return free >= config.diskMinFreeBytes
  }
  const outages = new OutageTracker({
    log: logger,
    now: () => Date.now(),
    onState: (dependency, up) => metrics.dependencyUp.set({ dependency }, up ? 1 : 0),
    onFailure: (dependency) => metrics.dependencyFailures.inc({ dependency }),
    probes: {
      database: () => withDeadline(database.ping(readyTimeoutMs), readyTimeoutMs, 'database'),
      disk: async () => {
        if (!(await diskRoom())) throw new Error('low on space')
        await withDeadline(database.pingWrite(readyTimeoutMs), readyTimeoutMs, 'disk')
      },
    },
  })
  return { outages, diskRoom }
}

/** The limiter store: Redis when configured (memory while it is down), else this process's memory. */
const openLimiter = async (
  config: RedisSettings,
  given: LimiterStore | undefined,
  outages: OutageTracker,
  events: EventRecorder,
): Promise<LimiterStore> => {
  if (given) return given
  if (!config.url) return createMemoryLimiterStore()
  // ioredis and its limiter load only when Redis is configured.
  return (await import('./adapters/limits/redis.js')).createRedisLimiterStore(config.url, {
    ...config.limiter,
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
}

/**
 * Instances on one Redis tell each other of writes that change session checks: their session
 * caches drop what they hold at once (else within GATEHOUSE_SESSION_CACHE_MS). API servers that
 * cache Gatehouse's answers (@gatehouse/server) listen too, so an instance announces its changes
 * even when it keeps no session cache of its own.
 */
const openBroadcast = async (
  config: Pick<Config, 'redis' | 'sessions'>,
  database: SqlDatabase,
  logger: Logger,
) =>
  config.redis.url
    ? await (await import('./adapters/broadcast/principal-changes.js')).startPrincipalBroadcast(
        config.redis.url,
        {
          changes: database.principalChanges,
          prefix: config.redis.prefix,
          onError: (err) =>
            logger.warn(
              { err: { message: err.message } },
              'session-change broadcast unreachable: other instances see revocations within the session cache time',
            ),
        },
      )
    : null

/**
 * A worker's logger: an error it logs that is a dependency outage (the database down while it
 * polls) goes to the outage tracker, logged once per outage, instead of once per run.
 */
const workerLoggers =
  (logger: Logger, outages: OutageTracker) =>
  (worker: string): Logger => {
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

/**
 * Everything the modules stand on, picked from the configuration: logger, metrics, the database
 * and its repositories, transports, the limiter store, keys, the event recorder, outage tracking.
 */
export const createInfrastructure = async <
  C extends Pick<Config, 'server' | 'storage' | 'redis' | 'sessions' | 'gate' | 'transports'>,
>(
  config: C,
  overrides: AppOverrides,
) => {
  const { storage, transports } = config
  const clock = overrides.clock ?? systemClock
  const logger = overrides.logger ?? createLogger(config)
  const metrics = createMetrics({
    // Read at scrape time, within a deadline: a hung database does not hang the metrics listener.
    outboxCounts: () => withDeadline(store.outboxQueue.counts(), storage.readyTimeoutMs, 'database'),
    dataDirFreeBytes: () => freeBytes(storage.dataDir),
    importedHashes: heldFor(
      60_000,
      () => clock.now(),
      () => withDeadline(store.accounts.countImportedHashes(), storage.readyTimeoutMs, 'database'),
    ),
  })
  const database = await openData(storage, logger, overrides.database)
  const { outages, diskRoom } = trackOutages(storage, logger, metrics, database)
  const exhausted = createNotifier<BudgetExhausted>()
  const gate = outboundGate(config, { metrics, clock, exhausted })
  const store = createSqlStore(database, gate)
  const mail: MailTransport =
    overrides.mail ??
    (transports.mail.smtpUrl
      ? new SmtpMailTransport(transports.mail.smtpUrl, transports.mail.from)
      : new FileMailTransport(join(transports.mail.dataDir, MAIL_DIR_NAME), transports.mail.from))
  const sms = overrides.sms ?? createSmsTransport(transports.sms)
  const events = new EventRecorder(
    store.events,
    () => clock.now(),
    (type, count) => metrics.events.inc({ type }, count),
    {
      onHookError: (err, recorded) =>
        logger.error(
          { err, type: recorded[0]?.type, events: recorded.length },
          'could not queue webhook messages',
        ),
    },
  )
  const secretKey = loadSecretKey(storage.secretKey)
  const limiter = await openLimiter(config.redis, overrides.limiter, outages, events)
  const broadcast = await openBroadcast(config, database, logger)
  return {
    config,
    clock,
    logger,
    metrics,
    database,
    outages,
    diskRoom,
    store,
    gate,
    exhausted,
    mail,
    sms,
    events,
    keys: createKeys(secretKey),
    box: new SecretBox(secretKey),
    limiter,
    broadcast,
    workerLogger: workerLoggers(logger, outages),
    repos: createSqlRepositories(database, events),
    /** Services queued messages: the outbox worker delivers now rather than at its next poll. */
    queued: createNotifier(),
    /** Closes what infrastructure opened, once the modules stopped: the database last. */
    close: async (): Promise<void> => {
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

export type Infrastructure = Awaited<ReturnType<typeof createInfrastructure<Config>>>
