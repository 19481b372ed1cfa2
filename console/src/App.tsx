import {
  type MouseEvent,
  type ReactNode,
  type RefObject,
  useCallback,
  useEffect,
  useRef,
  useState,
} from 'react'
import { api, type Me, setToken, whenSignedOut } from './api'
import { AccessReviewPage } from './pages/AccessReview'
import { AccountPage, AccountsPage } from './pages/Accounts'
import { ApplicationsPage } from './pages/Applications'
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
  { to: '/applications', label: 'Applications' },
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
    case 'applications':
      return { title: 'Applications', page: <ApplicationsPage /> }
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

/** The path inside the console, following the browser's history; `navigate` moves it and calls `onNavigate`. */
const usePath = (onNavigate: () => void) => {
  const [path, setPath] = useState(here)
  // biome-ignore lint/correctness/useExhaustiveDependencies: the navigation callback is fixed for the app's life
  navigateTo = useCallback((to: string) => {
    window.history.pushState(null, '', `${BASE}${to}`)
    setPath(to)
    onNavigate()
  }, [])
  useEffect(() => {
    const pop = () => setPath(here())
    window.addEventListener('popstate', pop)
    return () => window.removeEventListener('popstate', pop)
  }, [])
  return path
}

/** The document's title follows the page; after a navigation, focus goes to the main heading. */
const usePageTitle = (title: string, main: RefObject<HTMLElement | null>) => {
  // biome-ignore lint/correctness/useExhaustiveDependencies: the ref is stable; the title is what changes
  useEffect(() => {
    document.title = `${title} · Gatehouse console`
    // After a navigation, focus goes to the main heading so screen readers announce the page.
    main.current?.querySelector<HTMLElement>('h1')?.focus()
  }, [title])
}

/** Ends the console's session on the server (if it is still there) and forgets its token. */
const endSession = async () => {
  try {
    await api.DELETE('/v1/sessions/current')
  } catch {
    // gone already
  }
  setToken(null)
}

/** The sections of the console, the current one marked; folded behind the menu button on small screens. */
const SectionNav = ({ section, open }: { section: string; open: boolean }) => (
  <nav id="nav" aria-label="Console sections" className={open ? 'open' : ''}>
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
)

/** The top bar: the brand, the menu button and sections, who is signed in and the way out. */
const TopBar = ({
  me,
  section,
  menuOpen,
  toggleMenu,
  onSignOut,
}: {
  me: Me
  section: string
  menuOpen: boolean
  toggleMenu: () => void
  onSignOut: () => void
}) => (
  <header className="top">
    <span className="brand">Gatehouse console</span>
    <button
      type="button"
      className="menu-toggle"
      aria-expanded={menuOpen}
      aria-controls="nav"
      onClick={toggleMenu}
    >
      Menu
    </button>
    <SectionNav section={section} open={menuOpen} />
    <div className="who">
      <span>
        Signed in as <strong>{me.username}</strong>
      </span>
      <button type="button" onClick={onSignOut}>
        Sign out
      </button>
    </div>
  </header>
)

export const App = () => {
  const [me, setMe] = useState<Me | null>(null)
  const main = useRef<HTMLElement>(null)
  const [menuOpen, setMenuOpen] = useState(false)
  const path = usePath(() => setMenuOpen(false))
  useEffect(() => {
    whenSignedOut(() => setMe(null))
  }, [])

  const { title, page } = route(path)
  usePageTitle(title, main)

  if (!me) {
    return <SignIn onSignedIn={setMe} />
  }

  const signOut = async () => {
    await endSession()
    setMe(null)
  }
  const section = `/${path.split('/').filter(Boolean)[0] ?? ''}`

  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <TopBar
        me={me}
        section={section}
        menuOpen={menuOpen}
        toggleMenu={() => setMenuOpen((o) => !o)}
        onSignOut={signOut}
      />
      <main id="main" ref={main} tabIndex={-1}>
        <ChallengeProgress />
        {page}
      </main>
    </div>
  )
}
