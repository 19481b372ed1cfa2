import { type FormEvent, useEffect, useRef, useState } from 'react'
import { Link, navigate } from '../App'
import { bearer, call, download, get, Problem, patch, post, qs } from '../api'
import {
  ActorName,
  type ActorRef,
  Badge,
  Confirm,
  Figure,
  JsonDetails,
  PageTitle,
  ProblemMessage,
  ProgressBar,
  Time,
  useAction,
  useLoad,
} from '../ui'

interface Incident {
  id: string
  title: string
  summary: string
  severity: string
  status: 'open' | 'closed'
  risks: string
  mitigations: string
  created_by: string
  created_by_actor: ActorRef
  created_at: string
  updated_at: string
  closed_at: string | null
  imports?: ImportView[]
}

interface ImportView {
  id: string
  source_name: string
  format: string
  status: 'running' | 'done' | 'failed'
  rows_read: number
  rows_matched: number
  rows_unparseable: number
  accounts_matched: number
  problems?: Array<{ line: number; reason: string }>
  error: string | null
  started_at: string
  finished_at: string | null
}

interface CampaignProgressView {
  total: number
  done: number
  failed: number
  skipped?: number
  pending?: number
  sessions_revoked?: number
  rate?: number
  eta_seconds?: number | null
}

export interface Campaign extends Partial<CampaignProgressView> {
  id: string
  incident_id?: string | null
  action: string
  status: string
  created_at?: string
  /** The counters (the API nests them; older answers had them at the top level). */
  progress?: CampaignProgressView
}

const progressOf = (c: Campaign): CampaignProgressView => ({
  total: 0,
  done: 0,
  failed: 0,
  ...c,
  ...(c.progress ?? {}),
})

const SEVERITIES = ['low', 'medium', 'high', 'critical']
const ACTIONS: Array<{ value: string; label: string }> = [
  { value: 'force_password_reset', label: 'Force a password reset' },
  { value: 'revoke_sessions', label: 'Revoke sessions' },
  { value: 'require_mfa_enrollment', label: 'Require a second factor' },
  { value: 'reset_lock', label: 'Turn on the reset lock' },
  { value: 'notify', label: 'Notify the holders' },
]
/** What a dry run counts, in words (docs/campaigns.md). */
const EFFECTS: Record<string, string> = {
  accounts_reset_required: 'Accounts that must reset their password',
  accounts_already_required: 'Accounts already required to reset',
  sessions_revoked: 'Live sessions that end',
  tokens_revoked: 'One-time links that stop working',
  accounts_with_sessions: 'Accounts with live sessions',
  accounts_without_factor: 'Accounts without a second factor',
  accounts_with_factor: 'Accounts that have a second factor',
  accounts_locked: 'Accounts whose reset lock turns on',
  accounts_already_locked: 'Accounts already locked',
  messages_queued: 'Messages to send',
  accounts_already_notified: 'Accounts already told',
  accounts_unreachable: 'Accounts with no verified address',
}
const sevTone = (s: string) => (s === 'critical' || s === 'high' ? 'bad' : s === 'medium' ? 'warn' : '')

/** Incidents, newest first, and a form to open one. */
export const IncidentsPage = () => {
  const list = useLoad((signal) => get<{ incidents: Incident[] }>('/v1/admin/incidents', signal), [])
  const create = useAction()
  const [title, setTitle] = useState('')
  const [severity, setSeverity] = useState('high')
  const [summary, setSummary] = useState('')
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const r = await create.run(() => post<Incident>('/v1/admin/incidents', { title, severity, summary }))
    if (r) navigate(`/incidents/${r.id}`)
  }
  const rows = list.data?.incidents ?? []
  return (
    <>
      <PageTitle>Incidents</PageTitle>
      <ProblemMessage error={list.error} feature="The incidents API" />
      {list.error instanceof Problem && list.error.missingApi ? null : (
        <>
          <div className="table-wrap">
            <table className="compact">
              <caption>{list.loading && !list.data ? 'Loading…' : `${rows.length} incidents`}</caption>
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
            <select id="inc-sev" value={severity} onChange={(e) => setSeverity(e.target.value)}>
              {SEVERITIES.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
            <label htmlFor="inc-summary">Summary</label>
            <textarea
              id="inc-summary"
              rows={3}
              value={summary}
              onChange={(e) => setSummary(e.target.value)}
            />
            <div aria-live="assertive">
              <ProblemMessage error={create.error} />
            </div>
            <button type="submit" className="primary" disabled={create.busy}>
              Open incident
            </button>
          </form>
        </>
      )}
    </>
  )
}

