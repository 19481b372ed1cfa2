import type { AccountDetail } from '../../api'
import { Confirm, CopyId, Time } from '../../ui'
import { Flags } from './Flags'

export type AccountAction = 'revoke' | 'reset'
type Account = AccountDetail['account']

/** The account's fields: id (copyable), username, role, addresses, created, flags. */
const ProfileFields = ({ a }: { a: Account }) => (
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
      <dt>Language</dt>
      <dd>{a.locale ?? '—'}</dd>
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
)

/** The confirmation of revoking every session or forcing a password reset. */
const ActionConfirm = ({
  action,
  username,
  sessions,
  busy,
  onCancel,
  onConfirm,
}: {
  action: AccountAction
  username: string
  sessions: number
  busy: boolean
  onCancel: () => void
  onConfirm: () => void
}) => (
  <Confirm
    title={
      action === 'revoke' ? `Revoke every session of ${username}?` : `Force a password reset for ${username}?`
    }
    confirmLabel={action === 'revoke' ? 'Revoke sessions' : 'Force reset'}
    busy={busy}
    onCancel={onCancel}
    onConfirm={onConfirm}
  >
    <p>
      {action === 'revoke'
        ? `${sessions} live session(s) end now; the holder must sign in again.`
        : 'The password stops working, sessions end and the holder must recover the account. Runs as a campaign of one account.'}{' '}
      This is recorded in the audit log.
    </p>
  </Confirm>
)

/** The profile panel: the fields, the two actions on the account, and the confirmation of one. */
export const Profile = ({
  detail,
  confirm,
  setConfirm,
  busy,
  onConfirm,
}: {
  detail: AccountDetail
  confirm: AccountAction | null
  setConfirm: (a: AccountAction | null) => void
  busy: boolean
  onConfirm: () => void
}) => (
  <section className="panel" aria-labelledby="profile-h">
    <h2 id="profile-h">Profile</h2>
    <ProfileFields a={detail.account} />
    <div className="actions">
      <button type="button" className="danger" onClick={() => setConfirm('revoke')}>
        Revoke all sessions
      </button>
      <button type="button" className="danger" onClick={() => setConfirm('reset')}>
        Force password reset
      </button>
    </div>
    {confirm ? (
      <ActionConfirm
        action={confirm}
        username={detail.account.username}
        sessions={detail.sessions.length}
        busy={busy}
        onCancel={() => setConfirm(null)}
        onConfirm={onConfirm}
      />
    ) : null}
  </section>
)
