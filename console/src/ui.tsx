import { type ReactNode, useCallback, useEffect, useId, useRef, useState, useSyncExternalStore } from 'react'
import { Link } from './App'
import { Problem, powOf } from './api'
import { cancelSolving, solvingNow, subscribeSolving } from './challenge'
import { describeEvent } from './events'

/** A problem answer as the person reads it: its title and detail, in an alert region. */
export const ProblemMessage = ({ error, feature }: { error: unknown; feature?: string }) => {
  if (!error) return null
  const p =
    error instanceof Problem
      ? error
      : new Problem(
          0,
          'Something went wrong',
          error instanceof Error ? error.message : String(error),
          undefined,
        )
  const missing = p.missingApi && feature
  return (
    <div className="problem" role="alert">
      <p className="problem-title">{missing ? `${feature} is not available on this server` : p.title}</p>
      <p className="problem-detail">
        {missing
          ? 'The admin API answered 404 for it: this Gatehouse version does not offer it yet.'
          : (p.detail ?? (p.status ? `HTTP ${p.status}` : ''))}
        {p.code && !missing ? <span className="problem-code"> ({p.code})</span> : null}
      </p>
    </div>
  )
}

export interface Loaded<T> {
  data: T | null
  /** When the data last arrived (epoch ms). */
  updatedAt: number | null
  error: unknown
  loading: boolean
  reload: () => void
}

/** Loads `fetcher()` now, whenever `deps` change, on `reload()`, and every `refreshMs` if given. */
export const useLoad = <T,>(
  fetcher: (signal: AbortSignal) => Promise<T>,
  deps: unknown[],
  refreshMs?: number,
): Loaded<T> => {
  const [data, setData] = useState<T | null>(null)
  const [updatedAt, setUpdatedAt] = useState<number | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [loading, setLoading] = useState(true)
  const [tick, setTick] = useState(0)
  const reload = useCallback(() => setTick((t) => t + 1), [])
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller names what the fetch depends on
  useEffect(() => {
    const ac = new AbortController()
    setLoading(true)
    fetcher(ac.signal)
      .then((d) => {
        if (ac.signal.aborted) return
        setData(d)
        setUpdatedAt(Date.now())
        setError(null)
      })
      .catch((e: unknown) => {
        if (ac.signal.aborted) return
        setError(e)
      })
      .finally(() => {
        if (!ac.signal.aborted) setLoading(false)
      })
    return () => ac.abort()
  }, [...deps, tick])
  useEffect(() => {
    if (!refreshMs) return
    const t = setInterval(reload, refreshMs)
    return () => clearInterval(t)
  }, [refreshMs, reload])
  return { data, updatedAt, error, loading, reload }
}

/** Runs an action, remembering whether it is under way and the problem it ended with. */
export const useAction = () => {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const run = useCallback(async <T,>(f: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true)
    setError(null)
    try {
      return await f()
    } catch (e) {
      setError(e)
      return undefined
    } finally {
      setBusy(false)
    }
  }, [])
  return { busy, error, run, clear: () => setError(null) }
}

const pad = (n: number) => String(n).padStart(2, '0')
const zoneFormat = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' })

/** The browser's time zone as a short name at that moment: `UTC`, `GMT+1`, `EST` … */
export const zoneName = (d: Date): string =>
  zoneFormat.formatToParts(d).find((p) => p.type === 'timeZoneName')?.value ?? 'local time'

