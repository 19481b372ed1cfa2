import { createHmac } from 'node:crypto'
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server'
import type { Clock } from '../../kernel/clock.js'
import { AppError } from '../../kernel/errors.js'
import { newId } from '../../kernel/tokens.js'
import type { RequestContext } from '../events/ports.js'
import type { EventRecorder } from '../events/recorder.js'
import type {
  MfaChallengeRepository,
  PasskeyRecord,
  PasskeyRepository,
  WebauthnChallengeRepository,
  WebauthnPurpose,
} from './ports.js'

/**
 * @simplewebauthn/server, with its certificate, ASN.1 and CBOR libraries, is loaded at the first
 * ceremony rather than at start: most of a second of module loading that a server without passkey
 * traffic never needs before it listens.
 */
let library: Promise<typeof import('@simplewebauthn/server')> | undefined
const webauthn = () => {
  library ??= import('@simplewebauthn/server')
  return library
}

export interface PasskeySettings {
  rpId: string
  rpName: string
  /** Origins allowed in clientDataJSON, e.g. `https://id.example.com`. */
  origins: string[]
  /** Lifetime of a registration or authentication challenge. */
  challengeTtlMs: number
  /** Guesses per login challenge (shared with codes). */
  maxAttemptsPerChallenge: number
}

/** What a verified assertion tells of the passkey that made it (the session's `amr` records it). */
export interface PasskeyUse {
  /** Backed up or eligible for backup (synced between devices); false: bound to one authenticator. */
  multiDevice: boolean
  /** The authenticator verified the user (PIN, biometrics): the UV flag. */
  userVerified: boolean
}

type AuthTransport = NonNullable<RegistrationResponseJSON['response']['transports']>[number]

const toBase64Url = (b: Uint8Array): string => Buffer.from(b).toString('base64url')
const fromBase64Url = (s: string): Uint8Array<ArrayBuffer> => new Uint8Array(Buffer.from(s, 'base64url'))

/**
 * WebAuthn passkeys (through @simplewebauthn/server): registration by a logged-in holder, use as
 * the second factor of a login challenge, and passwordless login with a discoverable credential.
 * Every ceremony has its own server-side challenge, single-use and short-lived, bound to its
 * purpose (and to the account or the login challenge it belongs to). Signature counters must move
 * forward; a counter that does not is refused and recorded.
 */
export class PasskeyService {
  constructor(
    private readonly deps: {
      passkeys: PasskeyRepository
      challenges: WebauthnChallengeRepository
      loginChallenges: MfaChallengeRepository
      events: EventRecorder
      clock: Clock
      /** Derives the WebAuthn user handle of an account: stable, random-looking, not the account id. */
      handleKey: Buffer
      settings: PasskeySettings
    },
  ) {}

  userHandle(accountId: string): Uint8Array<ArrayBuffer> {
    return new Uint8Array(createHmac('sha256', this.deps.handleKey).update(accountId).digest())
  }

