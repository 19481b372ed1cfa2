import { randomBytes, randomInt } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  commonPasswordCount,
  normalizePassword,
  PasswordPolicy,
  type PasswordVerdict,
  STRENGTH_SAMPLE_CODE_POINTS,
  warmPasswordLists,
} from './password-policy.js'

const policy = new PasswordPolicy({ minLength: 8, maxLength: 256, minScore: 2 })
const alice = { username: 'alice.smith', email: 'alice.smith@example.com' }
const passphrase = 'velvet tractor orbit lantern'

const codeOf = (verdict: PasswordVerdict): string => (verdict.ok ? 'ok' : verdict.code)

const randomLowercase = (length: number): string =>
  Array.from({ length }, () => String.fromCharCode(0x61 + randomInt(26))).join('')

beforeAll(() => {
  warmPasswordLists()
})

describe('normalizePassword', () => {
  it('applies NFKC', () => {
    expect(normalizePassword('ｐａｓｓ')).toBe('pass')
    expect(normalizePassword('\u00c5')).toBe(normalizePassword('A\u030a'))
    expect(normalizePassword('ﬁre')).toBe('fire')
  })

  it('never trims or truncates', () => {
    expect(normalizePassword('  two words  ')).toBe('  two words  ')
    const long = 'x'.repeat(5000)
    expect(normalizePassword(long)).toBe(long)
  })
})

describe('PasswordPolicy length', () => {
  it('refuses 7 code points as too short', () => {
    expect(codeOf(policy.check('Xk9#mQ2', {}))).toBe('password_too_short')
  })

  it('accepts exactly 8 code points when the password is strong enough', () => {
    expect(policy.check('Xk9#mQ2v', alice)).toMatchObject({ ok: true, password: 'Xk9#mQ2v' })
  })

  it('accepts a passphrase of unrelated words', () => {
    expect(policy.check(passphrase, alice)).toMatchObject({ ok: true, password: passphrase })
  })

  it("says the estimator's score of an accepted password and of one too weak", () => {
    const strong = policy.check(passphrase, alice)
    expect(strong.ok && strong.score).toBeGreaterThanOrEqual(2)
    const weak = policy.check('aaaaaaaaab', alice)
    expect(weak).toMatchObject({ ok: false, code: 'password_too_weak' })
    expect(weak.score).toBeLessThan(2)
  })

  it('accepts 256 code points and refuses 257', () => {
    const s = randomBytes(192).toString('base64url')
    expect(s).toHaveLength(256)
    expect(policy.check(s, alice)).toMatchObject({ ok: true, password: s })
    expect(codeOf(policy.check(`${s}x`, alice))).toBe('password_too_long')
  })

  it('counts code points, not UTF-16 units', () => {
    const emoji = ['😀', '🐱', '🚀', '🌈', '🍕', '🎸', '🦄', '🌵', '🧩', '🔥', '🐙', '🎈', '🍩', '🌍', '🛸']
    const s = emoji.join('')
    expect(s).toHaveLength(30)
    expect([...s]).toHaveLength(15)
    expect(policy.check(s, alice)).toMatchObject({ ok: true, password: s })
    const strict = new PasswordPolicy({ minLength: 16, maxLength: 256, minScore: 2 })
    expect(codeOf(strict.check(s, alice))).toBe('password_too_short')
    // 257 astral code points (514 UTF-16 units) are too long; 256 are not refused for length.
    const many = Array.from({ length: 257 }, (_, i) => emoji[i % emoji.length]).join('')
    expect(codeOf(policy.check(many, alice))).toBe('password_too_long')
    expect(codeOf(policy.check([...many].slice(0, 256).join(''), alice))).not.toBe('password_too_long')
  })

  it('counts length after NFKC', () => {
    // U+FB01 (ﬁ) is one code point but two after NFKC.
    expect(codeOf(policy.check('ﬁ'.repeat(4), {}))).not.toBe('password_too_short')
    expect(codeOf(policy.check('ﬁ'.repeat(3), {}))).toBe('password_too_short')
  })

  it('refuses a 100,000-character password quickly', () => {
    const huge = 'correct horse battery staple '.repeat(3449).slice(0, 100_000)
    expect(huge).toHaveLength(100_000)
    const start = performance.now()
    const verdict = policy.check(huge, alice)
    const elapsed = performance.now() - start
    expect(codeOf(verdict)).toBe('password_too_long')
    expect(elapsed).toBeLessThan(50)
  })
})