const TABS = ['Timeline', 'Leak import', 'Campaigns', 'Report'] as const
type Tab = (typeof TABS)[number]

/** One incident: its facts (editable), close; tabs for the timeline, imports, campaigns and the report. */
export const IncidentPage = ({ id }: { id: string }) => {
  const inc = useLoad(
    (signal) => get<Incident>(`/v1/admin/incidents/${encodeURIComponent(id)}`, signal),
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

const IncidentFacts = ({ incident: i, reload }: { incident: Incident; reload: () => void }) => {
  const [editing, setEditing] = useState(false)
  const [form, setForm] = useState({
    summary: i.summary,
    risks: i.risks,
    mitigations: i.mitigations,
    severity: i.severity,
  })
  const act = useAction()
  const [closing, setClosing] = useState(false)
  const save = async (e: FormEvent) => {
    e.preventDefault()
    if (await act.run(() => patch(`/v1/admin/incidents/${i.id}`, form))) {
      setEditing(false)
      reload()
    }
  }
  const close = async () => {
    const r = await act.run(() => post(`/v1/admin/incidents/${i.id}/close`))
    setClosing(false)
    if (r) reload()
  }
  return (
    <section className="panel" aria-label="Incident facts">
      <div aria-live="assertive">
        <ProblemMessage error={act.error} />
      </div>
      {editing ? (
        <form onSubmit={save}>
          <label htmlFor="f-sev">Severity</label>
          <select
            id="f-sev"
            value={form.severity}
            onChange={(e) => setForm({ ...form, severity: e.target.value })}
          >
            {SEVERITIES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
          {(['summary', 'risks', 'mitigations'] as const).map((f) => (
            <div key={f}>
              <label htmlFor={`f-${f}`}>{f[0]!.toUpperCase() + f.slice(1)}</label>
              <textarea
                id={`f-${f}`}
                rows={3}
                value={form[f]}
                onChange={(e) => setForm({ ...form, [f]: e.target.value })}
              />
            </div>
          ))}
          <div className="actions">
            <button type="submit" className="primary" disabled={act.busy}>
              Save
            </button>
            <button type="button" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <>
          <dl className="kv wide">
            <div>
              <dt>Severity</dt>
              <dd>
                <Badge tone={sevTone(i.severity)}>{i.severity}</Badge>
              </dd>
            </div>
            <div>
              <dt>Status</dt>
              <dd>
                {i.status}
                {i.closed_at ? (
                  <>
                    {' '}
                    (<Time iso={i.closed_at} />)
                  </>
                ) : null}
              </dd>
            </div>
            <div>
              <dt>Opened</dt>
              <dd>
                <Time iso={i.created_at} /> by <ActorName actor={i.created_by_actor} raw={i.created_by} />
              </dd>
            </div>
            <div>
              <dt>Summary</dt>
              <dd className="prose">{i.summary || '—'}</dd>
            </div>
            <div>
              <dt>Risks</dt>
              <dd className="prose">{i.risks || '—'}</dd>
            </div>
            <div>
              <dt>Mitigations</dt>
              <dd className="prose">{i.mitigations || '—'}</dd>
            </div>
          </dl>
          {i.status === 'open' ? (
            <div className="actions">
              <button type="button" onClick={() => setEditing(true)}>
                Edit
              </button>
              <button type="button" className="danger" onClick={() => setClosing(true)}>
                Close incident
              </button>
            </div>
          ) : null}
          {closing ? (
            <Confirm
              title="Close this incident?"
              confirmLabel="Close incident"
              busy={act.busy}
              onConfirm={close}
              onCancel={() => setClosing(false)}
            >
              <p>No more imports or campaigns can be started for it. The report stays available.</p>
            </Confirm>
          ) : null}
        </>
      )}
    </section>
  )
}

interface TimelineEntry {
  time: string
  source?: string
  kind: string
  actor?: string | null
  actor_info?: ActorRef | null
  details?: Record<string, unknown>
}

const Timeline = ({ id }: { id: string }) => {
  const t = useLoad(
    (signal) => get<{ entries: TimelineEntry[] }>(`/v1/admin/incidents/${id}/timeline`, signal),
    [id],
    10_000,
  )
  const entries = t.data?.entries ?? []
  return (
    <>
      <h2>Timeline</h2>
      <ProblemMessage error={t.error} feature="The incident timeline" />
      {t.data && entries.length === 0 ? <p>Nothing recorded yet.</p> : null}
      <ol className="timeline">
        {entries.map((e) => (
          <li key={`${e.time}|${e.source}|${e.kind}|${e.actor}|${JSON.stringify(e.details)}`}>
            <Time iso={e.time} /> <strong>{e.kind}</strong>
            {e.source ? <span className="muted"> ({e.source})</span> : null}
            {e.actor ? (
              <>
                {' '}
                by <ActorName actor={e.actor_info} raw={e.actor} />
              </>
            ) : null}
            <JsonDetails value={e.details} />
          </li>
        ))}
      </ol>
    </>
  )
}

/** Sends a file with XHR (fetch reports no upload progress); resolves with the answer. */
const upload = (
  url: string,
  file: File,
  type: string,
  onProgress: (sent: number, total: number) => void,
): Promise<ImportView> =>
  new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', url)
    const auth = bearer()
    if (auth) xhr.setRequestHeader('authorization', auth)
    xhr.setRequestHeader('content-type', type)
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size)
    xhr.onerror = () => reject(new Problem(0, 'The upload failed', 'The connection was lost.', undefined))
    xhr.onload = () => {
      let body: Record<string, unknown> = {}
      try {
        body = JSON.parse(xhr.responseText) as Record<string, unknown>
      } catch {
        // not JSON
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(file.size, file.size)
        resolve(body as unknown as ImportView)
      } else
        reject(
          new Problem(
            xhr.status,
            typeof body.title === 'string' ? body.title : `The server answered ${xhr.status}`,
            typeof body.detail === 'string' ? body.detail : undefined,
            typeof body.code === 'string' ? body.code : undefined,
          ),
        )
    }
    xhr.send(file)
  })

