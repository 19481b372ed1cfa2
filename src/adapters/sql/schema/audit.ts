/* The hash-chained audit log and its index of references. */

export interface AuditLogTable {
  /** 1, 2, 3 … with no gaps: a missing number is a removed entry. */
  seq: number
  at: number
  actor: string
  actor_ip: string | null
  request_id: string | null
  action: string
  target: string | null
  details: string
  previous_hash: string
  hash: string
}

/** Which audit entries concern what (`incident:<id>` …): targets, and `<kind>_id` members of details. */
export interface AuditRefsTable {
  ref: string
  seq: number
}
