import { useState } from 'react'
import { Link, navigate } from '../App'
import { type AdminEvent, api, type Detection, type DetectionQuery, data } from '../api'
import { explainDetection } from '../events'
import {
  AccountName,
  ActorName,
  Badge,
  Confirm,
  EventList,
  JsonDetails,
  PageTitle,
  ProblemMessage,
  Time,
  useAction,
  useLoad,
} from '../ui'

const KINDS = [
  'enumeration',
  'recovery_flood',
  'credential_stuffing',
  'brute_force',
  'legacy_client',
  'signup_refusals',
]
const actionTone = (a: string) => (a === 'block' ? 'bad' : a === 'challenge' ? 'warn' : '')
const label = (s: string) => s.replaceAll('_', ' ')

/** Where a detection's requests came from, as a person reads it: an account by name, an address … */
const SourceName = ({ d }: { d: Detection }) => {
  if (d.account) return <AccountName account={d.account} />
  const value = d.key.slice(d.key.indexOf(':') + 1)
  switch (d.scope) {
    case 'ip':
    case 'subnet':
      return <span className="mono">{value}</span>
    case 'identifier':
      return (
        <span title={d.key}>
          one identifier as typed <span className="muted">(kept as a keyed hash)</span>
        </span>
      )
    case 'global':
      return <span>all logins</span>
    default:
      return <span className="mono wrap">{d.key}</span>
  }
}

/** One detection in the list: its kind, source, response, what was counted, when last seen. */
const DetectionRow = ({ d }: { d: Detection }) => (
  <tr>
    <th scope="row">
      <Link to={`/detections/${d.id}`}>#{d.id}</Link>
    </th>
    <td>{label(d.kind)}</td>
    <td className="source">
      <span className="muted">{d.scope}</span> <SourceName d={d} />
    </td>
    <td>
      <Badge tone={actionTone(d.action)}>{d.action}</Badge>
    </td>
    <td className="counted">{explainDetection(d)}</td>
    <td>
      <Time iso={d.last_seen} />
    </td>
    <td>{d.status}</td>
  </tr>
)

/** What the detectors found: filter by status and kind; auto-refreshes every 15 s. */
export const DetectionsPage = () => {
  const [status, setStatus] = useState<DetectionQuery['status'] | ''>('open')
  const [kind, setKind] = useState<DetectionQuery['kind'] | ''>('')
  const list = useLoad(
    (signal) =>
      data(
        api.GET('/v1/admin/detections', {
          params: { query: { status: status || undefined, kind: kind || undefined, limit: 200 } },
          signal,
        }),
      ),
    [status, kind],
    15_000,
  )
  const rows = list.data?.detections ?? []
  return (
    <>
      <PageTitle>Detections</PageTitle>
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Status
          <select value={status} onChange={(e) => setStatus(e.target.value as typeof status)}>
            <option value="open">Open</option>
            <option value="resolved">Resolved</option>
            <option value="lifted">Lifted</option>
            <option value="">Any</option>
          </select>
        </label>
        <label>
          Kind
          <select value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}>
            <option value="">Any</option>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {label(k)}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={list.reload}>
          Refresh
        </button>
      </form>
      <ProblemMessage error={list.error} feature="The detections API" />
      <div className="table-wrap">
        <table>
          <caption>
            {list.loading && !list.data
              ? 'Loading…'
              : `${rows.length} detection${rows.length === 1 ? '' : 's'}`}
          </caption>
          <thead>
            <tr>
              <th scope="col">Detection</th>
              <th scope="col">Kind</th>
              <th scope="col">Source</th>
              <th scope="col">Response</th>
              <th scope="col">Counted</th>
              <th scope="col">Last seen</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((d) => (
              <DetectionRow key={d.id} d={d} />
            ))}
          </tbody>
        </table>
      </div>
    </>
  )
}

