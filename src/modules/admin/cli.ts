import { type Command, Option } from 'commander'
import { isLocale, LOCALES, type Locale } from '../../kernel/locale.js'
import { ROLES, type Role } from '../../kernel/roles.js'
import type { AccountRecord } from '../accounts/ports.js'
import type { RequestContext } from '../events/ports.js'
import { type AccountFields, type AccountLifecycle, CLI_ADMINISTRATOR } from './lifecycle.js'

export interface AccountAdminCliDeps {
  /** Runs one action against the configured database with account administration, then closes everything. */
  run: <T>(action: (admin: AccountLifecycle) => Promise<T>) => Promise<T>
  ctx: RequestContext
  /** Reports an error and exits. */
  fail: (e: unknown) => never
  /** A usage error: reported like a startup error. */
  usage: (message: string) => Error
}

interface Which {
  username?: string
  id?: string
}

interface FieldOptions {
  email?: string
  emailVerified?: string
  phone?: string
  phoneVerified?: string
  role?: string
  locale?: string
}

const which = (c: Command) =>
  c
    .option('--username <username>', 'the account, by its username')
    .option('--id <id>', 'the account, by its id')

const flag = (
  v: string | undefined,
  name: string,
  usage: AccountAdminCliDeps['usage'],
): boolean | undefined => {
  if (v === undefined) return undefined
  if (v === 'true' || v === 'false') return v === 'true'
  throw usage(`${name} must be true or false`)
}

/** The fields the options name (`none` removes a phone number or locale). */
const fieldsOf = (o: FieldOptions, usage: AccountAdminCliDeps['usage']): AccountFields => {
  const f: AccountFields = {}
  if (o.email !== undefined) f.email = o.email
  const ev = flag(o.emailVerified, '--email-verified', usage)
  if (ev !== undefined) f.emailVerified = ev
  if (o.phone !== undefined) f.phone = o.phone === 'none' ? null : o.phone
  const pv = flag(o.phoneVerified, '--phone-verified', usage)
  if (pv !== undefined) f.phoneVerified = pv
  if (o.role !== undefined) f.role = o.role as Role
  if (o.locale !== undefined) {
    if (o.locale !== 'none' && !isLocale(o.locale))
      throw usage(`--locale must be one of ${LOCALES.join(', ')} or none`)
    f.locale = o.locale === 'none' ? null : (o.locale as Locale)
  }
  return f
}

const fieldOptions = (c: Command, withEmail = true) =>
  (withEmail ? c.option('--email <email>', 'email address') : c)
    .option('--email-verified <bool>', 'true or false')
    .option('--phone <e164>', 'phone number in +E.164 (none removes it)')
    .option('--phone-verified <bool>', 'true or false')
    .addOption(new Option('--role <role>', 'role').choices(ROLES))
    .option('--locale <locale>', `${LOCALES.join(', ')} or none`)

const describe = (a: AccountRecord): string =>
  `${a.username} (${a.id}), role ${a.role}${a.disabledAt !== null ? ', disabled' : ''}`

const resolver =
  (usage: AccountAdminCliDeps['usage']) =>
  async (admin: AccountLifecycle, w: Which): Promise<AccountRecord> => {
    if ((w.username === undefined) === (w.id === undefined))
      throw usage('name the account with --username or --id')
    const found =
      w.id !== undefined
        ? await admin.target(CLI_ADMINISTRATOR, w.id)
        : await admin.findByUsername(w.username!)
    if (!found) throw usage(`no account with the username "${w.username}"`)
    return found
  }

const createAndEdit = (accounts: Command, { run, ctx, fail, usage }: AccountAdminCliDeps): void => {
  const resolve = resolver(usage)
  fieldOptions(
    accounts
      .command('create')
      .description('create an account and print a one-time password (it must be changed at the first login)')
      .requiredOption('--username <username>', 'login name')
      .requiredOption('--email <email>', 'email address (verified unless --email-verified false)'),
    false,
  ).action(async (o: FieldOptions & { username: string; email: string }) => {
    try {
      const fields = { ...fieldsOf(o, usage), username: o.username, email: o.email }
      const made = await run((admin) => admin.create(CLI_ADMINISTRATOR, fields, ctx))
      console.log(`created ${describe(made.account)}`)
      console.log(`one-time password: ${made.password}`)
      console.log('give it to its holder by a channel you trust; it must be changed at the first login')
    } catch (e) {
      fail(e)
    }
  })
  fieldOptions(
    which(
      accounts.command('edit').description("change an account's username, email, phone, role or locale"),
    ).option('--new-username <username>', 'the new username'),
  ).action(async (o: FieldOptions & Which & { newUsername?: string }) => {
    try {
      const fields = { ...fieldsOf(o, usage), ...(o.newUsername ? { username: o.newUsername } : {}) }
      const a = await run(async (admin) =>
        admin.edit(CLI_ADMINISTRATOR, (await resolve(admin, o)).id, fields, ctx),
      )
      console.log(`changed ${describe(a)}`)
    } catch (e) {
      fail(e)
    }
  })
}

const disableEnableDelete = (accounts: Command, { run, ctx, fail, usage }: AccountAdminCliDeps): void => {
  const resolve = resolver(usage)
  which(
    accounts
      .command('disable')
      .description('disable an account: its sessions end, and no login opens one until it is enabled'),
  ).action(async (o: Which) => {
    try {
      const r = await run(async (admin) =>
        admin.disable(CLI_ADMINISTRATOR, (await resolve(admin, o)).id, ctx),
      )
      console.log(r ? `disabled; ${r.sessions} session(s) ended` : 'the account was disabled already')
    } catch (e) {
      fail(e)
    }
  })
  which(accounts.command('enable').description('enable a disabled account again')).action(
    async (o: Which) => {
      try {
        const changed = await run(async (admin) =>
          admin.enable(CLI_ADMINISTRATOR, (await resolve(admin, o)).id, ctx),
        )
        console.log(changed ? 'enabled' : 'the account was not disabled')
      } catch (e) {
        fail(e)
      }
    },
  )
  which(
    accounts
      .command('delete')
      .description('delete an account and what is held about it; the audit log keeps its id only')
      .option('--yes', 'confirm the deletion'),
  ).action(async (o: Which & { yes?: boolean }) => {
    try {
      if (!o.yes) throw usage('deleting an account cannot be undone: confirm with --yes')
      const id = await run(async (admin) => {
        const a = await resolve(admin, o)
        await admin.delete(CLI_ADMINISTRATOR, a.id, ctx)
        return a.id
      })
      console.log(`deleted account ${id}`)
    } catch (e) {
      fail(e)
    }
  })
}

/**
 * `gatehouse accounts create|edit|disable|enable|delete`: account administration from the command
 * line, against the configured database, audited with the actor `cli` (which ranks above every role).
 */
export const registerAccountAdminCommands = (accounts: Command, deps: AccountAdminCliDeps): void => {
  createAndEdit(accounts, deps)
  disableEnableDelete(accounts, deps)
}
