import { readFileSync } from 'node:fs'
import cliProgress from 'cli-progress'
import type { Command } from 'commander'
import type { RequestContext } from '../../kernel/context.js'
import { count } from '../../kernel/plural.js'
import {
  CAMPAIGN_ACTIONS,
  type CampaignAction,
  type CampaignRecord,
  EXPOSED_FIELDS,
  type ExposedField,
  SAVED_SELECTORS,
  type SavedSelector,
  type Selector,
} from './ports.js'
import type { CampaignProgress, CampaignsService } from './service.js'

export interface CampaignCliDeps {
  /** Runs one action against the configured database with the campaigns service, then closes everything. */
  run: <T>(action: (campaigns: CampaignsService) => Promise<T>) => Promise<T>
  ctx: RequestContext
  /** Reports an error and exits. */
  fail: (e: unknown) => never
  /** A usage error: reported like a startup error. */
  usage: (message: string) => Error
}

/**
 * `--selector`: `incident` (the --incident's exposed accounts), `incident:email,phone` (only those
 * whose exposure includes one of the fields), `accounts:<id>,<id>…`, `accounts-file:<path>` (one id a
 * line), `saved:external_accounts|without_second_factor|all_users`.
 */
export const parseSelector = (
  raw: string | undefined,
  incident: string | undefined,
  usage: (message: string) => Error,
): Selector => {
  const value = raw ?? (incident ? 'incident' : undefined)
  if (!value) throw usage('say --selector, or --incident for its exposed accounts')
  const [kind, rest = ''] = value.split(/:(.*)/s) as [string, string?]
  const list = (s: string) =>
    s
      .split(/[\s,]+/)
      .map((x) => x.trim())
      .filter(Boolean)
  switch (kind) {
    case 'incident': {
      if (!incident) throw usage('--selector incident needs --incident <id>')
      const fields = list(rest)
      const bad = fields.filter((f) => !(EXPOSED_FIELDS as readonly string[]).includes(f))
      if (bad.length) throw usage(`unknown exposed field ${bad[0]}; one of ${EXPOSED_FIELDS.join(', ')}`)
      return {
        kind: 'incident',
        incidentId: incident,
        ...(fields.length ? { fields: [...new Set(fields as ExposedField[])].sort() } : {}),
      }
    }
    case 'accounts':
    case 'accounts-file': {
      const ids = [...new Set(list(kind === 'accounts' ? rest : readFileSync(rest, 'utf8')))]
      if (ids.length === 0) throw usage('no account ids given')
      return { kind: 'accounts', ids }
    }
    case 'saved':
      if (!(SAVED_SELECTORS as readonly string[]).includes(rest)) {
        throw usage(`unknown saved selector "${rest}"; one of ${SAVED_SELECTORS.join(', ')}`)
      }
      return { kind: 'saved', name: rest as SavedSelector }
    default:
      throw usage(
        '--selector must be incident[:fields], accounts:<ids>, accounts-file:<path> or saved:<name>',
      )
  }
}

const line = (c: CampaignRecord, p: CampaignProgress) =>
  `${c.id} ${c.action} ${c.status}: ${p.done}/${p.total} done, ${p.skipped} skipped, ${p.failed} failed, ` +
  `${p.rate}/s${p.etaSeconds !== null ? `, eta ${p.etaSeconds} s` : ''}`

/** Shows a progress bar on stderr until the campaign completes or is cancelled. */
const follow = async (campaigns: CampaignsService, id: string): Promise<CampaignRecord> => {
  let c = await campaigns.get(id)
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: ' {bar} {value}/{total} | {status} | {rate}/s | ETA {eta_text}',
      hideCursor: true,
      etaBuffer: 1,
      // Not a terminal (a log, CI): a line every 5 s instead of a redrawn bar.
      noTTYOutput: true,
      notTTYSchedule: 5000,
    },
    cliProgress.Presets.shades_classic,
  )
  let p = await campaigns.progress(c)
  bar.start(Math.max(p.total, 1), p.done + p.skipped + p.failed, {
    status: c.status,
    rate: p.rate,
    eta_text: '?',
  })
  while (c.status === 'running' || c.status === 'paused') {
    await new Promise((r) => setTimeout(r, 1000))
    c = await campaigns.get(id)
    p = await campaigns.progress(c)
    bar.update(p.done + p.skipped + p.failed, {
      status: c.status,
      rate: p.rate,
      eta_text: p.etaSeconds === null ? '?' : `${p.etaSeconds}s`,
    })
  }
  bar.stop()
  return c
}

interface CreateOptions {
  action: string
  incident?: string
  selector?: string
  channel?: string
  subject?: string
  text?: string
  textFile?: string
  dryRun?: boolean
  follow?: boolean
}

