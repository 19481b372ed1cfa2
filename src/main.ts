import { accessSync, constants, mkdirSync } from 'node:fs'
import { hostname, userInfo } from 'node:os'
import { join, resolve } from 'node:path'
import { probeWritable, STARTUP_PROBE_BYTES } from './adapters/files/disk-space.js'
import { MAIL_DIR_NAME, SMS_DIR_NAME } from './adapters/files/private-files.js'
import { DatabaseConnectError, openDatabase } from './adapters/sql/database.js'
import { migrateToLatest } from './adapters/sql/migrate.js'
import { type App, createApp, createLogger } from './app.js'
import { type Config, ConfigError, loadConfig } from './config/index.js'
import { SECOND } from './kernel/clock.js'
import { isAppError } from './kernel/errors.js'
import { dependencyFailureOf } from './kernel/outages.js'
import type { Role } from './modules/accounts/ports.js'
import type { GuardLift, SourceRange } from './modules/guard/lifts.js'
import { renderIncidentReportMarkdown } from './modules/reports/incident-report.js'

/** A start-up failure the operator can fix: printed as one line, exit code 1. */
export class StartupError extends Error {
  override readonly name = 'StartupError'
}

/**
 * The data dir holds the SQLite file, outgoing mail and keys; it must be writable even with
 * PostgreSQL, and have room: a real write of a few MiB (then removed) proves both.
 */
export const checkDataDir = (dir: string): void => {
  const abs = resolve(dir)
  try {
    mkdirSync(abs, { recursive: true, mode: 0o700 })
    accessSync(abs, constants.W_OK)
    probeWritable(abs)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'ENOSPC' || code === 'EDQUOT') {
      throw new StartupError(
        `data directory ${abs} has less than ${STARTUP_PROBE_BYTES / 1024 / 1024} MiB free (${code}); ` +
          'free some space or set GATEHOUSE_DATA_DIR to a folder on a volume with room',
      )
    }
    throw new StartupError(
      `data directory ${abs} is not writable (${code ?? (e as Error).message}); ` +
        'fix its permissions or set GATEHOUSE_DATA_DIR to a writable folder',
    )
  }
}

export const readConfig = (env: NodeJS.ProcessEnv = process.env): Config => {
  try {
    return loadConfig(env)
  } catch (e) {
    if (e instanceof ConfigError) throw new StartupError(e.message)
    throw e
  }
}

/** A start-up failure of a dependency (a full disk under SQLite, a database that went away) as one line. */
const startupFailure = (e: unknown): unknown => {
  if (e instanceof DatabaseConnectError) return new StartupError(e.message)
  const outage = dependencyFailureOf(e)
  if (!outage) return e
  return new StartupError(
    outage.dependency === 'disk'
      ? `the data directory's volume is full (${outage.reason}); free some space and start again`
      : `the database failed during start-up (${outage.reason}: ${(e as Error).message}); check that it is running and reachable`,
  )
}

const openApp = async (config: Config): Promise<App> => {
  checkDataDir(config.storage.dataDir)
  try {
    return await createApp(config)
  } catch (e) {
    throw startupFailure(e)
  }
}

const bracketed = (host: string): string => (host.includes(':') ? `[${host}]` : host)

/** A URL's host and port, without credentials (an SMTP URL may carry them). */
const hostOf = (url: string): string => {
  const u = new URL(url)
  return u.port ? `${u.hostname}:${u.port}` : u.hostname
}

/**
 * What `gatehouse serve` prints on stderr once it listens, for the person who started it: where the
 * API, the account pages and the console are, and where mail and texts go. The log line after it says the same for machines.
 */
export const startBanner = (
  config: Pick<Config, 'publicUrl' | 'server' | 'transports'>,
  port: number,
  metrics: { host: string; port: number } | null,
): string => {
  const { mail: mailTo, sms: smsTo } = config.transports
  const api = `http://${bracketed(config.server.listen.host)}:${port}`
  const publicUrl = config.publicUrl.replace(/\/+$/, '')
  const mail = mailTo.smtpUrl
    ? `sent by SMTP through ${hostOf(mailTo.smtpUrl)}`
    : `written as .eml files to ${resolve(join(mailTo.dataDir, MAIL_DIR_NAME))}`
  const texts = smsTo.smsUrl
    ? `sent through ${hostOf(smsTo.smsUrl)}`
    : `written as .txt files to ${resolve(join(smsTo.dataDir, SMS_DIR_NAME))}`
  return [
    `Gatehouse is listening`,
    `  API      ${api}${publicUrl !== api ? `  (public URL ${publicUrl})` : ''}`,
    `  sign-up  ${publicUrl}/sign-up`,
    `  console  ${publicUrl}/console/`,
    `  mail     ${mail}`,
    `  texts    ${texts}`,
    ...(metrics ? [`  metrics  http://${bracketed(metrics.host)}:${metrics.port}/metrics`] : []),
    '',
  ].join('\n')
}

