import { useState } from 'react'
import { api, data, missingApi, type OidcClient, Problem } from '../api'
import { Badge, Confirm, CopyId, PageTitle, ProblemMessage, Time, useAction, useLoad } from '../ui'
import { type AppBody, AppForm } from './applications/AppForm'
import { SecretOnce } from './applications/SecretOnce'

type Verb = 'rotate' | 'disable' | 'enable' | 'delete'

const QUESTIONS: Record<Verb, { title: string; confirm: string; text: string; danger: boolean }> = {
  rotate: {
    title: 'Rotate the secret of',
    confirm: 'Rotate now',
    text: 'The old secret stops working at once; the new one is shown once.',
    danger: true,
  },
  disable: {
    title: 'Disable',
    confirm: 'Disable now',
    text: 'It signs nobody in from now on, and every grant and token it holds ends.',
    danger: true,
  },
  enable: {
    title: 'Enable',
    confirm: 'Enable',
    text: 'It can sign people in again; grants that ended stay ended.',
    danger: false,
  },
  delete: {
    title: 'Delete',
    confirm: 'Delete now',
    text: 'Every grant and token it holds ends, then it is gone for good.',
    danger: true,
  },
}

/** One application: name and client id, type, redirect URIs, scopes, what sign-ins must prove, and its actions. */
const AppRow = ({ c, onAct, onEdit }: { c: OidcClient; onAct: (v: Verb) => void; onEdit: () => void }) => (
  <tr>
    <th scope="row">
      {c.name}
      <div className="mono muted wrap">
        {c.client_id} <CopyId id={c.client_id} what="client id" />
      </div>
      {c.disabled_at ? <Badge tone="bad">disabled</Badge> : null}
    </th>
    <td>
      {c.public ? 'public' : 'confidential'}
      <div className="muted">{c.first_party ? 'first party' : 'third party'}</div>
    </td>
    <td className="mono wrap">
      {c.redirect_uris.length === 0 ? '—' : c.redirect_uris.map((u) => <div key={u}>{u}</div>)}
    </td>
    <td>{c.scopes.join(' ')}</td>
    <td>{c.require_acr ?? 'password'}</td>
    <td>
      <Time iso={c.last_used_at} />
    </td>
    <td>
      <div className="actions">
        <button type="button" onClick={onEdit}>
          Edit
        </button>
        {c.public ? null : (
          <button type="button" onClick={() => onAct('rotate')}>
            Rotate secret
          </button>
        )}
        {c.disabled_at ? (
          <button type="button" onClick={() => onAct('enable')}>
            Enable
          </button>
        ) : (
          <button type="button" onClick={() => onAct('disable')}>
            Disable
          </button>
        )}
        <button type="button" className="danger" onClick={() => onAct('delete')}>
          Delete
        </button>
      </div>
    </td>
  </tr>
)

const AppTable = ({
  clients,
  caption,
  onAct,
  onEdit,
}: {
  clients: OidcClient[]
  caption: string
  onAct: (c: OidcClient, v: Verb) => void
  onEdit: (c: OidcClient) => void
}) => (
  <div className="table-wrap">
    <table>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Application</th>
          <th scope="col">Type</th>
          <th scope="col">Redirect URIs</th>
          <th scope="col">Scopes</th>
          <th scope="col">Sign-ins prove</th>
          <th scope="col">Last used</th>
          <th scope="col">Actions</th>
        </tr>
      </thead>
      <tbody>
        {clients.map((c) => (
          <AppRow key={c.client_id} c={c} onAct={(v) => onAct(c, v)} onEdit={() => onEdit(c)} />
        ))}
      </tbody>
    </table>
  </div>
)

