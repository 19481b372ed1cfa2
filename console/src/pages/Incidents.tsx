import { type FormEvent, useState } from 'react'
import { Link, navigate } from '../App'
import { api, data, type Incident, type IncidentSeverity, missingApi, Problem } from '../api'
import { Badge, PageTitle, ProblemMessage, Time, useAction, useLoad } from '../ui'
import { Campaigns } from './incidents/Campaigns'
import { SEVERITIES, sevTone } from './incidents/common'
import { IncidentFacts } from './incidents/Facts'
import { LeakImport } from './incidents/LeakImport'
import { Report } from './incidents/Report'
import { Timeline } from './incidents/Timeline'

/** The incidents as a table: title (a link), severity, status, when opened. */
const IncidentTable = ({ rows, caption }: { rows: Omit<Incident, 'imports'>[]; caption: string }) => (
  <div className="table-wrap">
    <table className="compact">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Title</th>
          <th scope="col">Severity</th>
          <th scope="col">Status</th>
          <th scope="col">Opened</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((i) => (
          <tr key={i.id}>
            <th scope="row">
              <Link to={`/incidents/${i.id}`}>{i.title}</Link>
            </th>
            <td>
              <Badge tone={sevTone(i.severity)}>{i.severity}</Badge>
            </td>
            <td>{i.status}</td>
            <td>
              <Time iso={i.created_at} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  </div>
)

/** The form that opens an incident, and goes to it. */
const NewIncident = () => {
  const create = useAction()
  const [title, setTitle] = useState('')
  const [severity, setSeverity] = useState<IncidentSeverity>('high')
  const [summary, setSummary] = useState('')
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const r = await create.run(() =>
      data(api.POST('/v1/admin/incidents', { body: { title, severity, summary } })),
    )
    if (r) navigate(`/incidents/${r.id}`)
  }
  return (
    <form className="panel" onSubmit={submit} aria-labelledby="new-incident-h">
      <h2 id="new-incident-h">Open an incident</h2>
      <label htmlFor="inc-title">Title</label>
      <input
        id="inc-title"
        required
        maxLength={200}
        value={title}
        onChange={(e) => setTitle(e.target.value)}
      />
      <label htmlFor="inc-sev">Severity</label>
      <select id="inc-sev" value={severity} onChange={(e) => setSeverity(e.target.value as IncidentSeverity)}>
        {SEVERITIES.map((s) => (
          <option key={s}>{s}</option>
        ))}
      </select>
      <label htmlFor="inc-summary">Summary</label>
      <textarea id="inc-summary" rows={3} value={summary} onChange={(e) => setSummary(e.target.value)} />
      <div aria-live="assertive">
        <ProblemMessage error={create.error} />
      </div>
      <button type="submit" className="primary" disabled={create.busy}>
        Open incident
      </button>
    </form>
  )
}

/** Incidents, newest first, and a form to open one. */
export const IncidentsPage = () => {
  const list = useLoad((signal) => data(api.GET('/v1/admin/incidents', { signal })), [])
  const rows = list.data?.incidents ?? []
  return (
    <>
      <PageTitle>Incidents</PageTitle>
      <ProblemMessage error={list.error} feature="The incidents API" />
      {list.error instanceof Problem && missingApi(list.error) ? null : (
        <>
          <IncidentTable
            rows={rows}
            caption={list.loading && !list.data ? 'Loading…' : `${rows.length} incidents`}
          />
          <NewIncident />
        </>
      )}
    </>
  )
}

const TABS = ['Timeline', 'Leak import', 'Campaigns', 'Report'] as const
type Tab = (typeof TABS)[number]

/** The tab buttons: arrow keys move between them. */
const Tabs = ({ tab, setTab }: { tab: Tab; setTab: (t: Tab) => void }) => (
  <div className="tabs" role="tablist" aria-label="Incident work">
    {TABS.map((t) => (
      <button
        key={t}
        type="button"
        role="tab"
        id={`tab-${t}`}
        aria-selected={tab === t}
        aria-controls={`panel-${t}`}
        tabIndex={tab === t ? 0 : -1}
        onClick={() => setTab(t)}
        onKeyDown={(e) => {
          const k = TABS.indexOf(t)
          const next =
            e.key === 'ArrowRight'
              ? TABS[(k + 1) % TABS.length]
              : e.key === 'ArrowLeft'
                ? TABS.at(k - 1)
                : null
          if (next) {
            setTab(next)
            document.getElementById(`tab-${next}`)?.focus()
          }
        }}
      >
        {t}
      </button>
    ))}
  </div>
)

/** One incident: its facts (editable), close; tabs for the timeline, imports, campaigns and the report. */
export const IncidentPage = ({ id }: { id: string }) => {
  const inc = useLoad(
    (signal) => data(api.GET('/v1/admin/incidents/{id}', { params: { path: { id } }, signal })),
    [id],
  )
  const [tab, setTab] = useState<Tab>('Timeline')
  const i = inc.data
  return (
    <>
      <PageTitle actions={<Link to="/incidents">All incidents</Link>}>{i ? i.title : 'Incident'}</PageTitle>
      <ProblemMessage error={inc.error} feature="The incidents API" />
      {i ? (
        <>
          <IncidentFacts incident={i} reload={inc.reload} />
          <Tabs tab={tab} setTab={setTab} />
          <section className="panel" role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
            {tab === 'Timeline' ? <Timeline id={id} /> : null}
            {tab === 'Leak import' ? (
              <LeakImport id={id} imports={i.imports ?? []} onDone={inc.reload} />
            ) : null}
            {tab === 'Campaigns' ? <Campaigns incidentId={id} /> : null}
            {tab === 'Report' ? <Report id={id} title={i.title} /> : null}
          </section>
        </>
      ) : null}
    </>
  )
}
