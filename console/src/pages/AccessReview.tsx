import { useMemo, useState } from 'react'
import { type AccessPrincipal, api, type BulkResult, data, download, Problem } from '../api'

/** A row of the access review: an API key or a partner account, with the action recommended. */
const toRow = (p: AccessPrincipal) => ({ ...p, action: p.recommended_action })
type Row = ReturnType<typeof toRow>
type Flag = Row['flags'][number]

import { Badge, Confirm, PageTitle, ProblemMessage, SortHeader, Time, useAction, useLoad } from '../ui'

type Column = 'name' | 'kind' | 'flags' | 'action' | 'created_at' | 'last_used_at'
const WEIGHT: Record<string, number> = { revoke: 4, rotate: 3, enrol_factor: 2, set_expiry: 1, none: 0 }
const flagTone = (f: string) =>
  f === 'wildcard_scope' || f === 'no_second_factor'
    ? 'bad'
    : f === 'admin_scope' || f === 'unused_90d'
      ? 'warn'
      : ''

/** What a bulk revoke or rotate did, principal by principal; successor keys are shown once. */
const Outcome = ({ verb, results }: { verb: string; results: BulkResult[] }) => {
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

/**
 * Every external principal (API keys, partner accounts) with its risk flags and the recommended
 * action: sort, filter, select rows and revoke or rotate them after a confirmation.
 */
export const AccessReviewPage = () => {
  const review = useLoad(
    async (signal) => (await data(api.GET('/v1/admin/access-review', { signal }))).principals.map(toRow),
    [],
  )
  const [sort, setSort] = useState<{ column: Column; desc: boolean }>({ column: 'action', desc: true })
  const [text, setText] = useState('')
  const [flag, setFlag] = useState<Flag | ''>('')
  const [kind, setKind] = useState<Row['kind'] | ''>('')
  const [selected, setSelected] = useState<Set<string>>(new Set())
  const [confirm, setConfirm] = useState<null | 'revoke' | 'rotate'>(null)
  const [outcome, setOutcome] = useState<{ verb: string; results: BulkResult[] } | null>(null)
  const act = useAction()

  const all = review.data ?? []
  const flags = useMemo(() => [...new Set(all.flatMap((r) => r.flags))].sort(), [all])
  const rows = useMemo(() => {
    const t = text.trim().toLowerCase()
    const out = all.filter(
      (r) =>
        (!t || r.name.toLowerCase().includes(t) || r.principal_id.toLowerCase().includes(t)) &&
        (!flag || r.flags.includes(flag)) &&
        (!kind || r.kind === kind),
    )
    const key = (r: Row): string | number =>
      sort.column === 'flags'
        ? r.flags.length
        : sort.column === 'action'
          ? (WEIGHT[r.action] ?? 0) * 100 + r.flags.length
          : (r[sort.column] ?? '')
    out.sort((a, b) => {
      const x = key(a)
      const y = key(b)
      const c = x < y ? -1 : x > y ? 1 : 0
      return sort.desc ? -c : c
    })
    return out
  }, [all, text, flag, kind, sort])

  const toggle = (id: string) =>
    setSelected((s) => {
      const n = new Set(s)
      if (n.has(id)) n.delete(id)
      else n.add(id)
      return n
    })
  const allShown = rows.length > 0 && rows.every((r) => selected.has(r.principal_id))
  const chosen = all.filter((r) => selected.has(r.principal_id))

  const perform = async () => {
    const verb = confirm!
    const answer = await act.run(() =>
      data(
        api.POST(verb === 'revoke' ? '/v1/admin/access-review/revoke' : '/v1/admin/access-review/rotate', {
          body: { principal_ids: chosen.map((r) => r.principal_id) },
        }),
      ),
    )
    setConfirm(null)
    if (answer) {
      setOutcome({ verb, results: answer.results })
      setSelected(new Set())
      review.reload()
    }
  }
  const csv = async () => {
    const text = await act.run(() =>
      data(api.GET('/v1/admin/access-review', { params: { query: { format: 'csv' } }, parseAs: 'text' })),
    )
    if (text !== undefined) download('access-review.csv', text, 'text/csv')
  }

  return (
    <>
      <PageTitle
        actions={
          <button type="button" onClick={csv}>
            Download CSV
          </button>
        }
      >
        Access review
      </PageTitle>
      <ProblemMessage error={review.error} feature="The access review API" />
      {review.error instanceof Problem && review.error.missingApi ? null : (
        <>
          <div aria-live="polite">
            <ProblemMessage error={act.error} />
            {outcome ? <Outcome verb={outcome.verb} results={outcome.results} /> : null}
          </div>
          <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter the review">
            <label>
              Name or id
              <input type="search" value={text} onChange={(e) => setText(e.target.value)} />
            </label>
            <label>
              Kind
              <select value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}>
                <option value="">Any</option>
                <option value="api_key">API key</option>
                <option value="partner">Partner account</option>
              </select>
            </label>
            <label>
              Flag
              <select value={flag} onChange={(e) => setFlag(e.target.value as typeof flag)}>
                <option value="">Any</option>
                {flags.map((f) => (
                  <option key={f} value={f}>
                    {f.replaceAll('_', ' ')}
                  </option>
                ))}
              </select>
            </label>
          </form>
          <div className="actions">
            <button
              type="button"
              className="danger"
              disabled={chosen.length === 0}
              onClick={() => setConfirm('revoke')}
            >
              Revoke selected ({chosen.length})
            </button>
            <button type="button" disabled={chosen.length === 0} onClick={() => setConfirm('rotate')}>
              Rotate selected ({chosen.length})
            </button>
          </div>
          {confirm ? (
            <Confirm
              title={`${confirm === 'revoke' ? 'Revoke' : 'Rotate'} ${chosen.length} principal${chosen.length === 1 ? '' : 's'}?`}
              confirmLabel={confirm === 'revoke' ? 'Revoke now' : 'Rotate now'}
              busy={act.busy}
              onConfirm={perform}
              onCancel={() => setConfirm(null)}
            >
              <ul>
                {chosen.map((r) => (
                  <li key={r.principal_id}>
                    {r.name} <span className="mono">({r.principal_id})</span>
                  </li>
                ))}
              </ul>
              <p>
                {confirm === 'revoke'
                  ? 'They stop working at once.'
                  : 'Each key gets a successor; the old one keeps working for the overlap period.'}{' '}
                This is recorded in the audit log.
              </p>
            </Confirm>
          ) : null}
          <div className="table-wrap">
            <table>
              <caption>
                {review.loading && !review.data ? 'Loading…' : `${rows.length} of ${all.length} principals`}
              </caption>
              <thead>
                <tr>
                  <th scope="col">
                    <input
                      type="checkbox"
                      aria-label="Select every row shown"
                      checked={allShown}
                      onChange={() =>
                        setSelected(
                          allShown ? new Set() : new Set([...selected, ...rows.map((r) => r.principal_id)]),
                        )
                      }
                    />
                  </th>
                  <SortHeader label="Principal" column="name" sort={sort} setSort={setSort} />
                  <SortHeader label="Kind" column="kind" sort={sort} setSort={setSort} />
                  <SortHeader label="Flags" column="flags" sort={sort} setSort={setSort} />
                  <SortHeader label="Recommended" column="action" sort={sort} setSort={setSort} />
                  <SortHeader label="Created" column="created_at" sort={sort} setSort={setSort} />
                  <SortHeader label="Last used" column="last_used_at" sort={sort} setSort={setSort} />
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.principal_id} className={selected.has(r.principal_id) ? 'selected' : ''}>
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`Select ${r.name}`}
                        checked={selected.has(r.principal_id)}
                        onChange={() => toggle(r.principal_id)}
                      />
                    </td>
                    <th scope="row">
                      {r.name}
                      <div className="mono muted wrap">{r.principal_id}</div>
                      {r.status && r.status !== 'active' ? <Badge>{r.status}</Badge> : null}
                    </th>
                    <td>{r.kind.replaceAll('_', ' ')}</td>
                    <td>
                      <span className="badges">
                        {r.flags.map((f) => (
                          <Badge key={f} tone={flagTone(f)}>
                            {f.replaceAll('_', ' ')}
                          </Badge>
                        ))}
                      </span>
                    </td>
                    <td>
                      <strong>{r.action.replaceAll('_', ' ')}</strong>
                      {r.reason ? <div className="muted">{r.reason}</div> : null}
                    </td>
                    <td>
                      <Time iso={r.created_at} />
                    </td>
                    <td>
                      <Time iso={r.last_used_at} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </>
  )
}
