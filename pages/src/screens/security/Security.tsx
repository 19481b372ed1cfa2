/*
 * The security settings of the signed-in account (/security): password, email address, phone,
 * second factors (authenticator app, passkeys, codes by email or SMS, recovery codes), the reset
 * lock, where the account is signed in, and its security history. Without a session the visitor is
 * sent to the sign-in. Each section is its own component; they share the account, its factors and
 * the first page of its history (context.ts).
 */
import { useCallback, useEffect, useRef, useState } from 'react'
import { api, data, Problem } from '../../api'
import { type Lang, t } from '../../i18n'
import { Frame } from '../../ui/Frame'
import type { ScreenProps } from '../types'
import {
  type Account,
  type MfaStatus,
  type Profile,
  SecurityContext,
  type SecurityEvent,
  type SecurityState,
} from './context'
import { DataSection } from './DataSection'
import { EmailSection } from './EmailSection'
import { FactorsSection } from './FactorsSection'
import { HistorySection, PAGE } from './HistorySection'
import { PasskeysSection } from './PasskeysSection'
import { PasswordSection } from './PasswordSection'
import { PhoneSection } from './PhoneSection'
import { problemText } from './problems'
import { ResetLockSection } from './ResetLockSection'
import { SessionsSection } from './SessionsSection'
import { TotpSection } from './TotpSection'
import './security.css'

interface Loaded {
  account: Account
  profile: Profile | null
  mfa: MfaStatus
  events: SecurityEvent[]
  nextBefore: number | null
}

const NO_FACTORS: MfaStatus = { factors: [], recovery_codes_remaining: 0 }

/** The account as stored, factors and history; a session that may only change its password or enrol a factor reads less. */
const readState = async (account: Account): Promise<Omit<Loaded, 'account'>> => {
  const none = { profile: null, events: [], nextBefore: null }
  if (account.must_change_password) return { ...none, mfa: NO_FACTORS }
  const mfa = await data(api.GET('/v1/mfa'))
  if (account.mfa_enrolment_required) return { ...none, mfa }
  const [profile, h] = await Promise.all([
    data(api.GET('/v1/me')),
    data(api.GET('/v1/me/events', { params: { query: { limit: PAGE } } })),
  ])
  return { profile, mfa, events: h.events, nextBefore: h.next_before }
}

/** The language chosen here becomes the account's: its mails and texts are written in it (PUT /v1/me/locale). */
const storeLocale = (locale: Lang) =>
  api.PUT('/v1/me/locale', { body: { locale } }).catch(() => {
    // Not kept on the account this time: the pages still show the language chosen on this browser.
  })

const SECTIONS = [
  ['password', 'settings.password.title'],
  ['email', 'settings.email.title'],
  ['phone', 'settings.phone.title'],
  ['totp', 'settings.totp.title'],
  ['passkeys', 'settings.passkeys.title'],
  ['factors', 'settings.factors.title'],
  ['reset-lock', 'settings.resetLock.title'],
  ['sessions', 'settings.sessions.title'],
  ['history', 'settings.history.title'],
  ['data', 'settings.data.title'],
] as const

export default function Security({ config, onLang, go }: ScreenProps) {
  const [loaded, setLoaded] = useState<Loaded | null>(null)
  const [error, setError] = useState('')

  // The app gives a new `go` on each of its renders: the screen keeps the latest without reloading.
  const goRef = useRef(go)
  goRef.current = go
  const toSignIn = useCallback(() => goRef.current('/sign-in'), [])
  const load = useCallback(async () => {
    try {
      const me = await data(api.GET('/v1/sessions/current'))
      setLoaded({ account: me.account, ...(await readState(me.account)) })
    } catch (e) {
      if (e instanceof Problem && e.status === 401) toSignIn()
      else setError(problemText(e))
    }
  }, [toSignIn])
  useEffect(() => {
    void load()
  }, [load])

  const changeLang = (l: Lang) => {
    onLang(l)
    if (loaded) void storeLocale(l)
  }

  if (!loaded)
    return (
      <Frame config={config} title={t('settings.title')} onLang={changeLang} wide>
        {error ? (
          <p className="alert error" role="alert">
            {error}
          </p>
        ) : (
          <p role="status">{t('common.loading')}</p>
        )}
      </Frame>
    )

  const { account } = loaded
  const state: SecurityState = {
    config,
    account,
    profile: loaded.profile,
    mfa: loaded.mfa,
    events: loaded.events,
    refresh: load,
    signedOut: toSignIn,
  }
  const restricted = account.must_change_password || account.mfa_enrolment_required
  return (
    <Frame config={config} title={t('settings.title')} onLang={changeLang} wide>
      <SecurityContext.Provider value={state}>
        <p>{t('settings.signedInAs', { name: account.username })}</p>
        {account.must_change_password ? (
          <>
            <p className="alert" role="status">
              {t('settings.mustChangePassword')}
            </p>
            <PasswordSection />
          </>
        ) : account.mfa_enrolment_required ? (
          <>
            <p className="alert" role="status">
              {t('settings.mustEnrol')}
            </p>
            <TotpSection />
            {config.passkeys && <PasskeysSection />}
          </>
        ) : (
          <>
            <nav aria-label={t('settings.contents')} className="sec-toc">
              <ul>
                {SECTIONS.filter(([id]) => id !== 'passkeys' || config.passkeys).map(([id, key]) => (
                  <li key={id}>
                    <a href={`#${id}`}>{t(key)}</a>
                  </li>
                ))}
              </ul>
            </nav>
            <PasswordSection />
            <EmailSection />
            <PhoneSection />
            <TotpSection />
            {config.passkeys && <PasskeysSection />}
            <FactorsSection />
            <ResetLockSection />
            <SessionsSection />
            <HistorySection nextBefore={loaded.nextBefore} />
            <DataSection />
          </>
        )}
        {restricted && <SessionsSignOut />}
      </SecurityContext.Provider>
    </Frame>
  )
}

/** A restricted session can still end itself. */
const SessionsSignOut = () => {
  const [busy, setBusy] = useState(false)
  return (
    <div className="actions">
      <button
        type="button"
        className="secondary"
        disabled={busy}
        onClick={() => {
          setBusy(true)
          void api
            .DELETE('/v1/sessions/current')
            .catch(() => undefined)
            .finally(() => location.assign('/sign-in'))
        }}
      >
        {t('common.signOut')}
      </button>
    </div>
  )
}
