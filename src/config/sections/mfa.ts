import { z } from 'zod'
import { MINUTE } from '../../kernel/clock.js'
import { isStaffRole, ROLES, type Role, STAFF_ROLES } from '../../kernel/roles.js'
import type { LoginCodeSettings } from '../../modules/mfa/login-codes.js'
import { LOGIN_CHALLENGE_GUESSES } from '../../modules/mfa/ports.js'
import type { MfaSettings } from '../../modules/mfa/service.js'
import { format, type Setting, section, type Values } from '../kinds.js'

export { LOGIN_CHALLENGE_GUESSES }

const rows = {
  mfaRequiredRoles: {
    env: 'GATEHOUSE_MFA_REQUIRED_ROLES',
    // Every staff role, in the order of ROLES.
    default: ROLES.filter(isStaffRole).join(','),
    doc: `Roles (comma-separated: ${ROLES.join(', ')}) whose accounts must have a second factor: until they have one, their sessions may only set one up. \`none\` for no role. Staff roles (${STAFF_ROLES.join(', ')}) need a TOTP factor or a passkey; email and SMS codes count for the others.`,
    schema: format(
      z
        .string()
        .transform((v) =>
          v
            .split(',')
            .map((r) => r.trim())
            .filter((r) => r.length > 0 && r !== 'none'),
        )
        .pipe(z.array(z.enum(ROLES))),
      `must be none or a comma-separated list of roles among ${ROLES.join(', ')}`,
    ),
  },
} as const satisfies Record<string, Setting>

export interface MfaConfig {
  /** The roles whose accounts must hold a second factor (GATEHOUSE_MFA_REQUIRED_ROLES). */
  requiredRoles: readonly Role[]
  /** What `MfaService` takes as `settings`. */
  settings: MfaSettings
  /** What `LoginCodeService` takes as `settings`. */
  loginCodes: LoginCodeSettings
}

export const mfa = section(
  'Second factors',
  rows,
  (v: Values<typeof rows>): MfaConfig => ({
    requiredRoles: v.mfaRequiredRoles,
    settings: {
      issuer: 'Gatehouse',
      challengeTtlMs: 5 * MINUTE,
      maxAttemptsPerChallenge: LOGIN_CHALLENGE_GUESSES,
      recoveryCodeCount: 10,
    },
    loginCodes: { ttlMs: 10 * MINUTE },
  }),
)
