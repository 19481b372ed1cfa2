import type { RequestContext } from '../events/ports.js'
import type { BruteForceDetector } from './brute-force.js'
import { bruteForceLevel } from './brute-force.js'
import { type Challenges, difficultyOf, type RequestHeaders } from './challenge.js'
import type { CredentialStuffingDetector } from './credential-stuffing.js'
import type { LoginSpikeDetector } from './login-spike.js'
import { BLOCKED, type SourceMarks } from './marks.js'
import type { CountReading } from './ports.js'
import type { GuardedEndpoint, GuardMetrics } from './settings.js'
import { rateLimited } from './source-limits.js'
import type { GuardState, Source } from './state.js'

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
  headers: RequestHeaders
}

/** What the screen reads of a request's sources and identifier, in one round. */
interface Reading {
  sources: Source[]
  /** The marks of the sources, in order. */
  states: CountReading[]
  spike: boolean
  /** The address opened a session (any account): exempt from spike challenges (login only). */
  knownIp: boolean
  /** The device opened a session on the account the identifier names: exempt from brute force. */
  knownForId: boolean
  /** Failed logins on the identifier in the window. */
  failures: number
  /** The address's wait before its next try on the identifier. */
  wait: CountReading
  /** A lift exempts the identifier from brute force for one window. */
  idPardoned: boolean
}

const NOTHING: CountReading = { count: 0, msLeft: 0 }

/**
 * The screen before the work of a guarded endpoint: decides whether the request may go on. Throws
 * 429 `rate_limited` (with Retry-After) for a blocked source or one that must still wait before
 * its next try on an identifier, and 429 `challenge_required` (with a puzzle) when a challenge is
 * due and not met.
 */
export class Screen {
  constructor(
    private readonly deps: {
      state: GuardState
      marks: SourceMarks
      bruteForce: BruteForceDetector
      stuffing: CredentialStuffingDetector
      spike: LoginSpikeDetector
      challenges: Challenges
      /** Whether an operator's lift lets the address pass for now. */
      lifted: (ip: string | null) => boolean
      /** The account an identifier names, or null (see Guard). */
      findAccount: (identifier: string) => Promise<string | null>
      metrics: Pick<GuardMetrics, 'refused' | 'screened'>
    },
  ) {}

  async screen(input: ScreenInput): Promise<void> {
    if (!this.deps.state.settings.enabled) return
    const started = performance.now()
    try {
      await this.#screen(input)
    } finally {
      this.deps.metrics.screened((performance.now() - started) / 1000)
    }
  }

  async #screen(input: ScreenInput): Promise<void> {
    if (this.deps.lifted(input.ctx.ip)) return
    // Brute force is counted per identifier as typed: the username, the email and the phone of one
    // account are three identifiers, each with its own count, so that none tells of the others.
    const idKey =
      input.identifier !== undefined ? `identifier:${this.deps.state.identifierKey(input.identifier)}` : null
    const r = await this.#read(input, idKey)
    this.#refuse(r)
    if (input.endpoint === 'oidc_token') return
    const level = await this.#level(r, idKey !== null)
    if (level === 0) return
    const difficulty = difficultyOf(level, this.deps.state.settings.pow)
    await this.deps.challenges.demand(input.endpoint, input.ctx, input.headers, difficulty)
  }

  /**
   * The keys of what is known, read in one go: the address (for the spike: any session, whichever
   * account; login only) and the device on the account.
   *
   * Known devices are per account (a session opened on it from the device made it known): a device
   * token is a secret of its holder. Addresses are never known per account — whoever shares one
   * (a NAT, an office) would learn which identifiers belong to accounts used from there. An
   * identifier that names nobody is looked up the same way, under a key nothing ever sets.
   */
  async #knownKeys(input: ScreenInput, ip: Source, idKey: string | null): Promise<string[]> {
    const { state, findAccount } = this.deps
    const devKey = input.deviceToken ? state.deviceKey(input.deviceToken) : null
    let knownFor: string | null = null
    if (input.identifier !== undefined && devKey) {
      const accountId = input.accountId !== undefined ? input.accountId : await findAccount(input.identifier)
      knownFor = accountId ? `account:${accountId}` : idKey
    }
    return [
      ...(input.endpoint === 'login' ? [ip.key] : []),
      ...(knownFor && devKey ? [`${knownFor}|${devKey}`] : []),
    ]
  }

  async #read(input: ScreenInput, idKey: string | null): Promise<Reading> {
    const { state, marks, spike, bruteForce } = this.deps
    const login = input.endpoint === 'login'
    const sources = state.sources(input.ctx.ip)
    const ip = sources[0]!
    const knownKeys = await this.#knownKeys(input, ip, idKey)
    const [states, spikeOn, knowns, failures, wait, idPardoned] = await Promise.all([
      marks.read(sources),
      login ? spike.on() : Promise.resolve(false),
      knownKeys.length > 0 ? state.known.getMany(knownKeys) : Promise.resolve([]),
      idKey ? bruteForce.failures(idKey) : Promise.resolve(0),
      idKey ? bruteForce.wait(idKey, ip.key) : Promise.resolve(NOTHING),
      idKey ? state.pardoned(idKey) : Promise.resolve(false),
    ])
    return {
      sources,
      states,
      spike: spikeOn,
      knownIp: login && knowns[0]!.count > 0,
      knownForId: knowns.slice(login ? 1 : 0).some((k) => k.count > 0),
      failures,
      wait,
      idPardoned,
    }
  }

  /** Throws `rate_limited` for a blocked source, or one that must wait before its next try on the identifier. */
  #refuse(r: Reading): void {
    const { metrics } = this.deps
    const blocked = r.states.filter((b) => b.count >= BLOCKED)
    if (blocked.length > 0) {
      metrics.refused('blocked')
      throw rateLimited(Math.max(1, Math.ceil(Math.max(...blocked.map((b) => b.msLeft)) / 1000)))
    }
    if (r.wait.count > 0 && !r.knownForId && !r.idPardoned) {
      metrics.refused('delayed')
      throw rateLimited(Math.max(1, Math.ceil(r.wait.msLeft / 1000)))
    }
  }

  /**
   * The challenge level due (0: none): the highest of the sources' marks and the identifier's brute
   * force, or during a spike 1 for a source that has not opened a session and shows what stuffing
   * looks like.
   */
  async #level(r: Reading, identified: boolean): Promise<number> {
    let level = Math.max(...r.states.map((b) => b.count))
    if (identified && !r.knownForId && !r.idPardoned) {
      level = Math.max(level, bruteForceLevel(r.failures, this.deps.state.settings.bruteForce))
    }
    if (
      level === 0 &&
      r.spike &&
      !r.knownIp &&
      !r.knownForId &&
      (r.failures > 0 || (await this.deps.stuffing.trait(r.sources)))
    ) {
      level = 1
    }
    return level
  }
}
