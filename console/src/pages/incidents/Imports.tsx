import { Link } from '../../App'
import { api, data, type ImportView } from '../../api'
import { Badge, ProblemMessage, useLoad } from '../../ui'

/** One import: its counts, status and unreadable rows. */
export const ImportSummary = ({ imp }: { imp: ImportView }) => (
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

/** The accounts the incident's imports matched, the first 50. */
export const Exposures = ({ id }: { id: string }) => {
  const ex = useLoad(
    (signal) =>
      data(
        api.GET('/v1/admin/incidents/{id}/exposures', {
          params: { path: { id }, query: { limit: 50 } },
          signal,
        }),
      ),
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
