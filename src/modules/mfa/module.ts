import { isIP } from 'node:net'
import type { Logger } from 'pino'
import type { Config } from '../../config/index.js'
import { type Clock, DAY } from '../../kernel/clock.js'
import type { Purge } from '../../kernel/housekeeping.js'
import type { Keys } from '../../kernel/keys.js'
import type { Notifier } from '../../kernel/notifier.js'
import type { SecretBox } from '../../kernel/secret-box.js'
import type { AccountRecord, AccountRepository } from '../accounts/ports.js'
import type { LoginCodeRepository } from '../devices/ports.js'
import type { EventRecorder } from '../events/recorder.js'
import type { LimiterStore } from '../guard/ports.js'
import { securityNotices } from '../mail/notices.js'
import type { Outbox } from '../mail/ports.js'
import { LoginCodeService } from './login-codes.js'
import { PasskeyService } from './passkeys.js'
import type {
  MfaChallengeRepository,
  MfaFactorRepository,
  PasskeyRepository,
  RecoveryCodeRepository,
  WebauthnChallengeRepository,
} from './ports.js'
import { StoredSecondFactors } from './second-factors.js'
import { MfaService } from './service.js'
import {
  factorPolicyOf,
  NO_FACTOR_POLICY,
  PASSWORD_FACTOR_FLOOR,
  STAFF_FLOOR,
  satisfies,
} from './strength.js'

export interface MfaModuleDeps {
  config: Pick<Config, 'mfa' | 'webauthn'>
  factors: MfaFactorRepository
  loginChallenges: MfaChallengeRepository
  recoveryCodes: RecoveryCodeRepository
  passkeys: PasskeyRepository
  webauthnChallenges: WebauthnChallengeRepository
  loginCodes: LoginCodeRepository
  accounts: Pick<AccountRepository, 'findById'>
  outbox: Outbox
  box: SecretBox
  keys: Keys
  limiter: LimiterStore
  events: EventRecorder
  clock: Clock
  logger: Logger
  /** Codes or notices were queued: the outbox worker can start at once. */
  queued: Notifier
}

/** Warns when browsers will refuse the configured WebAuthn relying party. */
const checkRelyingParty = (rpId: string, logger: Logger): void => {
  if (isIP(rpId.replace(/^\[(.*)\]$/, '$1')) !== 0)
    logger.warn(
      { rp_id: rpId },
      'passkeys will not work: the WebAuthn relying-party id is an IP address, which browsers refuse; set GATEHOUSE_PUBLIC_URL (or GATEHOUSE_WEBAUTHN_RP_ID) to a domain name such as localhost',
    )
}

// Short-lived login material: kept a day past its end (caps look back at most a day), then gone.
const loginMaterialPurge =
  (deps: Pick<MfaModuleDeps, 'webauthnChallenges' | 'loginChallenges' | 'loginCodes'>): Purge =>
  async (now) => {
    const dayAgo = now - DAY
    return {
      deleted_login_material:
        (await deps.webauthnChallenges.deleteExpiredBefore(dayAgo)) +
        (await deps.loginChallenges.deleteExpiredBefore(dayAgo)) +
        (await deps.loginCodes.deleteCreatedBefore(dayAgo - DAY)),
    }
  }

/** Passkeys: registration, login and re-authentication ceremonies, for this relying party. */
const createPasskeys = (deps: MfaModuleDeps) => {
  checkRelyingParty(deps.config.webauthn.settings.rpId, deps.logger)
  return new PasskeyService({
    passkeys: deps.passkeys,
    challenges: deps.webauthnChallenges,
    loginChallenges: deps.loginChallenges,
    events: deps.events,
    clock: deps.clock,
    handleKey: deps.keys.derive('gatehouse webauthn user handles'),
    settings: deps.config.webauthn.settings,
  })
}

/**
 * Second factors: TOTP, passkeys, recovery codes and email/SMS login codes; login challenges over
 * them; the MFA policy of an account; notices of factor changes; and their share of housekeeping.
 */
export const createMfaModule = (deps: MfaModuleDeps) => {
  const { config, factors, events, clock, box, keys } = deps
  const totp = new StoredSecondFactors({
    factors,
    box,
    clock,
    onUnreadable: (factorId) =>
      deps.logger.error(
        { factor_id: factorId },
        'a second-factor secret does not open: check GATEHOUSE_SECRET_KEY',
      ),
  })
  const notifySecurityChange = securityNotices({ ...deps, notify: () => deps.queued.notify() })
  const passkeys = createPasskeys(deps)
  const loginCodes = new LoginCodeService({
    codes: deps.loginCodes,
    outbox: deps.outbox,
    events,
    clock,
    codeKey: keys.derive('gatehouse login codes'),
    settings: config.mfa.loginCodes,
    queued: deps.queued,
  })
  /** The MFA policy of an account: factor strength floor and whether a factor is required. */
  const policyOf = (account: AccountRecord) => factorPolicyOf(account, config.mfa.requiredRoles)
  const mfa = new MfaService({
    factors,
    challenges: deps.loginChallenges,
    codes: deps.recoveryCodes,
    totp,
    box,
    codeKey: keys.derive('gatehouse recovery codes'),
    events,
    clock,
    // Guesses per account across every login challenge: opening new challenges buys no more.
    accountGuesses: deps.limiter.limiter('mfa:account', { points: 10, seconds: 15 * 60 }),
    notify: notifySecurityChange,
    codeCheck: (challengeId, channel, code) => loginCodes.verify(challengeId, channel, code),
    passkeyCheck: (accountId, loginChallengeId, input, ctx) =>
      passkeys.verifySecondFactor(accountId, loginChallengeId, input, ctx),
    policyOf: async (accountId) => {
      const account = await deps.accounts.findById(accountId)
      return account ? policyOf(account) : NO_FACTOR_POLICY
    },
    settings: config.mfa.settings,
  })
  const purge = loginMaterialPurge(deps)
  return {
    mfa,
    passkeys,
    loginCodes,
    policyOf,
    notifySecurityChange,
    /** Whether the account holds a second factor that lets its password be shorter (see PASSWORD_FACTOR_FLOOR). */
    hasPasswordFactor: async (accountId: string) =>
      satisfies(await factors.listAll(accountId), PASSWORD_FACTOR_FLOOR),
    /** Whether the account holds a factor strong enough for staff (a TOTP factor or a passkey). */
    hasStrongFactor: async (accountId: string) => satisfies(await factors.listAll(accountId), STAFF_FLOOR),
    purge,
  }
}

export type MfaModule = ReturnType<typeof createMfaModule>
