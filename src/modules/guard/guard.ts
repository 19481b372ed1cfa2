import { createHmac } from 'node:crypto'
import { AppError } from '../../kernel/errors.js'
import { networksOf, sourceOf, subnetOf } from '../../kernel/net.js'
import { classifyIdentifier } from '../accounts/identifiers.js'
import type { RequestContext } from '../events/ports.js'
import { type EventRecorder, noContext } from '../events/recorder.js'
import { CAPTCHA_HEADER, type CaptchaVerifier } from './captcha.js'
import { type LiftTarget, rangeContains, rangeCovers, type SourceRange } from './lifts.js'
import type {
  Counters,
  Detection,
  DetectionAction,
  DetectionKind,
  DetectionScope,
  DetectionStore,
  LimiterStore,
} from './ports.js'
import { POW_ALGORITHM, POW_HEADER, type ProofOfWork } from './pow.js'
import { rateLimited } from './source-limits.js'
import { SlidingWindow } from './windows.js'

/** The endpoints the guard screens: each one names or probes accounts by what a caller types. */
export type GuardedEndpoint = 'login' | 'recovery' | 'signup' | 'verify_resend' | 'passkey_login'

export interface GuardSettings {
  enabled: boolean
  /** The sliding window of the source, identifier and stuffing detectors. */
  windowSeconds: number
  enumeration: {
    /**
     * Distinct identifiers one address asks about (recovery, verification resend, refused sign-ups,
     * failed logins): challenge. Whether they name accounts plays no part.
     */
    challengeDistinct: number
    /** Distinct identifiers from one address: block, even with solved challenges. */
    blockDistinct: number
  }
  /** A /24 (IPv4) or /64 (IPv6) network gets thresholds this many times those of one address … */
  subnetFactor: number
  /** … a /56 (IPv6) this many times … */
  siteFactor: number
  /** … and a /16 (IPv4) or /48 (IPv6) this many times. */
  networkFactor: number
  /** Refused sign-ups (a taken username, a password the policy rejects …) from one address: challenge. */
  signupRefusals: number
  stuffing: {
    /** Failed logins on this many distinct identifiers from one address: challenge. */
    sourceIdentifiers: number
    /** Global spike: at least this many failed logins in `spikeWindowSeconds` … */
    spikeMinFailures: number
    /** … at least this share of all logins failing, when the hour before saw too few logins … */
    spikeRatio: number
    /** … and otherwise at least this many times the share of the hour before, and at least `spikeFloor`. */
    spikeJump: number
    spikeFloor: number
    /** Logins the hour before must have seen to serve as a baseline. */
    baselineLogins: number
    spikeWindowSeconds: number
    /** How long every new source is challenged after a spike. */
    spikeHoldSeconds: number
  }
  bruteForce: {
    /** Failures on one identifier before each source must wait (1 s, doubling). */
    delayAfter: number
    maxDelaySeconds: number
    /** Failures on one identifier before sources it has not logged in from must solve a challenge. */
    challengeAfter: number
  }
  recoveryFlood: { requests: number; windowSeconds: number }
  legacyClients: { requests: number }
  blockSeconds: number
  /** How long a source that logged in successfully counts as known. */
  knownSourceDays: number
  pow: { baseDifficulty: number; maxDifficulty: number }
}

export interface GuardMetrics {
  detection(kind: DetectionKind, action: DetectionAction): void
  challenge(kind: 'pow' | 'captcha', outcome: 'issued' | 'solved' | 'failed'): void
  block(scope: DetectionScope): void
  refused(reason: 'blocked' | 'delayed'): void
  screened(seconds: number): void
}

/** What a request brings to the screen. */
export interface ScreenInput {
  endpoint: GuardedEndpoint
  ctx: RequestContext
  /** What the caller typed as identifier (login only: brute force is per identifier). */
  identifier?: string
  /** The device token presented, if any. */
  deviceToken?: string | null
  /**
   * The account `identifier` names (null: none), when the caller has read it already; the guard
   * looks it up itself otherwise.
   */
  accountId?: string | null
  headers: Record<string, string | string[] | undefined>
}

/** The source state of a blocked source (challenge levels are small numbers). */
const BLOCKED = 1_000_000
const rankOf: Record<DetectionAction, number> = { none: 0, delay: 1, challenge: 2, block: 3 }
const FLUSH_MS = 2000
const DAY_S = 86_400

const header = (h: ScreenInput['headers'], name: string): string | null => {
  const v = h[name]
  const one = Array.isArray(v) ? v[0] : v
  return one && one.length <= 8192 ? one : null
}

interface Pending {
  scope: DetectionScope
  count: number
  details: Record<string, unknown>
  accountId: string | null
  flushedAt: number
  action: DetectionAction
  actionUntil: number | null
}