/** One detection: sources, counts, its timeline of events; resolve (optionally lifting) or lift. */
export const DetectionPage = ({ id }: { id: string }) => {
  const d = useLoad(
    (signal) => data(api.GET('/v1/admin/detections/{id}', { params: { path: { id: Number(id) } }, signal })),
    [id],
  )
  const timeline = useLoad(
    async (signal) => {
      const det = d.data
      if (!det) return [] as AdminEvent[]
      const since = new Date(Date.parse(det.first_seen) - 60 * 60 * 1000).toISOString()
      const filter = det.key.startsWith('ip:')
        ? { ip: det.key.slice(3) }
        : det.account_id
          ? { account_id: det.account_id }
          : null
      const own = await data(
        api.GET('/v1/admin/events', {
          params: { query: { type: 'guard_detection', since, limit: 500 } },
          signal,
        }),
      )
      const mine = own.events.filter((e) => Number(e.details.detection_id) === det.id)
      const source = filter
        ? (
            await data(
              api.GET('/v1/admin/events', { params: { query: { ...filter, since, limit: 100 } }, signal }),
            )
          ).events
        : []
      const byId = new Map<number, AdminEvent>()
      for (const e of [...mine, ...source]) byId.set(e.id, e)
      return [...byId.values()].sort((a, b) => b.id - a.id)
    },
    [d.data?.id, d.data?.last_seen],
  )
  const act = useAction()
  const [confirm, setConfirm] = useState<null | 'resolve' | 'resolve_lift' | 'lift'>(null)
  const [done, setDone] = useState<string | null>(null)
  const det = d.data

  const perform = async () => {
    const what = confirm
    const r = await act.run(() =>
      what === 'lift'
        ? data(api.POST('/v1/admin/detections/{id}/lift', { params: { path: { id: Number(id) } } }))
        : data(
            api.POST('/v1/admin/detections/{id}/resolve', {
              params: { path: { id: Number(id) } },
              body: { lift: what === 'resolve_lift' },
            }),
          ),
    )
    setConfirm(null)
    if (r) {
      setDone(
        what === 'lift' ? 'The block was lifted and the detection closed.' : 'The detection was resolved.',
      )
      d.reload()
    }
  }

  return (
    <>
      <PageTitle actions={<Link to="/detections">All detections</Link>}>Detection #{id}</PageTitle>
      <ProblemMessage error={d.error} feature="The detections API" />
      <div aria-live="polite">
        {done ? <p className="ok">{done}</p> : null}
        <ProblemMessage error={act.error} />
      </div>
      {det ? (
        <>
          <section className="panel">
            <dl className="kv wide">
              <div>
                <dt>Kind</dt>
                <dd>{label(det.kind)}</dd>
              </div>
              <div>
                <dt>Source ({det.scope})</dt>
                <dd className="wrap">
                  <SourceName d={det} />
                </dd>
              </div>
              <div>
                <dt>Status</dt>
                <dd>{det.status}</dd>
              </div>
              <div>
                <dt>Response</dt>
                <dd>
                  <Badge tone={actionTone(det.action)}>{det.action}</Badge>
                  {det.action_until ? (
                    <>
                      {' '}
                      until <Time iso={det.action_until} />
                    </>
                  ) : null}
                </dd>
              </div>
              <div>
                <dt>Counted</dt>
                <dd>{explainDetection(det)}</dd>
              </div>
              <div>
                <dt>First seen</dt>
                <dd>
                  <Time iso={det.first_seen} />
                </dd>
              </div>
              <div>
                <dt>Last seen</dt>
                <dd>
                  <Time iso={det.last_seen} />
                </dd>
              </div>
              {det.account && det.scope !== 'account' ? (
                <div>
                  <dt>Account</dt>
                  <dd>
                    <AccountName account={det.account} />
                  </dd>
                </div>
              ) : null}
              {det.closed_at ? (
                <div>
                  <dt>Closed</dt>
                  <dd>
                    <Time iso={det.closed_at} /> by{' '}
                    <ActorName actor={det.closed_by_actor} raw={det.closed_by} />
                  </dd>
                </div>
              ) : null}
            </dl>
            <details className="raw">
              <summary>Fields of the detection</summary>
              <JsonDetails value={det.details} />
            </details>
            {det.status === 'open' ? (
              <div className="actions">
                <button type="button" onClick={() => setConfirm('resolve')}>
                  Resolve
                </button>
                <button type="button" onClick={() => setConfirm('resolve_lift')}>
                  Resolve and lift
                </button>
                {det.action !== 'none' ? (
                  <button type="button" className="danger" onClick={() => setConfirm('lift')}>
                    Lift {det.action}
                  </button>
                ) : null}
              </div>
            ) : null}
            {confirm ? (
              <Confirm
                title={
                  confirm === 'lift'
                    ? `Lift the ${det.action} on ${det.account?.username ? `account ${det.account.username}` : det.key}?`
                    : `Resolve detection #${det.id}?`
                }
                confirmLabel={confirm === 'lift' ? 'Lift now' : 'Resolve'}
                busy={act.busy}
                danger={confirm !== 'resolve'}
                onCancel={() => setConfirm(null)}
                onConfirm={perform}
              >
                <p>
                  {confirm === 'resolve'
                    ? 'The detection is closed; any challenge or block runs until it expires.'
                    : 'The source is no longer challenged or blocked, and is left alone for a window. This is audit-logged.'}
                </p>
              </Confirm>
            ) : null}
          </section>
          <section className="panel" aria-labelledby="tl-h">
            <h2 id="tl-h">Timeline</h2>
            <ProblemMessage error={timeline.error} feature="The events API" />
            {timeline.data && timeline.data.length === 0 ? <p>No events recorded for this source.</p> : null}
            <EventList showAccount events={timeline.data ?? []} />
          </section>
        </>
      ) : null}
      {d.error ? (
        <p>
          <button type="button" onClick={() => navigate('/detections')}>
            Back to detections
          </button>
        </p>
      ) : null}
    </>
  )
}
