import { type MouseEvent, type ReactNode, useCallback, useEffect, useRef, useState } from 'react'
import { api, type Me, setToken, whenSignedOut } from './api'
import { AccessReviewPage } from './pages/AccessReview'
import { AccountPage, AccountsPage } from './pages/Accounts'
import { AuditPage } from './pages/Audit'
import { DetectionPage, DetectionsPage } from './pages/Detections'
import { IncidentPage, IncidentsPage } from './pages/Incidents'
import { OutboxPage } from './pages/Outbox'
import { OverviewPage } from './pages/Overview'
import { SignIn } from './pages/SignIn'
import { ChallengeProgress } from './ui'

export const BASE = '/console'

/** The path inside the console, e.g. `/detections/4`. */
const here = () => {
  const p = window.location.pathname
  return p.startsWith(BASE) ? p.slice(BASE.length) || '/' : '/'
}

type Navigate = (to: string) => void
let navigateTo: Navigate = () => {}
export const navigate: Navigate = (to) => navigateTo(to)

/** An in-app link: a real href (open in new tab works), client-side navigation on a plain click. */
export const Link = ({
  to,
  children,
  className,
}: {
  to: string
  children: ReactNode
  className?: string
}) => (
  <a
    href={`${BASE}${to}`}
    className={className}
    onClick={(e: MouseEvent<HTMLAnchorElement>) => {
      if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return
      e.preventDefault()
      navigate(to)
    }}
  >
    {children}
  </a>
)

const NAV: Array<{ to: string; label: string }> = [
  { to: '/', label: 'Overview' },
  { to: '/detections', label: 'Detections' },
  { to: '/incidents', label: 'Incidents' },
  { to: '/access', label: 'Access review' },
  { to: '/accounts', label: 'Accounts' },
  { to: '/audit', label: 'Audit' },
  { to: '/outbox', label: 'Dead letters' },
]

const route = (path: string): { title: string; page: ReactNode } => {
  const parts = path.split('/').filter(Boolean)
  const [section, id] = parts
  const arg = id ? decodeURIComponent(id) : undefined
  switch (section) {
    case undefined:
      return { title: 'Overview', page: <OverviewPage /> }
    case 'detections':
      return arg
        ? { title: `Detection ${arg}`, page: <DetectionPage id={arg} /> }
        : { title: 'Detections', page: <DetectionsPage /> }
    case 'incidents':
      return arg
        ? { title: 'Incident', page: <IncidentPage id={arg} /> }
        : { title: 'Incidents', page: <IncidentsPage /> }
    case 'access':
      return { title: 'Access review', page: <AccessReviewPage /> }
    case 'accounts':
      return arg
        ? { title: 'Account', page: <AccountPage id={arg} /> }
        : { title: 'Accounts', page: <AccountsPage /> }
    case 'audit':
      return { title: 'Audit log', page: <AuditPage /> }
    case 'outbox':
      return { title: 'Dead letters', page: <OutboxPage /> }
    default:
      return {
        title: 'Not found',
        page: (
          <section className="panel">
            <h1>No such page</h1>
            <p>
              <Link to="/">Go to the overview</Link>
            </p>
          </section>
        ),
      }
  }
}

export const App = () => {
  const [me, setMe] = useState<Me | null>(null)
  const [path, setPath] = useState(here)
  const main = useRef<HTMLElement>(null)
  const [menuOpen, setMenuOpen] = useState(false)

  navigateTo = useCallback((to: string) => {
    window.history.pushState(null, '', `${BASE}${to}`)
    setPath(to)
    setMenuOpen(false)
  }, [])
  useEffect(() => {
    const pop = () => setPath(here())
    window.addEventListener('popstate', pop)
    whenSignedOut(() => setMe(null))
    return () => window.removeEventListener('popstate', pop)
  }, [])

  const { title, page } = route(path)
  useEffect(() => {
    document.title = `${title} · Gatehouse console`
    // After a navigation, focus goes to the main heading so screen readers announce the page.
    main.current?.querySelector<HTMLElement>('h1')?.focus()
  }, [title])

  if (!me) {
    return <SignIn onSignedIn={setMe} />
  }

  const signOut = async () => {
    try {
      await api.DELETE('/v1/sessions/current')
    } catch {
      // gone already
    }
    setToken(null)
    setMe(null)
  }
  const section = `/${path.split('/').filter(Boolean)[0] ?? ''}`

  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">Gatehouse console</span>
        <button
          type="button"
          className="menu-toggle"
          aria-expanded={menuOpen}
          aria-controls="nav"
          onClick={() => setMenuOpen((o) => !o)}
        >
          Menu
        </button>
        <nav id="nav" aria-label="Console sections" className={menuOpen ? 'open' : ''}>
          <ul>
            {NAV.map((n) => (
              <li key={n.to}>
                <a
                  href={`${BASE}${n.to}`}
                  aria-current={section === n.to ? 'page' : undefined}
                  onClick={(e) => {
                    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return
                    e.preventDefault()
                    navigate(n.to)
                  }}
                >
                  {n.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div className="who">
          <span>
            Signed in as <strong>{me.username}</strong>
          </span>
          <button type="button" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        <ChallengeProgress />
        {page}
      </main>
    </div>
  )
}
