import { api, data } from '../../api'
import { ActorName, JsonDetails, ProblemMessage, Time, useLoad } from '../../ui'

/** What happened in the incident, newest first; refreshes itself every 10 s. */
export const Timeline = ({ id }: { id: string }) => {
  const t = useLoad(
    (signal) => data(api.GET('/v1/admin/incidents/{id}/timeline', { params: { path: { id } }, signal })),
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
