import { type FormEvent, useState } from 'react'
import { Link, navigate } from '../App'
import { type AccountSearch, api, data } from '../api'
import { PageTitle, ProblemMessage, useAction, useLoad } from '../ui'
import { Administration } from './accounts/Administration'
import { type AccountAction, Profile } from './accounts/Profile'
import { SearchResult } from './accounts/SearchResult'
import { Factors, RecentEvents, Sessions } from './accounts/Sessions'
import { CampaignProgress } from './incidents/CampaignProgress'

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
        {result ? <SearchResult result={result} /> : null}
      </div>
    </>
  )
}

/**
 * The two actions on an account, confirmed first: revoke every session, or force a password reset
 * through a campaign of that one account (whose progress the page then follows).
 */
const useAccountActions = (id: string, reload: () => void) => {
  const act = useAction()
  const [confirm, setConfirm] = useState<null | AccountAction>(null)
  const [message, setMessage] = useState<string | null>(null)
  const [campaign, setCampaign] = useState<string | null>(null)

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
    reload()
  }
  return { act, confirm, setConfirm, message, campaign, perform }
}

/** One account: profile, live sessions, second factors, recent events; revoke sessions, force a reset. */
export const AccountPage = ({ id }: { id: string }) => {
  const d = useLoad(
    (signal) => data(api.GET('/v1/admin/accounts/{id}', { params: { path: { id } }, signal })),
    [id],
  )
  const { act, confirm, setConfirm, message, campaign, perform } = useAccountActions(id, d.reload)
  const a = d.data?.account

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
          <Profile
            detail={d.data}
            confirm={confirm}
            setConfirm={setConfirm}
            busy={act.busy}
            onConfirm={perform}
          />
          <Administration detail={d.data} reload={d.reload} />
          <Sessions sessions={d.data.sessions} />
          <Factors factors={d.data.factors} />
          <RecentEvents detail={d.data} />
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
