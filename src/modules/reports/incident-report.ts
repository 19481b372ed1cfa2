/**
 * The incident report: a security brief assembled from what Gatehouse recorded — the incident,
 * the exposures its imports found, the campaigns run for it and the audit chain's entries about it.
 * Nothing in it is typed in after the fact except the incident's own text.
 */

import { iso } from '../../kernel/clock.js'
import { agree, count } from '../../kernel/plural.js'

export interface ReportIncident {
  id: string
  title: string
  summary: string
  severity: string
  status: string
  risks: string
  mitigations: string
  createdAt: number
  closedAt: number | null
}

export interface ReportImport {
  id: string
  sourceName: string
  status: string
  rowsRead: number
  rowsMatched: number
  rowsUnparseable: number
  accountsMatched: number
  startedAt: number
  finishedAt: number | null
}

export interface ReportCampaign {
  id: string
  action: string
  status: string
  total: number
  done: number
  failed: number
  createdAt: number
  finishedAt: number | null
}

export interface ReportAction {
  seq: number
  at: number
  actor: string
  action: string
  target: string | null
  hash: string
}

export interface ReportFacts {
  accountsExposed: number
  /** Exposed accounts per field (username, email, phone, location). */
  fieldsExposed: Record<string, number>
  sessionsRevoked: number
  resetsForced: number
  messagesSent: number
  messagesQueued: number
  /** Exposed accounts that still have no second factor. */
  exposedWithoutSecondFactor: number
}

export interface ReportInput {
  incident: ReportIncident
  facts: ReportFacts
  imports: ReportImport[]
  campaigns: ReportCampaign[]
  actions: ReportAction[]
  /** Protections that were on while the report was made (from the running configuration). */
  mitigationsInPlace: string[]
  audit: { ok: boolean; entries: number; head: string }
  generatedAt: number
}

export interface IncidentReport {
  incident: {
    id: string
    title: string
    severity: string
    status: string
    opened_at: string
    closed_at: string | null
  }
  fast_facts: {
    accounts_exposed: number
    fields_exposed: Record<string, number>
    sessions_revoked: number
    resets_forced: number
    messages_sent: number
    messages_queued: number
    exposed_without_second_factor: number
  }
  what_happened: string
  risks: string[]
  imports: Array<{
    id: string
    source: string
    status: string
    rows_read: number
    rows_matched: number
    rows_unparseable: number
    accounts_matched: number
    finished_at: string | null
  }>
  campaigns: Array<{
    id: string
    action: string
    status: string
    total: number
    done: number
    failed: number
    started_at: string
    finished_at: string | null
  }>
  actions_taken: Array<{ seq: number; time: string; actor: string; action: string; target: string | null }>
  mitigations_in_place: string[]
  open_items: string[]
  audit_chain: { verified: boolean; entries: number; head: string }
  generated_at: string
}

const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms))

/** Splits free text into items: one per non-empty line, list markers dropped. */
const lines = (text: string): string[] =>
  text
    .split(/\r?\n/)
    .map((l) => l.replace(/^\s*(?:[-*•]|\d+[.)])\s+/, '').trim())
    .filter((l) => l.length > 0)

/** What is still to do, derived from the state rather than typed in. */
const openItems = (input: ReportInput): string[] => {
  const items: string[] = []
  const { facts, campaigns, incident } = input
  for (const c of campaigns) {
    if (c.status !== 'completed' && c.status !== 'cancelled') {
      items.push(
        `Campaign ${c.id} (${c.action}) is ${c.status}: ${c.done} of ${count(c.total, 'account')} handled`,
      )
    }
    if (c.failed > 0) items.push(`Campaign ${c.id} (${c.action}) failed for ${count(c.failed, 'account')}`)
  }
  const ran = (action: string) => campaigns.some((c) => c.action === action && c.status !== 'cancelled')
  if (facts.accountsExposed > 0 && !ran('force_password_reset')) {
    items.push(`No forced password reset for the ${count(facts.accountsExposed, 'exposed account')}`)
  }
  if (facts.accountsExposed > 0 && !ran('notify')) {
    items.push(
      `The ${count(facts.accountsExposed, 'exposed account holder')} ${agree(facts.accountsExposed, 'has', 'have')} not been notified`,
    )
  }
  if (facts.exposedWithoutSecondFactor > 0) {
    items.push(
      `${count(facts.exposedWithoutSecondFactor, 'exposed account')} ${agree(facts.exposedWithoutSecondFactor, 'has', 'have')} no second factor${ran('require_mfa_enrollment') ? '' : ' and none was required'}`,
    )
  }
  for (const i of input.imports) {
    if (i.status !== 'done') items.push(`Import ${i.id} (${i.sourceName}) is ${i.status}`)
    else if (i.rowsUnparseable > 0) {
      items.push(
        `Import ${i.id} (${i.sourceName}) had ${count(i.rowsUnparseable, 'row')} that could not be parsed`,
      )
    }
  }
  if (!input.audit.ok) items.push('The audit chain does not verify: find out what changed it')
  if (incident.status !== 'closed') items.push('The incident is still open')
  return items
}

