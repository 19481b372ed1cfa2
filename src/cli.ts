#!/usr/bin/env node
import { readFileSync } from 'node:fs'
import { Command, Option } from 'commander'
import { SqlNameDirectory } from './adapters/sql/names-repository.js'
import { configDocs } from './config/index.js'
import { count } from './kernel/plural.js'
import {
  auditHead,
  cliContext,
  createAdmin,
  failCommand,
  incidentReport,
  liftGuard,
  migrate,
  operatorAction,
  resetPassword,
  StartupError,
  serve,
  setResetLock,
  setRole,
  verifyAudit,
} from './main.js'
import { SCOPES } from './modules/access/authorize.js'
import {
  filterAndSort,
  PRINCIPAL_KINDS,
  type PrincipalKind,
  REVIEW_FLAGS,
  type ReviewFlag,
  toCsv,
  toTable,
} from './modules/access/review.js'
import { ROLES, type Role } from './modules/accounts/ports.js'
import { registerAccountAdminCommands } from './modules/admin/cli.js'
import { registerAccountImportCommands } from './modules/admin/imports/cli.js'
import { registerCampaignCommands } from './modules/campaigns/cli.js'
import { parseSourceRange } from './modules/guard/lifts.js'
import { incidentCommand } from './modules/incidents/cli.js'
import { registerLifecycleCommands } from './modules/lifecycle/cli.js'
import { registerOutboxCommands } from './modules/mail/cli.js'
import { registerOidcCommands } from './modules/oidc/cli.js'
import { registerOidcKeyCommands } from './modules/oidc/keys-cli.js'
import { VERSION } from './version.js'

const fail = failCommand

/** `--expected-head`: "SEQ HASH" (what `gatehouse audit head` prints), SEQ:HASH, or the hash alone. */
const parseExpectedHead = (raw: string): { seq?: number; hash: string } => {
  const m = /^\s*(?:(\d+)[\s:]+)?([0-9a-fA-F]{64})\s*$/.exec(raw)
  if (!m) throw new StartupError('--expected-head takes "SEQ HASH", SEQ:HASH or a 64-digit hex hash')
  return m[1] === undefined ? { hash: m[2]!.toLowerCase() } : { seq: Number(m[1]), hash: m[2]!.toLowerCase() }
}

const program = new Command()
  .name('gatehouse')
  .description('Identity and account-security service')
  .version(VERSION)

program
  .command('serve')
  .description('apply migrations, then serve the HTTP API and run the background workers')
  .action(() => serve().catch(fail))

program
  .command('migrate')
  .description('apply pending database migrations')
  .action(async () => {
    try {
      const applied = await migrate()
      console.log(applied.length ? applied.join('\n') : 'database is up to date')
    } catch (e) {
      fail(e)
    }
  })

const admin = program.command('admin').description('administrator accounts')
admin
  .command('create')
  .description('create an administrator and print a one-time password (it must be changed at first login)')
  .requiredOption('--username <username>', 'login name')
  .requiredOption('--email <email>', 'email address (considered verified)')
  .action(async (opts: { username: string; email: string }) => {
    try {
      const { account, password } = await createAdmin(opts)
      console.log(`created administrator ${account.username} (${account.id})`)
      console.log(`one-time password: ${password}`)
      console.log('log in with it and change it at once: POST /v1/me/password')
    } catch (e) {
      fail(e)
    }
  })

const audit = program.command('audit').description('the hash-chained log of administrative actions')
audit
  .command('verify')
  .description(
    'recompute the chain from the first entry to the head; exit 1 and name the first broken entry if any',
  )
  .option(
    '--expected-head <head>',
    'a head kept elsewhere earlier, as `gatehouse audit head` printed it ("SEQ HASH" or SEQ:HASH) or the hash alone: it must still be in the chain',
  )
  .action(async (opts: { expectedHead?: string }) => {
    try {
      const expected = opts.expectedHead === undefined ? undefined : parseExpectedHead(opts.expectedHead)
      const r = await verifyAudit(expected?.hash)
      if (r.ok) {
        console.log(`audit log intact: ${count(r.entries, 'entry', 'entries')}, head ${r.head}`)
        return
      }
      if (r.firstBroken) {
        console.error(
          `audit log broken at entry ${r.firstBroken.seq} (${r.firstBroken.reason}); ${r.entries} ${r.entries === 1 ? 'entry verifies' : 'entries verify'} before it`,
        )
      } else if (expected?.seq !== undefined && r.lastSeq < expected.seq) {
        // The head was entry SEQ and the chain now ends before it: cut off the end.
        console.error(
          `audit log cut off: the expected head ${expected.hash} was entry ${expected.seq}, and the chain ends at entry ${r.lastSeq}; the ${r.entries} ${r.entries === 1 ? 'entry' : 'entries'} left verify`,
        )
      } else if (expected?.seq !== undefined) {
        console.error(
          `audit log does not contain the expected head ${expected.hash}: entry ${expected.seq} has another hash, so the chain was rewritten from there on or the head is not this log's`,
        )
      } else {
        console.error(
          `audit log does not contain the expected head ${expected?.hash}: no entry of the chain has that hash (${r.entries} ${r.entries === 1 ? 'entry' : 'entries'}, head ${r.head}). ` +
            'Given with its sequence number, as `gatehouse audit head` prints it ("SEQ HASH"), verify also tells whether the chain was cut off after it',
        )
      }
      process.exit(1)
    } catch (e) {
      fail(e)
    }
  })
