/** The strength rule's estimator: zxcvbn, shown at most the first few dozen code points. */
import type { ZxcvbnFactory } from '@zxcvbn-ts/core'
import { zxcvbnLibrary } from './zxcvbn.js'

/** What the strength rule needs of an estimator: zxcvbn's score (0–4) and feedback for a password. */
export type StrengthEstimator = (
  password: string,
  userInputs: readonly string[],
) => { score: number; feedback: { warning: string | null; suggestions: readonly string[] } }

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
export const MAX_STRENGTH_SAMPLE = 256

let zxcvbnInstance: ZxcvbnFactory | undefined

/** One scorer per process (building its ranked dictionaries takes ~0.15 s). */
export const getZxcvbn = (): ZxcvbnFactory => {
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
export const zxcvbnEstimate: StrengthEstimator = (password, userInputs) =>
  getZxcvbn().check(password, [...userInputs])