/** Listens on the configured address; when it cannot, closes the app and says why in one line. */
const listenOrExplain = async (app: App, config: Pick<Config, 'server'>): Promise<void> => {
  const { host, port } = config.server.listen
  try {
    await app.http.listen({ host, port })
  } catch (e) {
    await app.close()
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'EADDRINUSE') {
      throw new StartupError(
        `port ${port} on ${host} is in use; stop the other process or set GATEHOUSE_PORT to a free port`,
      )
    }
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
      throw new StartupError(
        `cannot listen on ${host} (${code}); set GATEHOUSE_HOST to an address of this machine`,
      )
    }
    if (code === 'EACCES') {
      throw new StartupError(`not allowed to listen on port ${port}; use a port above 1023 in GATEHOUSE_PORT`)
    }
    throw e
  }
}

/** `gatehouse serve`: migrate, listen, run workers; SIGTERM/SIGINT drain and exit. */
export const serve = async (): Promise<void> => {
  const config = readConfig()
  const app = await openApp(config)
  await listenOrExplain(app, config)
  let metrics: Awaited<ReturnType<App['listenMetrics']>>
  try {
    metrics = await app.listenMetrics()
  } catch (e) {
    await app.close()
    const code = (e as NodeJS.ErrnoException).code
    throw new StartupError(
      `cannot serve metrics on ${config.metrics?.host}:${config.metrics?.port} (${code ?? (e as Error).message}); ` +
        'set GATEHOUSE_METRICS_PORT to a free port (0 picks one, off runs none)',
    )
  }
  app.startWorkers()
  const address = app.http.server.address()
  const port = typeof address === 'object' && address ? address.port : config.server.listen.port
  const metricsAt = metrics ? `${metrics.address.address}:${metrics.address.port}` : null
  process.stderr.write(
    startBanner(config, port, metrics ? { host: metrics.address.address, port: metrics.address.port } : null),
  )
  app.logger.info(
    {
      host: config.server.listen.host,
      port,
      metrics: metricsAt ?? 'off',
      metrics_port: metrics?.address.port ?? null,
      database: app.database.description,
      mail: config.transports.mail.smtpUrl ? 'smtp' : 'files',
      sms: config.transports.sms.smsUrl ? 'http' : 'files',
      public_url: config.publicUrl,
    },
    'gatehouse listening',
  )
  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    const { graceMs, timeoutMs } = config.server.shutdown
    app.logger.info(
      { signal, grace_seconds: graceMs / SECOND },
      'draining: /readyz answers 503; then finishing requests in flight',
    )
    // The drain has its own deadline (GATEHOUSE_SHUTDOWN_TIMEOUT_SECONDS); this one is for the rest.
    const forceMs = graceMs + timeoutMs + 20_000
    const force = setTimeout(() => {
      app.logger.error({ seconds: forceMs / 1000 }, 'shutdown took too long; exiting')
      process.exit(1)
    }, forceMs)
    force.unref()
    app
      .drain(graceMs)
      .then(() => app.close())
      .then(() => {
        app.logger.info('stopped')
        process.exit(0)
      })
      .catch((err) => {
        app.logger.error({ err }, 'error while shutting down')
        process.exit(1)
      })
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
}

/** `gatehouse migrate`: apply every pending migration and report them. */
export const migrate = async (): Promise<string[]> => {
  const config = readConfig()
  checkDataDir(config.storage.dataDir)
  let database: Awaited<ReturnType<typeof openDatabase>>
  try {
    database = await openDatabase(config.storage.database)
  } catch (e) {
    throw startupFailure(e)
  }
  try {
    const result = await migrateToLatest(database.db as never, database.dialect)
    if (result.error) {
      const failure = startupFailure(result.error)
      throw failure instanceof StartupError
        ? failure
        : new StartupError(`migration failed: ${(result.error as Error).message}`)
    }
    return (result.results ?? []).map((r) => `${r.migrationName}: ${r.status}`)
  } finally {
    await database.close()
  }
}

