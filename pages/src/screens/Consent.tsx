import { useEffect, useState } from 'react'
import { api, data, json } from '../api'
import { type Key, t } from '../i18n'
import { interaction, interactionUrl } from '../interaction'
import { useAction } from '../ui/action'
import { Captcha, ChallengeProgress } from '../ui/Challenge'
import { Frame } from '../ui/Frame'
import { nav } from '../ui/nav'
import { Problems } from '../ui/Problems'
import type { ScreenProps } from './types'

/** What the provider says an application asks for (GET /oidc/interaction/<uid>/details). */
interface Details {
  client: { id: string; name: string; description: string | null }
  scopes: string[]
  claims: string[]
}

/** Each scope in words; a scope without words is shown by its name. */
const SCOPE_WORDS: Record<string, Key> = {
  openid: 'oidc.scope.openid',
  profile: 'oidc.scope.profile',
  email: 'oidc.scope.email',
  phone: 'oidc.scope.phone',
  offline_access: 'oidc.scope.offline_access',
}
const scopeText = (scope: string): string => {
  const key = Object.hasOwn(SCOPE_WORDS, scope) ? SCOPE_WORDS[scope] : undefined
  return key ? t(key) : scope
}

type View = { kind: 'loading' } | { kind: 'gone' } | { kind: 'ask'; details: Details; username: string }

/**
 * An application that is not the service's own asks for the signed-in account (/consent): what it
 * asks for, in words, and who is signed in; Allow or Deny goes back through the provider to the
 * application. A request that expired or was answered already says so, with a way on.
 */
export default function Consent({ config, onLang, go }: ScreenProps) {
  const app = interaction()
  const [view, setView] = useState<View>({ kind: 'loading' })
  const action = useAction()

  useEffect(() => {
    if (!app) {
      setView({ kind: 'gone' })
      return
    }
    const base = interactionUrl(app.uid)
    Promise.all([json<Details>('GET', `${base}/details`), data(api.GET('/v1/me'))]).then(
      ([details, me]) => setView({ kind: 'ask', details, username: me.username }),
      () => setView({ kind: 'gone' }),
    )
  }, [app])

  useEffect(() => {
    if (view.kind === 'gone') document.getElementById('main')?.focus()
  }, [view.kind])

  const answer = (approve: boolean) =>
    action.run(async () => {
      if (!app) return
      const r = await json<{ redirect_to: string }>('POST', `${interactionUrl(app.uid)}/consent`, { approve })
      location.assign(r.redirect_to)
    })

  if (view.kind === 'loading')
    return (
      <p className="loading" role="status">
        {t('common.loading')}
      </p>
    )
  if (view.kind === 'gone')
    return (
      <Frame config={config} title={t('oidc.consent.expired.title')} onLang={onLang}>
        <p className="alert error" role="alert">
          {t('oidc.consent.expired')}
        </p>
        <p>
          <a href="/security" onClick={nav(go, '/security')}>
            {t('oidc.consent.back')}
          </a>
        </p>
      </Frame>
    )

  const { details, username } = view
  const name = details.client.name || details.client.id
  return (
    <Frame config={config} title={t('oidc.consent.title')} onLang={onLang}>
      <p id="consent-wants">
        <strong>{t('oidc.consent.wants', { client: name })}</strong>
      </p>
      {details.client.description && <p className="hint">{details.client.description}</p>}
      <ul aria-labelledby="consent-wants" className="scopes">
        {details.scopes.map((s) => (
          <li key={s}>{scopeText(s)}</li>
        ))}
      </ul>
      <p>{t('oidc.consent.as', { username })}</p>
      <p className="hint">{t('oidc.consent.note')}</p>
      <Problems action={action} />
      <ChallengeProgress />
      <Captcha config={config} />
      <div className="actions">
        <button type="button" onClick={() => answer(true)} disabled={action.blocked}>
          {t('oidc.consent.allow')}
        </button>
        <button type="button" className="secondary" onClick={() => answer(false)} disabled={action.blocked}>
          {t('oidc.consent.deny')}
        </button>
      </div>
    </Frame>
  )
}
