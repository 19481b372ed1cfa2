import { AppError } from '../../kernel/errors.js'
import type { Locale } from '../../kernel/locale.js'
import { ROLE_RANK, type Role } from '../../kernel/roles.js'
import { newId, newToken } from '../../kernel/tokens.js'
import { normalizeUsername, parseEmail, parsePhone } from '../accounts/identifiers.js'
import type { AccountRecord, AccountRepository } from '../accounts/ports.js'
import type { AuditService } from '../audit/service.js'
import type { RequestContext } from '../events/ports.js'
import type { SecurityEventType } from '../events/vocabulary.js'
import type { AccountLifecycleRepository, ProfileChange, ProfileChangeResult } from './lifecycle-ports.js'

/**
 * Who administers: the actor as the audit log names it, the account behind it (a session) and the
 * rank of its role. The command line is the operator of the installation: it ranks above every role.
 */
export interface Administrator {
  actor: string
  accountId: string | null
  rank: number
}

export const CLI_ADMINISTRATOR: Administrator = {
  actor: 'cli',
  accountId: null,
  rank: Number.POSITIVE_INFINITY,
}

/** The fields staff set on an account; absent ones stay as they are (null removes a phone or locale). */
export interface AccountFields {
  username?: string
  email?: string
  emailVerified?: boolean
  phone?: string | null
  phoneVerified?: boolean
  role?: Role
  locale?: Locale | null
}

export interface AccountLifecycleDeps {
  accounts: Pick<AccountRepository, 'create' | 'findById' | 'findByUsername' | 'isUsernameTaken'>
  lifecycle: AccountLifecycleRepository
  hasher: { hash(password: string): Promise<string> }
  events: {
    record(
      type: SecurityEventType,
      accountId: string | null,
      ctx: RequestContext,
      details?: Record<string, unknown>,
    ): Promise<void>
  }
  audit: Pick<AuditService, 'record'>
  now: () => number
  /** Ends the account's applications' grants (the OpenID Connect provider), before a deletion. */
  onAccessEnded?: (accountId: string, reason: string, ctx: RequestContext) => Promise<void>
}

/** Parses what staff typed into a change the repository applies; a 400 problem for a bad value. */
const parseFields = (f: AccountFields): ProfileChange => {
  const change: ProfileChange = {}
  if (f.username !== undefined) {
    const name = normalizeUsername(f.username)
    if (!name.ok) throw new AppError('invalid_username', { detail: `The username ${name.reason}` })
    change.username = name.value
  }
  if (f.email !== undefined) {
    const email = parseEmail(f.email)
    if (!email.ok) throw new AppError('invalid_email', { detail: `The email address ${email.reason}` })
    change.email = { address: email.value.address, norm: email.value.norm }
  }
  if (f.phone !== undefined && f.phone !== null) {
    const phone = parsePhone(f.phone)
    if (!phone.ok) throw new AppError('invalid_phone', { detail: `The phone number ${phone.reason}` })
    change.phone = phone.value
  } else if (f.phone === null) change.phone = null
  if (f.emailVerified !== undefined) change.emailVerified = f.emailVerified
  if (f.phoneVerified !== undefined) change.phoneVerified = f.phoneVerified
  if (f.role !== undefined) change.role = f.role
  if (f.locale !== undefined) change.locale = f.locale
  return change
}

