/** Passwords as text: the one normalisation, and lengths counted in Unicode code points. */

/**
 * The one normalisation applied to passwords, both when one is set and when one is checked at
 * login: Unicode NFKC (NIST SP 800-63B §5.1.1.2), so the same password typed on different
 * keyboards or input methods gives the same bytes. Never trims, never truncates.
 */
export const normalizePassword = (raw: string): string => raw.normalize('NFKC')

export const codePointLength = (s: string): number => {
  let n = 0
  for (const _ of s) n++
  return n
}

export const firstCodePoints = (s: string, count: number): string => {
  let out = ''
  let n = 0
  for (const c of s) {
    if (n++ === count) break
    out += c
  }
  return out
}

/** U+0000–U+001F (tab, line breaks, NUL, ESC, …) and U+007F (DEL). */
export const hasControlCharacter = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c <= 0x1f || c === 0x7f) return true
  }
  return false
}
