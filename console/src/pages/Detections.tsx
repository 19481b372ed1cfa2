import { useState } from 'react'
import { Link, navigate } from '../App'
import { api, type Detection, type DetectionQuery, data } from '../api'
import { explainDetection } from '../events'
import { Badge, PageTitle, ProblemMessage, Time, useAction, useLoad } from '../ui'
import { ActionBar, ActionConfirm, type DetectionAction } from './detections/Actions'
import { actionTone, KINDS, label, SourceName } from './detections/common'
import { DetectionFacts } from './detections/Facts'
import { Timeline, useTimeline } from './detections/Timeline'

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

/** The actions on one detection, confirmed first; `done` says what the last one did. */
const useDetectionActions = (id: string, reload: () => void) => {
  const act = useAction()
  const [confirm, setConfirm] = useState<null | DetectionAction>(null)
  const [done, setDone] = useState<string | null>(null)
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
      reload()
    }
  }
  return { act, confirm, setConfirm, done, perform }
}

/** One detection: sources, counts, its timeline of events; resolve (optionally lifting) or lift. */
export const DetectionPage = ({ id }: { id: string }) => {
  const d = useLoad(
    (signal) => data(api.GET('/v1/admin/detections/{id}', { params: { path: { id: Number(id) } }, signal })),
    [id],
  )
  const timeline = useTimeline(d.data)
  const { act, confirm, setConfirm, done, perform } = useDetectionActions(id, d.reload)
  const det = d.data

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
            <DetectionFacts det={det} />
            <ActionBar det={det} onChoose={setConfirm} />
            {confirm ? (
              <ActionConfirm
                det={det}
                action={confirm}
                busy={act.busy}
                onCancel={() => setConfirm(null)}
                onConfirm={perform}
              />
            ) : null}
          </section>
          <Timeline timeline={timeline} />
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
