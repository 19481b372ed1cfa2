import type { BulkResult } from '../../api'
import { Time } from '../../ui'

/** What a bulk revoke or rotate did, principal by principal; successor keys are shown once. */
export const Outcome = ({ verb, results }: { verb: string; results: BulkResult[] }) => {
  const keys = results.filter((r) => r.key)
  return (
    <div className="ok" data-testid="bulk-outcome">
      <p>
        {verb === 'revoke' ? 'Revoke' : 'Rotate'}: {results.filter((r) => r.outcome === `${verb}d`).length} of{' '}
        {results.length} done.
      </p>
      <ul>
        {results.map((r) => (
          <li key={r.principal_id}>
            <span className="mono">{r.principal_id}</span>: {r.outcome.replaceAll('_', ' ')}
            {r.sessions_ended !== undefined ? `, ${r.sessions_ended} sessions ended` : ''}
            {r.previous_stops_at ? (
              <>
                , the old key stops <Time iso={r.previous_stops_at} />
              </>
            ) : null}
            {r.detail ? ` — ${r.detail}` : ''}
          </li>
        ))}
      </ul>
      {keys.length > 0 ? (
        <>
          <p className="warn-text">
            New keys, shown this once: hand each to its owner now, they cannot be read again.
          </p>
          <dl className="kv">
            {keys.map((r) => (
              <div key={r.principal_id}>
                <dt className="mono">{r.successor?.principal_id ?? r.principal_id}</dt>
                <dd className="mono wrap">{r.key}</dd>
              </div>
            ))}
          </dl>
        </>
      ) : null}
    </div>
  )
}
