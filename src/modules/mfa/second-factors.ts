import type { Clock } from '../../kernel/clock.js'
import { AppError } from '../../kernel/errors.js'
import type { SecretBox } from '../../kernel/secret-box.js'
import { newId } from '../../kernel/tokens.js'
import type { MfaFactorRepository } from './ports.js'
import { generateTotpSecret, matchTotpStep } from './totp.js'

/** The hook account recovery uses to ask for a second factor. */
export interface SecondFactors {
  /**
   * True when completing a reset whose token went through `resetChannel` needs a second-factor code:
   * the account has a factor that channel does not already prove (see `resetNeedsFactor` in
   * strength.ts). Without a channel: a factor no reset channel proves (app-based or stronger).
   */
  has(accountId: string, resetChannel?: 'email' | 'sms'): Promise<boolean>
  /**
   * Checks a code against the account's confirmed factors at the server's time: `ok` for exactly one
   * caller per code under concurrency; `used` when the code is right but its time step (or a later
   * one) was used already (a replay, or a code entered twice); `wrong` otherwise.
   */
  verify(accountId: string, code: string): Promise<CodeCheck>
}

/** What checking a second-factor code found. Only the holder of a right code ever hears `used`. */
export type CodeCheck = 'ok' | 'used' | 'wrong'

/** The answer to a right TOTP code whose time step was spent already. */
export const codeAlreadyUsed = () =>
  new AppError('code_already_used', {
    detail: 'This code was just used; wait for the next one (a new code every 30 seconds)',
  })

export interface SecondFactorDeps {
  factors: MfaFactorRepository
  /** Seals factor secrets; the account id is the AAD. */
  box: SecretBox
  clock: Clock
  /**
   * Called when a stored secret does not open (wrong key, or the row was altered or moved): the
   * factor is treated as not matching. Wire it to a log so a lost key does not go unnoticed.
   */
  onUnreadable?: (factorId: string, error: Error) => void
}

export class StoredSecondFactors implements SecondFactors {
  constructor(private readonly deps: SecondFactorDeps) {}

  /** Any confirmed factor counts here; the application's recovery hook applies factor strength. */
  has(accountId: string): Promise<boolean> {
    return this.deps.factors.hasConfirmed(accountId)
  }

  async verify(accountId: string, code: string): Promise<CodeCheck> {
    const { factors, box, clock, onUnreadable } = this.deps
    if (typeof code !== 'string' || !/^[0-9]{6}$/.test(code)) return 'wrong'
    const now = clock.now()
    let used = false
    for (const factor of await factors.listConfirmed(accountId)) {
      let secret: string
      try {
        secret = box.open(factor.secretSealed, accountId)
      } catch (e) {
        onUnreadable?.(factor.id, e as Error)
        continue
      }
      const step = matchTotpStep(secret, code, now)
      if (step === null) continue
      // The conditional update decides: a step at or before the last used one is a replay.
      if (await factors.markStepUsed(factor.id, step)) return 'ok'
      used = true
    }
    return used ? 'used' : 'wrong'
  }
}

/** Creates a confirmed TOTP factor for the account (tests now, enrolment later); returns the plain secret. */
export const enrolConfirmedTotp = async (
  deps: Pick<SecondFactorDeps, 'factors' | 'box' | 'clock'>,
  accountId: string,
): Promise<{ secret: string; factorId: string }> => {
  const secret = generateTotpSecret()
  const factorId = newId()
  const now = deps.clock.now()
  await deps.factors.create({
    id: factorId,
    accountId,
    kind: 'totp',
    secretSealed: deps.box.seal(secret, accountId),
    lastUsedStep: null,
    confirmedAt: now,
    createdAt: now,
  })
  return { secret, factorId }
}
