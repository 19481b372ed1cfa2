import { type FormEvent, useState } from 'react'
import { type Answer, api, type CampaignAction, type CampaignRequest, type DryRun, data } from '../../api'
import { Confirm, type Loaded, ProblemMessage, Time, useAction, useLoad } from '../../ui'

type CampaignsAnswer = Answer<'/v1/admin/campaigns'>

import { CampaignProgress, TERMINAL } from './CampaignProgress'

const ACTIONS: Array<{ value: CampaignAction; label: string }> = [
  { value: 'force_password_reset', label: 'Force a password reset' },
  { value: 'revoke_sessions', label: 'Revoke sessions' },
  { value: 'require_mfa_enrollment', label: 'Require a second factor' },
  { value: 'reset_lock', label: 'Turn on the reset lock' },
  { value: 'notify', label: 'Notify the holders' },
  { value: 'revoke_client', label: "End an application's grants" },
]
/** What a dry run counts, in words (docs/campaigns.md). */
const EFFECTS: Record<string, string> = {
  accounts_reset_required: 'Accounts that must reset their password',
  accounts_already_required: 'Accounts already required to reset',
  sessions_revoked: 'Live sessions that end',
  tokens_revoked: 'One-time links that stop working',
  accounts_with_sessions: 'Accounts with live sessions',
  accounts_without_factor: 'Accounts without a second factor',
  accounts_with_factor: 'Accounts that have a second factor',
  accounts_locked: 'Accounts whose reset lock turns on',
  accounts_already_locked: 'Accounts already locked',
  messages_queued: 'Messages to send',
  accounts_already_notified: 'Accounts already told',
  accounts_unreachable: 'Accounts with no verified address',
  grants_revoked: 'Application grants that end',
  accounts_with_grants: 'Accounts signed in to the application',
}

type Notice = { subject: string; text: string }

/** The application id field of the revoke_client action. */
const ClientField = ({ clientId, setClientId }: { clientId: string; setClientId: (v: string) => void }) => (
  <>
    <label htmlFor="camp-client">Application (client id)</label>
    <input id="camp-client" required value={clientId} onChange={(e) => setClientId(e.target.value)} />
  </>
)

/** The action to take, and for a notice its subject and text. */
const CampaignFields = ({
  action,
  setAction,
  notify,
  setNotify,
}: {
  action: CampaignAction
  setAction: (a: CampaignAction) => void
  notify: Notice
  setNotify: (n: Notice) => void
}) => (
  <>
    <label htmlFor="camp-action">Action</label>
    <select id="camp-action" value={action} onChange={(e) => setAction(e.target.value as CampaignAction)}>
      {ACTIONS.map((a) => (
        <option key={a.value} value={a.value}>
          {a.label}
        </option>
      ))}
    </select>
    {action === 'notify' ? (
      <>
        <label htmlFor="n-subject">Subject</label>
        <input
          id="n-subject"
          required
          value={notify.subject}
          onChange={(e) => setNotify({ ...notify, subject: e.target.value })}
        />
        <label htmlFor="n-text">Message ({'{{username}}'} is replaced)</label>
        <textarea
          id="n-text"
          required
          rows={4}
          value={notify.text}
          onChange={(e) => setNotify({ ...notify, text: e.target.value })}
        />
      </>
    ) : null}
  </>
)

/** What the dry run counted, and the question whether to start the campaign. */
const DryRunConfirm = ({
  dry,
  action,
  busy,
  onConfirm,
  onCancel,
}: {
  dry: DryRun
  action: CampaignAction
  busy: boolean
  onConfirm: () => void
  onCancel: () => void
}) => {
  const selected = dry.selected
  return (
    <Confirm
      title={`${ACTIONS.find((a) => a.value === action)?.label} for ${selected} account${selected === 1 ? '' : 's'}?`}
      confirmLabel="Start the campaign"
      busy={busy}
      onConfirm={onConfirm}
      onCancel={onCancel}
    >
      <p data-testid="dry-run">
        The dry run selected <strong>{selected}</strong> accounts.
      </p>
      {Object.keys(dry.effects).length > 0 ? (
        <dl className="effects" data-testid="dry-run-effects">
          {Object.entries(dry.effects).map(([k, n]) => (
            <div key={k}>
              <dt>{EFFECTS[k] ?? k.replaceAll('_', ' ')}</dt>
              <dd className="num">{n}</dd>
            </div>
          ))}
        </dl>
      ) : null}
      <p>
        It runs in the background at a steady rate; it can be paused or cancelled. Every step is audit-logged.
      </p>
    </Confirm>
  )
}

