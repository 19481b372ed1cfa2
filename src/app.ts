import type { App } from './app-types.js'
import type { Config } from './config/index.js'
import type { AppHttp } from './http/app-server.js'
import { createAppHttp, readinessRoutes } from './http/app-server.js'
import { consoleRoutes } from './http/console-routes.js'
import { pagesRoutes } from './http/pages-routes.js'
import { type AppOverrides, createInfrastructure, type Infrastructure } from './infrastructure.js'
import { SECOND } from './kernel/clock.js'
import { housekeeping } from './kernel/housekeeping.js'
import { createAccessModule } from './modules/access/module.js'
import { createAccountsModule, createPasswords } from './modules/accounts/module.js'
import { createAdminModule } from './modules/admin/module.js'
import { createAuditModule } from './modules/audit/module.js'
import type { AuditService } from './modules/audit/service.js'
import { createCampaignsModule } from './modules/campaigns/module.js'
import { createDevicesModule } from './modules/devices/module.js'
import { createEventsModule } from './modules/events/module.js'
import { createGuardModule } from './modules/guard/module.js'
import { createIncidentsModule } from './modules/incidents/module.js'
import { createLifecycleModule } from './modules/lifecycle/module.js'
import { createLoginModule } from './modules/login/module.js'
import { createMailModule } from './modules/mail/module.js'
import { createMfaModule } from './modules/mfa/module.js'
import type { OnAccessEnded } from './modules/oidc/access-ended.js'
import { oidcClientRoutes } from './modules/oidc/client-routes.js'
import { OidcClients } from './modules/oidc/clients.js'
import type { OidcGrants } from './modules/oidc/grants.js'
import { createOidcModule } from './modules/oidc/module.js'
import { createPagesModule } from './modules/pages/module.js'
import { createRecoveryModule } from './modules/recovery/module.js'
import { createReportsModule } from './modules/reports/module.js'
import { createWebhooksModule } from './modules/webhooks/module.js'
import { createRuntime } from './runtime.js'

export type { App } from './app-types.js'
export { type AppOverrides, createLogger } from './infrastructure.js'

/** What every module may be given: the configuration and the shared infrastructure. */
const shared = (infra: Infrastructure) => {
  const { config, clock, events, metrics, logger, keys, box, limiter, queued } = infra
  return { config, clock, events, metrics, logger, keys, box, limiter, queued }
}

/** The modules of accounts and their security, each after what it uses. */
const accountModules = async (infra: Infrastructure) => {
  const { config, database, store, repos, workerLogger } = infra
  const { accounts, outbox } = store
  const base = shared(infra)
  const audit = createAuditModule({ log: repos.auditLog, clock: infra.clock })
  const { detections, guardLifts: liftStore } = repos
  const guard = createGuardModule({ ...base, audit: audit.audit, detections, liftStore, accounts })
  const mfa = createMfaModule({ ...base, ...repos, factors: repos.mfaFactors, accounts, outbox })
  const devices = await createDevicesModule({ ...base, ...repos, notices: repos.loginNotices, outbox })
  const passwords = createPasswords(config)
  const { hasPasswordFactor } = mfa
  const accountsModule = createAccountsModule({
    ...base,
    ...passwords,
    store,
    devices: devices.devices,
    hasPasswordFactor,
  })
  const recovery = createRecoveryModule({
    ...base,
    ...passwords,
    store,
    factors: repos.mfaFactors,
    mfa: mfa.mfa,
    guard: guard.guard,
    logger: workerLogger('recovery'),
    devices: devices.devices,
  })
  const login = createLoginModule({
    ...base,
    ...passwords,
    accounts,
    sessions: store.sessions,
    principalChanges: database.principalChanges,
    guard: guard.guard,
    mfa: mfa.mfa,
    factors: repos.mfaFactors,
    challenges: repos.loginChallenges,
    passkeys: mfa.passkeys,
    loginCodes: mfa.loginCodes,
    devices: devices.devices,
    recovery: recovery.recovery,
    policyOf: mfa.policyOf,
    hasPasswordFactor: mfa.hasPasswordFactor,
    notifyFactorAdded: (accountId) => mfa.notifySecurityChange(accountId, 'factor_added'),
  })
  const pages = createPagesModule({ config, policy: passwords.policy })
  const { oidcClients, oidcKeys, oidcArtifacts } = repos
  const oidc = createOidcModule({ ...base, accounts, oidcClients, oidcKeys, oidcArtifacts })
  return { audit, guard, mfa, devices, accounts: accountsModule, login, recovery, pages, oidc }
}

