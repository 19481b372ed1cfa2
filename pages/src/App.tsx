import { type ComponentType, lazy, Suspense, useEffect, useState } from 'react'
import { loadConfig, type PagesConfig } from './config'
import { type Lang, pickLang, setLang, t } from './i18n'
import type { ScreenProps } from './screens/types'

/** The screen of each path; each its own chunk, so a route loads only what it shows. */
const SCREENS: Record<string, ComponentType<ScreenProps>> = {
  '/sign-in': lazy(() => import('./screens/SignIn')),
  '/sign-up': lazy(() => import('./screens/SignUp')),
  '/verify-email': lazy(() => import('./screens/VerifyEmail')),
  '/confirm-email': lazy(() => import('./screens/VerifyEmail')),
  '/forgot-password': lazy(() => import('./screens/ForgotPassword')),
  '/reset-password': lazy(() => import('./screens/ResetPassword')),
  '/not-me': lazy(() => import('./screens/NotMe')),
  '/lock-account': lazy(() => import('./screens/NotMe')),
  '/security': lazy(() => import('./screens/security/Security')),
  '/consent': lazy(() => import('./screens/Consent')),
  '/cancel-deletion': lazy(() => import('./screens/CancelDeletion')),
}

const Loading = () => (
  <p className="loading" role="status">
    {t('common.loading')}
  </p>
)

export const App = ({ returnTo }: { returnTo: string | null }) => {
  const [config, setConfig] = useState<PagesConfig | null>(null)
  const [failed, setFailed] = useState(false)
  const [path, setPath] = useState(location.pathname)
  const [, setLangState] = useState<Lang>('en')

  useEffect(() => {
    loadConfig(returnTo)
      .then((c) => {
        document.documentElement.style.setProperty('--accent', c.accent)
        const l = pickLang(c.default_locale)
        setLang(l)
        setLangState(l)
        setConfig(c)
      })
      .catch(() => setFailed(true))
  }, [returnTo])

  useEffect(() => {
    const onPop = () => setPath(location.pathname)
    addEventListener('popstate', onPop)
    return () => removeEventListener('popstate', onPop)
  }, [])

  if (failed) return <p role="alert">{t('common.error.network')}</p>
  if (!config) return <Loading />
  const Screen = SCREENS[path] ?? SCREENS['/sign-in']!
  const go = (to: string) => {
    history.pushState(null, '', to)
    setPath(new URL(to, location.href).pathname)
    scrollTo(0, 0)
  }
  const onLang = (l: Lang) => {
    setLang(l, true)
    setLangState(l)
  }
  return (
    <Suspense fallback={<Loading />}>
      <Screen config={config} onLang={onLang} go={go} path={path} />
    </Suspense>
  )
}
