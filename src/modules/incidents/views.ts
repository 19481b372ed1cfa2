import { z } from 'zod'
import { iso } from '../../kernel/clock.js'
import { ActorRef, type Names } from '../admin/names.js'
import {
  EXPOSED_FIELDS,
  type ExposureRecord,
  IMPORT_FORMATS,
  type ImportRecord,
  type IncidentRecord,
  SEVERITIES,
} from './ports.js'

/*
 * How incidents, imports and exposures look outside Gatehouse: the admin API answers with these,
 * and `gatehouse incident show` prints the same. Times are ISO 8601 in UTC.
 */

export const IncidentView = z.object({
  id: z.string(),
  title: z.string(),
  summary: z.string(),
  severity: z.enum(SEVERITIES),
  status: z.enum(['open', 'closed']),
  risks: z.string(),
  mitigations: z.string(),
  created_by: z.string(),
  created_by_actor: ActorRef.optional().describe('Who opened it, by name; left out without accounts:read'),
  created_at: z.string(),
  updated_at: z.string(),
  closed_at: z.string().nullable(),
})

/** `names`: the actors' names, for callers allowed to read them (the API); the CLI prints ids. */
export const incidentView = (i: IncidentRecord, names?: Names): z.infer<typeof IncidentView> => ({
  id: i.id,
  title: i.title,
  summary: i.summary,
  severity: i.severity,
  status: i.status,
  risks: i.risks,
  mitigations: i.mitigations,
  created_by: i.createdBy,
  created_by_actor: names?.actor(i.createdBy) ?? undefined,
  created_at: iso(i.createdAt),
  updated_at: iso(i.updatedAt),
  closed_at: i.closedAt === null ? null : iso(i.closedAt),
})

export const ImportView = z.object({
  id: z.string(),
  incident_id: z.string(),
  source_name: z.string(),
  format: z.enum(IMPORT_FORMATS),
  mapping: z.record(z.string(), z.string()).describe('Field → column (CSV header) or key (JSONL)'),
  status: z.enum(['running', 'done', 'failed']),
  rows_read: z.number(),
  rows_matched: z.number().describe('Rows whose username, email or phone named an account'),
  rows_unparseable: z.number(),
  accounts_matched: z.number().describe('Distinct accounts this import matched; known once it is done'),
  problems: z
    .array(z.object({ line: z.number(), reason: z.string() }))
    .describe('The first unparseable rows by line number (their content is never kept)'),
  error: z.string().nullable(),
  created_by: z.string(),
  created_by_actor: ActorRef.optional().describe('Who started it, by name; left out without accounts:read'),
  started_at: z.string(),
  finished_at: z.string().nullable(),
})

export const importView = (i: ImportRecord, names?: Names): z.infer<typeof ImportView> => ({
  id: i.id,
  incident_id: i.incidentId,
  source_name: i.sourceName,
  format: i.format,
  mapping: Object.fromEntries(Object.entries(i.mapping).filter((e): e is [string, string] => !!e[1])),
  status: i.status,
  rows_read: i.rowsRead,
  rows_matched: i.rowsMatched,
  rows_unparseable: i.rowsUnparseable,
  accounts_matched: i.accountsMatched,
  problems: i.problems,
  error: i.error,
  created_by: i.createdBy,
  created_by_actor: names?.actor(i.createdBy) ?? undefined,
  started_at: iso(i.startedAt),
  finished_at: i.finishedAt === null ? null : iso(i.finishedAt),
})

export const ExposureView = z.object({
  account_id: z.string(),
  username: z.string(),
  fields: z.array(z.enum(EXPOSED_FIELDS)),
  rows: z.number().describe('Rows of the leaks that named this account'),
  first_import_id: z.string(),
  first_seen_at: z.string(),
})

export const exposureView = (e: ExposureRecord): z.infer<typeof ExposureView> => ({
  account_id: e.accountId,
  username: e.username,
  fields: e.fields,
  rows: e.rows,
  first_import_id: e.firstImportId,
  first_seen_at: iso(e.firstSeenAt),
})
