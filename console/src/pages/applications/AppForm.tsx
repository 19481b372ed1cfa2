import { type FormEvent, useId, useState } from 'react'
import type { OidcClient, OidcClientChange } from '../../api'
import { ProblemMessage } from '../../ui'

type Scope = OidcClient['scopes'][number]
type GrantType = OidcClient['grant_types'][number]
type Acr = NonNullable<OidcClient['require_acr']>

const SCOPES: Array<{ value: Scope; label: string }> = [
  { value: 'openid', label: 'openid (required)' },
  { value: 'profile', label: 'profile' },
  { value: 'email', label: 'email' },
  { value: 'phone', label: 'phone' },
  { value: 'offline_access', label: 'offline_access (refresh tokens)' },
]
const GRANT_TYPES: GrantType[] = ['authorization_code', 'refresh_token', 'client_credentials']
const ACRS: Array<{ value: Acr | ''; label: string }> = [
  { value: '', label: 'A password is enough' },
  { value: 'pwd', label: 'pwd: a password' },
  { value: 'mfa', label: 'mfa: a second factor' },
  { value: 'phr', label: 'phr: a phishing-resistant factor (passkey)' },
]

/** What the form holds; lists of URIs as text, one a line. */
interface Draft {
  name: string
  description: string
  isPublic: boolean
  firstParty: boolean
  redirectUris: string
  postLogoutUris: string
  scopes: Scope[]
  grantTypes: GrantType[]
  requireAcr: Acr | ''
  backchannel: string
}

const draftOf = (c: OidcClient | null): Draft => ({
  name: c?.name ?? '',
  description: c?.description ?? '',
  isPublic: c?.public ?? false,
  firstParty: c?.first_party ?? false,
  redirectUris: c?.redirect_uris.join('\n') ?? '',
  postLogoutUris: c?.post_logout_redirect_uris.join('\n') ?? '',
  scopes: c?.scopes ?? ['openid'],
  grantTypes: c?.grant_types ?? ['authorization_code'],
  requireAcr: c?.require_acr ?? '',
  backchannel: c?.backchannel_logout_uri ?? '',
})

const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)

/** The body the form sends: every setting it shows (`public` only when registering). */
export type AppBody = OidcClientChange & { name: string; public?: boolean }
const bodyOf = (d: Draft, creating: boolean): AppBody => ({
  name: d.name.trim(),
  description: d.description.trim() || null,
  first_party: d.firstParty,
  redirect_uris: lines(d.redirectUris),
  post_logout_redirect_uris: lines(d.postLogoutUris),
  scopes: d.scopes,
  grant_types: d.grantTypes,
  require_acr: d.requireAcr || null,
  backchannel_logout_uri: d.backchannel.trim() || null,
  ...(creating ? { public: d.isPublic } : {}),
})

const toggle = <T,>(list: T[], item: T, on: boolean) =>
  on ? [...list, item] : list.filter((x) => x !== item)

/** Tick boxes for a list of values. */
const Checks = <T extends string>({
  legend,
  options,
  chosen,
  onChange,
}: {
  legend: string
  options: Array<{ value: T; label: string }>
  chosen: T[]
  onChange: (next: T[]) => void
}) => (
  <fieldset>
    <legend>{legend}</legend>
    {options.map((o) => (
      <label key={o.value} className="check">
        <input
          type="checkbox"
          checked={chosen.includes(o.value)}
          onChange={(e) => onChange(toggle(chosen, o.value, e.target.checked))}
        />
        {o.label}
      </label>
    ))}
  </fieldset>
)

/** Where the application is sent back to, what it may ask for, what sign-ins must prove. */
const Settings = ({ d, set, id }: { d: Draft; set: (patch: Partial<Draft>) => void; id: string }) => (
  <>
    <label htmlFor={`${id}-redirect`}>
      Redirect URIs, one a line (exact; https, or http on 127.0.0.1, [::1], localhost)
    </label>
    <textarea
      id={`${id}-redirect`}
      rows={3}
      value={d.redirectUris}
      onChange={(e) => set({ redirectUris: e.target.value })}
    />
    <label htmlFor={`${id}-logout`}>Post-logout redirect URIs, one a line</label>
    <textarea
      id={`${id}-logout`}
      rows={2}
      value={d.postLogoutUris}
      onChange={(e) => set({ postLogoutUris: e.target.value })}
    />
    <Checks legend="Scopes" options={SCOPES} chosen={d.scopes} onChange={(scopes) => set({ scopes })} />
    <Checks
      legend="Grant types"
      options={GRANT_TYPES.map((g) => ({ value: g, label: g }))}
      chosen={d.grantTypes}
      onChange={(grantTypes) => set({ grantTypes })}
    />
    <label htmlFor={`${id}-acr`}>Sign-ins must prove</label>
    <select
      id={`${id}-acr`}
      value={d.requireAcr}
      onChange={(e) => set({ requireAcr: e.target.value as Acr | '' })}
    >
      {ACRS.map((a) => (
        <option key={a.value} value={a.value}>
          {a.label}
        </option>
      ))}
    </select>
    <label htmlFor={`${id}-bc`}>Back-channel logout URI (optional)</label>
    <input id={`${id}-bc`} value={d.backchannel} onChange={(e) => set({ backchannel: e.target.value })} />
  </>
)

/**
 * Registers an application (`client` null) or changes one: name, redirect URIs (exact, one a
 * line), scopes, grant types, the least a sign-in must prove. The server checks that it all holds
 * together and says what does not.
 */
export const AppForm = ({
  client,
  busy,
  error,
  onSubmit,
  onCancel,
}: {
  client: OidcClient | null
  busy: boolean
  error: unknown
  onSubmit: (body: AppBody) => void
  onCancel?: () => void
}) => {
  const [d, setD] = useState<Draft>(() => draftOf(client))
  const id = useId()
  const set = (patch: Partial<Draft>) => setD((old) => ({ ...old, ...patch }))
  const submit = (e: FormEvent) => {
    e.preventDefault()
    onSubmit(bodyOf(d, client === null))
  }
  const title = client ? `Edit ${client.name}` : 'Register an application'
  return (
    <form className="panel" onSubmit={submit} aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{title}</h2>
      <label htmlFor={`${id}-name`}>Name</label>
      <input
        id={`${id}-name`}
        required
        maxLength={100}
        value={d.name}
        onChange={(e) => set({ name: e.target.value })}
      />
      <label htmlFor={`${id}-desc`}>Description</label>
      <input
        id={`${id}-desc`}
        maxLength={500}
        value={d.description}
        onChange={(e) => set({ description: e.target.value })}
      />
      {client ? null : (
        <label className="check">
          <input type="checkbox" checked={d.isPublic} onChange={(e) => set({ isPublic: e.target.checked })} />
          Public client (a browser or native app: no secret, PKCE only)
        </label>
      )}
      <label className="check">
        <input
          type="checkbox"
          checked={d.firstParty}
          onChange={(e) => set({ firstParty: e.target.checked })}
        />
        First party (no consent screen)
      </label>
      <Settings d={d} set={set} id={id} />
      <div aria-live="assertive">
        <ProblemMessage error={error} />
      </div>
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {client ? 'Save changes' : 'Register'}
        </button>
        {onCancel ? (
          <button type="button" onClick={onCancel} disabled={busy}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  )
}
