/** zxcvbn's library, loaded on first use: the strength estimator and the blocklist both draw on it. */
import { createRequire } from 'node:module'

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
export const zxcvbnLibrary = () => {
  zxcvbnModules ??= {
    core: requireHere('@zxcvbn-ts/core'),
    common: requireHere('@zxcvbn-ts/language-common'),
    en: requireHere('@zxcvbn-ts/language-en'),
  }
  return zxcvbnModules
}