audit
  .command('head')
  .description('print the sequence number and hash of the newest entry, to store elsewhere')
  .action(async () => {
    try {
      const h = await auditHead()
      console.log(`${h.seq} ${h.hash}`)
    } catch (e) {
      fail(e)
    }
  })

const accounts = program.command('accounts').description('operator actions on accounts')
accounts
  .command('reset-lock')
  .description('require a second-factor code before any reset message is sent, for a cohort of accounts')
  .option('--on', 'turn the reset lock on')
  .option('--off', 'turn the reset lock off')
  .option('--ids <ids>', 'comma-separated account ids')
  .option('--file <path>', 'a file with one account id per line')
  .action(async (opts: { on?: boolean; off?: boolean; ids?: string; file?: string }) => {
    try {
      if (opts.on === opts.off) throw new StartupError('say --on or --off')
      const ids = [
        ...(opts.ids ? opts.ids.split(',') : []),
        ...(opts.file ? readFileSync(opts.file, 'utf8').split(/\r?\n/) : []),
      ]
        .map((s) => s.trim())
        .filter(Boolean)
      if (ids.length === 0) throw new StartupError('name the accounts with --ids or --file')
      const n = await setResetLock([...new Set(ids)], Boolean(opts.on))
      console.log(`reset lock ${opts.on ? 'on' : 'off'} for ${n} of ${ids.length} accounts`)
    } catch (e) {
      fail(e)
    }
  })

accounts
  .command('set-role')
  .description(
    `set an account's role (${ROLES.join(', ')}); its sessions end, and the MFA policy of the new role applies at the next login`,
  )
  .requiredOption('--username <username>', 'the account')
  .addOption(new Option('--role <role>', 'the new role').choices(ROLES).makeOptionMandatory())
  .action(async (opts: { username: string; role: string }) => {
    try {
      if (!(ROLES as readonly string[]).includes(opts.role)) {
        throw new StartupError(`--role must be one of ${ROLES.join(', ')}`)
      }
      const changed = await setRole(opts.username, opts.role as Role)
      if (!changed) throw new StartupError(`no account with the username "${opts.username}"`)
      console.log(`role of ${opts.username}: ${changed.from} -> ${changed.to}`)
    } catch (e) {
      fail(e)
    }
  })

accounts
  .command('reset-password')
  .description(
    'give the account a one-time password to change at its next login; its sessions and outstanding tokens end. ' +
      'The way back in for a staff account without a TOTP factor or passkey, which reset messages do not recover',
  )
  .requiredOption('--username <username>', 'the account')
  .action(async (opts: { username: string }) => {
    try {
      const reset = await resetPassword(opts.username)
      if (!reset) throw new StartupError(`no account with the username "${opts.username}"`)
      console.log(`one-time password for ${reset.account.username}: ${reset.password}`)
      console.log('give it to its holder by a channel you trust; it must be changed at the next login')
    } catch (e) {
      fail(e)
    }
  })

registerAccountAdminCommands(accounts, {
  run: (action) => operatorAction((app) => action(app.accountAdmin)),
  ctx: cliContext,
  fail,
  usage: (message) => new StartupError(message),
})

registerLifecycleCommands(accounts, {
  run: (action) =>
    operatorAction((app) => action({ admin: app.accountAdmin, deletion: app.accountDeletion })),
  ctx: cliContext,
  now: () => Date.now(),
  fail,
  usage: (message) => new StartupError(message),
})
registerAccountImportCommands(accounts, {
  run: (action) => operatorAction((app) => action(app.accountImports, app.accountAdmin)),
  ctx: cliContext,
  fail,
  usage: (message) => new StartupError(message),
})

const accessReview = program
  .command('access-review')
  .description(
    'every external principal (API keys, partner accounts, applications) with risk flags and a recommended action; see docs/admin.md',
  )
  .option('--csv', 'print CSV (as GET /v1/admin/access-review?format=csv)')
  .option(
    '--flag <flags>',
    `only principals with every one of these flags (comma-separated: ${REVIEW_FLAGS.join(', ')})`,
  )
  .option('--kind <kind>', 'api_key, partner or oidc_client')
  .action(async (opts: { csv?: boolean; flag?: string; kind?: string }) => {
    try {
      const flags = (opts.flag ?? '')
        .split(',')
        .map((f) => f.trim())
        .filter(Boolean)
      const bad = flags.find((f) => !(REVIEW_FLAGS as readonly string[]).includes(f))
      if (bad) throw new StartupError(`unknown flag ${bad}: one of ${REVIEW_FLAGS.join(', ')}`)
      if (opts.kind && !(PRINCIPAL_KINDS as readonly string[]).includes(opts.kind))
        throw new StartupError(`--kind must be one of ${PRINCIPAL_KINDS.join(', ')}`)
      const kind = opts.kind as PrincipalKind | undefined
      const out = await operatorAction(async (app) => {
        const entries = filterAndSort(await app.access.review(), {
          flags: flags as ReviewFlag[],
          ...(kind ? { kind } : {}),
        })
        return opts.csv ? toCsv(entries) : toTable(entries, app.clock.now())
      })
      process.stdout.write(out)
    } catch (e) {
      fail(e)
    }
  })
