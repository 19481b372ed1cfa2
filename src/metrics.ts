import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client'

/** Figures read when metrics are scraped; a source that fails leaves the last value. */
export interface ScrapeSources {
  /** Outbox messages by status. */
  outboxCounts?: () => Promise<Record<string, number>>
  /** Free bytes in the data directory. */
  dataDirFreeBytes?: () => Promise<number>
  /** Accounts still holding an imported password hash, by scheme (every scheme, 0 when none). */
  importedHashes?: () => Promise<Record<string, number>>
}

/**
 * A scrape source read at most once per `ms` (by `now`): a figure that costs a scan (the imported
 * hashes left) is not recounted at every scrape; one read at a time, and a failed read is retried.
 */
export const heldFor = <T>(ms: number, now: () => number, read: () => Promise<T>): (() => Promise<T>) => {
  let held: { at: number; value: Promise<T> } | undefined
  return () => {
    if (held && now() - held.at < ms) return held.value
    const value = read()
    const entry = { at: now(), value }
    held = entry
    value.catch(() => {
      if (held === entry) held = undefined
    })
    return value
  }
}

/** HTTP requests. */
const httpMetrics = (registry: Registry) => {
  const httpDuration = new Histogram({
    name: 'gatehouse_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  })
  return { httpDuration }
}

/** Logins. */
const loginMetrics = (registry: Registry) => {
  const logins = new Counter({
    name: 'gatehouse_logins_total',
    help: 'Login attempts by outcome: success, invalid_credentials (a wrong password and an unknown identifier alike), and, after a right password, locked, unverified, reset_required',
    labelNames: ['outcome'] as const,
    registers: [registry],
  })
  return { logins }
}

/** Outgoing messages and those the outbound gate held back. */
const messageMetrics = (registry: Registry) => {
  const messages = new Counter({
    name: 'gatehouse_messages_total',
    help: 'Outgoing messages by channel and state (queued, sent, failed = a try failed, abandoned = cannot be rendered or delivered at all, suppressed, expired = its code or link expired before it could be sent, dead_lettered = undelivered past the retry horizon, redriven = made due again by a retry or a transport that recovered)',
    labelNames: ['channel', 'state'] as const,
    registers: [registry],
  })
  const suppressed = new Counter({
    name: 'gatehouse_messages_suppressed_total',
    help: 'Messages the outbound gate did not let through, by channel, kind, budget and stage (queue: refused when queued; send: dropped at the second look before sending)',
    labelNames: ['channel', 'kind', 'budget', 'stage'] as const,
    registers: [registry],
  })
  return { messages, suppressed }
}

/** Security events, recovery requests handled and requests refused by a limit. */
const securityMetrics = (registry: Registry) => {
  const events = new Counter({
    name: 'gatehouse_security_events_total',
    help: 'Security events recorded, by type',
    labelNames: ['type'] as const,
    registers: [registry],
  })
  const recoveryRequests = new Counter({
    name: 'gatehouse_recovery_requests_total',
    help: 'Recovery requests handled by the worker (whatever their outcome: messages sent and suppressed are in gatehouse_messages_total and gatehouse_messages_suppressed_total)',
    registers: [registry],
  })
  const rateLimited = new Counter({
    name: 'gatehouse_rate_limited_total',
    help: 'Requests refused with 429, by limit',
    labelNames: ['scope'] as const,
    registers: [registry],
  })
  return { events, recoveryRequests, rateLimited }
}

/** The guard: detections, challenges, blocks, refusals and the time it takes to screen a request. */
const guardMetrics = (registry: Registry) => {
  const detections = new Counter({
    name: 'gatehouse_guard_detections_total',
    help: 'Detections opened or raised, by detector and the response taken (none, delay, challenge, block)',
    labelNames: ['kind', 'action'] as const,
    registers: [registry],
  })
  const challenges = new Counter({
    name: 'gatehouse_guard_challenges_total',
    help: 'Challenges by kind (pow, captcha) and outcome (issued, solved, failed)',
    labelNames: ['kind', 'outcome'] as const,
    registers: [registry],
  })
  const blocks = new Counter({
    name: 'gatehouse_guard_blocks_total',
    help: 'Blocks put on a source address or network, by scope',
    labelNames: ['scope'] as const,
    registers: [registry],
  })
  const guardRefusals = new Counter({
    name: 'gatehouse_guard_refusals_total',
    help: 'Requests the guard refused with 429 rate_limited, by reason (blocked source, delayed retry on an identifier)',
    labelNames: ['reason'] as const,
    registers: [registry],
  })
  const guardScreen = new Histogram({
    name: 'gatehouse_guard_screen_seconds',
    help: 'Time the guard took to screen a request (reads of detector state)',
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05],
    registers: [registry],
  })
  return { detections, challenges, blocks, guardRefusals, guardScreen }
}

/** Campaigns. */
const campaignMetrics = (registry: Registry) => {
  const campaignTargets = new Counter({
    name: 'gatehouse_campaign_targets_total',
    help: 'Campaign targets handled by this instance, by action and outcome (done, skipped, failed)',
    labelNames: ['action', 'outcome'] as const,
    registers: [registry],
  })
  const campaignProgress = new Gauge({
    name: 'gatehouse_campaign_progress_ratio',
    help: "Share of a campaign's targets handled (0 to 1), as this instance last saw it",
    labelNames: ['campaign_id', 'action'] as const,
    registers: [registry],
  })
  return { campaignTargets, campaignProgress }
}

/** The dependencies (database, redis, smtp, sms, disk): up or not, and the calls they failed. */
const dependencyMetrics = (registry: Registry) => {
  const dependencyUp = new Gauge({
    name: 'gatehouse_dependency_up',
    help: 'Whether this instance sees the dependency answer (1) or is in an outage of it (0): database, redis, smtp, sms, disk',
    labelNames: ['dependency'] as const,
    registers: [registry],
  })
  const dependencyFailures = new Counter({
    name: 'gatehouse_dependency_failures_total',
    help: 'Calls that failed or ran past their deadline because of a dependency (requests answered 503, limiter calls answered from memory, failed sends), by dependency',
    labelNames: ['dependency'] as const,
    registers: [registry],
  })
  return { dependencyUp, dependencyFailures }
}

/** Figures read at scrape time from `sources`. */
const scrapedMetrics = (registry: Registry, sources: ScrapeSources) => {
  const dataDirFreeBytes = new Gauge({
    name: 'gatehouse_data_dir_free_bytes',
    help: 'Free space in the data directory, as of the last readiness check or scrape (readiness fails below GATEHOUSE_DISK_MIN_FREE_MB)',
    registers: [registry],
    async collect() {
      if (!sources.dataDirFreeBytes) return
      try {
        this.set(await sources.dataDirFreeBytes())
      } catch {
        // the last value stays
      }
    },
  })
  const outboxMessages = new Gauge({
    name: 'gatehouse_outbox_messages',
    help: 'Messages in the outbox now, by status (queued = waiting for a first try or a retry, dead = dead-lettered): read at scrape time',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      if (!sources.outboxCounts) return
      try {
        const counts = await sources.outboxCounts()
        for (const status of ['queued', 'processing', 'dead']) this.set({ status }, counts[status] ?? 0)
      } catch {
        // the last values stay
      }
    },
  })
  return { dataDirFreeBytes, outboxMessages, importedHashes: importedHashGauge(registry, sources) }
}

