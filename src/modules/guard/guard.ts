import type { RequestContext } from '../events/ports.js'
import type { EventRecorder } from '../events/recorder.js'
import { BruteForceDetector } from './brute-force.js'
import type { CaptchaVerifier } from './captcha.js'
import { Challenges } from './challenge.js'
import { CredentialStuffingDetector } from './credential-stuffing.js'
import { EnumerationDetector } from './enumeration.js'
import { LegacyClientDetector } from './legacy-clients.js'
import { Lifting } from './lifting.js'
import type { LiftTarget, SourceRange } from './lifts.js'
import { LoginSpikeDetector } from './login-spike.js'
import { SourceMarks } from './marks.js'
import type { Detection, DetectionStore, LimiterStore } from './ports.js'
import type { ProofOfWork } from './pow.js'
import { RecoveryFloodDetector } from './recovery-flood.js'
import { Screen, type ScreenInput } from './screen.js'
import type { GuardedEndpoint, GuardMetrics, GuardSettings } from './settings.js'
import { Sightings } from './sightings.js'
import { SignupRefusalDetector } from './signup-refusals.js'
import { DAY_S, GuardState } from './state.js'

export type { ScreenInput } from './screen.js'
export type { GuardedEndpoint, GuardMetrics, GuardSettings } from './settings.js'

export interface GuardDeps {
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
 *
 * The parts: the screen (screen.ts) before the work; after it, one detector per kind of detection
 * (enumeration, signup-refusals, credential-stuffing and login-spike, brute-force, recovery-flood,
 * legacy-clients); the sources' marks (marks.ts); the detections written behind (sightings.ts);
 * and the lifts (lifting.ts).
 */
export class Guard implements LiftTarget {
  readonly #state: GuardState
  readonly #sightings: Sightings
  readonly #screen: Screen
  readonly #enumeration: EnumerationDetector
  readonly #refusals: SignupRefusalDetector
  readonly #stuffing: CredentialStuffingDetector
  readonly #spike: LoginSpikeDetector
  readonly #bruteForce: BruteForceDetector
  readonly #recoveryFlood: RecoveryFloodDetector
  readonly #legacy: LegacyClientDetector
  readonly #lifting: Lifting

