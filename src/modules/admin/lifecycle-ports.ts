import type { Locale } from '../../kernel/locale.js'
import type { Role } from '../../kernel/roles.js'

/** A change of an account's profile by staff; absent fields stay as they are. */
export interface ProfileChange {
  username?: string
  /** As typed, with its lookup form. */
  email?: { address: string; norm: string }
  emailVerified?: boolean
  /** +E.164, or null to remove it. */
  phone?: string | null
  phoneVerified?: boolean
  role?: Role
  locale?: Locale | null
}

export type ProfileChangeResult =
  /** `sessions`: how many ended (a change of role ends them all). */
  | { ok: true; sessions: number }
  | { ok: false; conflict: 'username' | 'email' | 'phone' }
  | { ok: false; conflict: 'gone' }

/** What account administration writes beside the accounts repository. */
export interface AccountLifecycleRepository {
  /**
   * Applies the change in one transaction. A username or address another account (or a sign-up's
   * reservation) holds, or a phone number another account has verified, is a conflict and writes
   * nothing. A new phone number is unverified unless `phoneVerified`; a new role ends every session.
   */
  changeProfile(id: string, change: ProfileChange, now: number): Promise<ProfileChangeResult>
  /**
   * Disables the account (`disabled_at`, `disabled_by`), ends every session and kills its
   * outstanding one-time tokens, in one transaction. Null when it is gone or disabled already.
   */
  disable(id: string, by: string, now: number): Promise<{ sessions: number } | null>
  /** Enables a disabled account again; false when it is gone or was not disabled. */
  enable(id: string, now: number): Promise<boolean>
  /** True when the account owns a client of the admin API (which must always have an owner). */
  ownsClients(id: string): Promise<boolean>
  /**
   * Removes the account and what is held about it: the row (with its sessions, tokens, factors,
   * passkeys, devices and pending changes), its security events, its queued messages and the
   * reservation of its username a sign-up made (with that sign-up's password hash);
   * applications it owned lose their owner. The audit log is left as it is: it names the account
   * only by its id, which then refers to nothing. False when it is gone.
   */
  remove(id: string, now: number): Promise<boolean>
}