describe('PasswordPolicy characters', () => {
  it('refuses NUL, other C0 controls and DEL', () => {
    for (const s of [
      `abc\u0000defghijkl`,
      `velvet\ttractor orbit`,
      `velvet tractor\norbit`,
      `velvet tractor\rorbit`,
      `\u001bvelvet tractor orbit`,
      `velvet tractor orbit\u007f`,
    ]) {
      expect(codeOf(policy.check(s, {}))).toBe('password_invalid_characters')
    }
  })

  it('refuses a lone surrogate', () => {
    expect(codeOf(policy.check('velvet tractor \ud800 orbit', {}))).toBe('password_invalid_characters')
    expect(codeOf(policy.check('velvet tractor orbit \udc00', {}))).toBe('password_invalid_characters')
  })

  it('keeps spaces, including leading and trailing ones', () => {
    const s = `  ${passphrase}  `
    expect(policy.check(s, alice)).toMatchObject({ ok: true, password: s })
  })

  it('allows any script and returns the NFKC form', () => {
    const composed = 'Åsa väljer blå tåg nästa år'
    const decomposed = composed.normalize('NFD')
    expect(decomposed).not.toBe(composed)
    const a = policy.check(composed, {})
    const b = policy.check(decomposed, {})
    expect(a).toMatchObject({ ok: true, password: composed.normalize('NFKC') })
    expect(b).toEqual(a)
    expect(policy.check('ｖｅｌｖｅｔ　ｔｒａｃｔｏｒ　ｏｒｂｉｔ', {})).toMatchObject({
      ok: true,
      password: 'velvet tractor orbit',
    })
  })
})

describe('PasswordPolicy common passwords', () => {
  it('loads both lists', () => {
    // 474,743 distinct entries of 8+ code points (SecLists top 1M ∪ zxcvbn passwords-common).
    expect(commonPasswordCount()).toBeGreaterThan(450_000)
  })

  it('refuses listed passwords, in any case', () => {
    for (const s of [
      'iloveyou123',
      'qwertyuiop',
      'IloveYou123',
      'QWERTYUIOP',
      'abcdefghijklmnop',
      '1qaz2wsx3edc4rfv',
    ]) {
      expect(codeOf(policy.check(s, {})), s).toBe('password_common')
    }
  })

  it('refuses listed passwords with predictable digits or symbols added', () => {
    for (const s of [
      'password1234567',
      'Sunshine2024!',
      '2024iloveyou!!',
      'football!!!!!!!!',
      'Princess98765',
    ]) {
      expect(codeOf(policy.check(s, {})), s).toBe('password_common')
    }
  })

  it('does not refuse a strong password that merely contains a listed word', () => {
    expect(policy.check('sunshine over velvet tractors', {}).ok).toBe(true)
  })
})

describe('PasswordPolicy identifiers', () => {
  it('refuses the username with digits or symbols added', () => {
    for (const s of ['alicesmith2024!!!!!', 'Alice.Smith!', 'ALICE_SMITH_1990', 'xx-alice.smith-xx-velvet']) {
      expect(codeOf(policy.check(s, alice)), s).toBe('password_contains_identifier')
    }
  })

  it('refuses the username reversed', () => {
    expect(codeOf(policy.check('htimsecila99', alice))).toBe('password_contains_identifier')
  })

  it('refuses a variant of the email local part or the whole address', () => {
    const context = { username: 'rook', email: 'marguerite.dupont@example.org' }
    expect(codeOf(policy.check('Marguerite-Dupont-1999', context))).toBe('password_contains_identifier')
    expect(codeOf(policy.check('marguerite.dupont@example.org', context))).toBe(
      'password_contains_identifier',
    )
    const plus = { email: 'zebulon+shop@example.org' }
    expect(codeOf(policy.check('Zebulon!2024!!', plus))).toBe('password_contains_identifier')
  })

  it('refuses a short username with only digits or symbols added', () => {
    expect(codeOf(policy.check('al!!2024!!??', { username: 'al' }))).toBe('password_contains_identifier')
  })

  it('ignores a username shorter than 3 characters inside a longer password', () => {
    // `or` occurs in "orbit", but is too short to be a meaningful match.
    expect(policy.check(passphrase, { username: 'or' }).ok).toBe(true)
  })
})