/** `2026-12-05 22:41:07 UTC`: the browser's time zone, always named. */
export const when = (iso: string | null | undefined): string => {
  if (!iso) return '—'
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} ${zoneName(d)}`
}

/** `3 min ago`, `in 2 h`, `just now`: how far a time is from `now`. */
export const ago = (iso: string, now: number): string | null => {
  const t = Date.parse(iso)
  if (Number.isNaN(t)) return null
  const s = Math.round((now - t) / 1000)
  const a = Math.abs(s)
  if (a < 45) return 'just now'
  const [n, unit] =
    a < 3600
      ? [Math.round(a / 60), 'min']
      : a < 86_400
        ? [Math.round(a / 3600), 'h']
        : [Math.round(a / 86_400), Math.round(a / 86_400) === 1 ? 'day' : 'days']
  return s >= 0 ? `${n} ${unit} ago` : `in ${n} ${unit}`
}

// One clock for every relative time on the page: it ticks every 30 s.
let clockNow = Date.now()
const clockListeners = new Set<() => void>()
let clockTimer: ReturnType<typeof setInterval> | undefined
const subscribeClock = (f: () => void) => {
  clockListeners.add(f)
  clockTimer ??= setInterval(() => {
    clockNow = Date.now()
    for (const l of clockListeners) l()
  }, 30_000)
  return () => {
    clockListeners.delete(f)
    if (clockListeners.size === 0 && clockTimer) {
      clearInterval(clockTimer)
      clockTimer = undefined
    }
  }
}
/** The time now, updated every 30 s. */
export const useNow = () => useSyncExternalStore(subscribeClock, () => clockNow)

/** Relative times are shown within this distance of now; further off, the date says enough. */
const RELATIVE_WITHIN_MS = 7 * 86_400_000

/** A time with its zone (`2026-12-05 22:41:07 UTC`) and, when near, how long ago (`3 min ago`). */
export const Time = ({ iso, relative = true }: { iso: string | null | undefined; relative?: boolean }) => {
  const now = useNow()
  if (!iso) return <span>—</span>
  const t = Date.parse(iso)
  const rel = relative && Math.abs(now - t) < RELATIVE_WITHIN_MS ? ago(iso, now) : null
  return (
    <span className="when">
      <time dateTime={iso} title={Number.isNaN(t) ? iso : new Date(t).toISOString()}>
        {when(iso)}
      </time>
      {rel ? <span className="ago"> ({rel})</span> : null}
    </span>
  )
}

/** An account as the admin API names it; `username` null: the account no longer exists. */
export interface AccountRef {
  id: string
  username: string | null
  role: string | null
}

/** Who acted, as the admin API names them. */
export interface ActorRef {
  kind: 'account' | 'api_key' | 'cli' | 'system' | 'other'
  id: string | null
  name: string | null
  role: string | null
}

/** A button that copies an id to the clipboard, and says so. */
export const CopyId = ({ id, what = 'id' }: { id: string; what?: string }) => {
  const [copied, setCopied] = useState<boolean | null>(null)
  useEffect(() => {
    if (copied === null) return
    const t = setTimeout(() => setCopied(null), 2000)
    return () => clearTimeout(t)
  }, [copied])
  return (
    <button
      type="button"
      className="copy"
      title={`Copy the ${what}: ${id}`}
      aria-label={`Copy the ${what} ${id}`}
      onClick={() =>
        navigator.clipboard.writeText(id).then(
          () => setCopied(true),
          () => setCopied(false),
        )
      }
    >
      {copied === true ? 'Copied' : copied === false ? 'Copy failed' : 'Copy id'}
    </button>
  )
}

/** `7ec7dfec-6c1f-…` → `7ec7dfec…`. */
export const shortId = (id: string) => (id.length > 12 ? `${id.slice(0, 8)}…` : id)

/**
 * An account by name: the username (a link to its page) and role; its id in the title and behind
 * a copy button. A deleted account reads "deleted account" with its short id.
 */
export const AccountName = ({ account, link = true }: { account: AccountRef; link?: boolean }) => (
  <span className="name-ref" title={`Account id ${account.id}`} data-account-id={account.id}>
    {account.username === null ? (
      <>
        <span className="muted">deleted account</span> <code>{shortId(account.id)}</code>
      </>
    ) : (
      <>
        {link ? (
          <Link to={`/accounts/${account.id}`}>{account.username}</Link>
        ) : (
          <span>{account.username}</span>
        )}
        {account.role ? <Badge tone={account.role === 'user' ? '' : 'role'}>{account.role}</Badge> : null}
      </>
    )}
    <CopyId id={account.id} what="account id" />
  </span>
)

/** Who acted: an account by name, an API key by its client, the command line or Gatehouse itself. */
export const ActorName = ({ actor, raw }: { actor: ActorRef | null | undefined; raw?: string | null }) => {
  if (!actor) return raw ? <span className="mono">{raw}</span> : <span>—</span>
  switch (actor.kind) {
    case 'account':
      return <AccountName account={{ id: actor.id ?? '', username: actor.name, role: actor.role }} />
    case 'api_key':
      return (
        <span className="name-ref" title={`API key id ${actor.id}`}>
          {actor.name ? (
            <>
              API key of <strong>{actor.name}</strong>
            </>
          ) : (
            <>
              <span className="muted">deleted API key</span> <code>{shortId(actor.id ?? '')}</code>
            </>
          )}
          {actor.id ? <CopyId id={actor.id} what="API key id" /> : null}
        </span>
      )
    case 'cli':
      return <span className="name-ref">the command line</span>
    case 'system':
      return <span className="name-ref">Gatehouse</span>
    default:
      return <span className="mono">{actor.name ?? raw ?? '—'}</span>
  }
}

/** A labelled progress bar that screen readers follow (role progressbar + a polite live text). */
export const ProgressBar = ({ done, total, label }: { done: number; total: number; label: string }) => {
  const pct = total > 0 ? Math.min(100, Math.round((done / total) * 100)) : 0
  return (
    <div className="progress">
      <div
        className="progress-track"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={total || 100}
        aria-valuenow={total ? done : 0}
      >
        {/* CSSOM width (not a style attribute): allowed under style-src 'self' */}
        <div className="progress-fill" style={{ width: `${pct}%` }} />
      </div>
      <p className="progress-text" aria-live="polite">
        {label}: {done} of {total} ({pct} %)
      </p>
    </div>
  )
}

/**
 * A confirmation step: the question, what will happen, and two buttons. Focus moves to it when it
 * opens; Escape cancels.
 */
export const Confirm = ({
  title,
  children,
  confirmLabel,
  onConfirm,
  onCancel,
  busy,
  danger = true,
}: {
  title: string
  children: ReactNode
  confirmLabel: string
  onConfirm: () => void
  onCancel: () => void
  busy?: boolean
  danger?: boolean
}) => {
  const ref = useRef<HTMLDivElement>(null)
  const id = useId()
  useEffect(() => {
    ref.current?.focus()
  }, [])
  return (
    <div
      className="confirm"
      role="alertdialog"
      aria-modal="false"
      aria-labelledby={`${id}-t`}
      tabIndex={-1}
      ref={ref}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onCancel()
      }}
    >
      <h3 id={`${id}-t`}>{title}</h3>
      <div>{children}</div>
      <div className="actions">
        <button type="button" className={danger ? 'danger' : 'primary'} onClick={onConfirm} disabled={busy}>
          {busy ? 'Working…' : confirmLabel}
        </button>
        <button type="button" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
      </div>
    </div>
  )
}

export const Figure = ({ label, value, tone }: { label: string; value: ReactNode; tone?: string }) => (
  <div className={`figure ${tone ?? ''}`}>
    <dt>{label}</dt>
    <dd>{value}</dd>
  </div>
)

export const Badge = ({ children, tone }: { children: ReactNode; tone?: string }) => (
  <span className={`badge ${tone ?? ''}`}>{children}</span>
)

/** Sortable column header: a button inside the th, with aria-sort on the th. */
export const SortHeader = <K extends string>({
  label,
  column,
  sort,
  setSort,
}: {
  label: string
  column: K
  sort: { column: K; desc: boolean }
  setSort: (s: { column: K; desc: boolean }) => void
}) => {
  const active = sort.column === column
  return (
    <th scope="col" aria-sort={active ? (sort.desc ? 'descending' : 'ascending') : 'none'}>
      <button
        type="button"
        className="sort"
        onClick={() => setSort({ column, desc: active ? !sort.desc : false })}
      >
        {label}
        <span aria-hidden="true">{active ? (sort.desc ? ' ▼' : ' ▲') : ' ↕'}</span>
      </button>
    </th>
  )
}

/** `revoked_sessions` → `revoked sessions`. */
const labelOf = (k: string) => k.replaceAll('_', ' ')

const valueText = (v: unknown): string =>
  v === null || v === undefined
    ? '—'
    : Array.isArray(v)
      ? v.map((x) => (typeof x === 'object' && x !== null ? JSON.stringify(x) : String(x))).join(', ')
      : typeof v === 'object'
        ? JSON.stringify(v)
        : String(v)

/**
 * The fields of an object as a definition list: labels in one column, values in the other, never
 * run together. A value `account:<id>` of one of the `accounts` given reads as that account's name.
 */
export const JsonDetails = ({ value, accounts = [] }: { value: unknown; accounts?: AccountRef[] }) => {
  if (!value || (typeof value === 'object' && Object.keys(value).length === 0)) return <span>—</span>
  const named = new Map(accounts.map((a) => [`account:${a.id}`, a]))
  return (
    <dl className="fields">
      {Object.entries(value as Record<string, unknown>).map(([k, v]) => {
        const account = typeof v === 'string' ? named.get(v) : undefined
        return (
          <div key={k}>
            <dt>{labelOf(k)}</dt>
            {account ? (
              <dd>
                <AccountName account={account} />
              </dd>
            ) : (
              <dd className={typeof v === 'string' || typeof v === 'object' ? 'mono' : undefined}>
                {valueText(v)}
              </dd>
            )}
          </div>
        )
      })}
    </dl>
  )
}

/** The page's h1: focusable by script so that a navigation lands screen readers on it. */
/**
 * Newer / Older buttons over a list read page by page: `before` is the stack of cursors of the
 * pages gone through, `next` the cursor of the next older page (none on the last one).
 */
export const Pager = <C,>({
  before,
  next,
  onChange,
}: {
  before: C[]
  next: C | null | undefined
  onChange: (update: (before: C[]) => C[]) => void
}) => (
  <div className="actions">
    <button type="button" disabled={before.length === 0} onClick={() => onChange((b) => b.slice(0, -1))}>
      Newer
    </button>
    <button
      type="button"
      disabled={!next}
      onClick={() => {
        if (next) onChange((b) => [...b, next])
      }}
    >
      Older
    </button>
  </div>
)

export const PageTitle = ({ children, actions }: { children: ReactNode; actions?: ReactNode }) => (
  <div className="page-head">
    <h1 tabIndex={-1}>{children}</h1>
    {actions ? <div className="page-actions">{actions}</div> : null}
  </div>
)

export interface EventItem {
  id: number
  type: string
  time: string
  ip: string | null
  details: Record<string, unknown>
  /** The event's account, by name (admin events carry it). */
  account?: AccountRef | null
}

/** The display name of an event's account, for its sentence. */
const accountWord = (a: AccountRef | null | undefined) =>
  a ? (a.username ?? `deleted account ${shortId(a.id)}`) : null

/**
 * Security events newest first, each as a sentence in plain words with its raw fields folded
 * away, and runs of the same event (same type and details) folded into one line with a count and
 * the number of addresses: a flood reads as one line, not a hundred. `showAccount` names each
 * event's account (a timeline that mixes accounts).
 */
export const EventList = ({
  events,
  limit = 40,
  showAccount = false,
}: {
  events: EventItem[]
  limit?: number
  showAccount?: boolean
}) => {
  const [all, setAll] = useState(false)
  const runs: Array<{ first: EventItem; last: EventItem; count: number; ips: Set<string> }> = []
  for (const e of events) {
    const prev = runs.at(-1)
    if (
      prev &&
      prev.first.type === e.type &&
      prev.first.account?.id === e.account?.id &&
      JSON.stringify(prev.first.details) === JSON.stringify(e.details)
    ) {
      prev.count += 1
      prev.last = e
      if (e.ip) prev.ips.add(e.ip)
    } else runs.push({ first: e, last: e, count: 1, ips: new Set(e.ip ? [e.ip] : []) })
  }
  const shown = all ? runs : runs.slice(0, limit)
  return (
    <>
      <ol className="timeline">
        {shown.map((r) => {
          const e = r.first
          const fields = { type: e.type, ...(e.ip ? { ip: e.ip } : {}), ...e.details }
          return (
            <li key={e.id} data-event-type={e.type}>
              <div className="event-head">
                <Time iso={e.time} />
                {showAccount && e.account ? <AccountName account={e.account} /> : null}
                {r.count > 1 ? (
                  <span className="badge warn">
                    ×{r.count} from {r.ips.size} address{r.ips.size === 1 ? '' : 'es'}
                  </span>
                ) : e.ip ? (
                  <span className="mono muted">{e.ip}</span>
                ) : null}
              </div>
              <p className="sentence">
                {describeEvent(e.type, e.details, { account: accountWord(e.account) })}
              </p>
              <details className="raw">
                <summary>Fields</summary>
                <JsonDetails value={fields} accounts={e.account ? [e.account] : []} />
              </details>
            </li>
          )
        })}
      </ol>
      {runs.length > shown.length ? (
        <button type="button" onClick={() => setAll(true)}>
          Show {runs.length - shown.length} more
        </button>
      ) : null}
    </>
  )
}

const count = (n: number) => Math.round(n).toLocaleString('en')
const seconds = (s: number) =>
  s < 1 ? 'under a second' : s < 90 ? `${Math.round(s)} s` : `${Math.round(s / 60)} min`

/**
 * The guard's proof-of-work challenge being solved in this page (challenge.ts): a progress bar
 * against the attempts expected on average, the attempts made and their rate, and Cancel.
 * Renders nothing when no challenge is being solved.
 */
export const ChallengeProgress = () => {
  const s = useSyncExternalStore(subscribeSolving, solvingNow)
  const cancel = useRef<HTMLButtonElement>(null)
  const solving = s !== null
  useEffect(() => {
    if (solving) cancel.current?.focus()
  }, [solving])
  if (!s) return null
  const elapsed = (s.updatedAt - s.startedAt) / 1000
  const rate = elapsed > 0.2 ? s.tried / elapsed : 0
  // A puzzle takes `expected` attempts on average, some fewer, some more: never show it done.
  const share = Math.min(0.99, s.tried / s.expected)
  const pct = Math.floor(share * 100)
  return (
    <section className="challenge" aria-labelledby="challenge-title" data-testid="challenge">
      <h2 id="challenge-title">
        Solving the guard's challenge <span className="spinner" aria-hidden="true" />
      </h2>
      <p aria-live="polite">
        The guard is challenging requests from your address. This browser is doing the proof of work it asks
        for and will then send the request again.
      </p>
      <div className="progress">
        <div
          className="progress-track"
          role="progressbar"
          aria-label="Proof of work"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={pct}
          aria-valuetext={`${count(s.tried)} attempts of about ${count(s.expected)} expected`}
        >
          <div className="progress-fill" style={{ width: `${pct}%` }} />
        </div>
        <p className="progress-text" data-testid="challenge-attempts">
          {count(s.tried)} attempts of about {count(s.expected)} expected (difficulty {s.difficulty} bits)
        </p>
        <p className="progress-text muted">
          {rate > 0
            ? `${count(rate)} a second on ${s.solvers} ${s.solvers === 1 ? 'core' : 'cores'}: about ${seconds(s.expected / rate)} on average${s.tried > s.expected ? ' (this one is taking longer than average)' : ''}`
            : `Starting on ${s.solvers} ${s.solvers === 1 ? 'core' : 'cores'}…`}
        </p>
      </div>
      <button type="button" ref={cancel} onClick={cancelSolving}>
        Cancel
      </button>
    </section>
  )
}

/**
 * What an operator can do when the guard stands between them and the console: a block or a delay
 * (429 rate_limited), a challenge the console cannot meet (a CAPTCHA only), or a cancelled one.
 */
export const GuardHint = ({ error }: { error: unknown }) => {
  if (!(error instanceof Problem)) return null
  const captchaOnly = error.code === 'challenge_required' && !powOf(error)
  const blocked = error.status === 429 && error.code === 'rate_limited'
  const cancelled = error.code === 'challenge_cancelled'
  if (!captchaOnly && !blocked && !cancelled) return null
  const retry = error.extra.retry_after
  return (
    <div className="guard-hint" data-testid="guard-hint">
      <p>
        {captchaOnly
          ? 'This server answers with a CAPTCHA, which the console cannot show.'
          : blocked
            ? `The guard is blocking or slowing down requests from your address${typeof retry === 'number' ? ` for another ${seconds(retry)}` : ''}.`
            : 'Sign in again to solve a new challenge.'}{' '}
        Someone with shell access to a Gatehouse server can end the guard's challenges, delays and blocks for
        your address at once (audited):
      </p>
      <pre>
        <code>gatehouse guard lift --ip &lt;your address&gt; --reason "console access"</code>
      </pre>
      <p className="muted">
        <code>--all</code> lifts them for every source. See the guard's documentation (docs/guard.md).
      </p>
    </div>
  )
}
