/* Incidents, the leak files imported into them and the accounts those expose. */

import type { Generated } from 'kysely'

export interface IncidentsTable {
  id: string
  title: string
  summary: string
  /** low, medium, high, critical */
  severity: string
  /** open, closed */
  status: string
  risks: string
  mitigations: string
  created_by: string
  created_at: number
  updated_at: number
  closed_at: number | null
}

export interface IncidentImportsTable {
  id: string
  incident_id: string
  /** The uploaded file's name or the CLI's path. */
  source_name: string
  /** csv, jsonl */
  format: string
  /** JSON: which column or key holds username, email, phone, location. */
  mapping: string
  /** running, done, failed */
  status: string
  rows_read: number
  rows_matched: number
  rows_unparseable: number
  accounts_matched: number
  error: string | null
  /** JSON: the first unparseable rows as {line, reason}. */
  problems: string
  created_by: string
  started_at: number
  finished_at: number | null
  /** When the instance running it last wrote that it is alive (running imports). */
  heartbeat_at: number | null
}

export interface IncidentExposuresTable {
  incident_id: string
  account_id: string
  /** Sorted, comma-separated: username, email, phone, location. */
  fields: string
  rows: number
  first_import_id: string
  first_seen_at: number
  last_import_id: string
  /** 1 when the last write found the row written by the same import already (migration 0033). */
  repeated: Generated<number>
}