describe('PasswordPolicy strength', () => {
  it('refuses a password zxcvbn scores below minScore', () => {
    expect(codeOf(policy.check('januaryfebruary', {}))).toBe('password_too_weak')
    expect(codeOf(policy.check('p@ssw0rd!p@ssw0rd!', {}))).toBe('password_too_weak')
    const strict = new PasswordPolicy({ minLength: 8, maxLength: 256, minScore: 4 })
    expect(codeOf(strict.check('Xk9#mQ2v', {}))).toBe('password_too_weak')
  })

  it('accepts a random 64-character string', () => {
    const s = randomBytes(48).toString('base64url')
    expect(s).toHaveLength(64)
    expect(policy.check(s, alice)).toMatchObject({ ok: true, password: s })
  })

  it('accepts a random lowercase-only 20-character string', () => {
    const s = randomLowercase(20)
    expect(policy.check(s, alice)).toMatchObject({ ok: true, password: s })
  })

  it('scores long passwords quickly enough', () => {
    const s = randomBytes(192).toString('base64url')
    const start = performance.now()
    expect(policy.check(s, alice).ok).toBe(true)
    expect(performance.now() - start).toBeLessThan(1000)
  })
})

describe('PasswordPolicy strength estimation cost', () => {
  /** A policy whose estimator records what it is shown and calls every password strong. */
  const recording = () => {
    const seen: string[] = []
    const p = new PasswordPolicy({ minLength: 8, maxLength: 1024, minScore: 2 }, (password) => {
      seen.push(password)
      return { score: 4, feedback: { warning: null, suggestions: [] } }
    })
    return { p, seen }
  }

  it(`shows the estimator at most ${STRENGTH_SAMPLE_CODE_POINTS} code points, whatever the length`, () => {
    const { p, seen } = recording()
    for (const n of [8, 64, 65, 256, 1024]) {
      const s = randomBytes(n).toString('base64url').slice(0, n)
      expect(p.check(s, alice)).toMatchObject({ ok: true, password: s })
      expect(seen.at(-1)).toBe(s.slice(0, Math.min(n, STRENGTH_SAMPLE_CODE_POINTS)))
    }
    // Counted in code points: 1024 astral characters (2048 UTF-16 units) show it 64 of them.
    const astral = Array.from({ length: 1024 }, (_, i) => String.fromCodePoint(0x1f300 + (i % 500))).join('')
    expect(p.check(astral, alice).ok).toBe(true)
    expect([...seen.at(-1)!]).toHaveLength(STRENGTH_SAMPLE_CODE_POINTS)
    expect(STRENGTH_SAMPLE_CODE_POINTS).toBe(64)
  })

  it('lets the length, blocklist and identifier rules see the whole password, before any estimate', () => {
    const { p, seen } = recording()
    const tail = (s: string) => `${randomBytes(150).toString('base64url').slice(0, 200)}${s}`
    // The username past the sample, a decorated common password longer than the sample, one code
    // point too many: refused, and the estimator never ran.
    expect(codeOf(p.check(tail('alice.smith'), alice))).toBe('password_contains_identifier')
    const decorated = `1234567890123456werhnbkliopfdsrftgwerhnbkliopfdsrftg${'!'.repeat(16)}`
    expect([...decorated].length).toBeGreaterThan(STRENGTH_SAMPLE_CODE_POINTS)
    expect(codeOf(p.check(decorated, {}))).toBe('password_common')
    expect(codeOf(p.check('x'.repeat(1025), {}))).toBe('password_too_long')
    expect(seen).toHaveLength(0)
  })

  it('scores with zxcvbn what its first 64 code points score', () => {
    // A strong start is not undone by a weak tail, and a weak start is not rescued by a long one.
    const strongStart = `${randomBytes(48).toString('base64url')}${'a'.repeat(190)}`
    expect(policy.check(strongStart, alice).ok).toBe(true)
    const weakStart = `${'abcabcabc'.repeat(8)}${randomBytes(96).toString('base64url')}`
    expect(codeOf(policy.check(weakStart.slice(0, 256), alice))).toBe('password_too_weak')
  })
})

