import { createLoginWiring } from './app-login.js'
import type { App } from './app-types.js'
import type { Config } from './config/index.js'
import { createAppHttp, readinessRoutes } from './http/app-server.js'
import { consoleRoutes } from './http/console-routes.js'
import { type AppOverrides, createInfrastructure } from './infrastructure.js'
import { SECOND } from './kernel/clock.js'
import { housekeeping } from './kernel/housekeeping.js'
import { createAccessModule } from './modules/access/module.js'
import { createAccountsModule, createPasswords } from './modules/accounts/module.js'
import { adminRoutes } from './modules/admin/routes.js'
import { createAuditModule } from './modules/audit/module.js'
import { createCampaignsModule } from './modules/campaigns/module.js'
import { createDevicesModule } from './modules/devices/module.js'
import { createEventsModule } from './modules/events/module.js'
import { createGuardModule } from './modules/guard/module.js'
import { createIncidentsModule } from './modules/incidents/module.js'
import { createMailModule } from './modules/mail/module.js'
import { createMfaModule } from './modules/mfa/module.js'
import { createRecoveryModule } from './modules/recovery/module.js'
import { createReportsModule } from './modules/reports/module.js'
import { createWebhooksModule } from './modules/webhooks/module.js'
import { createRuntime } from './runtime.js'

export type { App } from './app-types.js'
export { type AppOverrides, createLogger } from './infrastructure.js'

/**
 * The composition root: infrastructure (the adapters the configuration picks), then the modules
 * given their ports, then the HTTP server and every module's routes, then the runtime that starts,
 * drains and closes it all. Modules translate their own settings; no rule of the domain lives here.
 */
export const createApp = async (config: Config, overrides: AppOverrides = {}): Promise<App> => {
  const infra = await createInfrastructure(config, overrides)
  const { clock, logger, metrics, database, store, events, limiter, repos, workerLogger } = infra
  const { keys, box, queued } = infra
  const { accounts, outbox } = store
  const base = { config, clock, events, metrics, logger, keys, box, limiter, queued }

  // ---- Modules, each after what it uses.
  const auditModule = createAuditModule({ log: repos.auditLog, clock })
  const { audit } = auditModule
  const { detections, guardLifts: liftStore } = repos
  const guardModule = createGuardModule({ ...base, audit, detections, liftStore, accounts })
  const { guard } = guardModule
  const mfaModule = createMfaModule({ ...base, ...repos, factors: repos.mfaFactors, accounts, outbox })
  const devicesModule = await createDevicesModule({ ...base, ...repos, notices: repos.loginNotices, outbox })
  const { devices } = devicesModule
  const forgetRemembered = devices.forgetRemembered.bind(devices)
  const { hasPasswordFactor, hasStrongFactor, secondFactors } = mfaModule
  const passwords = createPasswords(config)
  const accountsModule = createAccountsModule({
    ...base,
    ...passwords,
    store,
    forgetRemembered,
    hasPasswordFactor,
  })
  // ---- Login: sessions, their second step, the session and MFA routes (src/app-login.ts).
  const login = createLoginWiring({
    ...base,
    ...passwords,
    store,
    principalChanges: database.principalChanges,
    mfaModule,
    devices,
    mfaFactors: repos.mfaFactors,
    loginChallenges: repos.loginChallenges,
  })
  const { sessions } = login
  // ---- End of login.
  const recoveryModule = createRecoveryModule({
    ...base,
    ...passwords,
    store,
    secondFactors,
    guard,
    logger: workerLogger('recovery'),
    hasStrongFactor,
    forgetRemembered,
  })
  const { recovery } = recoveryModule
  const webhooksModule = createWebhooksModule({ ...base, repo: repos.webhooks, outbox })
  const mailModule = createMailModule({
    ...infra,
    queue: store.outboxQueue,
    ledger: store.ledger,
    webhooks: webhooksModule.sender,
    logger: workerLogger('outbox'),
  })
  const eventsModule = createEventsModule({ config, log: store.events })
  const accessModule = createAccessModule({ repo: repos.access, audit, events, clock })
  const campaignsModule = createCampaignsModule({
    ...base,
    repo: repos.campaigns,
    audit,
    logger: workerLogger('campaigns'),
    skipLocked: database.dialect.skipLocked,
  })
  const { campaigns } = campaignsModule
  const incidentsModule = createIncidentsModule({
    ...base,
    repo: repos.incidents,
    auditLog: repos.auditLog,
    audit,
    campaigns,
  })
  const { incidents } = incidentsModule
  const reportsModule = createReportsModule({
    ...base,
    incidents,
    campaigns,
    facts: repos.reportFacts,
    audit,
    auditLog: repos.auditLog,
  })

  // ---- HTTP: the server and the hooks every route shares, then each module's routes.
  const server = await createAppHttp({ ...infra, guard })
  const { http } = server
  readinessRoutes(server, { ...infra, state: server.state })
  accountsModule.routes(http, { sessions, guard, limiter, metrics })
  const draining = () => server.state.draining
  const sessionCheck = login.routes(http, { fastPaths: server.fastPaths, draining, guard, recovery })
  const authorize = accessModule.authorizer({ sessions, hasStrongFactor })
  const { names } = repos
  eventsModule.routes(http, { sessions, authorize, names })
  guardModule.routes(http, { authorize, names })
  auditModule.routes(http, { authorize, names })
  webhooksModule.routes(http, { authorize, audit })
  campaignsModule.routes(http, { authorize })
  accessModule.routes(http, { authorize })
  incidentsModule.routes(http, { authorize, names })
  reportsModule.routes(http, { authorize })
  // The admin console: its figures and account tools, and the built single-page app at /console.
  adminRoutes(http, {
    authorize,
    audit,
    db: database.db,
    accounts: store.accounts,
    sessions: store.sessions,
    factors: repos.mfaFactors,
    events: store.events,
    now: () => clock.now(),
  })
  mailModule.routes(http, { authorize, audit })
  await consoleRoutes(http)
  recoveryModule.routes(http, { sessions, limiter })
  await http.ready()

  // ---- Runtime: background workers, periodic housekeeping, draining and closing.
  const workers = {
    outbox: mailModule.worker,
    recovery: recoveryModule.worker,
    campaigns: campaignsModule.worker,
  }
  const purges = [
    accountsModule.purge,
    login.purge,
    mailModule.purge,
    recoveryModule.purge,
    mfaModule.purge,
    devicesModule.purge,
    eventsModule.purge,
    guardModule.purge,
  ]
  const runtime = createRuntime({
    ...infra,
    server,
    manualWorkers: overrides.manualWorkers ?? false,
    workers: [workers.outbox, workers.recovery, workers.campaigns, guardModule.liftWatcher],
    periodic: [
      { run: housekeeping(purges, { now: () => clock.now(), logger }), everyMs: 3600 * SECOND },
      { run: incidentsModule.sweepImports, everyMs: 60 * SECOND },
    ],
    stopping: [() => guard.close()],
    infrastructure: infra,
  })
  const { mfa, passkeys } = mfaModule
  const shared = { config, http, store, database, metrics, logger, clock, limiter, guard, audit, incidents }
  return {
    ...shared,
    services: { accounts: accountsModule.accounts, sessions, recovery, mfa, passkeys, campaigns },
    workers,
    sessionCheck,
    detections,
    guardLifts: guardModule.lifts,
    access: accessModule.access,
    reports: reportsModule.reports,
    ...runtime,
  }
}
