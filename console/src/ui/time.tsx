import { useSyncExternalStore } from 'react'

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