describe('PasswordPolicy profiles', () => {
  const rev4 = new PasswordPolicy({ minLength: 8, maxLength: 256, minScore: 2, profile: 'nist-800-63b-4' })

  it('keeps one floor for every password under nist-800-63b-3, the default', () => {
    expect(policy.options.profile).toBe('nist-800-63b-3')
    expect(policy.minLengthFor(false)).toBe(8)
    expect(policy.minLengthFor(true)).toBe(8)
  })

  it('asks 15 code points without a second factor and minLength with one under nist-800-63b-4', () => {
    expect(rev4.minLengthFor(false)).toBe(15)
    expect(rev4.minLengthFor(true)).toBe(8)
    expect(codeOf(rev4.check('quokka lantern', alice))).toBe('password_too_short')
    expect(codeOf(rev4.check('quokka lanterns', alice))).toBe('ok')
    expect(codeOf(rev4.check('quokka lantern', { ...alice, multiFactor: true }))).toBe('ok')
    // Counted after NFKC: "ﬁ" is two code points then.
    expect(codeOf(rev4.check('ﬁ quokka lantr', alice))).toBe('ok')
    // A higher configured minimum wins over 15.
    const strict = new PasswordPolicy({
      minLength: 20,
      maxLength: 256,
      minScore: 2,
      profile: 'nist-800-63b-4',
    })
    expect(strict.minLengthFor(false)).toBe(20)
    expect(strict.minLengthFor(true)).toBe(20)
  })

  it('judges a password already set by its length only', () => {
    expect(rev4.longEnough('quokka lantern', false)).toBe(false)
    expect(rev4.longEnough('quokka lantern', true)).toBe(true)
    expect(rev4.longEnough('password1234567', false)).toBe(true)
  })

  it('refuses an unknown profile', () => {
    expect(
      () =>
        new PasswordPolicy({
          minLength: 8,
          maxLength: 64,
          minScore: 2,
          profile: 'nist-800-63b-5' as 'nist-800-63b-4',
        }),
    ).toThrow(RangeError)
  })
})

describe('PasswordPolicy details', () => {
  it('never echo the password, the username or the email address', () => {
    const context = { username: 'alice.smith', email: 'alice.smith@example.com' }
    const cases = [
      'Xk9#mQ2',
      'a'.repeat(300),
      'x'.repeat(100_000),
      `velvet\u0000tractor`,
      'velvet\ud800tractor',
      'iloveyou123',
      'password1234567',
      'alicesmith2024!!!!!',
      'Alice.Smith!',
      'januaryfebruary',
      'p@ssw0rd!p@ssw0rd!',
    ]
    for (const password of cases) {
      const verdict = policy.check(password, context)
      expect(verdict.ok, password.slice(0, 20)).toBe(false)
      if (verdict.ok) continue
      expect(verdict.detail.length).toBeGreaterThan(10)
      const detail = verdict.detail.toLowerCase()
      for (const secret of [password, context.username, context.email, 'alice', 'smith', 'example']) {
        expect(detail).not.toContain(secret.toLowerCase())
      }
    }
  })
})

describe('PasswordPolicy options', () => {
  it('rejects nonsensical options', () => {
    expect(() => new PasswordPolicy({ minLength: 0, maxLength: 64, minScore: 2 })).toThrow(RangeError)
    expect(() => new PasswordPolicy({ minLength: 10, maxLength: 9, minScore: 2 })).toThrow(RangeError)
    expect(() => new PasswordPolicy({ minLength: 8, maxLength: 64, minScore: 5 })).toThrow(RangeError)
    expect(
      () => new PasswordPolicy({ minLength: 8, maxLength: 64, minScore: 2, strengthSample: 1000 }),
    ).toThrow(RangeError)
  })

  // Last: it lowers the process-wide list threshold, so the list is reloaded with shorter entries.
  it('keeps list entries down to a minLength below 8', () => {
    const before = commonPasswordCount()
    const lax = new PasswordPolicy({ minLength: 6, maxLength: 64, minScore: 0 })
    expect(codeOf(lax.check('monkey', {}))).toBe('password_common')
    expect(codeOf(lax.check('Dragon', {}))).toBe('password_common')
    expect(commonPasswordCount()).toBeGreaterThan(before)
  })
})