export const buildIncidentReport = (input: ReportInput): IncidentReport => {
  const { incident, facts } = input
  return {
    incident: {
      id: incident.id,
      title: incident.title,
      severity: incident.severity,
      status: incident.status,
      opened_at: iso(incident.createdAt),
      closed_at: isoOrNull(incident.closedAt),
    },
    fast_facts: {
      accounts_exposed: facts.accountsExposed,
      fields_exposed: facts.fieldsExposed,
      sessions_revoked: facts.sessionsRevoked,
      resets_forced: facts.resetsForced,
      messages_sent: facts.messagesSent,
      messages_queued: facts.messagesQueued,
      exposed_without_second_factor: facts.exposedWithoutSecondFactor,
    },
    what_happened: incident.summary,
    risks: lines(incident.risks),
    imports: input.imports.map((i) => ({
      id: i.id,
      source: i.sourceName,
      status: i.status,
      rows_read: i.rowsRead,
      rows_matched: i.rowsMatched,
      rows_unparseable: i.rowsUnparseable,
      accounts_matched: i.accountsMatched,
      finished_at: isoOrNull(i.finishedAt),
    })),
    campaigns: input.campaigns.map((c) => ({
      id: c.id,
      action: c.action,
      status: c.status,
      total: c.total,
      done: c.done,
      failed: c.failed,
      started_at: iso(c.createdAt),
      finished_at: isoOrNull(c.finishedAt),
    })),
    actions_taken: input.actions.map((a) => ({
      seq: a.seq,
      time: iso(a.at),
      actor: a.actor,
      action: a.action,
      target: a.target,
    })),
    mitigations_in_place: [...lines(incident.mitigations), ...input.mitigationsInPlace],
    open_items: openItems(input),
    audit_chain: { verified: input.audit.ok, entries: input.audit.entries, head: input.audit.head },
    generated_at: iso(input.generatedAt),
  }
}

/** Markdown cells hold one line, and a pipe or backslash would break the table. */
const cell = (v: string | number | null): string =>
  v === null ? '—' : String(v).replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')

/** Free text goes out as plain text: Markdown and HTML in it are escaped, not rendered. */
const text = (v: string): string => v.replace(/([\\`*_{}[\]()#+!<>|~])/g, '\\$1')

const bullets = (items: string[], none: string): string =>
  items.length === 0 ? `_${none}_\n` : `${items.map((i) => `- ${text(i)}`).join('\n')}\n`

export const renderIncidentReportMarkdown = (r: IncidentReport): string => {
  const f = r.fast_facts
  const fields = Object.entries(f.fields_exposed)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} (${n})`)
    .join(', ')
  const out: string[] = []
  out.push(`# Incident report: ${text(r.incident.title)}\n`)
  out.push(
    `Incident \`${r.incident.id}\` · severity **${cell(r.incident.severity)}** · ${r.incident.status} · opened ${r.incident.opened_at}${r.incident.closed_at ? ` · closed ${r.incident.closed_at}` : ''}\n`,
  )
  out.push('## Fast facts\n')
  out.push('| | |\n|---|---|')
  out.push(`| Accounts exposed | ${f.accounts_exposed} |`)
  out.push(`| Fields exposed | ${cell(fields || 'none')} |`)
  out.push(`| Sessions revoked | ${f.sessions_revoked} |`)
  out.push(`| Password resets forced | ${f.resets_forced} |`)
  out.push(`| Messages sent | ${f.messages_sent} (${f.messages_queued} still queued) |`)
  out.push(`| Exposed accounts without a second factor | ${f.exposed_without_second_factor} |\n`)
  out.push('## What happened\n')
  out.push(`${r.what_happened.trim() ? text(r.what_happened.trim()) : '_No summary recorded._'}\n`)
  out.push('## Risks\n')
  out.push(bullets(r.risks, 'No risks recorded.'))
  if (r.imports.length > 0) {
    out.push('## Leaked data imported\n')
    out.push(
      '| Import | Source | Status | Rows read | Rows matched | Unparseable | Accounts |\n|---|---|---|---|---|---|---|',
    )
    for (const i of r.imports) {
      out.push(
        `| ${cell(i.id)} | ${cell(i.source)} | ${cell(i.status)} | ${i.rows_read} | ${i.rows_matched} | ${i.rows_unparseable} | ${i.accounts_matched} |`,
      )
    }
    out.push('')
  }
  out.push('## Actions taken\n')
  if (r.campaigns.length > 0) {
    out.push(
      '| Campaign | Action | Status | Done | Failed | Total | Started | Finished |\n|---|---|---|---|---|---|---|---|',
    )
    for (const c of r.campaigns) {
      out.push(
        `| ${cell(c.id)} | ${cell(c.action)} | ${cell(c.status)} | ${c.done} | ${c.failed} | ${c.total} | ${c.started_at} | ${cell(c.finished_at)} |`,
      )
    }
    out.push('')
  }
  if (r.actions_taken.length === 0) out.push('_No administrative action recorded for this incident._\n')
  else {
    out.push('| Time | Who | Action | Target | Audit entry |\n|---|---|---|---|---|')
    for (const a of r.actions_taken) {
      out.push(`| ${a.time} | ${cell(a.actor)} | ${cell(a.action)} | ${cell(a.target)} | #${a.seq} |`)
    }
    out.push('')
  }
  out.push('## Mitigations in place\n')
  out.push(bullets(r.mitigations_in_place, 'None recorded.'))
  out.push('## Open items\n')
  out.push(bullets(r.open_items, 'None.'))
  out.push('## Audit chain\n')
  out.push(
    `${r.audit_chain.verified ? 'Verified' : '**Does not verify**'}: ${count(r.audit_chain.entries, 'entry', 'entries')}, head \`${r.audit_chain.head}\`. Keep this head elsewhere; \`gatehouse audit verify --expected-head <hash>\` proves later that nothing before it changed.\n`,
  )
  out.push(`_Generated ${r.generated_at} by Gatehouse._\n`)
  return out.join('\n')
}