  async #newChallenge(
    purpose: WebauthnPurpose,
    accountId: string | null,
    challenge: string,
    loginChallengeId: string | null = null,
  ): Promise<string> {
    const now = this.deps.clock.now()
    const id = newId()
    await this.deps.challenges.create({
      id,
      accountId,
      purpose,
      challenge,
      loginChallengeId,
      expiresAt: now + this.deps.settings.challengeTtlMs,
      createdAt: now,
    })
    return id
  }

  list(accountId: string): Promise<PasskeyRecord[]> {
    return this.deps.passkeys.listForAccount(accountId)
  }

  /** Options for `navigator.credentials.create()`; the account's passkeys are excluded. */
  async registrationOptions(account: {
    id: string
    username: string
  }): Promise<{ challengeId: string; options: PublicKeyCredentialCreationOptionsJSON }> {
    const { settings } = this.deps
    const existing = await this.deps.passkeys.listForAccount(account.id)
    const options = await (await webauthn()).generateRegistrationOptions({
      rpName: settings.rpName,
      rpID: settings.rpId,
      userName: account.username,
      userID: this.userHandle(account.id),
      attestationType: 'none',
      timeout: settings.challengeTtlMs,
      excludeCredentials: existing.map((p) => ({
        id: p.credentialId,
        transports: p.transports as AuthTransport[],
      })),
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
    })
    const challengeId = await this.#newChallenge('register', account.id, options.challenge)
    return { challengeId, options }
  }

  /** Verifies and stores a new passkey; `webauthn_failed` for anything that does not verify. */
  async register(
    accountId: string,
    input: { challengeId: string; response: RegistrationResponseJSON; name: string | null },
    ctx: RequestContext,
  ): Promise<PasskeyRecord> {
    const { challenges, passkeys, clock, settings, events } = this.deps
    const taken = await challenges.take(input.challengeId, 'register', clock.now())
    if (!taken || taken.accountId !== accountId) throw new AppError('webauthn_failed')
    let verified: Awaited<ReturnType<typeof verifyRegistrationResponse>>
    try {
      verified = await (await webauthn()).verifyRegistrationResponse({
        response: input.response,
        expectedChallenge: taken.challenge,
        expectedOrigin: settings.origins,
        expectedRPID: settings.rpId,
        requireUserVerification: false,
      })
    } catch (e) {
      await events.record('authn_webauthn_fail', accountId, ctx, {
        during: 'register',
        reason: (e as Error).message.slice(0, 200),
      })
      throw new AppError('webauthn_failed')
    }
    if (!verified.verified) throw new AppError('webauthn_failed')
    const { credential } = verified.registrationInfo
    const now = clock.now()
    const record: PasskeyRecord = {
      id: newId(),
      accountId,
      credentialId: credential.id,
      publicKey: toBase64Url(credential.publicKey),
      counter: credential.counter,
      transports: credential.transports ?? [],
      name: input.name,
      createdAt: now,
      lastUsedAt: null,
    }
    if (!(await passkeys.create(record))) {
      throw new AppError('webauthn_failed', { detail: 'This passkey is already registered' })
    }
    await events.record('authn_mfa_enabled', accountId, ctx, { method: 'webauthn', factor_id: record.id })
    return record
  }

  /** Options for `navigator.credentials.get()` as the second factor of a login challenge. */
  async secondFactorOptions(
    loginChallengeId: string,
  ): Promise<{ challengeId: string; options: PublicKeyCredentialRequestOptionsJSON }> {
    const { loginChallenges, clock, settings } = this.deps
    const login = await loginChallenges.peek(loginChallengeId, clock.now(), settings.maxAttemptsPerChallenge)
    const keys = login ? await this.deps.passkeys.listForAccount(login.accountId) : []
    if (!login || keys.length === 0) throw new AppError('invalid_code')
    return this.#requestOptions('second_factor', login.accountId, keys, 'preferred', login.id)
  }

  /** Options for `navigator.credentials.get()` and the single-use challenge they carry. */
  async #requestOptions(
    purpose: WebauthnPurpose,
    accountId: string | null,
    keys: PasskeyRecord[],
    userVerification: 'preferred' | 'required',
    loginChallengeId: string | null = null,
  ): Promise<{ challengeId: string; options: PublicKeyCredentialRequestOptionsJSON }> {
    const { settings } = this.deps
    const options = await (await webauthn()).generateAuthenticationOptions({
      rpID: settings.rpId,
      timeout: settings.challengeTtlMs,
      userVerification,
      allowCredentials: keys.map((k) => ({
        id: k.credentialId,
        transports: k.transports as AuthTransport[],
      })),
    })
    const challengeId = await this.#newChallenge(purpose, accountId, options.challenge, loginChallengeId)
    return { challengeId, options }
  }

  /**
   * Takes the account's challenge of `purpose` and the passkey the assertion names, when both are
   * the account's; null otherwise.
   */
  async #ownAssertion(
    purpose: WebauthnPurpose,
    accountId: string,
    challengeId: string,
    assertion: AuthenticationResponseJSON,
  ): Promise<{ key: PasskeyRecord; challenge: string; loginChallengeId: string | null } | null> {
    const taken = await this.deps.challenges.take(challengeId, purpose, this.deps.clock.now())
    if (!taken || taken.accountId !== accountId) return null
    const key = await this.deps.passkeys.findByCredentialId(assertion.id)
    if (!key || key.accountId !== accountId) return null
    return { key, challenge: taken.challenge, loginChallengeId: taken.loginChallengeId }
  }

  /**
   * Checks an assertion as the second factor of the login challenge `loginChallengeId` of
   * `accountId` (the caller has already counted the guess). Null for anything that does not hold.
   */
  async verifySecondFactor(
    accountId: string,
    loginChallengeId: string,
    input: { challengeId: string; assertion: AuthenticationResponseJSON },
    ctx: RequestContext,
  ): Promise<PasskeyUse | null> {
    const own = await this.#ownAssertion('second_factor', accountId, input.challengeId, input.assertion)
    if (!own || own.loginChallengeId !== loginChallengeId) return null
    return this.#verifyAssertion(own.key, own.challenge, input.assertion, false, 'login', ctx)
  }

  /** Options for proving again, with one of the account's passkeys, who holds a session. */
  async reauthOptions(
    accountId: string,
  ): Promise<{ challengeId: string; options: PublicKeyCredentialRequestOptionsJSON }> {
    const keys = await this.deps.passkeys.listForAccount(accountId)
    if (keys.length === 0) throw new AppError('invalid_request', { detail: 'The account has no passkey' })
    return this.#requestOptions('reauth', accountId, keys, 'preferred')
  }

  /** Checks a re-authentication assertion of the account; null for anything that does not hold. */
  async verifyReauth(
    accountId: string,
    input: { challengeId: string; assertion: AuthenticationResponseJSON },
    ctx: RequestContext,
  ): Promise<PasskeyUse | null> {
    const own = await this.#ownAssertion('reauth', accountId, input.challengeId, input.assertion)
    if (!own) return null
    return this.#verifyAssertion(own.key, own.challenge, input.assertion, false, 'reauth', ctx)
  }

  /** Options for a passwordless login: any discoverable passkey of this relying party. */
  async passwordlessOptions(): Promise<{
    challengeId: string
    options: PublicKeyCredentialRequestOptionsJSON
  }> {
    // No credential list: the authenticator offers its discoverable passkeys for this relying party.
    return this.#requestOptions('passwordless', null, [], 'required')
  }

  /** A passwordless login: the account and the passkey's use when the assertion holds (user verified), else null. */
  async verifyPasswordless(
    input: { challengeId: string; assertion: AuthenticationResponseJSON },
    ctx: RequestContext,
  ): Promise<{ accountId: string; use: PasskeyUse } | null> {
    const taken = await this.deps.challenges.take(input.challengeId, 'passwordless', this.deps.clock.now())
    if (!taken) return null
    const key = await this.deps.passkeys.findByCredentialId(input.assertion.id)
    if (!key) return null
    // The user handle, when the authenticator returns one, must be this account's.
    const handle = input.assertion.response.userHandle
    if (handle && handle !== toBase64Url(this.userHandle(key.accountId))) return null
    const use = await this.#verifyAssertion(key, taken.challenge, input.assertion, true, 'passwordless', ctx)
    return use ? { accountId: key.accountId, use } : null
  }

  async #verifyAssertion(
    key: PasskeyRecord,
    challenge: string,
    assertion: AuthenticationResponseJSON,
    requireUserVerification: boolean,
    during: string,
    ctx: RequestContext,
  ): Promise<PasskeyUse | null> {
    const { settings, events, passkeys, clock } = this.deps
    let result: Awaited<ReturnType<typeof verifyAuthenticationResponse>>
    try {
      result = await (await webauthn()).verifyAuthenticationResponse({
        response: assertion,
        expectedChallenge: challenge,
        expectedOrigin: settings.origins,
        expectedRPID: settings.rpId,
        requireUserVerification,
        credential: {
          id: key.credentialId,
          publicKey: fromBase64Url(key.publicKey),
          counter: key.counter,
          transports: key.transports as AuthTransport[],
        },
      })
    } catch (e) {
      const message = (e as Error).message
      const regressed = /counter/i.test(message)
      await events.record(
        regressed ? 'authn_webauthn_counter_regressed' : 'authn_webauthn_fail',
        key.accountId,
        ctx,
        { during, factor_id: key.id, reason: message.slice(0, 200) },
      )
      return null
    }
    if (!result.verified) return null
    // The conditional update decides under concurrency: one use per counter value.
    if (!(await passkeys.recordUse(key.id, result.authenticationInfo.newCounter, clock.now()))) {
      await events.record('authn_webauthn_counter_regressed', key.accountId, ctx, {
        during,
        factor_id: key.id,
        stored: key.counter,
        presented: result.authenticationInfo.newCounter,
      })
      return null
    }
    const info = result.authenticationInfo
    return {
      multiDevice: info.credentialBackedUp || info.credentialDeviceType === 'multiDevice',
      userVerified: info.userVerified,
    }
  }
}
