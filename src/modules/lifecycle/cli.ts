import { writeFileSync } from 'node:fs'
import type { Command } from 'commander'
import type { AccountRecord } from '../accounts/ports.js'
import { type AccountLifecycle, CLI_ADMINISTRATOR } from '../admin/lifecycle.js'
import type { RequestContext } from '../events/ports.js'
import { exportDocument } from './export-document.js'
import type { AccountDeletion } from './service.js'

export interface LifecycleCliDeps {
  /** Runs one action against the configured database, then closes everything. */
  run: <T>(
    action: (tools: { admin: AccountLifecycle; deletion: AccountDeletion }) => Promise<T>,
  ) => Promise<T>
  ctx: RequestContext
  now: () => number
  fail: (e: unknown) => never
  usage: (message: string) => Error
}

interface Which {
  username?: string
  id?: string
}

const which = (c: Command) =>
  c
    .option('--username <username>', 'the account, by its username')
    .option('--id <id>', 'the account, by its id')

/**
 * `gatehouse accounts export|schedule-deletion|cancel-deletion|purge-due`: an account's export and
 * its deletion after the grace period, from the command line (audited with the actor `cli`).
 */
export const registerLifecycleCommands = (accounts: Command, deps: LifecycleCliDeps): void => {
  const { run, ctx, fail, usage } = deps
  const resolve = async (admin: AccountLifecycle, w: Which): Promise<AccountRecord> => {
    if ((w.username === undefined) === (w.id === undefined))
      throw usage('name the account with --username or --id')
    const found =
      w.id !== undefined
        ? await admin.target(CLI_ADMINISTRATOR, w.id)
        : await admin.findByUsername(w.username!)
    if (!found) throw usage(`no account with the username "${w.username}"`)
    return found
  }
  const action =
    <O extends Which>(
      f: (
        tools: { admin: AccountLifecycle; deletion: AccountDeletion },
        a: AccountRecord,
        o: O,
      ) => Promise<void>,
    ) =>
    async (o: O) => {
      try {
        await run(async (tools) => f(tools, await resolve(tools.admin, o), o))
      } catch (e) {
        fail(e)
      }
    }
  which(
    accounts
      .command('export')
      .description('everything held about an account, as the JSON document GET /v1/me/export gives')
      .option('--out <file>', 'write it to this file (mode 0600) instead of standard output'),
  ).action(
    action<Which & { out?: string }>(async ({ deletion }, a, o) => {
      const doc = `${JSON.stringify(exportDocument(await deletion.export(a.id, 'cli', ctx), deps.now()), null, 2)}\n`
      if (o.out) writeFileSync(o.out, doc, { mode: 0o600 })
      else process.stdout.write(doc)
    }),
  )
  which(
    accounts
      .command('schedule-deletion')
      .description(
        'close an account now and delete it after the grace period; its address gets a cancel link',
      ),
  ).action(
    action(async ({ deletion }, a) => {
      const r = await deletion.schedule(a, 'cli', ctx)
      console.log(
        `${r.scheduled ? 'deletion scheduled' : 'deletion already pending'} for ${a.id}: due ${new Date(r.dueAt).toISOString()}`,
      )
    }),
  )
  which(accounts.command('cancel-deletion').description("cancel an account's pending deletion")).action(
    action(async ({ deletion }, a) => {
      const changed = await deletion.cancelByStaff(a.id, 'cli', ctx)
      console.log(changed ? `deletion of ${a.id} cancelled` : `no deletion of ${a.id} was pending`)
    }),
  )
  accounts
    .command('purge-due')
    .description('delete now the accounts whose deletion is due (the job every server runs each minute)')
    .action(async () => {
      try {
        const n = await run(({ deletion }) => deletion.purgeDue())
        console.log(`purged ${n} account${n === 1 ? '' : 's'}`)
      } catch (e) {
        fail(e)
      }
    })
}
