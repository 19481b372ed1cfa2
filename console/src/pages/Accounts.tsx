import { type FormEvent, useState } from 'react'
import { Link, navigate } from '../App'
import { type AccountSearch, api, data } from '../api'
import { Badge, Confirm, CopyId, EventList, PageTitle, ProblemMessage, Time, useAction, useLoad } from '../ui'
import { CampaignProgress } from './incidents/CampaignProgress'

const Flags = ({ flags }: { flags: Record<string, boolean> }) => {
  const on = Object.entries(flags).filter(([, v]) => v)
  if (on.length === 0) return <span>—</span>
  return (
    <span className="badges">
      {on.map(([k]) => (
        <Badge
          key={k}
          tone={k === 'email_verified' || k === 'phone_verified' || k === 'reset_lock' ? '' : 'warn'}
        >
          {k.replaceAll('_', ' ')}
        </Badge>
      ))}
    </span>
  )
}

/** Find an account by username, email address or phone number (exact; each lookup is audit-logged). */
export const AccountsPage = () => {
  const [q, setQ] = useState('')
  const search = useAction()
  const [result, setResult] = useState<AccountSearch | null>(null)
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setResult(null)
    const r = await search.run(() =>
      data(api.GET('/v1/admin/accounts', { params: { query: { q: q.trim() } } })),
    )
    if (r) setResult(r)
  }
  return (
    <>
      <PageTitle>Accounts</PageTitle>
      <form className="search panel" onSubmit={submit} aria-label="Find an account">
        <label htmlFor="account-q">Username, email address or phone number (+E.164)</label>
        <div className="row">
          <input
            id="account-q"
            type="search"
            value={q}
            required
            maxLength={320}
            autoComplete="off"
            onChange={(e) => setQ(e.target.value)}
          />
          <button className="primary" type="submit" disabled={search.busy}>
            {search.busy ? 'Searching…' : 'Search'}
          </button>
        </div>
        <p className="hint">Exact match only. Every lookup is recorded in the audit log.</p>
      </form>
      <div aria-live="polite">
        <ProblemMessage error={search.error} feature="The account search API" />
        {result ? (
          result.accounts.length === 0 ? (
            <p>No account has that {result.kind}.</p>
          ) : (
            <div className="table-wrap">
              <table>
                <caption>Found by {result.kind}</caption>
                <thead>
                  <tr>
                    <th scope="col">Username</th>
                    <th scope="col">Role</th>
                    <th scope="col">Email</th>
                    <th scope="col">Phone</th>
                    <th scope="col">Created</th>
                    <th scope="col">Flags</th>
                  </tr>
                </thead>
                <tbody>
                  {result.accounts.map((a) => (
                    <tr key={a.id}>
                      <th scope="row">
                        <Link to={`/accounts/${a.id}`}>{a.username}</Link>
                      </th>
                      <td>{a.role}</td>
                      <td className="mono">{a.email}</td>
                      <td className="mono">{a.phone ?? '—'}</td>
                      <td>
                        <Time iso={a.created_at} />
                      </td>
                      <td>
                        <Flags flags={a.flags} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        ) : null}
      </div>
    </>
  )
}

/** One account: profile, live sessions, second factors, recent events; revoke sessions, force a reset. */
export const AccountPage = ({ id }: { id: string }) => {
  const d = useLoad(
    (signal) => data(api.GET('/v1/admin/accounts/{id}', { params: { path: { id } }, signal })),
    [id],
  )
  const act = useAction()
  const [confirm, setConfirm] = useState<null | 'revoke' | 'reset'>(null)
  const [message, setMessage] = useState<string | null>(null)
  const [campaign, setCampaign] = useState<string | null>(null)
  const a = d.data?.account

  const perform = async () => {
    setMessage(null)
    if (confirm === 'revoke') {
      const r = await act.run(() =>
        data(api.POST('/v1/admin/accounts/{id}/sessions/revoke', { params: { path: { id } } })),
      )
      if (r) setMessage(`${r.revoked} session${r.revoked === 1 ? '' : 's'} revoked.`)
    } else {
      const r = await act.run(() =>
        data(
          api.POST('/v1/admin/campaigns', {
            body: { selector: { kind: 'accounts', ids: [id] }, action: 'force_password_reset', params: {} },
          }),
        ),
      )
      // Not a dry run: the answer is the campaign started.
      if (r && 'id' in r) {
        setCampaign(r.id)
        setMessage('A password reset was forced through a one-account campaign.')
      }
    }
    setConfirm(null)
    d.reload()
  }

  return (
    <>
      <PageTitle actions={<Link to="/accounts">Search again</Link>}>
        {a ? `Account ${a.username}` : 'Account'}
      </PageTitle>
      <ProblemMessage error={d.error} feature="The accounts API" />
      <div aria-live="polite">
        {message ? <p className="ok">{message}</p> : null}
        <ProblemMessage error={act.error} feature="The campaigns API" />
      </div>
      {campaign ? <CampaignProgress id={campaign} onFinished={d.reload} /> : null}
      {a && d.data ? (
        <>
          <section className="panel" aria-labelledby="profile-h">
            <h2 id="profile-h">Profile</h2>
            <dl className="kv wide">
              <div>
                <dt>Id</dt>
                <dd>
                  <code className="wrap">{a.id}</code> <CopyId id={a.id} what="account id" />
                </dd>
              </div>
              <div>
                <dt>Username</dt>
                <dd>{a.username}</dd>
              </div>
              <div>
                <dt>Role</dt>
                <dd>{a.role}</dd>
              </div>
              <div>
                <dt>Email</dt>
                <dd className="mono">{a.email}</dd>
              </div>
              <div>
                <dt>Phone</dt>
                <dd className="mono">{a.phone ?? '—'}</dd>
              </div>
              <div>
                <dt>Created</dt>
                <dd>
                  <Time iso={a.created_at} />
                </dd>
              </div>
              <div>
                <dt>Flags</dt>
                <dd>
                  <Flags flags={a.flags} />
                </dd>
              </div>
            </dl>
            <div className="actions">
              <button type="button" className="danger" onClick={() => setConfirm('revoke')}>
                Revoke all sessions
              </button>
              <button type="button" className="danger" onClick={() => setConfirm('reset')}>
                Force password reset
              </button>
            </div>
            {confirm ? (
              <Confirm
                title={
                  confirm === 'revoke'
                    ? `Revoke every session of ${a.username}?`
                    : `Force a password reset for ${a.username}?`
                }
                confirmLabel={confirm === 'revoke' ? 'Revoke sessions' : 'Force reset'}
                busy={act.busy}
                onCancel={() => setConfirm(null)}
                onConfirm={perform}
              >
                <p>
                  {confirm === 'revoke'
                    ? `${d.data.sessions.length} live session(s) end now; the holder must sign in again.`
                    : 'The password stops working, sessions end and the holder must recover the account. Runs as a campaign of one account.'}{' '}
                  This is recorded in the audit log.
                </p>
              </Confirm>
            ) : null}
          </section>
          <section className="panel" aria-labelledby="sessions-h">
            <h2 id="sessions-h">Live sessions ({d.data.sessions.length})</h2>
            {d.data.sessions.length === 0 ? (
              <p>No live session.</p>
            ) : (
              <div className="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Device</th>
                      <th scope="col">Address</th>
                      <th scope="col">Opened</th>
                      <th scope="col">Last seen</th>
                      <th scope="col">Expires</th>
                    </tr>
                  </thead>
                  <tbody>
                    {d.data.sessions.map((s) => (
                      <tr key={s.id}>
                        <td className="wrap">{s.device ?? '—'}</td>
                        <td className="mono">{s.ip ?? '—'}</td>
                        <td>
                          <Time iso={s.created_at} />
                        </td>
                        <td>
                          <Time iso={s.last_seen_at} />
                        </td>
                        <td>
                          <Time iso={s.expires_at} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
          <section className="panel" aria-labelledby="factors-h">
            <h2 id="factors-h">Second factors</h2>
            {d.data.factors.length === 0 ? (
              <p>None.</p>
            ) : (
              <ul>
                {d.data.factors.map((f) => (
                  <li key={f.id}>
                    {f.kind} {f.confirmed ? '' : '(enrolment pending)'} — added <Time iso={f.created_at} />
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section className="panel" aria-labelledby="events-h">
            <h2 id="events-h">Recent security events</h2>
            <EventList
              events={d.data.events.map((e) => ({
                ...e,
                account: { id: a.id, username: a.username, role: a.role },
              }))}
            />
          </section>
        </>
      ) : null}
      {d.error ? (
        <button type="button" onClick={() => navigate('/accounts')}>
          Back to the search
        </button>
      ) : null}
    </>
  )
}
