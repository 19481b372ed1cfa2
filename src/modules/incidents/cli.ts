import { createReadStream, statSync } from 'node:fs'
import { basename } from 'node:path'
import cliProgress from 'cli-progress'
import type { Command } from 'commander'
import { count } from '../../kernel/plural.js'
import { type NameDirectory, resolveNames } from '../admin/names.js'
import type { RequestContext } from '../events/ports.js'
import { phoneRegion } from './normalise.js'
import {
  type ColumnMapping,
  EXPOSED_FIELDS,
  type ExposedField,
  IMPORT_FORMATS,
  type ImportFormat,
  SEVERITIES,
  type Severity,
} from './ports.js'
import type { IncidentsService } from './service.js'
import { importView, incidentView } from './views.js'

export interface IncidentCliDeps {
  /**
   * Runs one action against the configured database with the incidents service (and the directory
   * that names accounts and API keys), then closes everything.
   */
  run: <T>(action: (incidents: IncidentsService, names: NameDirectory) => Promise<T>) => Promise<T>
  ctx: RequestContext
  /** Reports an error and exits. */
  fail: (e: unknown) => never
  /** A usage error: reported like a startup error. */
  usage: (message: string) => Error
}

/** `--map email=Email,username=login` → a mapping; throws a usage error for anything else. */
export const parseMapping = (raw: string, usage: (m: string) => Error): ColumnMapping => {
  const mapping: ColumnMapping = {}
  for (const part of raw.split(',')) {
    const eq = part.indexOf('=')
    const field = part.slice(0, eq).trim()
    const column = part.slice(eq + 1).trim()
    if (eq < 1 || column === '' || !(EXPOSED_FIELDS as readonly string[]).includes(field)) {
      throw usage(`--map takes FIELD=COLUMN pairs, FIELD one of ${EXPOSED_FIELDS.join(', ')}: "${part}"`)
    }
    mapping[field as ExposedField] = column
  }
  return mapping
}

/** `gatehouse incident create`: opens an incident and prints its id. */
const createSubcommand = (incident: Command, deps: IncidentCliDeps): void => {
  incident
    .command('create')
    .description('open an incident and print its id')
    .requiredOption('--title <title>', 'short title')
    .requiredOption('--summary <text>', 'what happened')
    .requiredOption('--severity <level>', SEVERITIES.join(', '))
    .option('--risks <text>', 'risks for the people affected')
    .option('--mitigations <text>', 'mitigations in place')
    .action(
      async (o: {
        title: string
        summary: string
        severity: string
        risks?: string
        mitigations?: string
      }) => {
        try {
          if (!(SEVERITIES as readonly string[]).includes(o.severity)) {
            throw deps.usage(`--severity must be one of ${SEVERITIES.join(', ')}`)
          }
          const created = await deps.run((s) =>
            s.create(
              {
                title: o.title,
                summary: o.summary,
                severity: o.severity as Severity,
                ...(o.risks !== undefined ? { risks: o.risks } : {}),
                ...(o.mitigations !== undefined ? { mitigations: o.mitigations } : {}),
              },
              'cli',
              deps.ctx,
            ),
          )
          console.log(`created incident ${created.id}`)
        } catch (e) {
          deps.fail(e)
        }
      },
    )
}

/** `gatehouse incident list`: one line per incident, newest first. */
const listSubcommand = (incident: Command, deps: IncidentCliDeps): void => {
  incident
    .command('list')
    .description('incidents, newest first')
    .option('--limit <n>', 'how many', '50')
    .action(async (o: { limit: string }) => {
      try {
        const limit = Number(o.limit)
        if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
          throw deps.usage('--limit must be 1 to 1000')
        const list = await deps.run((s) => s.list(limit))
        for (const i of list) {
          console.log(
            `${i.id}  ${i.status.padEnd(6)}  ${i.severity.padEnd(8)}  ${new Date(i.createdAt).toISOString()}  ${i.title}`,
          )
        }
      } catch (e) {
        deps.fail(e)
      }
    })
}

