import type { Argon2Params } from '../../modules/accounts/password-hasher.js'
import type { PasswordPolicyOptions, PasswordProfile } from '../../modules/accounts/password-policy.js'
import { choice, int, type Setting, section, type Values } from '../kinds.js'

const rows = {
  passwordMinLength: {
    env: 'GATEHOUSE_PASSWORD_MIN_LENGTH',
    default: '8',
    doc: 'Shortest password accepted, in Unicode code points after NFKC (NIST SP 800-63B: at least 8).',
    schema: int(8, 64),
  },
  passwordMaxLength: {
    env: 'GATEHOUSE_PASSWORD_MAX_LENGTH',
    default: '256',
    doc: 'Longest password accepted, in code points.',
    schema: int(64, 1024),
  },
  passwordMinScore: {
    env: 'GATEHOUSE_PASSWORD_MIN_SCORE',
    default: '2',
    doc: 'Lowest zxcvbn score (0–4) a new password must reach.',
    schema: int(0, 4),
  },
  passwordPolicy: {
    env: 'GATEHOUSE_PASSWORD_POLICY',
    default: 'nist-800-63b-3',
    doc: "Which length floor applies. `nist-800-63b-3` (NIST SP 800-63B rev. 3, 2017): `GATEHOUSE_PASSWORD_MIN_LENGTH` for every password. `nist-800-63b-4` (rev. 4, 2025): at least 15 code points while the password is the account's only factor (sign-up always), `GATEHOUSE_PASSWORD_MIN_LENGTH` once it has a TOTP factor or a passkey (email and SMS codes do not count); checked at sign-up, password change and reset, and at login, where a password shorter than that must be changed before anything else.",
    schema: choice(['nist-800-63b-3', 'nist-800-63b-4']),
  },
  argon2MemoryKiB: {
    env: 'GATEHOUSE_ARGON2_MEMORY_KIB',
    default: '19456',
    doc: 'argon2id memory cost in KiB (OWASP minimum 19456). Hashes are upgraded at the next login when it changes.',
    schema: int(8192, 4 * 1024 * 1024),
  },
  argon2Iterations: {
    env: 'GATEHOUSE_ARGON2_ITERATIONS',
    default: '2',
    doc: 'argon2id time cost.',
    schema: int(1, 100),
  },
  argon2Parallelism: {
    env: 'GATEHOUSE_ARGON2_PARALLELISM',
    default: '1',
    doc: 'argon2id parallelism.',
    schema: int(1, 16),
  },
} as const satisfies Record<string, Setting>

export interface PasswordSettings {
  /** What `PasswordHasher` takes. */
  hasher: Argon2Params
  /** What `PasswordPolicy` takes. */
  policy: PasswordPolicyOptions & { profile: PasswordProfile }
}

export const passwords = section(
  'Passwords',
  rows,
  (v: Values<typeof rows>): PasswordSettings => ({
    hasher: {
      memoryKiB: v.argon2MemoryKiB,
      iterations: v.argon2Iterations,
      parallelism: v.argon2Parallelism,
    },
    policy: {
      minLength: v.passwordMinLength,
      maxLength: v.passwordMaxLength,
      minScore: v.passwordMinScore,
      profile: v.passwordPolicy,
    },
  }),
)
