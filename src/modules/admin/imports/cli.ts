import { createReadStream, statSync } from 'node:fs'
import { basename } from 'node:path'
import cliProgress from 'cli-progress'
import type { Command } from 'commander'
import { ROLE_RANK } from '../../../kernel/roles.js'
import type { RequestContext } from '../../events/ports.js'
import { type AccountLifecycle, type Administrator, CLI_ADMINISTRATOR } from '../lifecycle.js'
import { HASH_PARAMS, type HashParamName, hashParamsOf } from './hash-params.js'
import {
  ACCOUNT_IMPORT_FORMATS,
  type AccountImportFormat,
  type AccountImportMapping,
  type AccountImportRecord,
  IMPORT_FIELDS,
  type ImportField,
} from './ports.js'
import { accountImportView } from './routes.js'
import type { AccountImports } from './service.js'

export interface AccountImportCliDeps {
  /** Runs one action against the configured database with account imports and administration, then closes everything. */
  run: <T>(action: (imports: AccountImports, admin: AccountLifecycle) => Promise<T>) => Promise<T>
  ctx: RequestContext
  fail: (e: unknown) => never
  usage: (message: string) => Error
}

/** `--map username=login,email=Mail` → a mapping; a usage error for anything else. */
export const parseAccountMapping = (raw: string, usage: (m: string) => Error): AccountImportMapping => {
  const mapping: AccountImportMapping = {}
  for (const part of raw.split(',')) {
    const eq = part.indexOf('=')
    const field = part.slice(0, eq).trim()
    const column = part.slice(eq + 1).trim()
    if (eq < 1 || column === '' || !(IMPORT_FIELDS as readonly string[]).includes(field)) {
      throw usage(`--map takes FIELD=COLUMN pairs, FIELD one of ${IMPORT_FIELDS.join(', ')}: "${part}"`)
    }
    mapping[field as ImportField] = column
  }
  return mapping
}

/** `--as`: a staff member by username (acting with their role's rank), else an actor name for the operator. */
const administrator = async (admin: AccountLifecycle, as: string | undefined): Promise<Administrator> => {
  if (as === undefined) return CLI_ADMINISTRATOR
  const account = await admin.findByUsername(as)
  if (account) return { actor: `account:${account.id}`, accountId: account.id, rank: ROLE_RANK[account.role] }
  return { ...CLI_ADMINISTRATOR, actor: as }
}

const summary = (r: AccountImportRecord): string =>
  `import ${r.id} ${r.status}: ${r.rowsRead} rows read, ${r.rowsCreated} created, ${r.rowsPresent} already present, ${r.rowsBad} bad`

const optionName = (name: string) => `--${name.replaceAll('_', '-')}`
const optionKey = (name: string) => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())

const importSubcommand = (accounts: Command, deps: AccountImportCliDeps): void => {
  let c = accounts
    .command('import')
    .description('import accounts from a CSV or JSONL file (idempotent: run it again to resume)')
    .argument('<file>', 'path of the CSV or JSONL file')
    .requiredOption('--format <format>', ACCOUNT_IMPORT_FORMATS.join(' or '))
    .requiredOption('--map <pairs>', `FIELD=COLUMN,… with FIELD among ${IMPORT_FIELDS.join(', ')}`)
    .option('--hash-format <format>', 'the format of every hash when no column names it')
    .option('--as <name>', "a staff member's username (their role limits the roles given) or an actor name")
  for (const [name, , what] of HASH_PARAMS) c = c.option(`${optionName(name)} <value>`, what)
  c.action(async (file: string, o: Record<string, string | undefined>) => {
    try {
      if (!(ACCOUNT_IMPORT_FORMATS as readonly string[]).includes(o.format ?? '')) {
        throw deps.usage(`--format must be ${ACCOUNT_IMPORT_FORMATS.join(' or ')}`)
      }
      const mapping = parseAccountMapping(o.map ?? '', deps.usage)
      const params = Object.fromEntries(HASH_PARAMS.map(([name]) => [name, o[optionKey(name)]])) as Partial<
        Record<HashParamName, string>
      >
      let size: number
      try {
        size = statSync(file).size
      } catch {
        throw deps.usage(`cannot read ${file}`)
      }
      const input = createReadStream(file)
      const bar = new cliProgress.SingleBar(
        {
          stream: process.stderr,
          format:
            '{bar} {percentage}% | {value}/{total} bytes | {rows} rows, {created} created, {present} present, {bad} bad | ETA {eta_formatted}',
          hideCursor: true,
        },
        cliProgress.Presets.shades_classic,
      )
      bar.start(size, 0, { rows: 0, created: 0, present: 0, bad: 0 })
      const done = await deps
        .run(async (imports, admin) =>
          imports.importAccounts(
            {
              format: o.format as AccountImportFormat,
              mapping,
              hashFormat: o.hashFormat,
              hashParams: hashParamsOf(params),
              sourceName: basename(file),
              input,
              onProgress: (n) =>
                bar.update(input.bytesRead, {
                  rows: n.rowsRead,
                  created: n.rowsCreated,
                  present: n.rowsPresent,
                  bad: n.rowsBad,
                }),
            },
            await administrator(admin, o.as),
            deps.ctx,
          ),
        )
        .finally(() => {
          bar.update(input.bytesRead)
          bar.stop()
        })
      console.log(summary(done))
      for (const p of done.problems) console.log(`  line ${p.line}: ${p.reason}`)
    } catch (e) {
      deps.fail(e)
    }
  })
}

/**
 * `gatehouse accounts import FILE …` (with a progress bar) and `gatehouse accounts imports [ID]`
 * (the imports, or one as JSON as the API shows it).
 */
export const registerAccountImportCommands = (accounts: Command, deps: AccountImportCliDeps): void => {
  importSubcommand(accounts, deps)
  accounts
    .command('imports')
    .description('account imports, newest first; with an id, that import as JSON')
    .argument('[id]')
    .action(async (id: string | undefined) => {
      try {
        if (id !== undefined) {
          const r = await deps.run((imports) => imports.get(id))
          console.log(JSON.stringify(accountImportView(r), null, 2))
          return
        }
        const [list, left] = await deps.run(async (imports) =>
          Promise.all([imports.list(50), imports.importedHashesLeft()]),
        )
        for (const r of list)
          console.log(`${new Date(r.startedAt).toISOString()}  ${r.sourceName}  ${summary(r)}`)
        const byScheme = Object.entries(left).filter(([, n]) => n > 0)
        const total = byScheme.reduce((sum, [, n]) => sum + n, 0)
        console.log(
          `accounts still holding an imported password hash: ${total}` +
            (byScheme.length > 0 ? ` (${byScheme.map(([s, n]) => `${s} ${n}`).join(', ')})` : ''),
        )
      } catch (e) {
        deps.fail(e)
      }
    })
}