/** The names of the fields a change sets (what audit entries and events record: never the values). */
const fieldNames = (f: AccountFields): string[] =>
  Object.entries(f)
    .filter(([, v]) => v !== undefined)
    .map(([k]) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`))

const refuseConflict = (r: ProfileChangeResult): void => {
  if (r.ok) return
  if (r.conflict === 'gone') throw new AppError('not_found', { detail: 'No such account' })
  if (r.conflict === 'username') throw new AppError('username_taken')
  if (r.conflict === 'email') throw new AppError('email_taken')
  throw new AppError('phone_taken')
}

/**
 * Account administration by staff (admin API, console) and operators (command line): create, edit,
 * disable, enable and delete accounts. Staff act only on accounts whose role ranks at most as high
 * as theirs and give no role above their own; every action is audited and recorded as an event.
 */
export class AccountLifecycle {
  constructor(private readonly deps: AccountLifecycleDeps) {}

  /** The account, when the administrator may act on it: 404 for none, 403 for one ranking above. */
  async target(by: Administrator, id: string): Promise<AccountRecord> {
    const account = await this.deps.accounts.findById(id)
    if (!account) throw new AppError('not_found', { detail: 'No such account' })
    if (ROLE_RANK[account.role] > by.rank) {
      throw new AppError('role_above_caller', {
        detail: `The account's role ${account.role} ranks above yours`,
      })
    }
    return account
  }

  /** By username, for the command line; null for an unknown name. */
  async findByUsername(raw: string): Promise<AccountRecord | null> {
    const name = normalizeUsername(raw)
    return name.ok ? this.deps.accounts.findByUsername(name.value) : null
  }

  #mayGrant(by: Administrator, role: Role | undefined): void {
    if (role !== undefined && ROLE_RANK[role] > by.rank) {
      throw new AppError('role_above_caller', { detail: `The role ${role} ranks above yours` })
    }
  }

  #notSelf(by: Administrator, account: AccountRecord, what: string): void {
    if (by.accountId === account.id) {
      throw new AppError('invalid_request', { detail: `Staff cannot ${what} their own account` })
    }
  }

  async #recorded(
    by: Administrator,
    ctx: RequestContext,
    [action, event]: [string, SecurityEventType],
    accountId: string,
    details: Record<string, unknown>,
  ): Promise<void> {
    await this.deps.audit.record(by.actor, ctx, action, `account:${accountId}`, details)
    await this.deps.events.record(event, accountId, ctx, { ...details, by: by.actor })
  }

  /**
   * Creates an account with a one-time password (returned once: it must be changed at the first
   * login). The email address counts as verified unless `emailVerified` is false.
   */
  async create(
    by: Administrator,
    input: AccountFields & { username: string; email: string },
    ctx: RequestContext,
  ): Promise<{ account: AccountRecord; password: string }> {
    const fields = { role: 'user' as Role, emailVerified: true, ...input }
    this.#mayGrant(by, fields.role)
    const change = parseFields(fields)
    const password = newToken(18)
    const now = this.deps.now()
    const id = newId()
    // A name a pending sign-up reserved is taken too.
    if (await this.deps.accounts.isUsernameTaken(change.username!, now)) throw new AppError('username_taken')
    const created = await this.deps.accounts.create({
      id,
      username: change.username!,
      email: change.email!.address,
      emailNorm: change.email!.norm,
      phone: null,
      passwordHash: await this.deps.hasher.hash(password),
      role: fields.role,
      mustChangePassword: true,
      passwordChangedAt: now,
      createdAt: now,
      emailVerifiedAt: fields.emailVerified ? now : null,
      locale: change.locale ?? null,
    })
    if (!created.ok) throw new AppError(created.conflict === 'username' ? 'username_taken' : 'email_taken')
    if (change.phone) {
      const r = await this.deps.lifecycle.changeProfile(
        id,
        { phone: change.phone, phoneVerified: change.phoneVerified },
        now,
      )
      if (!r.ok) await this.deps.lifecycle.remove(id, now)
      refuseConflict(r)
    }
    const fieldsSet = fieldNames(fields)
    await this.#recorded(by, ctx, ['account.create', 'account_created_by_staff'], id, {
      role: fields.role,
      fields: fieldsSet,
    })
    return { account: (await this.deps.accounts.findById(id))!, password }
  }

  /** Changes the account's profile; a change of role ends its sessions (and its applications' grants). */
  async edit(
    by: Administrator,
    id: string,
    fields: AccountFields,
    ctx: RequestContext,
  ): Promise<AccountRecord> {
    const account = await this.target(by, id)
    this.#mayGrant(by, fields.role)
    const roleChange = fields.role !== undefined && fields.role !== account.role
    if (roleChange) this.#notSelf(by, account, 'change the role of')
    const change = parseFields(fields)
    const names = fieldNames(fields)
    if (names.length === 0)
      throw new AppError('invalid_request', { detail: 'Name at least one field to change' })
    const r = await this.deps.lifecycle.changeProfile(id, change, this.deps.now())
    refuseConflict(r)
    const sessions = r.ok ? r.sessions : 0
    await this.#recorded(by, ctx, ['account.update', 'account_changed_by_staff'], id, {
      fields: names,
      ...(roleChange ? { role: { from: account.role, to: fields.role } } : {}),
    })
    if (roleChange) {
      await this.deps.events.record('account_role_changed', id, ctx, {
        from: account.role,
        to: fields.role,
        revoked_sessions: sessions,
      })
    }
    return (await this.deps.accounts.findById(id))!
  }

  /**
   * Disables the account: every session ends at once (and, through the event, its applications'
   * grants), outstanding one-time tokens die, and until it is enabled a right password answers like
   * a required reset while recovery sends nothing. Null when it was disabled already.
   */
  async disable(by: Administrator, id: string, ctx: RequestContext): Promise<{ sessions: number } | null> {
    const account = await this.target(by, id)
    this.#notSelf(by, account, 'disable')
    const r = await this.deps.lifecycle.disable(id, by.actor, this.deps.now())
    if (!r) return null
    await this.#recorded(by, ctx, ['account.disable', 'account_disabled'], id, {
      revoked_sessions: r.sessions,
    })
    return r
  }

  /** Enables a disabled account; false when it was not disabled. */
  async enable(by: Administrator, id: string, ctx: RequestContext): Promise<boolean> {
    await this.target(by, id)
    const changed = await this.deps.lifecycle.enable(id, this.deps.now())
    if (changed) await this.#recorded(by, ctx, ['account.enable', 'account_enabled'], id, {})
    return changed
  }

  /**
   * Deletes the account and what is held about it (see AccountLifecycleRepository.remove); its
   * applications' grants end first. The audit entry, like every earlier one, names it by its id only.
   */
  async delete(by: Administrator, id: string, ctx: RequestContext): Promise<void> {
    const account = await this.target(by, id)
    this.#notSelf(by, account, 'delete')
    if (await this.deps.lifecycle.ownsClients(id)) throw new AppError('account_in_use')
    await this.deps.onAccessEnded?.(id, 'account_deleted', ctx)
    if (!(await this.deps.lifecycle.remove(id, this.deps.now()))) {
      throw new AppError('not_found', { detail: 'No such account' })
    }
    await this.deps.audit.record(by.actor, ctx, 'account.delete', `account:${id}`, { role: account.role })
    // Kept without the account (its history went with it): the id alone, as a pseudonym.
    await this.deps.events.record('account_deleted', null, ctx, {
      account_id: id,
      role: account.role,
      by: by.actor,
    })
  }
}
