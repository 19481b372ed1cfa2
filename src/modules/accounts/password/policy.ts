/**
 * The password rules for new passwords (sign-up, change, reset), after NIST SP 800-63B (rev. 3
 * §5.1.1.2 by default; rev. 4 §3.1.1.2 with the `nist-800-63b-4` profile, see `PasswordProfile`):
 * a length floor and ceiling counted in Unicode code points after NFKC, every printable Unicode
 * character allowed (spaces included, nothing trimmed or truncated), a blocklist of common and
 * breached passwords, no password built from the account's own identifiers, and a zxcvbn
 * strength floor. No composition rules ("one digit, one symbol"): NIST advises against them.
 *
 * `detail` strings go to the client (see `AppError`); they explain the rule and never echo the
 * password, the username or the email address.
 */
import type { ErrorCode } from '../../../kernel/errors.js'
import { isCommon, keepListEntriesFrom } from './blocklist.js'
import { containsIdentifier, identifiersOf, userInputsOf } from './identifiers.js'
import { type PasswordPolicyOptions, profileMinLength, resolveOptions } from './profiles.js'
import { type StrengthEstimator, zxcvbnEstimate } from './strength.js'
import { codePointLength, firstCodePoints, hasControlCharacter, normalizePassword } from './text.js'

export type PasswordRuleCode = Extract<
  ErrorCode,
  | 'password_too_short'
  | 'password_too_long'
  | 'password_invalid_characters'
  | 'password_common'
  | 'password_contains_identifier'
  | 'password_too_weak'
>

export type PasswordVerdict =
  | { ok: true; password: string; score: number }
  | { ok: false; code: PasswordRuleCode; detail: string; score?: number }

export interface PasswordContext {
  username?: string | undefined
  email?: string | undefined
  /**
   * The account holds a second factor that counts for the length floor (a TOTP factor or a passkey).
   * Unset: it does not (a new account).
   */
  multiFactor?: boolean | undefined
}

/**
 * A raw string longer than `maxLength * RAW_LENGTH_FACTOR` UTF-16 code units is refused before any
 * other work. NFKC can shrink a string (composition), but one output code point never stands for more
 * than 4 input code points, so this bound only refuses inputs no real password needs; login uses the
 * same factor to skip hashing over-long input, so every password accepted here can also log in.
 */
const RAW_LENGTH_FACTOR = 4

const refuse = (code: PasswordRuleCode, detail: string): PasswordVerdict => ({ ok: false, code, detail })
const withScore = (score: number, v: PasswordVerdict): PasswordVerdict => ({ ...v, score })

export class PasswordPolicy {
  readonly options: Readonly<Required<PasswordPolicyOptions>>

  /** `estimate` is zxcvbn unless another estimator is given (tests count what it is shown). */
  constructor(
    options: PasswordPolicyOptions,
    private readonly estimate: StrengthEstimator = zxcvbnEstimate,
  ) {
    this.options = resolveOptions(options)
    keepListEntriesFrom(this.options.minLength)
  }

  /** The fewest code points a password of an account with (or without) a second factor may have. */
  minLengthFor(multiFactor: boolean): number {
    return profileMinLength(this.options, multiFactor)
  }

  /**
   * Whether a password already set (NFKC, as given at login) is still long enough for the account
   * as it is now: only its length is judged, the one rule that can change under a password that was
   * accepted (a factor removed, the profile or the minimum changed).
   */
  longEnough(password: string, multiFactor: boolean): boolean {
    return codePointLength(password) >= this.minLengthFor(multiFactor)
  }

  /**
   * Checks a proposed new password. On success, `password` is the NFKC form, the one to hash.
   * Rules, in order: characters, length, blocklist, identifiers, strength.
   */
  check(raw: string, context: PasswordContext = {}): PasswordVerdict {
    const { maxLength, minScore } = this.options
    const multiFactor = context.multiFactor === true
    const minLength = this.minLengthFor(multiFactor)
    const tooLong = () => refuse('password_too_long', `Use at most ${maxLength} characters.`)
    if (raw.length > maxLength * RAW_LENGTH_FACTOR) return tooLong()

    if (!raw.isWellFormed() || hasControlCharacter(raw)) {
      return refuse(
        'password_invalid_characters',
        'The password contains a control character (such as a tab, line break or NUL) or invalid ' +
          'Unicode text. Spaces, punctuation, emoji and letters in any script are all allowed.',
      )
    }

    const password = normalizePassword(raw)
    const length = codePointLength(password)
    if (length < minLength) {
      const withFactor = this.minLengthFor(true)
      return refuse(
        'password_too_short',
        `Use at least ${minLength} characters` +
          (withFactor < minLength
            ? ` (${withFactor} once the account has an authenticator app or a passkey as a second factor).`
            : '.') +
          ' A passphrase of several unrelated words is long, easy to remember and hard to guess.',
      )
    }
    if (length > maxLength) return tooLong()

    if (isCommon(password)) {
      return refuse(
        'password_common',
        'This password, or the password it is built on, appears in lists of common or breached ' +
          'passwords, which attackers try first; adding a few digits or symbols does not change that. ' +
          'Choose a different one, such as a passphrase of several unrelated words.',
      )
    }

    const identifiers = identifiersOf(context)
    if (containsIdentifier(password, identifiers)) {
      return refuse(
        'password_contains_identifier',
        'The password must not contain your username or email address, not even reversed or with ' +
          'digits or symbols added.',
      )
    }

    const result = this.estimate(
      firstCodePoints(password, this.options.strengthSample),
      userInputsOf(identifiers),
    )
    if (result.score < minScore) {
      // zxcvbn's feedback strings are fixed sentences; none quotes the password.
      const hints = [result.feedback.warning, ...result.feedback.suggestions].filter((s): s is string => !!s)
      return withScore(
        result.score,
        refuse(
          'password_too_weak',
          [
            'This password is too easy to guess.',
            ...hints,
            'Longer passphrases of unrelated words are stronger.',
          ].join(' '),
        ),
      )
    }

    return { ok: true, password, score: result.score }
  }
}