/** The columns (CSV header) or keys (first JSON line) of a chosen file: read from its first 64 KiB. */
const fileColumns = async (file: File, format: 'csv' | 'jsonl'): Promise<string[]> => {
  const head = await file.slice(0, 65_536).text()
  const first = (
    head
      .replace(/^\uFEFF/, '')
      .split(/\r?\n/)
      .find((l) => l.trim() !== '') ?? ''
  ).trim()
  if (format === 'jsonl') {
    try {
      const o = JSON.parse(first) as unknown
      return o && typeof o === 'object' && !Array.isArray(o) ? Object.keys(o) : []
    } catch {
      return []
    }
  }
  // A header row: comma-separated, fields possibly quoted ("" is a quote inside one).
  const out: string[] = []
  let cur = ''
  let quoted = false
  for (let k = 0; k < first.length; k++) {
    const ch = first[k]
    if (quoted) {
      if (ch === '"' && first[k + 1] === '"') {
        cur += '"'
        k++
      } else if (ch === '"') quoted = false
      else cur += ch
    } else if (ch === '"') quoted = true
    else if (ch === ',') {
      out.push(cur.trim())
      cur = ''
    } else cur += ch
  }
  out.push(cur.trim())
  return out.filter((c) => c !== '')
}

type Field = 'email' | 'username' | 'phone' | 'location'
const FIELDS: Field[] = ['email', 'username', 'phone', 'location']
/** Usual names of each field's column, to propose a mapping from a header. */
const GUESSES: Record<Field, RegExp> = {
  email: /^(e-?mail|email[ _]?address|mail)$/i,
  username: /^(user(name)?|login|handle|user[ _]?id)$/i,
  phone: /^(phone|tel|telephone|mobile|msisdn|phone[ _]?number)$/i,
  location: /^(location|city|country|address|region|town)$/i,
}
const guessMapping = (columns: string[]): Record<Field, string> => {
  const m = { email: '', username: '', phone: '', location: '' }
  for (const f of FIELDS) m[f] = columns.find((c) => GUESSES[f].test(c)) ?? ''
  return m
}