/** The incident's campaigns, each with its progress and a button to follow one still running. */
const CampaignList = ({
  list,
  started,
  follow,
}: {
  list: Loaded<CampaignsAnswer>
  started: string | null
  follow: (id: string) => void
}) => {
  return (
    <>
      {started ? <CampaignProgress id={started} onFinished={list.reload} /> : null}
      <h3>Campaigns of this incident</h3>
      <ProblemMessage error={list.error} feature="The campaigns API" />
      {list.data && list.data.campaigns.length === 0 ? <p>None yet.</p> : null}
      <ul data-testid="incident-campaigns">
        {(list.data?.campaigns ?? []).map((c) => (
          <li key={c.id}>
            {c.action.replaceAll('_', ' ')}: {c.status}, {c.progress.done} of {c.progress.total} done
            {c.created_at ? (
              <>
                {' '}
                (<Time iso={c.created_at} />)
              </>
            ) : null}
            {c.id !== started && !TERMINAL.includes(c.status) ? (
              <button type="button" onClick={() => follow(c.id)}>
                Follow
              </button>
            ) : null}
          </li>
        ))}
      </ul>
    </>
  )
}

/** Campaigns over the incident's exposed accounts: a dry run, a confirmation, then live progress. */
export const Campaigns = ({ incidentId }: { incidentId: string }) => {
  const [action, setAction] = useState<CampaignAction>('force_password_reset')
  const [notify, setNotify] = useState<Notice>({ subject: '', text: '' })
  const [clientId, setClientId] = useState('')
  const [dry, setDry] = useState<DryRun | null>(null)
  const [started, setStarted] = useState<string | null>(null)
  const list = useLoad(
    (signal) =>
      data(api.GET('/v1/admin/campaigns', { params: { query: { incident_id: incidentId } }, signal })),
    [incidentId],
  )
  const act = useAction()
  const body = (dryRun: boolean): CampaignRequest => ({
    incident_id: incidentId,
    selector: { kind: 'incident', incident_id: incidentId },
    action,
    ...(action === 'notify' ? { params: { channel: 'email', ...notify } } : {}),
    ...(action === 'revoke_client' ? { params: { client_id: clientId.trim() } } : {}),
    ...(dryRun ? { dry_run: true } : {}),
  })
  const preview = async (e: FormEvent) => {
    e.preventDefault()
    setDry(null)
    const r = await act.run(() => data(api.POST('/v1/admin/campaigns', { body: body(true) })))
    if (r && 'dry_run' in r) setDry(r)
  }
  const start = async () => {
    const r = await act.run(() => data(api.POST('/v1/admin/campaigns', { body: body(false) })))
    setDry(null)
    if (r && 'id' in r) {
      setStarted(r.id)
      list.reload()
    }
  }
  return (
    <>
      <h2>Campaigns</h2>
      <form onSubmit={preview} aria-labelledby="camp-h">
        <h3 id="camp-h">New campaign over the exposed accounts</h3>
        <CampaignFields
          action={action}
          setAction={(a) => {
            setAction(a)
            setDry(null)
          }}
          notify={notify}
          setNotify={setNotify}
        />
        {action === 'revoke_client' ? <ClientField clientId={clientId} setClientId={setClientId} /> : null}
        <button type="submit" disabled={act.busy}>
          Dry run: count the accounts
        </button>
      </form>
      <div aria-live="polite">
        <ProblemMessage error={act.error} feature="The campaigns API" />
      </div>
      {dry ? (
        <DryRunConfirm
          dry={dry}
          action={action}
          busy={act.busy}
          onConfirm={start}
          onCancel={() => setDry(null)}
        />
      ) : null}
      <CampaignList list={list} started={started} follow={setStarted} />
    </>
  )
}
