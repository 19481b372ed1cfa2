import type { Command } from 'commander'
import type { RequestContext } from '../../kernel/context.js'
import type { AuditService } from '../audit/service.js'
import type { OutboxQueue } from './ports.js'
import { deadLetterView } from './routes.js'

/** What the outbox commands work on: the queue, the audit log and the time, of the configured database. */
export interface OutboxCliContext {
  queue: Pick<OutboxQueue, 'counts' | 'listDead' | 'retryDead'>
  audit: AuditService
  now: () => number
}

export interface OutboxCliDeps {
  /** Runs one action against the configured database, then closes everything. */
  run: <T>(action: (outbox: OutboxCliContext) => Promise<T>) => Promise<T>
  ctx: RequestContext
  /** Reports an error and exits. */
  fail: (e: unknown) => never
  /** A usage error: reported like a startup error. */
  usage: (message: string) => Error
}

/**
 * `gatehouse outbox list`: the dead letters (messages undelivered past their retry horizon) and the
 * outbox's counts by status; `gatehouse outbox retry <ids…> | --all`: sends them again, audited
 * with actor cli. Never an address or a payload on screen.
 */
export const registerOutboxCommands = (program: Command, deps: OutboxCliDeps): void => {
  const { fail, usage, ctx: cliContext } = deps
  const outbox = program.command('outbox').description('outgoing messages (mail, SMS, webhooks)')
  outbox
    .command('list')
    .description('dead-lettered messages, newest first, and how many messages are in each state')
    .option('--limit <n>', 'at most this many dead letters', '100')
    .option('--json', 'print JSON')
    .action(async (opts: { limit: string; json?: boolean }) => {
      try {
        const limit = Number(opts.limit)
        if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
          throw usage('--limit must be a whole number from 1 to 10000')
        const { counts, dead } = await deps.run(async (app) => ({
          counts: await app.queue.counts(),
          dead: (await app.queue.listDead(limit)).map(deadLetterView),
        }))
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ counts, dead }, null, 2)}\n`)
          return
        }
        const states = Object.entries(counts)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([state, n]) => `${state} ${n}`)
        console.log(`outbox: ${states.length ? states.join(', ') : 'empty'}`)
        if (dead.length === 0) {
          console.log('no dead letters')
          return
        }
        console.log(`${dead.length} dead letter${dead.length === 1 ? '' : 's'} (newest first):`)
        for (const m of dead) {
          console.log(
            `${m.id}  ${m.channel}  ${m.template}  ${m.attempts} tries  dead since ${m.dead_at}  ${m.last_error ?? ''}`,
          )
        }
      } catch (e) {
        fail(e)
      }
    })
  outbox
    .command('retry')
    .description(
      'send dead-lettered messages again: one more try each now (a code or link that expired meanwhile is closed as expired instead)',
    )
    .argument('[ids...]', 'message ids as `outbox list` prints them')
    .option('--all', 'every dead letter')
    .action(async (ids: string[], opts: { all?: boolean }) => {
      try {
        if (Boolean(opts.all) === ids.length > 0) throw usage('name the messages, or say --all (not both)')
        const which = opts.all ? ('all' as const) : [...new Set(ids)]
        const retried = await deps.run(async (app) => {
          const n = await app.queue.retryDead(which, app.now())
          await app.audit.record('cli', cliContext, 'outbox.retry', null, {
            ...(which === 'all' ? { all: true } : { ids: which }),
            retried: n,
          })
          return n
        })
        console.log(
          `${retried} message${retried === 1 ? '' : 's'} queued again; running instances deliver ${retried === 1 ? 'it' : 'them'} within GATEHOUSE_WORKER_INTERVAL_MS`,
        )
      } catch (e) {
        fail(e)
      }
    })
}