/** Events of operator commands name the CLI as their source. */
const cliContext = { ip: null, userAgent: 'gatehouse-cli', clientVersion: null, requestId: 'cli' }

/** Runs one operator action against the configured database, then closes everything. */
const operatorAction = async <T>(action: (app: App) => Promise<T>): Promise<T> => {
  const config = readConfig()
  const app = await openApp({ ...config, server: { ...config.server, logLevel: 'silent' } })
  try {
    return await action(app)
  } finally {
    await app.close()
  }
}

/** `gatehouse admin create`: the first administrator, with a one-time password to change at first login. */
export const createAdmin = (input: { username: string; email: string }) =>
  operatorAction(async (app) => {
    const created = await app.services.accounts.createAdmin(input)
    // The audit log names accounts by their id only: it outlives their deletion.
    await app.audit.record('cli', cliContext, 'account.create_admin', `account:${created.account.id}`)
    return created
  })

/** `gatehouse incident report`: the incident report as Markdown or JSON, its export audited. */
export const incidentReport = (id: string, format: 'markdown' | 'json'): Promise<string> =>
  operatorAction(async (app) => {
    const report = await app.reports.build(id)
    await app.audit.record('cli', cliContext, 'incident.report', `incident:${id}`, { format })
    return format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderIncidentReportMarkdown(report)
  })

/** `gatehouse accounts reset-lock`: an operator turns the reset lock on or off for a cohort. */
export const setResetLock = (ids: string[], on: boolean): Promise<number> =>
  operatorAction(async (app) => {
    const changed = await app.services.recovery.setResetLockFor(ids, on, cliContext)
    await app.audit.record('cli', cliContext, 'account.reset_lock', null, {
      enabled: on,
      requested: ids.length,
      changed,
    })
    return changed
  })

/** `gatehouse accounts set-role`: the account's sessions end; the role's MFA policy applies at the next login. */
export const setRole = (username: string, role: Role): Promise<{ from: Role; to: Role } | null> =>
  operatorAction(async (app) => {
    const changed = await app.services.accounts.setRole(username, role, cliContext)
    if (changed) {
      const account = await app.store.accounts.findByUsername(username)
      await app.audit.record(
        'cli',
        cliContext,
        'account.set_role',
        account ? `account:${account.id}` : null,
        changed,
      )
    }
    return changed
  })

/** `gatehouse accounts reset-password`: a one-time password for the account (null: no such name). */
export const resetPassword = (username: string) =>
  operatorAction(async (app) => {
    const reset = await app.services.accounts.resetByOperator(username, cliContext)
    if (reset) {
      await app.audit.record('cli', cliContext, 'account.reset_password', `account:${reset.account.id}`, {
        revoked_sessions: reset.revokedSessions,
      })
    }
    return reset
  })

/** Who runs an operator command, and on which host: `user@host`. */
const operatorName = (): string => {
  let user: string
  try {
    user = userInfo().username
  } catch {
    user = process.env.USER ?? process.env.LOGNAME ?? 'unknown'
  }
  return `${user}@${hostname()}`
}

/**
 * `gatehouse guard lift`: ends the guard's challenges, delays and blocks for a range of sources
 * (null: every source) on every running server, which read the lift from the database.
 */
export const liftGuard = (range: SourceRange | null, reason: string | null): Promise<GuardLift> =>
  operatorAction((app) =>
    app.guardLifts.lift({ range, reason, operator: operatorName(), actor: 'cli' }, cliContext),
  )

/** `gatehouse audit verify`: the hash chain from the first entry to the head. */
export const verifyAudit = (expectedHead?: string) =>
  operatorAction((app) => app.audit.verify(expectedHead !== undefined ? { expectedHead } : {}))

/** `gatehouse audit head`: the newest entry's hash, to keep somewhere else. */
export const auditHead = () => operatorAction((app) => app.audit.head())

/** For operator commands defined next to their module (`gatehouse incident …`). */
/** Ends an operator command that failed: one line on stderr (the stack only when unexpected), exit 1. */
const failCommand = (e: unknown): never => {
  if (e instanceof StartupError) for (const line of e.message.split('\n')) console.error(`gatehouse: ${line}`)
  else if (isAppError(e)) console.error(`gatehouse: ${e.message} (${e.code})`)
  else console.error(`gatehouse: unexpected error: ${(e as Error)?.stack ?? String(e)}`)
  process.exit(1)
}

export { cliContext, createLogger, failCommand, operatorAction }
