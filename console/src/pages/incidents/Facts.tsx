import { type FormEvent, useState } from 'react'
import { api, data, type Incident, type IncidentSeverity } from '../../api'
import { ActorName, Badge, Confirm, ProblemMessage, Time, useAction } from '../../ui'
import { SEVERITIES, sevTone } from './common'

type Facts = Pick<Incident, 'summary' | 'risks' | 'mitigations' | 'severity'>

/** The incident's facts, being edited. */
const FactsForm = ({
  form,
  setForm,
  busy,
  onSubmit,
  onCancel,
}: {
  form: Facts
  setForm: (f: Facts) => void
  busy: boolean
  onSubmit: (e: FormEvent) => void
  onCancel: () => void
}) => (
  <form onSubmit={onSubmit}>
    <label htmlFor="f-sev">Severity</label>
    <select
      id="f-sev"
      value={form.severity}
      onChange={(e) => setForm({ ...form, severity: e.target.value as IncidentSeverity })}
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
      <button type="submit" className="primary" disabled={busy}>
        Save
      </button>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
    </div>
  </form>
)

/** The incident's facts as a definition list. */
const FactsList = ({ incident: i }: { incident: Incident }) => (
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
)

/** The incident's facts: shown, edited while it is open, and the button that closes it. */
export const IncidentFacts = ({ incident: i, reload }: { incident: Incident; reload: () => void }) => {
  const [editing, setEditing] = useState(false)
  const [form, setForm] = useState<Facts>({
    summary: i.summary,
    risks: i.risks,
    mitigations: i.mitigations,
    severity: i.severity,
  })
  const act = useAction()
  const [closing, setClosing] = useState(false)
  const path = { params: { path: { id: i.id } } }
  const save = async (e: FormEvent) => {
    e.preventDefault()
    if (await act.run(() => data(api.PATCH('/v1/admin/incidents/{id}', { ...path, body: form })))) {
      setEditing(false)
      reload()
    }
  }
  const close = async () => {
    const r = await act.run(() => data(api.POST('/v1/admin/incidents/{id}/close', path)))
    setClosing(false)
    if (r) reload()
  }
  return (
    <section className="panel" aria-label="Incident facts">
      <div aria-live="assertive">
        <ProblemMessage error={act.error} />
      </div>
      {editing ? (
        <FactsForm
          form={form}
          setForm={setForm}
          busy={act.busy}
          onSubmit={save}
          onCancel={() => setEditing(false)}
        />
      ) : (
        <>
          <FactsList incident={i} />
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