/** The modules of delivery and of staff work: webhooks, the outbox, events, access, incidents. */
const operationModules = (
  infra: Infrastructure,
  audit: AuditService,
  oidc: { grants: OidcGrants; onAccessEnded: OnAccessEnded },
) => {
  const { store, repos, workerLogger } = infra
  const base = shared(infra)
  const webhooks = createWebhooksModule({ ...base, repo: repos.webhooks, outbox: store.outbox })
  const mail = createMailModule({
    ...infra,
    queue: store.outboxQueue,
    ledger: store.ledger,
    webhooks: webhooks.sender,
    logger: workerLogger('outbox'),
  })
  const events = createEventsModule({ config: infra.config, log: store.events })
  const access = createAccessModule({ ...base, repo: repos.access, audit, oidcClients: repos.oidcClients })
  const oidcClients = new OidcClients({
    repo: repos.oidcClients,
    audit,
    events: base.events,
    clock: base.clock,
    accounts: store.accounts,
    grants: oidc.grants,
    allowPrivateUrls: base.config.webhooks.allowPrivate,
  })
  const campaigns = createCampaignsModule({
    ...base,
    repo: repos.campaigns,
    audit,
    logger: workerLogger('campaigns'),
    skipLocked: infra.database.dialect.skipLocked,
  })
  const { auditLog } = repos
  const service = { audit, auditLog, campaigns: campaigns.campaigns }
  const incidents = createIncidentsModule({ ...base, ...service, repo: repos.incidents })
  const facts = repos.reportFacts
  const reports = createReportsModule({ ...base, ...service, incidents: incidents.incidents, facts })
  const { adminStats: stats, mfaFactors: factors } = repos
  const { onAccessEnded } = oidc
  const { accountLifecycle, accountImports } = repos
  const admin = createAdminModule({
    ...{ ...base, ...store, stats, factors, onAccessEnded, audit, accountLifecycle, accountImports },
    recorder: base.events,
  })
  const lifecycle = createLifecycleModule({ ...base, store, accounts: store.accounts, audit, onAccessEnded })
  return { webhooks, mail, events, access, oidcClients, campaigns, incidents, reports, admin, lifecycle }
}

type Modules = Awaited<ReturnType<typeof accountModules>> & ReturnType<typeof operationModules>