/** The campaign `create` asks for, from its options; throws a usage error for a bad one. */
const createInput = (opts: CreateOptions, usage: (message: string) => Error) => {
  if (!(CAMPAIGN_ACTIONS as readonly string[]).includes(opts.action)) {
    throw usage(`--action must be one of ${CAMPAIGN_ACTIONS.join(', ')}`)
  }
  const action = opts.action as CampaignAction
  const selector = parseSelector(opts.selector, opts.incident, usage)
  if (opts.channel && opts.channel !== 'email' && opts.channel !== 'sms') {
    throw usage('--channel must be email or sms')
  }
  const text = opts.textFile ? readFileSync(opts.textFile, 'utf8') : opts.text
  const params =
    action === 'notify' || text !== undefined || opts.subject !== undefined
      ? {
          notify: {
            channel: (opts.channel ?? 'email') as 'email' | 'sms',
            subject: opts.subject ?? '',
            text: text ?? '',
          },
        }
      : {}
  return { incidentId: opts.incident, selector, action, params }
}

/** `campaign create`: starts a campaign, or with --dry-run counts what it would do. */
const createSubcommand = (campaign: Command, deps: CampaignCliDeps): void => {
  campaign
    .command('create')
    .description('start a campaign (or count what it would do with --dry-run)')
    .requiredOption('--action <action>', CAMPAIGN_ACTIONS.join(', '))
    .option('--incident <id>', 'the incident it belongs to')
    .option(
      '--selector <selector>',
      'incident[:fields], accounts:<id,…>, accounts-file:<path> or saved:<external_accounts|without_second_factor|all_users>',
    )
    .option('--channel <channel>', 'notify: email (default) or sms')
    .option('--subject <subject>', 'notify: the subject of the mail')
    .option('--text <text>', 'notify: the text ({{username}} is filled in)')
    .option('--text-file <path>', 'notify: read the text from a file')
    .option('--dry-run', 'count what it would select and change; create nothing')
    .option('--follow', 'then show its progress until it ends')
    .action(async (opts: CreateOptions) => {
      try {
        const input = createInput(opts, deps.usage)
        await deps.run(async (campaigns) => {
          if (opts.dryRun) {
            const counts = await campaigns.dryRun(input)
            console.log(`dry run: ${count(counts.selected, 'account')} selected; nothing was created`)
            for (const [k, v] of Object.entries(counts.effects)) console.log(`  ${k}: ${v}`)
            return
          }
          const c = await campaigns.create(input, 'cli', deps.ctx)
          console.log(`created campaign ${c.id}: ${c.action} over ${count(c.total, 'account')}`)
          console.log('the workers of the running gatehouse serve instances handle it')
          if (opts.follow) {
            const end = await follow(campaigns, c.id)
            console.log(line(end, await campaigns.progress(end)))
          }
        })
      } catch (e) {
        deps.fail(e)
      }
    })
}

/** `campaign status <id>`: one progress line, or with --follow a progress bar until it ends. */
const statusSubcommand = (campaign: Command, deps: CampaignCliDeps): void => {
  campaign
    .command('status <id>')
    .description('progress of a campaign: done/total, failed, skipped, rate, ETA')
    .option('--follow', 'show a progress bar until it ends')
    .action(async (id: string, opts: { follow?: boolean }) => {
      try {
        await deps.run(async (campaigns) => {
          const c = opts.follow ? await follow(campaigns, id) : await campaigns.get(id)
          console.log(line(c, await campaigns.progress(c)))
        })
      } catch (e) {
        deps.fail(e)
      }
    })
}

/** `campaign list`: the campaigns, newest first, optionally of one incident. */
const listSubcommand = (campaign: Command, deps: CampaignCliDeps): void => {
  campaign
    .command('list')
    .description('campaigns, newest first')
    .option('--incident <id>', 'only those of this incident')
    .action(async (opts: { incident?: string }) => {
      try {
        await deps.run(async (campaigns) => {
          const list = await campaigns.list(opts.incident ? { incidentId: opts.incident } : {}, 100)
          for (const c of list) console.log(line(c, await campaigns.progress(c)))
          if (list.length === 0) console.log('no campaigns')
        })
      } catch (e) {
        deps.fail(e)
      }
    })
}

/** `campaign pause|resume|cancel <id>`: changes a campaign's state and prints its progress. */
const stateSubcommand = (
  campaign: Command,
  deps: CampaignCliDeps,
  verb: 'pause' | 'resume' | 'cancel',
): void => {
  campaign
    .command(`${verb} <id>`)
    .description(`${verb} a campaign`)
    .action(async (id: string) => {
      try {
        await deps.run(async (campaigns) => {
          const c = await campaigns[verb](id, 'cli', deps.ctx)
          console.log(line(c, await campaigns.progress(c)))
        })
      } catch (e) {
        deps.fail(e)
      }
    })
}

/**
 * The `campaign` subcommands of `gatehouse incident`: create (or dry-run), status (with --follow, a
 * progress bar), list, pause, resume, cancel. They work on the configured database directly; the
 * workers of the running `gatehouse serve` instances do the work.
 */
export const registerCampaignCommands = (group: Command, deps: CampaignCliDeps): void => {
  const campaign = group
    .command('campaign')
    .description(
      'actions over selections of accounts: forced resets, revocations, notices (docs/campaigns.md)',
    )
  createSubcommand(campaign, deps)
  statusSubcommand(campaign, deps)
  listSubcommand(campaign, deps)
  for (const verb of ['pause', 'resume', 'cancel'] as const) stateSubcommand(campaign, deps, verb)
}