/** A source as the detectors count it: the address, or one of the networks it is counted in. */
interface Source {
  scope: 'ip' | 'subnet'
  key: string
  /** Thresholds of this source are those of one address times this. */
  factor: number
}

/**
 * The guard: detectors over sliding windows whose state lives in the limiter store (so every
 * instance on one Redis sees the same counts), and the responses — a proof-of-work (or CAPTCHA)
 * challenge, a growing per-identifier delay, a block that expires.
 *
 * No response depends on whether an identifier names an account, or on which one: responses are
 * keyed by what a stranger controls — the source (its address and each network it is counted in)
 * and the identifier as typed (normalised like login does, keyed with a secret) — and never by
 * whether a name was found. Per-account counts feed detections and alerts only. The one
 * per-account exemption, a known source or device, is earned by opening a session on the account.
 */
export class Guard implements LiftTarget {
  readonly #s: GuardSettings
  readonly #now: () => number
  /** Per source: the challenge level it has earned, or BLOCKED. One key, one read per screen. */
  readonly #sourceState: Counters
  readonly #known: Counters
  readonly #pardons: Counters
  readonly #waits: Counters
  readonly #flags: Counters
  readonly #seen: Counters
  readonly #distinct: SlidingWindow
  readonly #failedIds: SlidingWindow
  readonly #idFailures: SlidingWindow
  readonly #accountFailures: SlidingWindow
  readonly #refusals: SlidingWindow
  readonly #loginsShort: SlidingWindow
  readonly #loginsHour: SlidingWindow
  readonly #floods: SlidingWindow
  readonly #floodSources: SlidingWindow
  readonly #legacy: SlidingWindow
  readonly #pending = new Map<string, Pending>()
  readonly #sourceCache = new Map<string, Source[]>()
  #spikeCache: { until: number; on: boolean } = { until: 0, on: false }
  #flushTimer: NodeJS.Timeout | undefined
  /**
   * The keys this instance marked (sources' challenge levels and blocks, brute-force waits, the
   * identifiers it delays or challenges), with when each mark ends: what an operator's lift
   * finds to end, on a store that cannot be searched. Each instance ends the marks it made.
   */
  readonly #marked = new Map<string, number>()
  /** Ranges an operator lifted, and until when their requests pass the guard. */
  #lifted: Array<{ range: SourceRange; until: number }> = []

  constructor(
    private readonly deps: {
      store: LimiterStore
      detections: DetectionStore
      events: EventRecorder
      pow: ProofOfWork
      captcha?: CaptchaVerifier | undefined
      /** Keys identifiers (never stored or compared as typed). */
      identifierKey: Buffer
      /**
       * The account an identifier names, or null: only to find the known sources and devices of
       * the account, when the caller of `screen` has not read it already.
       */
      findAccount: (identifier: string) => Promise<string | null>
      now: () => number
      metrics: GuardMetrics
      onError: (err: unknown, what: string) => void
      settings: GuardSettings
    },
  ) {
    const s = deps.settings
    this.#s = s
    this.#now = deps.now
    const { store } = deps
    const w = s.windowSeconds
    const life = SlidingWindow.lifeSeconds
    this.#sourceState = store.counters('guard:source', Math.max(w, s.blockSeconds))
    this.#known = store.counters('guard:known', s.knownSourceDays * DAY_S)
    this.#pardons = store.counters('guard:pardon', w)
    this.#waits = store.counters('guard:wait', s.bruteForce.maxDelaySeconds)
    this.#flags = store.counters('guard:flag', s.stuffing.spikeHoldSeconds)
    this.#seen = store.counters('guard:seen', life(Math.max(w, s.recoveryFlood.windowSeconds)))
    const window = (name: string, seconds: number) =>
      new SlidingWindow(store.counters(name, life(seconds)), seconds, deps.now)
    this.#distinct = window('guard:distinct', w)
    this.#failedIds = window('guard:failed_ids', w)
    this.#idFailures = window('guard:id_failures', w)
    this.#accountFailures = window('guard:account_failures', w)
    this.#refusals = window('guard:signup_refusals', w)
    this.#loginsShort = window('guard:logins_short', s.stuffing.spikeWindowSeconds)
    this.#loginsHour = window('guard:logins_hour', 3600)
    this.#floods = window('guard:recovery_flood', s.recoveryFlood.windowSeconds)
    this.#floodSources = window('guard:recovery_flood_sources', s.recoveryFlood.windowSeconds)
    this.#legacy = window('guard:legacy', w)
  }

  /** The identifier as the guard counts it: normalised like login does, then keyed. */
  identifierKey(raw: string): string {
    const id = classifyIdentifier(raw)
    const norm = id ? `${id.kind}:${id.value}` : `raw:${raw.trim().toLowerCase()}`
    return createHmac('sha256', this.deps.identifierKey).update(norm).digest('base64url').slice(0, 22)
  }