/** Runs an action on one application: rotate, disable, enable, delete. A new secret comes back to show once. */
const perform = async (c: OidcClient, verb: Verb): Promise<{ secret?: string }> => {
  const path = { params: { path: { id: c.client_id } } }
  if (verb === 'rotate') {
    const r = await data(api.POST('/v1/admin/oidc/clients/{id}/secret', path))
    return { secret: r.client_secret }
  }
  if (verb === 'delete') await data(api.DELETE('/v1/admin/oidc/clients/{id}', path))
  else
    await data(api.PATCH('/v1/admin/oidc/clients/{id}', { ...path, body: { disabled: verb === 'disable' } }))
  return {}
}

/** The applications, loaded, and what the page does with them. */
const useApplications = () => {
  const list = useLoad(
    async (signal) => (await data(api.GET('/v1/admin/oidc/clients', { signal }))).clients,
    [],
  )
  const act = useAction()
  const form = useAction()
  const [asking, setAsking] = useState<{ c: OidcClient; verb: Verb } | null>(null)
  const [editing, setEditing] = useState<OidcClient | null>(null)
  const [shown, setShown] = useState<{ clientId: string; name: string; secret: string | null } | null>(null)
  const [formKey, setFormKey] = useState(0)

  const confirm = async () => {
    if (!asking) return
    const r = await act.run(() => perform(asking.c, asking.verb))
    setAsking(null)
    if (r?.secret) setShown({ clientId: asking.c.client_id, name: asking.c.name, secret: r.secret })
    list.reload()
  }
  const save = async (body: AppBody) => {
    if (editing) {
      const id = editing.client_id
      const r = await form.run(() =>
        data(api.PATCH('/v1/admin/oidc/clients/{id}', { params: { path: { id } }, body })),
      )
      if (r) setEditing(null)
    } else {
      const r = await form.run(() => data(api.POST('/v1/admin/oidc/clients', { body })))
      if (r) {
        setShown({ clientId: r.client_id, name: r.name, secret: r.client_secret })
        setFormKey((k) => k + 1)
      }
    }
    list.reload()
  }
  return { list, act, form, asking, setAsking, editing, setEditing, shown, setShown, formKey, confirm, save }
}

/**
 * Applications that sign users in through Gatehouse (OpenID Connect clients): register one (its
 * secret shown once), change its redirect URIs, scopes and what sign-ins must prove, rotate its
 * secret, disable, enable or delete it. Every change is audited.
 */
export const ApplicationsPage = () => {
  const { list, act, form, asking, setAsking, editing, setEditing, shown, setShown, formKey, confirm, save } =
    useApplications()
  const clients = list.data ?? []
  const q = asking ? QUESTIONS[asking.verb] : null
  return (
    <>
      <PageTitle>Applications</PageTitle>
      <ProblemMessage error={list.error} feature="The applications API" />
      {list.error instanceof Problem && missingApi(list.error) ? null : (
        <>
          <div aria-live="polite">
            <ProblemMessage error={act.error} />
            {shown ? <SecretOnce {...shown} onDismiss={() => setShown(null)} /> : null}
          </div>
          {asking && q ? (
            <Confirm
              title={`${q.title} ${asking.c.name}?`}
              confirmLabel={q.confirm}
              danger={q.danger}
              busy={act.busy}
              onConfirm={confirm}
              onCancel={() => setAsking(null)}
            >
              <p>{q.text} This is recorded in the audit log.</p>
            </Confirm>
          ) : null}
          <AppTable
            clients={clients}
            caption={
              list.loading && !list.data
                ? 'Loading…'
                : `${clients.length} application${clients.length === 1 ? '' : 's'}`
            }
            onAct={(c, verb) => setAsking({ c, verb })}
            onEdit={(c) => {
              form.clear()
              setEditing(c)
            }}
          />
          <AppForm
            key={editing ? editing.client_id : `new-${formKey}`}
            client={editing}
            busy={form.busy}
            error={form.error}
            onSubmit={save}
            onCancel={editing ? () => setEditing(null) : undefined}
          />
        </>
      )}
    </>
  )
}
