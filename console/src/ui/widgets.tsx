import { type ReactNode, useEffect, useId, useRef } from 'react'
import type { AccountRef } from '../api'
import { AccountName } from './names'

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

/** The page's h1: focusable by script so that a navigation lands screen readers on it. */
export const PageTitle = ({ children, actions }: { children: ReactNode; actions?: ReactNode }) => (
  <div className="page-head">
    <h1 tabIndex={-1}>{children}</h1>
    {actions ? <div className="page-actions">{actions}</div> : null}
  </div>
)
