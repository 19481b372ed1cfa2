import { networksOf, sourceOf } from '../../kernel/net.js'
import type { BruteForceDetector } from './brute-force.js'
import type { CredentialStuffingDetector } from './credential-stuffing.js'
import type { EnumerationDetector } from './enumeration.js'
import { rangeContains, rangeCovers, type SourceRange } from './lifts.js'
import { GLOBAL_LOGIN, type LoginSpikeDetector } from './login-spike.js'
import type { SourceMarks } from './marks.js'
import type { Detection } from './ports.js'
import type { Sightings } from './sightings.js'
import type { SignupRefusalDetector } from './signup-refusals.js'
import type { GuardState } from './state.js'

/** The keys this instance marked that a lift ends, by what they are. */
interface LiftedKeys {
  sources: Set<string>
  /** `<identifier key>|<source key>`: a source's brute-force wait on an identifier. */
  waits: string[]
  identifiers: string[]
}

/**
 * Ending the guard's responses before they expire: an administrator's lift of one detection, and
 * an operator's lift of a range of sources (or of every source) that every server applies.
 */
export class Lifting {
  /** Ranges an operator lifted, and until when their requests pass the guard. */
  #lifted: Array<{ range: SourceRange; until: number }> = []

  constructor(
    private readonly deps: {
      state: GuardState
      sightings: Sightings
      marks: SourceMarks
      enumeration: EnumerationDetector
      refusals: SignupRefusalDetector
      stuffing: CredentialStuffingDetector
      spike: LoginSpikeDetector
      bruteForce: BruteForceDetector
    },
  ) {}

  /**
   * Ends a detection's response before it expires: the block or challenge mark goes, and the
   * key is left alone by its detector for one window. The detection is closed as `lifted`.
   */
  async lift(detection: Detection): Promise<void> {
    const { state, marks, stuffing, refusals, bruteForce, spike, sightings } = this.deps
    const k = detection.key
    if (detection.scope === 'ip' || detection.scope === 'subnet') {
      await Promise.all([marks.clear(k), stuffing.clear(k), refusals.clear(k)])
      await state.pardon(k)
    } else if (detection.kind === 'brute_force') {
      await bruteForce.clear(k, detection.scope === 'account' ? 'account' : 'identifier')
      await state.pardon(k)
    } else if (detection.scope === 'global') {
      await spike.end()
      await state.pardon(k)
    }
    sightings.forget(detection.kind, k)
  }

  /** Whether an operator's lift lets the address pass the guard for now. */
  passes(ip: string | null): boolean {
    if (this.#lifted.length === 0) return false
    const now = this.deps.state.now()
    this.#lifted = this.#lifted.filter((l) => l.until > now)
    if (!ip) return false
    const { address } = sourceOf(ip)
    return this.#lifted.some((l) => rangeContains(l.range, address))
  }

  /** A lift made before this instance started: its sources pass the guard for what is left of its window. */
  rememberLift(range: SourceRange, at: number): void {
    const until = at + this.deps.state.settings.windowSeconds * 1000
    if (until > this.deps.state.now()) this.#lifted.push({ range, until })
  }

  /** See Guard.applyLift. */
  async applyLift(range: SourceRange | null, at: number): Promise<void> {
    const { state, sightings } = this.deps
    const { sources, waits, identifiers } = this.#keysIn(range)
    await Promise.all([
      ...[...sources].map((k) => this.#liftSource(k)),
      ...waits.map((k) => this.deps.bruteForce.endWait(k)),
      ...identifiers.map(async (k) => {
        await this.deps.bruteForce.clear(k)
        await state.pardon(k)
      }),
    ])
    state.forgetMarks([...sources, ...waits, ...identifiers])
    if (range === null) {
      await this.deps.spike.end()
      await state.pardon(GLOBAL_LOGIN)
    } else {
      this.rememberLift(range, at)
    }
    sightings.forgetKeys(
      (key) => sources.has(key) || identifiers.includes(key) || (range === null && key === GLOBAL_LOGIN),
    )
  }

  /** A source's mark and counts end, and its detectors leave it alone for one window. */
  async #liftSource(key: string): Promise<void> {
    const { marks, stuffing, refusals, enumeration, state } = this.deps
    await Promise.all([marks.clear(key), stuffing.clear(key), refusals.clear(key), enumeration.clear(key)])
    await state.pardon(key)
  }

  /** The keys a lift of `range` (null: every source) ends. */
  #keysIn(range: SourceRange | null): LiftedKeys {
    const sourceIn = (key: string): boolean => {
      if (range === null) return true
      if (key.startsWith('ip:')) return rangeContains(range, key.slice(3))
      if (key.startsWith('subnet:')) return rangeCovers(range, key.slice(7))
      return false
    }
    const found: LiftedKeys = { sources: new Set(), waits: [], identifiers: [] }
    for (const key of this.deps.state.markedKeys()) {
      const bar = key.indexOf('|')
      if (bar >= 0) {
        if (sourceIn(key.slice(bar + 1))) found.waits.push(key)
      } else if (key.startsWith('identifier:')) {
        if (range === null) found.identifiers.push(key)
      } else if (sourceIn(key)) {
        found.sources.add(key)
      }
    }
    // Marks another instance (on the same Redis) made on the address or network named are found by
    // name, whoever made them.
    if (range !== null) {
      if (range.bits === (range.address.kind() === 'ipv4' ? 32 : 128)) found.sources.add(`ip:${range.text}`)
      const network = networksOf(range.address.toString())?.find((n) => n.endsWith(`/${range.bits}`))
      if (network) found.sources.add(`subnet:${network}`)
    }
    return found
  }
}
