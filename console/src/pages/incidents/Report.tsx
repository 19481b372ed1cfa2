import { useState } from 'react'
import { api, download, type IncidentReport, type Query } from '../../api'
import { Figure, ProblemMessage, Time, useAction, useLoad } from '../../ui'

type Format = NonNullable<Query<'/v1/admin/incidents/{id}/report'>['format']>

/** The report as text, in either format, for a download or the Markdown shown in the page. */
const reportText = async (id: string, format: Format): Promise<string> =>
  (
    await api.GET('/v1/admin/incidents/{id}/report', {
      params: { path: { id }, query: { format } },
      parseAs: 'text',
    })
  ).data as string

/** The report as JSON (the route declares no answer schema: it answers Markdown or JSON by `format`). */
const reportJson = async (id: string, signal: AbortSignal): Promise<IncidentReport> =>
  (
    await api.GET('/v1/admin/incidents/{id}/report', {
      params: { path: { id }, query: { format: 'json' } },
      signal,
    })
  ).data as unknown as IncidentReport

const fieldsText = (f: IncidentReport['fast_facts']) =>
  Object.entries(f.fields_exposed)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} (${n})`)
    .join(', ') || 'none'

/** The report's fast facts, open items and audit chain head. */
const ReportFacts = ({ report }: { report: IncidentReport }) => {
  const f = report.fast_facts
  return (
    <>
      <h3>Fast facts</h3>
      <dl className="figures" data-testid="fast-facts">
        <Figure label="Accounts exposed" value={f.accounts_exposed} />
        <Figure label="Password resets forced" value={f.resets_forced} />
        <Figure label="Sessions revoked" value={f.sessions_revoked} />
        <Figure label="Messages sent" value={f.messages_sent} />
        <Figure label="Messages queued" value={f.messages_queued} />
        <Figure
          label="Exposed without a second factor"
          value={f.exposed_without_second_factor}
          tone={f.exposed_without_second_factor > 0 ? 'warn' : undefined}
        />
      </dl>
      <p>
        Fields exposed: <span data-testid="fields-exposed">{fieldsText(f)}</span>
      </p>
      <h3>Open items</h3>
      {report.open_items.length === 0 ? (
        <p>None.</p>
      ) : (
        <ul data-testid="open-items">
          {report.open_items.map((o) => (
            <li key={o}>{o}</li>
          ))}
        </ul>
      )}
      <p data-testid="report-chain">
        Audit chain: {report.audit_chain.verified ? 'verified' : 'does NOT verify'},{' '}
        {report.audit_chain.entries} entries, head{' '}
        <span className="mono wrap">{report.audit_chain.head}</span>. Generated{' '}
        <Time iso={report.generated_at} />.
      </p>
    </>
  )
}

/** The report: its fast facts and open items on screen, the whole Markdown below; downloads as Markdown or JSON. */
export const Report = ({ id, title }: { id: string; title: string }) => {
  const r = useLoad((signal) => reportJson(id, signal), [id])
  const [markdown, setMarkdown] = useState<string | null>(null)
  const act = useAction()
  const slug =
    title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 40) || id
  const fetchReport = (format: Format) => act.run(() => reportText(id, format))
  const save = async (format: Format) => {
    const text = await fetchReport(format)
    if (text !== undefined)
      download(
        `incident-${slug}.${format === 'json' ? 'json' : 'md'}`,
        text,
        format === 'json' ? 'application/json' : 'text/markdown',
      )
  }
  const showMarkdown = async () => {
    const text = await fetchReport('markdown')
    if (text !== undefined) setMarkdown(text)
  }
  return (
    <>
      <h2>Report</h2>
      <p className="muted">Every view and download of the report is recorded in the audit log.</p>
      <div className="actions">
        <button type="button" onClick={() => save('markdown')} disabled={act.busy}>
          Download Markdown
        </button>
        <button type="button" onClick={() => save('json')} disabled={act.busy}>
          Download JSON
        </button>
        <button
          type="button"
          onClick={() => {
            setMarkdown(null)
            r.reload()
          }}
        >
          Refresh
        </button>
      </div>
      <ProblemMessage error={r.error ?? act.error} feature="The incident report" />
      {r.data?.fast_facts ? (
        <>
          <ReportFacts report={r.data} />
          <h3>The whole report</h3>
          {markdown === null ? (
            <button type="button" onClick={showMarkdown} disabled={act.busy}>
              Show the Markdown
            </button>
          ) : (
            <pre className="report" data-testid="report-markdown">
              {markdown}
            </pre>
          )}
        </>
      ) : null}
    </>
  )
}