const LeakImport = ({ id, imports, onDone }: { id: string; imports: ImportView[]; onDone: () => void }) => {
  const fileInput = useRef<HTMLInputElement>(null)
  const [format, setFormat] = useState<'csv' | 'jsonl'>('csv')
  const [columns, setColumns] = useState<string[]>([])
  const [cols, setCols] = useState<Record<Field, string>>({
    email: '',
    username: '',
    phone: '',
    location: '',
  })
  const [sent, setSent] = useState<{ sent: number; total: number } | null>(null)
  const [current, setCurrent] = useState<ImportView | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)

  const chosen = async (file: File | undefined, f: 'csv' | 'jsonl') => {
    if (!file) return
    const found = await fileColumns(file, f)
    setColumns(found)
    setCols(guessMapping(found))
  }

  // While the file is sent, the server already counts its rows: the incident lists the running import.
  const started = useRef(0)
  useEffect(() => {
    if (!busy) return
    const t = setInterval(async () => {
      try {
        const inc = await get<Incident>(`/v1/admin/incidents/${id}`)
        const mine = (inc.imports ?? []).find(
          (m) => m.status === 'running' && Date.parse(m.started_at) >= started.current - 60_000,
        )
        if (mine) setCurrent((c) => (c && c.status !== 'running' ? c : mine))
      } catch {
        // the upload's own answer reports problems
      }
    }, 1000)
    return () => clearInterval(t)
  }, [busy, id])

  // An import that answered while still running (it should not, but a retry might): follow it.
  useEffect(() => {
    if (busy || current?.status !== 'running') return
    const t = setInterval(async () => {
      try {
        const r = await get<ImportView>(`/v1/admin/incidents/${id}/imports/${current.id}`)
        setCurrent(r)
        if (r.status !== 'running') onDone()
      } catch (e) {
        setError(e)
      }
    }, 1000)
    return () => clearInterval(t)
  }, [busy, current, id, onDone])

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const file = fileInput.current?.files?.[0]
    if (!file) return
    setError(null)
    if (!cols.email && !cols.username && !cols.phone) {
      setError(
        new Problem(
          400,
          'Nothing to match',
          'Name the column (or key) of at least one of email, username and phone.',
          undefined,
        ),
      )
      return
    }
    setBusy(true)
    setCurrent(null)
    started.current = Date.now()
    setSent({ sent: 0, total: file.size })
    try {
      const params = { format, ...cols, source_name: file.name.slice(0, 200) }
      const r = await upload(
        `/v1/admin/incidents/${id}/imports${qs(params)}`,
        file,
        format === 'csv' ? 'text/csv' : 'application/x-ndjson',
        (s, total) => setSent({ sent: s, total }),
      )
      setCurrent(r)
      if (r.status !== 'running') onDone()
    } catch (err) {
      setError(err)
      onDone()
    } finally {
      setBusy(false)
    }
  }

  const listId = 'leak-columns'
  return (
    <>
      <h2>Import a leaked data set</h2>
      <form onSubmit={submit} className="import-form">
        <label htmlFor="leak-file">File (CSV with a header row, or JSON lines)</label>
        <input
          id="leak-file"
          type="file"
          ref={fileInput}
          required
          accept=".csv,.jsonl,.ndjson,.txt,text/csv,application/x-ndjson"
          onChange={(e) => {
            const file = e.target.files?.[0]
            const name = file?.name ?? ''
            const f = /\.(jsonl|ndjson)$/i.test(name) ? 'jsonl' : /\.csv$/i.test(name) ? 'csv' : format
            setFormat(f)
            void chosen(file, f)
          }}
        />
        <label htmlFor="leak-format">Format</label>
        <select
          id="leak-format"
          value={format}
          onChange={(e) => {
            const f = e.target.value as 'csv' | 'jsonl'
            setFormat(f)
            void chosen(fileInput.current?.files?.[0], f)
          }}
        >
          <option value="csv">CSV</option>
          <option value="jsonl">JSON lines</option>
        </select>
        <fieldset>
          <legend>Which column (CSV header) or key (JSON) holds each field; leave empty if absent</legend>
          {columns.length > 0 ? (
            <p className="muted" data-testid="leak-columns">
              The file's {format === 'csv' ? 'columns' : 'keys'}: {columns.join(', ')}
            </p>
          ) : null}
          <datalist id={listId}>
            {columns.map((c) => (
              <option key={c} value={c} />
            ))}
          </datalist>
          <div className="grid4">
            {FIELDS.map((f) => (
              <div key={f}>
                <label htmlFor={`col-${f}`}>{f}</label>
                <input
                  id={`col-${f}`}
                  list={listId}
                  value={cols[f]}
                  onChange={(e) => setCols({ ...cols, [f]: e.target.value })}
                />
              </div>
            ))}
          </div>
        </fieldset>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Importing…' : 'Import'}
        </button>
      </form>
      <div aria-live="polite">
        {sent && (busy || current) ? (
          <ProgressBar label="File sent (bytes)" done={sent.sent} total={sent.total} />
        ) : null}
        {current ? (
          <div data-testid="current-import">
            <ImportSummary imp={current} />
          </div>
        ) : null}
        <ProblemMessage error={error} feature="Leak import" />
      </div>
      {imports.some((m) => m.id !== current?.id) ? (
        <>
          <h3>{current ? 'Earlier imports' : 'Imports of this incident'}</h3>
          <ul className="imports">
            {imports
              .filter((m) => m.id !== current?.id)
              .map((m) => (
                <li key={m.id}>
                  <ImportSummary imp={m} />
                </li>
              ))}
          </ul>
        </>
      ) : null}
      {/* Read again whenever an import finishes. */}
      <Exposures key={`${current?.id ?? ''}-${current?.status ?? ''}-${imports.length}`} id={id} />
    </>
  )
}