/** Imported password hashes left, read at scrape time (the source keeps its figure a while). */
const importedHashGauge = (registry: Registry, sources: ScrapeSources) =>
  new Gauge({
    name: 'gatehouse_accounts_imported_hash',
    help: 'Accounts whose password hash is still an imported one, by format (the scheme it is stored under: bcrypt, argon2, scrypt, firebase-scrypt, pbkdf2-*, wrap-* for wrapped fast hashes); the next successful login replaces each with argon2id',
    labelNames: ['format'] as const,
    registers: [registry],
    async collect() {
      if (!sources.importedHashes) return
      try {
        for (const [format, n] of Object.entries(await sources.importedHashes())) this.set({ format }, n)
      } catch {
        // the last values stay
      }
    },
  })

/** Every Prometheus metric Gatehouse exports, on a registry of its own (one per app instance). */
export const createMetrics = (sources: ScrapeSources = {}) => {
  const registry = new Registry()
  // prom-client's own names already start with process_ or nodejs_: the prefix is the product's alone.
  collectDefaultMetrics({ register: registry, prefix: 'gatehouse_' })
  // Registered in this order, which is the order of the scrape's output.
  return {
    registry,
    ...httpMetrics(registry),
    ...loginMetrics(registry),
    ...messageMetrics(registry),
    ...securityMetrics(registry),
    ...guardMetrics(registry),
    ...campaignMetrics(registry),
    ...dependencyMetrics(registry),
    ...scrapedMetrics(registry, sources),
  }
}

export type Metrics = ReturnType<typeof createMetrics>
