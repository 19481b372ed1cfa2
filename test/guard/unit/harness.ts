import { createHmac } from 'node:crypto'
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest'
import { createMemoryLimiterStore } from '../../../src/adapters/limits/memory.js'
import type { SqlDatabase } from '../../../src/adapters/sql/database.js'
import { SqlDetectionStore } from '../../../src/adapters/sql/detections-repository.js'
import { SqlSecurityEventLog } from '../../../src/adapters/sql/events-repository.js'
import { ManualClock } from '../../../src/kernel/clock.js'
import type { RequestContext, StoredSecurityEvent } from '../../../src/modules/events/ports.js'
import { EventRecorder } from '../../../src/modules/events/recorder.js'
import { Guard } from '../../../src/modules/guard/guard.js'
import { SourceMarks } from '../../../src/modules/guard/marks.js'
import type { Detection, LimiterStore } from '../../../src/modules/guard/ports.js'
import { ProofOfWork } from '../../../src/modules/guard/pow.js'
import type { GuardMetrics, GuardSettings } from '../../../src/modules/guard/settings.js'
import { Sightings } from '../../../src/modules/guard/sightings.js'
import { GuardState } from '../../../src/modules/guard/state.js'
import { createTestDatabase, type TestDatabase } from '../../helpers/databases.js'

/** Small thresholds, each distinct, so that a test names the one it crosses. */
export const testSettings = (): GuardSettings => ({
  enabled: true,
  windowSeconds: 600,
  enumeration: { challengeDistinct: 5, blockDistinct: 10 },
  subnetFactor: 4,
  siteFactor: 8,
  networkFactor: 16,
  signupRefusals: 4,
  stuffing: {
    sourceIdentifiers: 4,
    spikeMinFailures: 10,
    spikeRatio: 0.5,
    spikeJump: 3,
    spikeFloor: 0.2,
    baselineLogins: 50,
    spikeWindowSeconds: 300,
    spikeHoldSeconds: 900,
  },
  bruteForce: { delayAfter: 3, maxDelaySeconds: 60, challengeAfter: 6 },
  recoveryFlood: { requests: 5, windowSeconds: 3600 },
  legacyClients: { requests: 3 },
  blockSeconds: 900,
  knownSourceDays: 30,
  pow: { baseDifficulty: 8, maxDifficulty: 12 },
})

export const ctxFrom = (ip: string): RequestContext => ({
  ip,
  userAgent: null,
  clientVersion: null,
  requestId: null,
})

/** What the metrics were told, in order. */
export type Told = Array<[keyof GuardMetrics, ...unknown[]]>

export interface Parts {
  clock: ManualClock
  settings: GuardSettings
  store: LimiterStore
  state: GuardState
  sightings: Sightings
  marks: SourceMarks
  events: EventRecorder
  told: Told
  errors: unknown[]
  /** Observations run apart from the request (BruteForceDetector's account detections). */
  background: (what: string, run: () => Promise<void>) => Promise<void>
  /** Waits for the observations run apart. */
  settled: () => Promise<void>
  /** Every detection, oldest first (after writing what the sightings summed). */
  detections: () => Promise<Detection[]>
  /** The `guard_detection` events, oldest first. */
  detectionEvents: () => Promise<StoredSecurityEvent[]>
  /** The guard over the same store, detection store and clock. */
  guard: () => Guard
}

/**
 * One SQLite database for the file (emptied before each test), and before each test a memory
 * limiter store, a manual clock at the start of a window and the guard's shared parts over them.
 */
export const useParts = (adjust: (s: GuardSettings) => void = () => {}): { current: Parts } => {
  let database: TestDatabase
  let sql: SqlDatabase
  const ref = {} as { current: Parts }
  beforeAll(async () => {
    database = await createTestDatabase('sqlite')
    sql = await database.open()
  })
  afterAll(async () => {
    await sql.close()
    await database.drop()
  })
  beforeEach(async () => {
    await sql.db.deleteFrom('detections').execute()
    await sql.db.deleteFrom('security_events').execute()
    ref.current = makeParts(sql, adjust)
  })
  afterEach(async () => {
    await ref.current.settled()
    await ref.current.sightings.close()
  })
  return ref
}

const metricsInto = (told: Told): GuardMetrics => ({
  detection: (...a) => told.push(['detection', ...a]),
  challenge: (...a) => told.push(['challenge', ...a]),
  block: (...a) => told.push(['block', ...a]),
  refused: (...a) => told.push(['refused', ...a]),
  screened: () => {},
})

const makeParts = (sql: SqlDatabase, adjust: (s: GuardSettings) => void): Parts => {
  // 2026-01-01T00:00Z: the start of every window the tests use.
  const clock = new ManualClock()
  const now = () => clock.now()
  const settings = testSettings()
  adjust(settings)
  const store = createMemoryLimiterStore()
  const detectionStore = new SqlDetectionStore(sql.db)
  const log = new SqlSecurityEventLog(sql.db)
  const events = new EventRecorder(log, now)
  const told: Told = []
  const errors: unknown[] = []
  const metrics = metricsInto(told)
  const onError = (err: unknown) => errors.push(err)
  const secret = createHmac('sha256', 'test').update('guard identifiers').digest()
  const state = new GuardState(store, settings, now, secret)
  const sightings = new Sightings({ detections: detectionStore, events, metrics, now, onError })
  const marks = new SourceMarks({ state, sightings, metrics })
  const running: Promise<void>[] = []
  return {
    clock,
    settings,
    store,
    state,
    sightings,
    marks,
    events,
    told,
    errors,
    background: (_what, run) => {
      const p = run().catch((err: unknown) => {
        onError(err)
      })
      running.push(p)
      return p
    },
    settled: async () => {
      while (running.length > 0) await running.shift()
    },
    detections: async () => {
      await sightings.flush()
      return (await detectionStore.list({}, 100)).reverse()
    },
    detectionEvents: async () => (await log.search({ type: 'guard_detection' }, 100)).reverse(),
    guard: () =>
      new Guard({
        store,
        detections: detectionStore,
        events,
        pow: new ProofOfWork({
          key: createHmac('sha256', 'test').update('pow').digest(),
          ttlMs: 60_000,
          now,
          used: store.counters('guard:pow_used', 60),
        }),
        identifierKey: secret,
        findAccount: async () => null,
        now,
        metrics,
        onError,
        settings,
      }),
  }
}

/** Moves the clock past two windows of `seconds`: a sliding window no longer sees what came before. */
export const pastWindow = (parts: Parts, seconds: number): void => parts.clock.advance(2 * seconds * 1000)
