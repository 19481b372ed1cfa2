import type { Command } from 'commander'
import { cliContext, failCommand as fail, operatorAction, StartupError } from '../../main.js'
import { deadLetterView } from './routes.js'

/**
 * `gatehouse outbox list`: the dead letters (messages undelivered past their retry horizon) and the
 * outbox's counts by status; `gatehouse outbox retry <ids…> | --all`: sends them again, audited
 * with actor cli. Never an address or a payload on screen.
 */
export const registerOutboxCommands = (program: Command): void => {
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
          throw new StartupError('--limit must be a whole number from 1 to 10000')
        const { counts, dead } = await operatorAction(async (app) => ({
          counts: await app.store.outboxQueue.counts(),
          dead: (await app.store.outboxQueue.listDead(limit)).map(deadLetterView),
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
        if (Boolean(opts.all) === ids.length > 0)
          throw new StartupError('name the messages, or say --all (not both)')
        const which = opts.all ? ('all' as const) : [...new Set(ids)]
        const retried = await operatorAction(async (app) => {
          const n = await app.store.outboxQueue.retryDead(which, app.clock.now())
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
