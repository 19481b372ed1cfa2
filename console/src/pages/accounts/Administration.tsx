import { type FormEvent, useState } from 'react'
import { navigate } from '../../App'
import { type AccountDetail, api, data } from '../../api'
import { Confirm, ProblemMessage, useAction } from '../../ui'

type Verb = 'disable' | 'enable' | 'delete'

const ROLES = ['user', 'partner', 'auditor', 'responder', 'admin'] as const
type Role = (typeof ROLES)[number]

const QUESTIONS: Record<
  Verb,
  { title: (u: string) => string; confirm: string; text: string; danger: boolean }
> = {
  disable: {
    title: (u) => `Disable ${u}?`,
    confirm: 'Disable now',
    text: 'Every session and application grant ends now. Until the account is enabled, its password opens nothing and recovery sends nothing.',
    danger: true,
  },
  enable: {
    title: (u) => `Enable ${u} again?`,
    confirm: 'Enable',
    text: 'Its password opens sessions again.',
    danger: false,
  },
  delete: {
    title: (u) => `Delete ${u} for good?`,
    confirm: 'Delete now',
    text: 'The profile, sessions, second factors, devices, security events and queued messages are removed. The audit log keeps the account id only. This cannot be undone.',
    danger: true,
  },
}

interface Draft {
  username: string
  email: string
  phone: string
  role: Role
  locale: '' | 'en' | 'de'
}

/** The body of the change: only the fields the form changed (empty email and phone stay as they are). */
const changes = (a: AccountDetail['account'], d: Draft) => ({
  ...(d.username.trim() && d.username.trim() !== a.username ? { username: d.username.trim() } : {}),
  ...(d.email.trim() ? { email: d.email.trim() } : {}),
  ...(d.phone.trim() === '-' ? { phone: null } : d.phone.trim() ? { phone: d.phone.trim() } : {}),
  ...(d.role !== a.role ? { role: d.role } : {}),
  ...(d.locale !== (a.locale ?? '') ? { locale: d.locale === '' ? null : d.locale } : {}),
})

/** Edits username, email, phone, role and locale; contact fields stay as they are when left empty. */
const EditForm = ({
  detail,
  busy,
  onSave,
  onCancel,
}: {
  detail: AccountDetail
  busy: boolean
  onSave: (body: ReturnType<typeof changes>) => void
  onCancel: () => void
}) => {
  const a = detail.account
  const [d, setD] = useState<Draft>({
    username: a.username,
    email: '',
    phone: '',
    role: (ROLES as readonly string[]).includes(a.role) ? (a.role as Role) : 'user',
    locale: a.locale === 'en' || a.locale === 'de' ? a.locale : '',
  })
  const set = (p: Partial<Draft>) => setD({ ...d, ...p })
  const submit = (e: FormEvent) => {
    e.preventDefault()
    onSave(changes(a, d))
  }
  return (
    <form className="panel" aria-label="Edit the account" onSubmit={submit}>
      <label htmlFor="acc-username">Username</label>
      <input id="acc-username" value={d.username} onChange={(e) => set({ username: e.target.value })} />
      <label htmlFor="acc-email">New email address (empty: unchanged; unverified until confirmed)</label>
      <input id="acc-email" type="email" value={d.email} onChange={(e) => set({ email: e.target.value })} />
      <label htmlFor="acc-phone">New phone number in +E.164 (empty: unchanged; - removes it)</label>
      <input id="acc-phone" value={d.phone} onChange={(e) => set({ phone: e.target.value })} />
      <label htmlFor="acc-role">Role (a change ends every session)</label>
      <select id="acc-role" value={d.role} onChange={(e) => set({ role: e.target.value as Role })}>
        {ROLES.map((r) => (
          <option key={r}>{r}</option>
        ))}
      </select>
      <label htmlFor="acc-locale">Language of mails and texts</label>
      <select
        id="acc-locale"
        value={d.locale}
        onChange={(e) => set({ locale: e.target.value as Draft['locale'] })}
      >
        <option value="">none</option>
        <option value="en">en</option>
        <option value="de">de</option>
      </select>
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save'}
        </button>
        <button type="button" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
      </div>
    </form>
  )
}

const useAdministration = (id: string, reload: () => void) => {
  const act = useAction()
  const [asking, setAsking] = useState<Verb | null>(null)
  const [editing, setEditing] = useState(false)
  const [message, setMessage] = useState<string | null>(null)
  const path = { params: { path: { id } } }
  const confirm = async () => {
    const verb = asking
    setMessage(null)
    if (verb === 'delete') {
      const done = await act.run(async () => {
        await data(api.DELETE('/v1/admin/accounts/{id}', path))
        return true
      })
      if (done) navigate('/accounts')
    } else if (verb) {
      const url = verb === 'disable' ? '/v1/admin/accounts/{id}/disable' : '/v1/admin/accounts/{id}/enable'
      const r = await act.run(() => data(api.POST(url, path)))
      if (r) setMessage(verb === 'disable' ? 'The account is disabled.' : 'The account is enabled again.')
    }
    setAsking(null)
    reload()
  }
  const save = async (body: ReturnType<typeof changes>) => {
    if (Object.keys(body).length === 0) return setEditing(false)
    const r = await act.run(() => data(api.PATCH('/v1/admin/accounts/{id}', { ...path, body })))
    if (r) {
      setEditing(false)
      setMessage('The account was changed.')
      reload()
    }
  }
  return { act, asking, setAsking, editing, setEditing, message, confirm, save }
}

/**
 * Account administration on the account page: edit, disable or enable, delete, each confirmed
 * first. Only the actions the server says the staff member may take are shown.
 */
export const Administration = ({ detail, reload }: { detail: AccountDetail; reload: () => void }) => {
  const allowed = detail.allowed_actions
  const { act, asking, setAsking, editing, setEditing, message, confirm, save } = useAdministration(
    detail.account.id,
    reload,
  )
  if (!allowed.edit && !allowed.disable && !allowed.enable && !allowed.delete) return null
  const q = asking ? QUESTIONS[asking] : null
  return (
    <section className="panel" aria-labelledby="admin-h">
      <h2 id="admin-h">Administration</h2>
      <div aria-live="polite">
        {message ? <p className="ok">{message}</p> : null}
        <ProblemMessage error={act.error} feature="Account administration" />
      </div>
      <div className="actions">
        {allowed.edit ? (
          <button type="button" onClick={() => setEditing(true)}>
            Edit
          </button>
        ) : null}
        {allowed.disable ? (
          <button type="button" className="danger" onClick={() => setAsking('disable')}>
            Disable
          </button>
        ) : null}
        {allowed.enable ? (
          <button type="button" onClick={() => setAsking('enable')}>
            Enable
          </button>
        ) : null}
        {allowed.delete ? (
          <button type="button" className="danger" onClick={() => setAsking('delete')}>
            Delete
          </button>
        ) : null}
      </div>
      {editing ? (
        <EditForm detail={detail} busy={act.busy} onSave={save} onCancel={() => setEditing(false)} />
      ) : null}
      {q && asking ? (
        <Confirm
          title={q.title(detail.account.username)}
          confirmLabel={q.confirm}
          danger={q.danger}
          busy={act.busy}
          onCancel={() => setAsking(null)}
          onConfirm={confirm}
        >
          <p>{q.text} This is recorded in the audit log.</p>
        </Confirm>
      ) : null}
    </section>
  )
}