const ImportSummary = ({ imp }: { imp: ImportView }) => (
  <div className="import-summary">
    <p data-testid="import-summary">
      <strong className="wrap">{imp.source_name}</strong> ({imp.format}):{' '}
      <Badge tone={imp.status === 'failed' ? 'bad' : imp.status === 'done' ? 'good' : 'warn'}>
        {imp.status}
      </Badge>{' '}
      — {imp.rows_read} rows read, {imp.rows_matched} matched an account, {imp.rows_unparseable} unreadable;{' '}
      {imp.status === 'done'
        ? `${imp.accounts_matched} account${imp.accounts_matched === 1 ? '' : 's'} exposed.`
        : 'accounts exposed: known when it is done.'}
      {imp.error ? <span className="problem-detail"> {imp.error}</span> : null}
      {imp.status === 'running' ? <span className="spinner" aria-hidden="true" /> : null}
    </p>
    {imp.problems && imp.problems.length > 0 ? (
      <details>
        <summary>Unreadable rows (line and reason; their content is not kept)</summary>
        <ul>
          {imp.problems.map((p) => (
            <li key={`${p.line}|${p.reason}`}>
              line {p.line}: {p.reason}
            </li>
          ))}
        </ul>
      </details>
    ) : null}
  </div>
)

const Exposures = ({ id }: { id: string }) => {
  const ex = useLoad(
    (signal) =>
      get<{
        exposures: Array<{ account_id: string; username: string; fields: string[]; rows: number }>
        total: number
      }>(`/v1/admin/incidents/${id}/exposures${qs({ limit: 50 })}`, signal),
    [id],
  )
  return (
    <>
      <h3>Exposed accounts{ex.data ? ` (${ex.data.total})` : ''}</h3>
      <ProblemMessage error={ex.error} feature="Exposures" />
      <button type="button" onClick={ex.reload}>
        Refresh
      </button>
      {ex.data && ex.data.exposures.length > 0 ? (
        <div className="table-wrap">
          <table className="compact">
            <caption>
              {ex.data.exposures.length < ex.data.total
                ? `The first ${ex.data.exposures.length} of ${ex.data.total}`
                : `${ex.data.total} accounts`}
            </caption>
            <thead>
              <tr>
                <th scope="col">Account</th>
                <th scope="col">Fields exposed</th>
                <th scope="col">Rows</th>
              </tr>
            </thead>
            <tbody>
              {ex.data.exposures.map((e) => (
                <tr key={e.account_id}>
                  <th scope="row">
                    <Link to={`/accounts/${e.account_id}`}>{e.username}</Link>
                  </th>
                  <td>{e.fields.join(', ')}</td>
                  <td className="num">{e.rows}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  )
}

const TERMINAL = ['completed', 'cancelled', 'failed']

/** Live progress of one campaign (polled every second while it runs), with pause, resume and cancel. */
export const CampaignProgress = ({ id, onFinished }: { id: string; onFinished?: () => void }) => {
  const c = useLoad((signal) => get<Campaign>(`/v1/admin/campaigns/${id}`, signal), [id])
  const act = useAction()
  const status = c.data?.status
  const reload = c.reload
  useEffect(() => {
    if (!status) return
    if (TERMINAL.includes(status)) {
      onFinished?.()
      return
    }
    const t = setInterval(reload, 1000)
    return () => clearInterval(t)
  }, [status, reload, onFinished])
  const control = async (verb: 'pause' | 'resume' | 'cancel') => {
    if (await act.run(() => post(`/v1/admin/campaigns/${id}/${verb}`))) reload()
  }
  const d = c.data
  const p = d ? progressOf(d) : null
  return (
    <div className="campaign" data-testid="campaign-progress">
      <ProblemMessage error={c.error} feature="The campaigns API" />
      <ProblemMessage error={act.error} />
      {d && p ? (
        <>
          <p>
            <strong>{d.action.replaceAll('_', ' ')}</strong> —{' '}
            <span data-testid="campaign-status">{d.status}</span>
            {p.rate ? `, ${p.rate.toFixed(1)} accounts/s` : ''}
            {p.eta_seconds ? `, about ${Math.ceil(p.eta_seconds)} s to go` : ''}
            {p.failed ? `, ${p.failed} failed` : ''}
            {p.skipped ? `, ${p.skipped} skipped` : ''}
            {p.sessions_revoked
              ? `, ${p.sessions_revoked} session${p.sessions_revoked === 1 ? '' : 's'} revoked`
              : ''}
          </p>
          <ProgressBar label="Accounts handled" done={p.done + p.failed + (p.skipped ?? 0)} total={p.total} />
          {!TERMINAL.includes(d.status) ? (
            <div className="actions">
              {d.status === 'paused' ? (
                <button type="button" onClick={() => control('resume')} disabled={act.busy}>
                  Resume
                </button>
              ) : (
                <button type="button" onClick={() => control('pause')} disabled={act.busy}>
                  Pause
                </button>
              )}
              <button type="button" className="danger" onClick={() => control('cancel')} disabled={act.busy}>
                Cancel
              </button>
            </div>
          ) : null}
        </>
      ) : null}
    </div>
  )
}

interface DryRun {
  selected?: number
  total?: number
  effects?: Record<string, number>
}

const Campaigns = ({ incidentId }: { incidentId: string }) => {
  const list = useLoad(
    (signal) =>
      get<{ campaigns: Campaign[] }>(`/v1/admin/campaigns${qs({ incident_id: incidentId })}`, signal),
    [incidentId],
  )
  const [action, setAction] = useState('force_password_reset')
  const [notify, setNotify] = useState({ subject: '', text: '' })
  const [dry, setDry] = useState<DryRun | null>(null)
  const [started, setStarted] = useState<string | null>(null)
  const act = useAction()
  const body = (dryRun: boolean) => ({
    incident_id: incidentId,
    selector: { kind: 'incident', incident_id: incidentId },
    action,
    ...(action === 'notify' ? { params: { channel: 'email', ...notify } } : {}),
    ...(dryRun ? { dry_run: true } : {}),
  })
  const preview = async (e: FormEvent) => {
    e.preventDefault()
    setDry(null)
    const r = await act.run(() => post<DryRun>('/v1/admin/campaigns', body(true)))
    if (r) setDry(r)
  }
  const start = async () => {
    const r = await act.run(() => post<Campaign>('/v1/admin/campaigns', body(false)))
    setDry(null)
    if (r) {
      setStarted(r.id)
      list.reload()
    }
  }
  const selected = dry?.selected ?? dry?.total ?? 0
  return (
    <>
      <h2>Campaigns</h2>
      <form onSubmit={preview} aria-labelledby="camp-h">
        <h3 id="camp-h">New campaign over the exposed accounts</h3>
        <label htmlFor="camp-action">Action</label>
        <select
          id="camp-action"
          value={action}
          onChange={(e) => {
            setAction(e.target.value)
            setDry(null)
          }}
        >
          {ACTIONS.map((a) => (
            <option key={a.value} value={a.value}>
              {a.label}
            </option>
          ))}
        </select>
        {action === 'notify' ? (
          <>
            <label htmlFor="n-subject">Subject</label>
            <input
              id="n-subject"
              required
              value={notify.subject}
              onChange={(e) => setNotify({ ...notify, subject: e.target.value })}
            />
            <label htmlFor="n-text">Message ({'{{username}}'} is replaced)</label>
            <textarea
              id="n-text"
              required
              rows={4}
              value={notify.text}
              onChange={(e) => setNotify({ ...notify, text: e.target.value })}
            />
          </>
        ) : null}
        <button type="submit" disabled={act.busy}>
          Dry run: count the accounts
        </button>
      </form>
      <div aria-live="polite">
        <ProblemMessage error={act.error} feature="The campaigns API" />
      </div>
      {dry ? (
        <Confirm
          title={`${ACTIONS.find((a) => a.value === action)?.label} for ${selected} account${selected === 1 ? '' : 's'}?`}
          confirmLabel="Start the campaign"
          busy={act.busy}
          onConfirm={start}
          onCancel={() => setDry(null)}
        >
          <p data-testid="dry-run">
            The dry run selected <strong>{selected}</strong> accounts.
          </p>
          {dry.effects && Object.keys(dry.effects).length > 0 ? (
            <dl className="effects" data-testid="dry-run-effects">
              {Object.entries(dry.effects).map(([k, n]) => (
                <div key={k}>
                  <dt>{EFFECTS[k] ?? k.replaceAll('_', ' ')}</dt>
                  <dd className="num">{n}</dd>
                </div>
              ))}
            </dl>
          ) : null}
          <p>
            It runs in the background at a steady rate; it can be paused or cancelled. Every step is
            audit-logged.
          </p>
        </Confirm>
      ) : null}
      {started ? <CampaignProgress id={started} onFinished={list.reload} /> : null}
      <h3>Campaigns of this incident</h3>
      <ProblemMessage error={list.error} feature="The campaigns API" />
      {list.data && list.data.campaigns.length === 0 ? <p>None yet.</p> : null}
      <ul data-testid="incident-campaigns">
        {(list.data?.campaigns ?? []).map((c) => (
          <li key={c.id}>
            {c.action.replaceAll('_', ' ')}: {c.status}, {progressOf(c).done} of {progressOf(c).total} done
            {c.created_at ? (
              <>
                {' '}
                (<Time iso={c.created_at} />)
              </>
            ) : null}
            {c.id !== started && !TERMINAL.includes(c.status) ? (
              <button type="button" onClick={() => setStarted(c.id)}>
                Follow
              </button>
            ) : null}
          </li>
        ))}
      </ul>
    </>
  )
}

interface ReportJson {
  fast_facts: {
    accounts_exposed: number
    fields_exposed: Record<string, number>
    sessions_revoked: number
    resets_forced: number
    messages_sent: number
    messages_queued: number
    exposed_without_second_factor: number
  }
  open_items: string[]
  audit_chain: { verified: boolean; entries: number; head: string }
  generated_at: string
}

/** The report: its fast facts and open items on screen, the whole Markdown below; downloads as Markdown or JSON. */
const Report = ({ id, title }: { id: string; title: string }) => {
  const r = useLoad(
    (signal) => get<ReportJson>(`/v1/admin/incidents/${id}/report${qs({ format: 'json' })}`, signal),
    [id],
  )
  const [markdown, setMarkdown] = useState<string | null>(null)
  const act = useAction()
  const slug =
    title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 40) || id
  const fetchReport = (format: 'markdown' | 'json') =>
    act.run(() => call<string>('GET', `/v1/admin/incidents/${id}/report${qs({ format })}`, { text: true }))
  const save = async (format: 'markdown' | 'json') => {
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
  const f = r.data?.fast_facts
  const fields = f
    ? Object.entries(f.fields_exposed)
        .filter(([, n]) => n > 0)
        .map(([k, n]) => `${k} (${n})`)
        .join(', ') || 'none'
    : ''
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
      {f && r.data ? (
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
            Fields exposed: <span data-testid="fields-exposed">{fields}</span>
          </p>
          <h3>Open items</h3>
          {r.data.open_items.length === 0 ? (
            <p>None.</p>
          ) : (
            <ul data-testid="open-items">
              {r.data.open_items.map((o) => (
                <li key={o}>{o}</li>
              ))}
            </ul>
          )}
          <p data-testid="report-chain">
            Audit chain: {r.data.audit_chain.verified ? 'verified' : 'does NOT verify'},{' '}
            {r.data.audit_chain.entries} entries, head{' '}
            <span className="mono wrap">{r.data.audit_chain.head}</span>. Generated{' '}
            <Time iso={r.data.generated_at} />.
          </p>
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