  #deviceKey(token: string): string {
    return createHmac('sha256', this.deps.identifierKey)
      .update(`device:${token}`)
      .digest('base64url')
      .slice(0, 22)
  }

  /**
   * The address and every network it is counted in, narrowest first: /24 and /16 for IPv4; /64,
   * /56 and /48 for IPv6 (one /48 holds 65,536 /64s: spreading over them meets the /48's budget).
   */
  #sources(ip: string | null): Source[] {
    const key = ip ?? ''
    const known = this.#sourceCache.get(key)
    if (known) return known
    const { address, networks } = sourceOf(ip)
    const s = this.#s
    const sources: Source[] = [
      { scope: 'ip', key: `ip:${address}`, factor: 1 },
      ...networks.map(
        (n): Source => ({
          scope: 'subnet',
          key: `subnet:${n}`,
          factor: n.endsWith('/56')
            ? s.siteFactor
            : n.endsWith('/16') || n.endsWith('/48')
              ? s.networkFactor
              : s.subnetFactor,
        }),
      ),
    ]
    // Asked several times per request: kept for recent addresses.
    if (this.#sourceCache.size >= 10_000) this.#sourceCache.clear()
    this.#sourceCache.set(key, sources)
    return sources
  }

  // ---- screening (before the work) ---------------------------------------------------------

  /**
   * Decides whether the request may go on. Throws 429 `rate_limited` (with Retry-After) for a
   * blocked source or one that must still wait before its next try on an identifier, and 429
   * `challenge_required` (with a puzzle) when a challenge is due and not met.
   */
  async screen(input: ScreenInput): Promise<void> {
    if (!this.#s.enabled) return
    const started = performance.now()
    try {
      await this.#screen(input)
    } finally {
      this.deps.metrics.screened((performance.now() - started) / 1000)
    }
  }

  async #screen(input: ScreenInput): Promise<void> {
    const { endpoint, ctx } = input
    if (this.#lifted.length > 0 && this.#liftedSource(ctx.ip)) return
    const sources = this.#sources(ctx.ip)
    const ip = sources[0]!
    // Brute force is counted per identifier as typed: the username, the email and the phone of one
    // account are three identifiers, each with its own count, so that none tells of the others.
    const idKey = input.identifier !== undefined ? `identifier:${this.identifierKey(input.identifier)}` : null
    const devKey = input.deviceToken ? this.#deviceKey(input.deviceToken) : null
    // Known devices are per account (a session opened on it from the device made it known): a device
    // token is a secret of its holder. Addresses are never known per account — whoever shares one
    // (a NAT, an office) would learn which identifiers belong to accounts used from there. An
    // identifier that names nobody is looked up the same way, under a key nothing ever sets.
    let knownFor: string | null = null
    if (input.identifier !== undefined && devKey) {
      const accountId =
        input.accountId !== undefined ? input.accountId : await this.deps.findAccount(input.identifier)
      knownFor = accountId ? `account:${accountId}` : idKey
    }
    // What is known, in one read: the address (for the spike: any session, whichever account) and
    // the device on the account.
    const knownKeys = [
      ...(endpoint === 'login' ? [ip.key] : []),
      ...(knownFor && devKey ? [`${knownFor}|${devKey}`] : []),
    ]
    const [states, spike, knowns, failures, wait, idPardoned] = await Promise.all([
      this.#sourceState.getMany(sources.map((src) => src.key)),
      endpoint === 'login' ? this.#spikeOn() : Promise.resolve(false),
      knownKeys.length > 0 ? this.#known.getMany(knownKeys) : Promise.resolve([]),
      idKey ? this.#idFailures.read(idKey) : Promise.resolve(0),
      idKey ? this.#waits.get(`${idKey}|${ip.key}`) : Promise.resolve({ count: 0, msLeft: 0 }),
      idKey ? this.#pardoned(idKey) : Promise.resolve(false),
    ])
    const knownIp = endpoint === 'login' && knowns[0]!.count > 0
    const knownForId = knowns.slice(endpoint === 'login' ? 1 : 0).some((r) => r.count > 0)
    const blocked = states.filter((b) => b.count >= BLOCKED)
    if (blocked.length > 0) {
      this.deps.metrics.refused('blocked')
      throw rateLimited(Math.max(1, Math.ceil(Math.max(...blocked.map((b) => b.msLeft)) / 1000)))
    }
    if (wait.count > 0 && !knownForId && !idPardoned) {
      this.deps.metrics.refused('delayed')
      throw rateLimited(Math.max(1, Math.ceil(wait.msLeft / 1000)))
    }
    let level = Math.max(...states.map((b) => b.count))
    const bf = this.#s.bruteForce
    if (idKey && failures >= bf.challengeAfter && !knownForId && !idPardoned) {
      level = Math.max(level, 1 + Math.floor(Math.log2(failures / bf.challengeAfter)))
    }
    if (
      level === 0 &&
      spike &&
      !knownIp &&
      !knownForId &&
      (failures > 0 || (await this.#stuffingTrait(sources)))
    ) {
      level = 1
    }
    if (level === 0) return
    await this.#demandChallenge(endpoint, ctx, input.headers, this.#difficulty(level))
  }

  /**
   * During a global spike, whether a source that has not opened a session shows what stuffing
   * looks like: failed logins in the window from the address (one is enough) or from one of its
   * networks (as many as the network's factor). A newcomer from a quiet network logs in without a
   * puzzle; each further address of a botnet gets at most its first pair checked (see docs/guard.md).
   */
  async #stuffingTrait(sources: Source[]): Promise<boolean> {
    const counts = await this.#failedIds.readMany(sources.map((src) => `fail:${src.key}`))
    return counts.some((n, i) => n >= sources[i]!.factor)
  }

  #difficulty(level: number): number {
    const { baseDifficulty, maxDifficulty } = this.#s.pow
    return Math.min(maxDifficulty, baseDifficulty + 2 * (level - 1))
  }

  async #demandChallenge(
    endpoint: GuardedEndpoint,
    ctx: RequestContext,
    headers: ScreenInput['headers'],
    difficulty: number,
  ): Promise<void> {
    const { metrics, captcha, pow, events } = this.deps
    const captchaToken = captcha ? header(headers, CAPTCHA_HEADER) : null
    if (captcha && captchaToken) {
      if (await captcha.verify(captchaToken, ctx.ip)) {
        metrics.challenge('captcha', 'solved')
        return
      }
      metrics.challenge('captcha', 'failed')
      await events.record('guard_challenge_failed', null, ctx, { kind: 'captcha', reason: 'rejected' })
    }
    const solution = header(headers, POW_HEADER)
    if (solution) {
      const verdict = await pow.verify(solution, endpoint, ctx.ip, difficulty)
      if (verdict === 'ok') {
        metrics.challenge('pow', 'solved')
        return
      }
      metrics.challenge('pow', 'failed')
      await events.record('guard_challenge_failed', null, ctx, { kind: 'pow', reason: verdict })
    }
    const issued = pow.issue(endpoint, ctx.ip, difficulty)
    metrics.challenge('pow', 'issued')
    throw new AppError('challenge_required', {
      detail: `Repeat the request with a solved puzzle in the ${POW_HEADER} header${captcha ? ' or a CAPTCHA token in gatehouse-captcha' : ''}`,
      extensions: {
        challenge: {
          pow: {
            algorithm: POW_ALGORITHM,
            puzzle: issued.puzzle,
            difficulty,
            header: 'Gatehouse-PoW',
            expires_at: new Date(issued.expiresAt).toISOString(),
          },
          ...(captcha
            ? {
                captcha: {
                  provider: captcha.provider,
                  site_key: captcha.siteKey,
                  header: 'Gatehouse-Captcha',
                },
              }
            : {}),
        },
      },
    })
  }

  async #spikeOn(): Promise<boolean> {
    const now = this.#now()
    if (now < this.#spikeCache.until) return this.#spikeCache.on
    const on = (await this.#flags.get('global:login_spike')).count > 0
    // Read at most once a second per instance.
    this.#spikeCache = { until: now + 1000, on }
    return on
  }

  // ---- observing (after the work) -----------------------------------------------------------

  /** Runs an observation without ever failing the request it came from. */
  #safely(what: string, run: () => Promise<void>): Promise<void> {
    if (!this.#s.enabled) return Promise.resolve()
    return run().catch((err) => this.deps.onError(err, what))
  }

  /**
   * An identifier asked about on an endpoint (recovery, verification resend, a refused sign-up; a
   * failed login counts it through loginOutcome). Only the number of distinct identifiers per
   * source counts: never whether they name accounts.
   */
  identifierSeen(endpoint: GuardedEndpoint, ctx: RequestContext, identifier: string): Promise<void> {
    return this.#safely('identifier', () =>
      this.#identifierSeen(endpoint, ctx, this.identifierKey(identifier)),
    )
  }

  async #identifierSeen(endpoint: GuardedEndpoint, ctx: RequestContext, idKey: string): Promise<void> {
    const e = this.#s.enumeration
    const sources = this.#sources(ctx.ip)
    const counts = await this.#distinct.addDistinctMany(
      this.#seen,
      sources.map((src) => src.key),
      `${endpoint}:${idKey}`,
    )
    await Promise.all(
      sources.map(async (src, i) => {
        const distinct = counts[i]!
        if (distinct < Math.min(e.challengeDistinct, e.blockDistinct) * src.factor) return
        await this.#judgeEnumeration(src, ctx, distinct, endpoint)
      }),
    )
  }

  async #judgeEnumeration(
    src: Source,
    ctx: RequestContext,
    distinct: number,
    endpoint: GuardedEndpoint,
  ): Promise<void> {
    const e = this.#s.enumeration
    if (await this.#pardoned(src.key)) return
    const details = {
      distinct_identifiers: Math.round(distinct),
      endpoint,
      ...(src.scope === 'ip' ? { network: subnetOf(ctx.ip) } : {}),
    }
    if (distinct >= e.blockDistinct * src.factor) {
      await this.#block(src, 'enumeration', details)
      return
    }
    if (distinct < e.challengeDistinct * src.factor) return
    const level = 1 + Math.floor(Math.log2(distinct / (e.challengeDistinct * src.factor)))
    await this.#mark(src, 'enumeration', level, details)
  }

  /**
   * A sign-up was refused for what was typed (a taken username, a password the policy rejects, an
   * invalid address …): each refusal costs strength checks or a lookup, so a source that collects
   * them must solve challenges.
   */
  signupRefused(ctx: RequestContext, code: string): Promise<void> {
    return this.#safely('sign-up refusal', async () => {
      const threshold = this.#s.signupRefusals
      const sources = this.#sources(ctx.ip)
      const counts = await this.#refusals.addMany(sources.map((src) => src.key))
      await Promise.all(
        sources.map(async (src, i) => {
          const refusals = counts[i]!
          if (refusals < threshold * src.factor) return
          if (await this.#pardoned(src.key)) return
          const level = 1 + Math.floor(Math.log2(refusals / (threshold * src.factor)))
          await this.#mark(src, 'signup_refusals', level, {
            refusals: Math.round(refusals),
            last_code: code,
            ...(src.scope === 'ip' ? { network: subnetOf(ctx.ip) } : {}),
          })
        }),
      )
    })
  }

  /** The outcome of a password login (after the password was checked). */
  loginOutcome(
    ctx: RequestContext,
    input: { identifier: string; deviceToken: string | null; accountId: string | null },
    outcome: 'success' | 'failure',
  ): Promise<void> {
    return this.#safely('login', async () => {
      const s = this.#s
      const idKey = this.identifierKey(input.identifier)
      const failed = outcome === 'failure'
      const [shortAll, shortFailed, hourAll, hourFailed] = await Promise.all([
        this.#loginsShort.add('all'),
        failed ? this.#loginsShort.add('failed') : this.#loginsShort.read('failed'),
        this.#loginsHour.add('all'),
        failed ? this.#loginsHour.add('failed') : this.#loginsHour.read('failed'),
      ])
      // A right password alone does not make a source known: the session opening does (sessionOpened).
      if (!failed) return
      const sources = this.#sources(ctx.ip)
      await Promise.all([
        this.#accountFailure(input.accountId, idKey),
        // Judged on its own, as identifierSeen is: its failure must not stop the counts below.
        this.#safely('identifier', () => this.#identifierSeen('login', ctx, idKey)),
        // Credential stuffing from a source: failures across many identifiers.
        this.#failedIds
          .addDistinctMany(
            this.#seen,
            sources.map((src) => `fail:${src.key}`),
            idKey,
          )
          .then((spreads) =>
            Promise.all(
              sources.map(async (src, i) => {
                const spread = spreads[i]!
                if (spread < s.stuffing.sourceIdentifiers * src.factor) return
                if (await this.#pardoned(src.key)) return
                const level = 1 + Math.floor(Math.log2(spread / (s.stuffing.sourceIdentifiers * src.factor)))
                await this.#mark(src, 'credential_stuffing', level, {
                  failed_identifiers: Math.round(spread),
                  ...(src.scope === 'ip' ? { network: subnetOf(ctx.ip) } : {}),
                })
              }),
            ),
          ),
        this.#bruteForce(ctx, `identifier:${idKey}`),
        this.#judgeSpike(shortAll, shortFailed, hourAll, hourFailed),
      ])
    })
  }

  /** Failed logins on one identifier as typed: the delays and challenges of brute force. */
  async #bruteForce(ctx: RequestContext, key: string): Promise<void> {
    const bf = this.#s.bruteForce
    const failures = await this.#idFailures.add(key)
    if (failures < bf.delayAfter) return
    if (await this.#pardoned(key)) return
    const [ip] = this.#sources(ctx.ip)
    // Each source waits before its next try on this identifier: 1 s, 2 s, 4 s … up to the cap.
    const delay = Math.min(bf.maxDelaySeconds, 2 ** Math.min(30, Math.floor(failures - bf.delayAfter)))
    await this.#waits.set(`${key}|${ip!.key}`, 1, delay)
    this.#remember(`${key}|${ip!.key}`, delay)
    this.#remember(key, this.#s.windowSeconds * 2)
    const action: DetectionAction = failures >= bf.challengeAfter ? 'challenge' : 'delay'
    await this.#sighting('brute_force', 'identifier', key, action, null, null, {
      failures: Math.round(failures),
      delay_seconds: delay,
    })
  }

  /**
   * Failed logins on one account, whichever of its identifiers was typed: a detection (scope
   * `account`) and its event for the administrators, never an answer. A name of nobody is counted
   * the same way under its own key, so that the request does the same work either way; the
   * detection is written apart from the request, which does not wait for it.
   */
  async #accountFailure(accountId: string | null, idKey: string): Promise<void> {
    const key = accountId ? `account:${accountId}` : `identifier:${idKey}`
    const failures = await this.#accountFailures.add(key)
    if (!accountId || failures < this.#s.bruteForce.delayAfter) return
    void this.#safely('account failures', async () => {
      if (await this.#pardoned(key)) return
      await this.#sighting('brute_force', 'account', key, 'none', null, accountId, {
        failures: Math.round(failures),
        window_seconds: this.#s.windowSeconds,
      })
    })
  }

  async #judgeSpike(
    shortAll: number,
    shortFailed: number,
    hourAll: number,
    hourFailed: number,
  ): Promise<void> {
    const st = this.#s.stuffing
    if (shortFailed < st.spikeMinFailures) return
    const ratio = shortAll > 0 ? shortFailed / shortAll : 0
    // Against the hour before the short window when it saw enough logins to compare with: a jump
    // of the failure share (and at least the floor); without one, a high share on its own.
    const beforeAll = hourAll - shortAll
    const beforeFailed = Math.max(0, hourFailed - shortFailed)
    const baseline = beforeAll >= st.baselineLogins ? beforeFailed / beforeAll : null
    const needed = baseline === null ? st.spikeRatio : Math.max(st.spikeFloor, st.spikeJump * baseline)
    if (ratio < needed) return
    if (await this.#pardoned('global:login')) return
    await this.#flags.set('global:login_spike', 1, st.spikeHoldSeconds)
    this.#spikeCache = { until: 0, on: true }
    await this.#sighting(
      'credential_stuffing',
      'global',
      'global:login',
      'challenge',
      this.#now() + st.spikeHoldSeconds * 1000,
      null,
      {
        failed_logins: Math.round(shortFailed),
        failure_ratio: Math.round(ratio * 100) / 100,
        baseline_ratio: baseline === null ? null : Math.round(baseline * 100) / 100,
        window_seconds: st.spikeWindowSeconds,
      },
    )
  }

  /**
   * A session was opened (password, second factor or passkey): the source address counts as known
   * from now on (exempt from spike challenges, whichever account), and the device as known on this
   * account (exempt from brute-force delays and challenges on its identifiers).
   */
  sessionOpened(ctx: RequestContext, accountId: string, deviceToken: string | null): Promise<void> {
    return this.#safely('session opened', async () => {
      const days = this.#s.knownSourceDays * DAY_S
      const [ip] = this.#sources(ctx.ip)
      const subject = `account:${accountId}`
      await Promise.all([
        this.#known.set(ip!.key, 1, days),
        deviceToken ? this.#known.set(`${subject}|${this.#deviceKey(deviceToken)}`, 1, days) : null,
      ])
    })
  }

  /**
   * A recovery request reached an account: told by the recovery worker, which looks the account
   * up anyway, long after the answer went out. Recorded only (the per-account caps hold the mail).
   */
  recoveryRequested(ctx: RequestContext, accountId: string): Promise<void> {
    return this.#safely('recovery flood', async () => {
      const rf = this.#s.recoveryFlood
      const [requests, sources] = await Promise.all([
        this.#floods.add(accountId),
        this.#floodSources.addDistinct(this.#seen, `rf:${accountId}`, sourceOf(ctx.ip).address),
      ])
      if (requests < rf.requests) return
      await this.#sighting('recovery_flood', 'account', `account:${accountId}`, 'none', null, accountId, {
        requests: Math.round(requests),
        sources: Math.round(sources),
        window_seconds: rf.windowSeconds,
      })
    })
  }

  /** A request from a client below the minimum version was refused. */
  legacyClient(ctx: RequestContext, version: string): Promise<void> {
    return this.#safely('legacy client', async () => {
      const [ip] = this.#sources(ctx.ip)
      const n = await this.#legacy.add(ip!.key)
      if (n < this.#s.legacyClients.requests) return
      await this.#sighting('legacy_client', 'ip', ip!.key, 'none', null, null, {
        requests: Math.round(n),
        client_version: version.slice(0, 32),
        network: subnetOf(ctx.ip),
      })
    })
  }

  // ---- responses -----------------------------------------------------------------------------

  async #pardoned(key: string): Promise<boolean> {
    return (await this.#pardons.get(key)).count > 0
  }

  async #mark(
    src: Source,
    kind: DetectionKind,
    level: number,
    details: Record<string, unknown>,
  ): Promise<void> {
    const current = await this.#sourceState.get(src.key)
    // A block stays a block until it ends.
    if (current.count >= BLOCKED) return
    if (current.count < level) {
      await this.#sourceState.set(src.key, level, this.#s.windowSeconds)
      this.#remember(src.key, this.#s.windowSeconds)
    }
    const until = this.#now() + Math.max(current.msLeft, this.#s.windowSeconds * 1000)
    await this.#sighting(kind, src.scope, src.key, 'challenge', until, null, { ...details, level })
  }

  async #block(src: Source, kind: DetectionKind, details: Record<string, unknown>) {
    const current = await this.#sourceState.get(src.key)
    const already = current.count >= BLOCKED
    if (!already) {
      await this.#sourceState.set(src.key, BLOCKED, this.#s.blockSeconds)
      this.#remember(src.key, this.#s.blockSeconds)
      this.deps.metrics.block(src.scope)
    }
    const until = this.#now() + (already ? current.msLeft : this.#s.blockSeconds * 1000)
    await this.#sighting(kind, src.scope, src.key, 'block', until, null, details)
  }

  /**
   * Counts one request against a detection. The record is written when it opens or its action
   * rises, and otherwise at most every two seconds per instance (the counts are summed meanwhile).
   */
  async #sighting(
    kind: DetectionKind,
    scope: DetectionScope,
    key: string,
    action: DetectionAction,
    actionUntil: number | null,
    accountId: string | null,
    details: Record<string, unknown>,
  ): Promise<void> {
    const id = `${kind}|${key}`
    const now = this.#now()
    const known = this.#pending.get(id)
    if (known && rankOf[action] <= rankOf[known.action] && now - known.flushedAt < FLUSH_MS) {
      known.count += 1
      known.details = details
      known.actionUntil = actionUntil ?? known.actionUntil
      known.accountId = accountId ?? known.accountId
      this.#scheduleFlush()
      return
    }
    const count = (known?.count ?? 0) + 1
    const strongest = known && rankOf[known.action] > rankOf[action] ? known.action : action
    this.#pending.set(id, {
      scope,
      count: 0,
      details,
      accountId,
      flushedAt: now,
      action: strongest,
      actionUntil,
    })
    await this.#write(kind, scope, key, strongest, count, details, actionUntil, accountId)
  }

  async #write(
    kind: DetectionKind,
    scope: DetectionScope,
    key: string,
    action: DetectionAction,
    count: number,
    details: Record<string, unknown>,
    actionUntil: number | null,
    accountId: string | null,
  ): Promise<void> {
    const { detection, escalated } = await this.deps.detections.record({
      kind,
      scope,
      key,
      action,
      count,
      details,
      actionUntil,
      accountId,
      at: this.#now(),
    })
    if (!escalated) return
    this.deps.metrics.detection(kind, detection.action)
    await this.deps.events.record('guard_detection', accountId, noContext, {
      detection_id: detection.id,
      kind,
      scope,
      key,
      action: detection.action,
      count: detection.count,
    })
  }

  #scheduleFlush(): void {
    if (this.#flushTimer) return
    this.#flushTimer = setTimeout(() => {
      this.#flushTimer = undefined
      void this.flush()
    }, FLUSH_MS)
    this.#flushTimer.unref()
  }

  /** Writes the counts summed since the last write of each detection. */
  async flush(): Promise<void> {
    const now = this.#now()
    for (const [id, p] of this.#pending) {
      if (p.count === 0) {
        // Nothing new for a while: forget it (the record stays in the database).
        if (now - p.flushedAt > 60_000) this.#pending.delete(id)
        continue
      }
      const [kind, key] = id.split(/\|(.*)/s) as [DetectionKind, string]
      const count = p.count
      p.count = 0
      p.flushedAt = now
      try {
        await this.#write(kind, p.scope, key, p.action, count, p.details, p.actionUntil, p.accountId)
      } catch (err) {
        this.deps.onError(err, 'detection flush')
      }
    }
  }

  async close(): Promise<void> {
    if (this.#flushTimer) clearTimeout(this.#flushTimer)
    this.#flushTimer = undefined
    await this.flush()
  }

  // ---- administration ------------------------------------------------------------------------

  /**
   * Ends a detection's response before it expires: the block or challenge mark goes, and the
   * key is left alone by its detector for one window. The detection is closed as `lifted`.
   */
  async lift(detection: Detection): Promise<void> {
    const k = detection.key
    if (detection.scope === 'ip' || detection.scope === 'subnet') {
      await Promise.all([
        this.#sourceState.delete(k),
        this.#failedIds.clear(`fail:${k}`),
        this.#refusals.clear(k),
      ])
      await this.#pardons.set(k, 1, this.#s.windowSeconds)
    } else if (detection.kind === 'brute_force') {
      await (detection.scope === 'account' ? this.#accountFailures : this.#idFailures).clear(k)
      await this.#pardons.set(k, 1, this.#s.windowSeconds)
    } else if (detection.scope === 'global') {
      await this.#flags.delete('global:login_spike')
      this.#spikeCache = { until: 0, on: false }
      await this.#pardons.set(k, 1, this.#s.windowSeconds)
    }
    this.#pending.delete(`${detection.kind}|${k}`)
  }

  #remember(key: string, seconds: number): void {
    const now = this.#now()
    if (this.#marked.size >= 100_000) {
      for (const [k, until] of this.#marked) if (until <= now) this.#marked.delete(k)
      // Still full of live marks: the oldest go (they run out by themselves).
      if (this.#marked.size >= 100_000) this.#marked.clear()
    }
    this.#marked.set(key, now + seconds * 1000)
  }

  #liftedSource(ip: string | null): boolean {
    const now = this.#now()
    this.#lifted = this.#lifted.filter((l) => l.until > now)
    if (!ip) return false
    const { address } = sourceOf(ip)
    return this.#lifted.some((l) => rangeContains(l.range, address))
  }

  /** A lift made before this instance started: its sources pass the guard for what is left of its window. */
  rememberLift(range: SourceRange, at: number): void {
    const until = at + this.#s.windowSeconds * 1000
    if (until > this.#now()) this.#lifted.push({ range, until })
  }

  /**
   * An operator's lift (`gatehouse guard lift`, read from the database): for a range of sources,
   * every challenge mark and block on an address in it or a network inside it ends, their counts
   * start again from zero, the brute-force delays of its addresses end, and for one window its
   * requests pass the guard (so that neither a wider network's mark nor an identifier's challenge
   * stands in their way). For every source (`range` null): every mark, block and delay this
   * instance made ends, with the counts behind them, the identifiers' challenges and the global
   * spike; their detectors leave those keys alone for one window, as after a detection's lift,
   * and new sources are judged as before. Detections stay on record.
   */
  async applyLift(range: SourceRange | null, at: number): Promise<void> {
    const sourceIn = (key: string): boolean => {
      if (range === null) return true
      if (key.startsWith('ip:')) return rangeContains(range, key.slice(3))
      if (key.startsWith('subnet:')) return rangeCovers(range, key.slice(7))
      return false
    }
    const sources = new Set<string>()
    const waits: string[] = []
    const identifiers: string[] = []
    for (const key of this.#marked.keys()) {
      const bar = key.indexOf('|')
      if (bar >= 0) {
        if (sourceIn(key.slice(bar + 1))) waits.push(key)
      } else if (key.startsWith('identifier:')) {
        if (range === null) identifiers.push(key)
      } else if (sourceIn(key)) {
        sources.add(key)
      }
    }
    // Marks another instance (on the same Redis) made on the address or network named are found by
    // name, whoever made them.
    if (range !== null) {
      if (range.bits === (range.address.kind() === 'ipv4' ? 32 : 128)) sources.add(`ip:${range.text}`)
      const network = networksOf(range.address.toString())?.find((n) => n.endsWith(`/${range.bits}`))
      if (network) sources.add(`subnet:${network}`)
    }
    const pardon = this.#s.windowSeconds
    await Promise.all([
      ...[...sources].map(async (k) => {
        await Promise.all([
          this.#sourceState.delete(k),
          this.#failedIds.clear(`fail:${k}`),
          this.#refusals.clear(k),
          this.#distinct.clear(k),
        ])
        await this.#pardons.set(k, 1, pardon)
      }),
      ...waits.map((k) => this.#waits.delete(k)),
      ...identifiers.map(async (k) => {
        await this.#idFailures.clear(k)
        await this.#pardons.set(k, 1, pardon)
      }),
    ])
    for (const k of [...sources, ...waits, ...identifiers]) this.#marked.delete(k)
    if (range === null) {
      await this.#flags.delete('global:login_spike')
      this.#spikeCache = { until: 0, on: false }
      await this.#pardons.set('global:login', 1, pardon)
    } else {
      this.rememberLift(range, at)
    }
    for (const id of this.#pending.keys()) {
      const key = id.slice(id.indexOf('|') + 1)
      if (sources.has(key) || identifiers.includes(key) || (range === null && key === 'global:login'))
        this.#pending.delete(id)
    }
  }
}
