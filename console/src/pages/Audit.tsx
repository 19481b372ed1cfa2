import { useState } from 'react'
import { Link } from '../App'
import { type AuditEntry, type AuditVerification, api, data } from '../api'
import {
  AccountName,
  ActorName,
  JsonDetails,
  Pager,
  PageTitle,
  ProblemMessage,
  Time,
  useAction,
  useLoad,
} from '../ui'

/** `account:17eabdcc-6c1f-…` → `account:17eabdcc…`: the whole id is in the cell's title. */
const short = (s: string) => (s.length > 22 ? `${s.slice(0, 18)}…` : s)

/** A target as a link to its page where the console has one (`detection:4`, `incident:…`). */
const Target = ({ target }: { target: string | null }) => {
  if (!target) return <>—</>
  const at = target.indexOf(':')
  const [kind, id] = [target.slice(0, at), target.slice(at + 1)]
  if (kind === 'detection' && id) return <Link to={`/detections/${id}`}>detection #{id}</Link>
  if (kind === 'incident' && id) return <Link to={`/incidents/${id}`}>{short(target)}</Link>
  return <>{short(target)}</>
}

/** One entry of the log: who did what to what, when, with its details. */
const EntryRow = ({ entry: e }: { entry: AuditEntry }) => (
  <tr>
    <th scope="row" className="num">
      {e.seq}
    </th>
    <td>
      <Time iso={e.time} />
    </td>
    <td>
      <ActorName actor={e.actor_info} raw={e.actor} />
      {e.actor_ip ? <div className="muted mono">{e.actor_ip}</div> : null}
    </td>
    <td>{e.action}</td>
    {e.target_account ? (
      <td>
        <AccountName account={e.target_account} />
      </td>
    ) : (
      <td className="mono" title={e.target ?? undefined}>
        <Target target={e.target} />
      </td>
    )}
    <td>
      <JsonDetails value={e.details} accounts={e.details_accounts} />
    </td>
  </tr>
)

/** What verifying the hash chain found: intact, or where it breaks. */
const Verification = ({ result }: { result: AuditVerification }) =>
  result.ok ? (
    <p className="ok">
      Intact: {result.entries} entries verified; head{' '}
      <span className="mono">{result.head.slice(0, 16)}…</span>
    </p>
  ) : (
    <p className="problem" role="alert">
      Broken at entry {result.first_broken?.seq} ({result.first_broken?.reason}); {result.entries} entries
      verified before it.
    </p>
  )

/** The audit log, newest first, paged; and a button that verifies the hash chain. */
export const AuditPage = () => {
  const [before, setBefore] = useState<number[]>([])
  const cursor = before.at(-1)
  const page = useLoad(
    (signal) =>
      data(api.GET('/v1/admin/audit', { params: { query: { limit: 50, before: cursor } }, signal })),
    [cursor],
  )
  const verify = useAction()
  const [result, setResult] = useState<AuditVerification | null>(null)
  const check = async () => {
    setResult(null)
    const r = await verify.run(() => data(api.GET('/v1/admin/audit/verify')))
    if (r) setResult(r)
  }
  return (
    <>
      <PageTitle
        actions={
          <button type="button" className="primary" onClick={check} disabled={verify.busy}>
            {verify.busy ? 'Verifying…' : 'Verify the chain'}
          </button>
        }
      >
        Audit log
      </PageTitle>
      <div aria-live="polite" data-testid="verify-result">
        <ProblemMessage error={verify.error} feature="Audit verification" />
        {result ? <Verification result={result} /> : null}
      </div>
      <ProblemMessage error={page.error} feature="The audit API" />
      <div className="table-wrap">
        <table>
          <caption>
            {page.loading && !page.data ? 'Loading…' : 'Administrative actions, newest first'}
          </caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Time</th>
              <th scope="col">Actor</th>
              <th scope="col">Action</th>
              <th scope="col">Target</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {(page.data?.entries ?? []).map((e) => (
              <EntryRow key={e.seq} entry={e} />
            ))}
          </tbody>
        </table>
      </div>
      <Pager before={before} next={page.data?.next_before} onChange={setBefore} />
    </>
  )
}