accessReview
  .command('revoke')
  .description(
    'revoke principals (api_key:<id> stops at once; account:<id>, a partner, is locked out and its sessions end); audited with actor cli',
  )
  .argument('<principal-ids...>', 'ids as the review prints them')
  .action(async (ids: string[]) => {
    try {
      const results = await operatorAction((app) =>
        app.access.bulkRevoke(ids, { actor: 'cli', scopes: SCOPES }, cliContext),
      )
      for (const r of results) {
        const more =
          'detail' in r
            ? ` (${r.detail})`
            : 'sessionsEnded' in r
              ? ` (${r.sessionsEnded} sessions ended)`
              : ''
        console.log(`${r.principalId}: ${r.outcome}${more}`)
      }
      if (results.some((r) => r.outcome !== 'revoked' && r.outcome !== 'already_revoked')) process.exit(1)
    } catch (e) {
      fail(e)
    }
  })
/** `gatehouse incident …`: other incident commands (campaigns) are added to this group. */
export const incident = incidentCommand(program, {
  run: (action) => operatorAction((app) => action(app.incidents, new SqlNameDirectory(app.database.db))),
  ctx: cliContext,
  fail,
  usage: (message) => new StartupError(message),
})
registerCampaignCommands(incident, {
  run: (action) => operatorAction((app) => action(app.services.campaigns)),
  ctx: cliContext,
  fail,
  usage: (message) => new StartupError(message),
})
incident
  .command('report')
  .description('the incident report (a security brief): fast facts, actions from the audit chain, open items')
  .argument('<incident-id>')
  .option('--format <format>', 'markdown or json', 'markdown')
  .action(async (id: string, opts: { format: string }) => {
    try {
      if (opts.format !== 'markdown' && opts.format !== 'json') {
        throw new StartupError('--format must be markdown or json')
      }
      process.stdout.write(await incidentReport(id, opts.format))
    } catch (e) {
      fail(e)
    }
  })

const guard = program.command('guard').description("the guard's challenges, delays and blocks")
guard
  .command('lift')
  .description(
    "end the guard's challenges, delays and blocks for an address or network (--ip), or for every source (--all), on every running server within about a second; audited",
  )
  .option('--ip <address-or-cidr>', 'an address (203.0.113.7) or a network (203.0.113.0/24, 2001:db8::/48)')
  .option('--all', 'every source')
  .option('--reason <text>', 'why, for the audit log')
  .action(async (opts: { ip?: string; all?: boolean; reason?: string }) => {
    try {
      if (Boolean(opts.ip) === Boolean(opts.all))
        throw new StartupError('say --ip <address or CIDR> or --all')
      const range = opts.ip !== undefined ? parseSourceRange(opts.ip) : null
      if (opts.ip !== undefined && !range) {
        throw new StartupError(`--ip takes an address or a network in CIDR notation: "${opts.ip}"`)
      }
      const reason = opts.reason?.trim() || null
      if (reason && reason.length > 500) throw new StartupError('--reason is at most 500 characters')
      const lift = await liftGuard(range, reason)
      console.log(
        `lift ${lift.id}: the guard's challenges, delays and blocks end for ${lift.sources ?? 'every source'}; running servers apply it within about a second (audited as guard.lift by ${lift.operator})`,
      )
    } catch (e) {
      fail(e)
    }
  })

registerOutboxCommands(program, {
  run: (action) =>
    operatorAction((app) =>
      action({ queue: app.store.outboxQueue, audit: app.audit, now: () => app.clock.now() }),
    ),
  ctx: cliContext,
  fail,
  usage: (message) => new StartupError(message),
})

/** `gatehouse oidc …`: the applications (`oidc clients …`); the signing keys' commands join this group. */
export const oidc = registerOidcCommands(program, {
  run: (action) => operatorAction((app) => action(app.oidcClients)),
  ctx: cliContext,
  fail,
  usage: (message) => new StartupError(message),
})

/** `gatehouse oidc keys …`: the provider's signing keys. */
registerOidcKeyCommands(program, {
  run: (action) =>
    operatorAction((app) =>
      action({
        list: () => app.oidc.signingKeys.list(),
        rotate: () => app.oidc.rotateKeys(),
        audit: (ctx, what, details) => app.audit.record('cli', ctx, what, null, details),
      }),
    ),
  ctx: cliContext,
  fail,
})

program
  .command('config')
  .description('configuration')
  .command('docs')
  .description('print the configuration reference (docs/config.md)')
  .action(() => {
    process.stdout.write(configDocs())
  })

program.parseAsync().catch(fail)