  constructor(private readonly deps: GuardDeps) {
    const state = new GuardState(deps.store, deps.settings, deps.now, deps.identifierKey)
    const sightings = new Sightings(deps)
    const marks = new SourceMarks({ state, sightings, metrics: deps.metrics })
    const background = (what: string, run: () => Promise<void>) => this.#safely(what, run)
    this.#state = state
    this.#sightings = sightings
    this.#enumeration = new EnumerationDetector({ state, marks })
    this.#refusals = new SignupRefusalDetector({ state, marks })
    this.#stuffing = new CredentialStuffingDetector({ state, marks })
    this.#spike = new LoginSpikeDetector({ state, sightings })
    this.#bruteForce = new BruteForceDetector({ state, sightings, background })
    this.#recoveryFlood = new RecoveryFloodDetector({ state, sightings })
    this.#legacy = new LegacyClientDetector({ state, sightings })
    this.#lifting = new Lifting({
      state,
      sightings,
      marks,
      enumeration: this.#enumeration,
      refusals: this.#refusals,
      stuffing: this.#stuffing,
      spike: this.#spike,
      bruteForce: this.#bruteForce,
    })
    this.#screen = new Screen({
      state,
      marks,
      bruteForce: this.#bruteForce,
      stuffing: this.#stuffing,
      spike: this.#spike,
      challenges: new Challenges(deps),
      lifted: (ip) => this.#lifting.passes(ip),
      findAccount: deps.findAccount,
      metrics: deps.metrics,
    })
  }

  /** The identifier as the guard counts it: normalised like login does, then keyed. */
  identifierKey(raw: string): string {
    return this.#state.identifierKey(raw)
  }

  // ---- screening (before the work) ---------------------------------------------------------

  /**
   * Decides whether the request may go on. Throws 429 `rate_limited` (with Retry-After) for a
   * blocked source or one that must still wait before its next try on an identifier, and 429
   * `challenge_required` (with a puzzle) when a challenge is due and not met.
   */
  screen(input: ScreenInput): Promise<void> {
    return this.#screen.screen(input)
  }

  // ---- observing (after the work) -----------------------------------------------------------

  /** Runs an observation without ever failing the request it came from. */
  #safely(what: string, run: () => Promise<void>): Promise<void> {
    if (!this.deps.settings.enabled) return Promise.resolve()
    return run().catch((err) => this.deps.onError(err, what))
  }

  /**
   * An identifier asked about on an endpoint (recovery, verification resend, a refused sign-up; a
   * failed login counts it through loginOutcome). Only the number of distinct identifiers per
   * source counts: never whether they name accounts.
   */
  identifierSeen(endpoint: GuardedEndpoint, ctx: RequestContext, identifier: string): Promise<void> {
    return this.#safely('identifier', async () => {
      await this.#enumeration.seen(endpoint, ctx, this.identifierKey(identifier))
    })
  }

  /**
   * A sign-up was refused for what was typed (a taken username, a password the policy rejects, an
   * invalid address …): each refusal costs strength checks or a lookup, so a source that collects
   * them must solve challenges.
   */
  signupRefused(ctx: RequestContext, code: string): Promise<void> {
    return this.#safely('sign-up refusal', async () => {
      await this.#refusals.refused(ctx, code)
    })
  }

  /** The outcome of a password login (after the password was checked). */
  loginOutcome(
    ctx: RequestContext,
    input: { identifier: string; deviceToken: string | null; accountId: string | null },
    outcome: 'success' | 'failure',
  ): Promise<void> {
    return this.#safely('login', async () => {
      const idKey = this.identifierKey(input.identifier)
      const failed = outcome === 'failure'
      const logins = await this.#spike.login(failed)
      // A right password alone does not make a source known: the session opening does (sessionOpened).
      if (!failed) return
      await Promise.all([
        this.#bruteForce.accountFailure(input.accountId, idKey),
        // Judged on its own, as identifierSeen is: its failure must not stop the counts below.
        this.#safely('identifier', async () => {
          await this.#enumeration.seen('login', ctx, idKey)
        }),
        this.#stuffing.failedLogin(ctx, idKey),
        this.#bruteForce.failedLogin(ctx, `identifier:${idKey}`),
        this.#spike.judge(logins),
      ])
    })
  }

  /**
   * A session was opened (password, second factor or passkey): the source address counts as known
   * from now on (exempt from spike challenges, whichever account), and the device as known on this
   * account (exempt from brute-force delays and challenges on its identifiers).
   */
  sessionOpened(ctx: RequestContext, accountId: string, deviceToken: string | null): Promise<void> {
    return this.#safely('session opened', async () => {
      const state = this.#state
      const days = this.deps.settings.knownSourceDays * DAY_S
      const subject = `account:${accountId}`
      await Promise.all([
        state.known.set(state.address(ctx.ip).key, 1, days),
        deviceToken ? state.known.set(`${subject}|${state.deviceKey(deviceToken)}`, 1, days) : null,
      ])
    })
  }

  /**
   * A recovery request reached an account: told by the recovery worker, which looks the account
   * up anyway, long after the answer went out. Recorded only (the per-account caps hold the mail).
   */
  recoveryRequested(ctx: RequestContext, accountId: string): Promise<void> {
    return this.#safely('recovery flood', async () => {
      await this.#recoveryFlood.requested(ctx, accountId)
    })
  }

  /** A request from a client below the minimum version was refused. */
  legacyClient(ctx: RequestContext, version: string): Promise<void> {
    return this.#safely('legacy client', async () => {
      await this.#legacy.refused(ctx, version)
    })
  }

  /** Writes the counts summed since the last write of each detection. */
  flush(): Promise<void> {
    return this.#sightings.flush()
  }

  close(): Promise<void> {
    return this.#sightings.close()
  }

  // ---- administration ------------------------------------------------------------------------

  /**
   * Ends a detection's response before it expires: the block or challenge mark goes, and the
   * key is left alone by its detector for one window. The detection is closed as `lifted`.
   */
  lift(detection: Detection): Promise<void> {
    return this.#lifting.lift(detection)
  }

  /** A lift made before this instance started: its sources pass the guard for what is left of its window. */
  rememberLift(range: SourceRange, at: number): void {
    this.#lifting.rememberLift(range, at)
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
  applyLift(range: SourceRange | null, at: number): Promise<void> {
    return this.#lifting.applyLift(range, at)
  }
}
