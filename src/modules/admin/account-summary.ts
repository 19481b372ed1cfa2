import { z } from 'zod'
import { isoOrNull } from '../../kernel/clock.js'
import type { AccountRecord } from '../accounts/ports.js'
import { maskEmail } from '../recovery/hints.js'

/** `+447700900123` → `+44*******23`: enough to tell numbers apart on screen, not to dial one. */
export const maskPhone = (e164: string): string =>
  e164.length <= 5 ? '+***' : `${e164.slice(0, 3)}${'*'.repeat(e164.length - 5)}${e164.slice(-2)}`

export const AccountSummary = z.object({
  id: z.string(),
  username: z.string(),
  role: z.string(),
  email: z.string().describe('Masked'),
  phone: z.string().nullable().describe('Masked'),
  locale: z.string().nullable(),
  created_at: z.string(),
  disabled_at: z.string().nullable().describe('When staff disabled the account; null while it is enabled'),
  flags: z.object({
    email_verified: z.boolean(),
    phone_verified: z.boolean(),
    must_change_password: z.boolean(),
    reset_lock: z.boolean(),
    locked: z.boolean(),
    password_reset_required: z
      .boolean()
      .describe(
        'A right password answers password_reset_required: set by a force_password_reset campaign, and while the account is disabled',
      ),
    disabled: z.boolean().describe('Disabled by staff: no session opens until it is enabled'),
    mfa_enrolment_required: z.boolean().describe('Set by a require_mfa_enrollment campaign'),
  }),
})

/** An account as the admin tools show it: contact data masked, state as flags. */
export const summary = (a: AccountRecord): z.infer<typeof AccountSummary> => ({
  id: a.id,
  username: a.username,
  role: a.role,
  email: maskEmail(a.email),
  phone: a.phone ? maskPhone(a.phone) : null,
  locale: a.locale,
  created_at: isoOrNull(a.createdAt)!,
  disabled_at: isoOrNull(a.disabledAt),
  flags: {
    email_verified: a.emailVerifiedAt !== null,
    phone_verified: a.phoneVerifiedAt !== null,
    must_change_password: a.mustChangePassword,
    reset_lock: a.resetLock,
    locked: a.lockedAt !== null,
    password_reset_required: a.passwordResetRequired,
    disabled: a.disabledAt !== null,
    mfa_enrolment_required: a.mfaEnrolmentRequired,
  },
})