/** `gatehouse incident show`: one incident with its imports, as JSON. */
const showSubcommand = (incident: Command, deps: IncidentCliDeps): void => {
  incident
    .command('show')
    .description('one incident with its imports, as JSON (as GET /v1/admin/incidents/{id} answers)')
    .argument('<incident-id>')
    .action(async (id: string) => {
      try {
        // What GET /v1/admin/incidents/{id} answers to an administrator: the API's field names,
        // ISO 8601 times, the actors by name.
        const shown = await deps.run(async (s, directory) => {
          const i = await s.get(id)
          const imports = await s.imports(id)
          const names = await resolveNames(directory, {
            actors: [i.createdBy, ...imports.map((m) => m.createdBy)],
          })
          return { ...incidentView(i, names), imports: imports.map((m) => importView(m, names)) }
        })
        console.log(JSON.stringify(shown, null, 2))
      } catch (e) {
        deps.fail(e)
      }
    })
}

/** `gatehouse incident import`: streams a leaked data set into an incident, with a progress bar. */
const importSubcommand = (incident: Command, deps: IncidentCliDeps): void => {
  incident
    .command('import')
    .description('stream a leaked data set (CSV or JSONL) into the incident and match it to accounts')
    .argument('<incident-id>')
    .argument('<file>', 'path of the CSV or JSONL file')
    .requiredOption('--format <format>', IMPORT_FORMATS.join(' or '))
    .requiredOption('--map <pairs>', 'FIELD=COLUMN,… with FIELD among username, email, phone, location')
    .option('--phone-region <ISO2>', 'region of phone numbers written without a country code')
    .action(async (id: string, file: string, o: { format: string; map: string; phoneRegion?: string }) => {
      try {
        if (!(IMPORT_FORMATS as readonly string[]).includes(o.format)) {
          throw deps.usage(`--format must be ${IMPORT_FORMATS.join(' or ')}`)
        }
        const mapping = parseMapping(o.map, deps.usage)
        const region = o.phoneRegion === undefined ? undefined : phoneRegion(o.phoneRegion)
        if (region === null) throw deps.usage('--phone-region must be a two-letter region code such as GB')
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
              '{bar} {percentage}% | {value}/{total} bytes | {rows} rows, {matched} matched, {accounts} accounts | ETA {eta_formatted}',
            hideCursor: true,
          },
          cliProgress.Presets.shades_classic,
        )
        bar.start(size, 0, { rows: 0, matched: 0, accounts: 0 })
        const done = await deps
          .run((s) =>
            s.importLeak(
              {
                incidentId: id,
                format: o.format as ImportFormat,
                mapping,
                phoneRegion: region,
                sourceName: basename(file),
                input,
                onProgress: (c) =>
                  bar.update(input.bytesRead, {
                    rows: c.rowsRead,
                    matched: c.rowsMatched,
                    accounts: c.accountsMatched,
                  }),
              },
              'cli',
              deps.ctx,
            ),
          )
          .finally(() => {
            bar.update(input.bytesRead)
            bar.stop()
          })
        console.log(
          `import ${done.id}: ${done.rowsMatched} of ${count(done.rowsRead, 'row')} matched ${count(done.accountsMatched, 'account')}; ${done.rowsUnparseable} unparseable`,
        )
        for (const p of done.problems) console.log(`  line ${p.line}: ${p.reason}`)
      } catch (e) {
        deps.fail(e)
      }
    })
}

/**
 * The `gatehouse incident` command group: create, list, show, import. Returned so that other
 * modules add their subcommands to the same group (`gatehouse incident campaign …`).
 */
export const incidentCommand = (program: Command, deps: IncidentCliDeps): Command => {
  const incident = program.command('incident').description('incidents and leaked-data imports')
  createSubcommand(incident, deps)
  listSubcommand(incident, deps)
  showSubcommand(incident, deps)
  importSubcommand(incident, deps)
  return incident
}
