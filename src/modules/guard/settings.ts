import type { DetectionAction, DetectionKind, DetectionScope } from './ports.js'

/**
 * The endpoints the guard screens: each one names or probes accounts by what a caller types.
 * `oidc_token`: where applications authenticate (token, introspection, revocation); refused or
 * let through, never challenged (a program cannot solve a puzzle).
 */
export type GuardedEndpoint =
  | 'login'
  | 'recovery'
  | 'signup'
  | 'verify_resend'
  | 'passkey_login'
  | 'oidc_token'

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

/** Runs an observation apart from the request it came from: its failure is reported, never thrown. */
export type Background = (what: string, run: () => Promise<void>) => Promise<void>
