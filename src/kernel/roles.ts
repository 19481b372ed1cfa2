/**
 * The roles an account can hold: the one list every part of Gatehouse reads (accounts, the MFA
 * policy, the admin API, GATEHOUSE_MFA_REQUIRED_ROLES, the CLI).
 *
 * `partner`: an external party's account. `responder` and `auditor` are staff roles with fewer
 * admin API scopes than `admin` (an auditor only reads). The MFA policy can require a second
 * factor per role.
 */
export const ROLES = ['user', 'admin', 'partner', 'responder', 'auditor'] as const
export type Role = (typeof ROLES)[number]

/**
 * Staff roles: administrators, responders, auditors, and partners (external parties with access).
 * Their MFA policy is satisfied by an app-based or phishing-resistant factor only, and they may own
 * clients of the admin API.
 */
export const STAFF_ROLES = ['admin', 'responder', 'auditor', 'partner'] as const satisfies readonly Role[]
export type StaffRole = (typeof STAFF_ROLES)[number]

export const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value)

export const isStaffRole = (role: string): role is StaffRole =>
  (STAFF_ROLES as readonly string[]).includes(role)

/**
 * How roles rank for account administration: staff act only on accounts whose role ranks at most
 * as high as their own, and give no role above it. Partners are external and rank lowest of the
 * roles with access; an auditor only reads but outranks them.
 */
export const ROLE_RANK: Readonly<Record<Role, number>> = {
  user: 0,
  partner: 1,
  auditor: 2,
  responder: 3,
  admin: 4,
}