/** Every module's routes, in one order; returns the session check fast path. */
const registerRoutes = async (server: AppHttp, infra: Infrastructure, m: Modules) => {
  const { http } = server
  const { limiter, metrics, repos } = infra
  const { sessions } = m.login
  const { guard } = m.guard
  const { audit } = m.audit
  readinessRoutes(server, { ...infra, state: server.state })
  m.accounts.routes(http, { sessions, guard, limiter, metrics })
  const draining = () => server.state.draining
  const sessionCheck = m.login.routes(http, { fastPaths: server.fastPaths, draining })
  const authorize = m.access.authorizer({ sessions, hasStrongFactor: m.mfa.hasStrongFactor })
  const { names } = repos
  m.events.routes(http, { sessions, authorize, names })
  m.guard.routes(http, { authorize, names })
  m.audit.routes(http, { authorize, names })
  m.webhooks.routes(http, { authorize, audit })
  m.campaigns.routes(http, { authorize })
  m.access.routes(http, { authorize })
  oidcClientRoutes(http, { clients: m.oidcClients, authorize, now: () => infra.clock.now() })
  m.incidents.routes(http, { authorize, names })
  m.reports.routes(http, { authorize })
  m.admin.routes(http, { authorize, audit })
  m.lifecycle.routes(http, { sessions, authorize, accountAdmin: m.admin.accountAdmin })
  m.mail.routes(http, { authorize, audit })
  // The admin console: the built single-page app at /console.
  await consoleRoutes(http)
  // The account pages: sign-in, sign-up, recovery and security settings, at the paths mails link to.
  await pagesRoutes(http, {
    branding: infra.config.branding,
    captchaProvider: infra.config.challenges.captcha?.provider ?? null,
  })
  m.recovery.routes(http, { sessions, limiter })
  m.pages.routes(http, { limiter, metrics })
  // The OpenID Connect provider: discovery, /oidc/* and the sign-in and consent steps of applications.
  m.oidc.routes(http, { sessions, limiter, metrics, guard, authorize, audit })
  await http.ready()
  return sessionCheck
}

/**
 * The composition root: infrastructure (the adapters the configuration picks), then the modules
 * given their ports, then the HTTP server and every module's routes, then the runtime that starts,
 * drains and closes it all. Modules translate their own settings; no rule of the domain lives here.
 */
export const createApp = async (config: Config, overrides: AppOverrides = {}): Promise<App> => {
  const infra = await createInfrastructure(config, overrides)
  const core = await accountModules(infra)
  const m: Modules = { ...core, ...operationModules(infra, core.audit.audit, core.oidc) }
  const guard = m.guard.guard
  const server = await createAppHttp({ ...infra, guard })
  const sessionCheck = await registerRoutes(server, infra, m)
  const workers = { outbox: m.mail.worker, recovery: m.recovery.worker, campaigns: m.campaigns.worker }
  const purging = [m.accounts, m.login, m.mail, m.recovery, m.mfa, m.devices, m.events, m.guard, m.oidc]
  const hourly = housekeeping(
    purging.map((x) => x.purge),
    { now: () => infra.clock.now(), logger: infra.logger },
  )
  const runtime = createRuntime({
    ...infra,
    server,
    manualWorkers: overrides.manualWorkers ?? false,
    workers: [workers.outbox, workers.recovery, workers.campaigns, m.guard.liftWatcher],
    periodic: [
      { name: 'housekeeping', run: hourly, everyMs: 3600 * SECOND },
      { name: 'sweeping interrupted imports', run: m.incidents.sweepImports, everyMs: 60 * SECOND },
      { name: 'purging accounts whose deletion is due', run: m.lifecycle.purgeDue, everyMs: 60 * SECOND },
      { name: 'sweeping interrupted account imports', run: m.admin.sweepImports, everyMs: 60 * SECOND },
    ],
    stopping: [() => guard.close()],
    infrastructure: infra,
  })
  const { http, store, database, metrics, logger, clock, limiter } = { ...infra, ...server }
  const { sessions } = m.login
  const { recovery } = m.recovery
  const { mfa, passkeys } = m.mfa
  const { campaigns } = m.campaigns
  const parts = { config, http, store, database, metrics, logger, clock, limiter, guard, sessionCheck }
  return {
    ...parts,
    services: { accounts: m.accounts.accounts, sessions, recovery, mfa, passkeys, campaigns },
    workers,
    detections: infra.repos.detections,
    guardLifts: m.guard.lifts,
    audit: m.audit.audit,
    access: m.access.access,
    oidcClients: m.oidcClients,
    incidents: m.incidents.incidents,
    oidc: m.oidc,
    reports: m.reports.reports,
    accountAdmin: m.admin.accountAdmin,
    accountDeletion: m.lifecycle.deletion,
    accountImports: m.admin.accountImports,
    ...runtime,
  }
}
