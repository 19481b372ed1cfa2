import type { Generated } from 'kysely'

/* The security events every module records. */

export interface SecurityEventsTable {
  id: Generated<number>
  type: string
  account_id: string | null
  ip: string | null
  subnet: string | null
  user_agent: string | null
  client_version: string | null
  request_id: string | null
  details: string
  created_at: number
}
