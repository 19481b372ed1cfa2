import { describe, expect, it } from 'vitest'
import { buildIncidentReport, type ReportInput, renderIncidentReportMarkdown } from './incident-report.js'

const T0 = Date.UTC(2026, 10, 23, 9)

const input = (over: Partial<ReportInput> = {}): ReportInput => ({
  incident: {
    id: 'inc_1',
    title: 'Scraped set | <script>alert(1)</script>',
    summary: 'A data set of usernames and emails circulated.',
    severity: 'high',
    status: 'open',
    risks: '- Phishing with reset look-alikes\n- Credential stuffing\n\n',
    mitigations: '1. Reset caps per account',
    createdAt: T0,
    closedAt: null,
  },
  facts: {
    accountsExposed: 10,
    fieldsExposed: { email: 10, username: 4, phone: 0, location: 0 },
    sessionsRevoked: 7,
    resetsForced: 10,
    messagesSent: 9,
    messagesQueued: 1,
    exposedWithoutSecondFactor: 3,
  },
  imports: [
    {
      id: 'imp_1',
      sourceName: 'leak.csv',
      status: 'done',
      rowsRead: 100,
      rowsMatched: 10,
      rowsUnparseable: 2,
      accountsMatched: 10,
      startedAt: T0,
      finishedAt: T0 + 1000,
    },
  ],
  campaigns: [
    {
      id: 'cmp_1',
      action: 'force_password_reset',
      status: 'completed',
      total: 10,
      done: 10,
      failed: 0,
      createdAt: T0 + 2000,
      finishedAt: T0 + 3000,
    },
    {
      id: 'cmp_2',
      action: 'notify',
      status: 'running',
      total: 10,
      done: 9,
      failed: 0,
      createdAt: T0 + 4000,
      finishedAt: null,
    },
  ],
  actions: [
    {
      seq: 3,
      at: T0 + 2000,
      actor: 'account:a1',
      action: 'campaign.create',
      target: 'campaign:cmp_1',
      hash: 'ab',
    },
  ],
  mitigationsInPlace: ['At most 3 recovery messages per account per hour'],
  audit: { ok: true, entries: 12, head: 'f'.repeat(64) },
  generatedAt: T0 + 5000,
  ...over,
})

describe('incident report', () => {
  it('derives open items from the state: unfinished campaigns, unparseable rows, accounts without a factor, an open incident', () => {
    const r = buildIncidentReport(input())
    expect(r.open_items).toEqual([
      'Campaign cmp_2 (notify) is running: 9 of 10 accounts handled',
      '3 exposed accounts have no second factor and none was required',
      'Import imp_1 (leak.csv) had 2 rows that could not be parsed',
      'The incident is still open',
    ])
    expect(r.risks).toEqual(['Phishing with reset look-alikes', 'Credential stuffing'])
    expect(r.mitigations_in_place).toEqual([
      'Reset caps per account',
      'At most 3 recovery messages per account per hour',
    ])
  })

  it('names missing resets and notices, and a broken audit chain', () => {
    const r = buildIncidentReport(
      input({ campaigns: [], audit: { ok: false, entries: 4, head: 'a'.repeat(64) } }),
    )
    expect(r.open_items).toContain('No forced password reset for the 10 exposed accounts')
    expect(r.open_items).toContain('The 10 exposed account holders have not been notified')
    expect(r.open_items).toContain('The audit chain does not verify: find out what changed it')
  })

  it('puts counts of one in the singular', () => {
    const base = input()
    const one = buildIncidentReport(
      input({
        facts: { ...base.facts, accountsExposed: 1, exposedWithoutSecondFactor: 1 },
        imports: [{ ...base.imports[0]!, rowsUnparseable: 1 }],
        campaigns: [{ ...base.campaigns[1]!, total: 1, done: 0, failed: 1 }],
        audit: { ok: true, entries: 1, head: 'f'.repeat(64) },
      }),
    )
    expect(one.open_items).toEqual([
      'Campaign cmp_2 (notify) is running: 0 of 1 account handled',
      'Campaign cmp_2 (notify) failed for 1 account',
      'No forced password reset for the 1 exposed account',
      '1 exposed account has no second factor and none was required',
      'Import imp_1 (leak.csv) had 1 row that could not be parsed',
      'The incident is still open',
    ])
    const notNotified = buildIncidentReport(
      input({ facts: { ...base.facts, accountsExposed: 1 }, campaigns: [] }),
    ).open_items
    expect(notNotified).toContain('The 1 exposed account holder has not been notified')
    expect(renderIncidentReportMarkdown(one)).toContain(': 1 entry, head')
    const two = buildIncidentReport(
      input({
        facts: { ...base.facts, accountsExposed: 2, exposedWithoutSecondFactor: 2 },
        campaigns: [],
      }),
    ).open_items
    expect(two).toContain('2 exposed accounts have no second factor and none was required')
    expect(two).toContain('The 2 exposed account holders have not been notified')
    expect(renderIncidentReportMarkdown(buildIncidentReport(input()))).toContain(': 12 entries, head')
  })

  it('renders Markdown in which the incident text cannot break out of its place', () => {
    const md = renderIncidentReportMarkdown(buildIncidentReport(input()))
    expect(md).toContain('# Incident report: Scraped set \\| \\<script\\>alert\\(1\\)\\</script\\>')
    expect(md).not.toContain('<script>')
    expect(md).toContain('| Accounts exposed | 10 |')
    expect(md).toContain('| Fields exposed | email (10), username (4) |')
    expect(md).toContain('| Messages sent | 9 (1 still queued) |')
    expect(md).toMatch(
      /\| 2026-11-23T09:00:02.000Z \| account:a1 \| campaign.create \| campaign:cmp_1 \| #3 \|/,
    )
    expect(md).toContain(`head \`${'f'.repeat(64)}\``)
    for (const heading of [
      'Fast facts',
      'What happened',
      'Risks',
      'Actions taken',
      'Mitigations in place',
      'Open items',
    ]) {
      expect(md).toContain(`## ${heading}`)
    }
  })
})
