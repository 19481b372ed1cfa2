import { useState } from 'react'
import { Link } from '../App'
import { api, data, type Stats } from '../api'
import { LineChart } from '../chart'
import { Figure, type Loaded, PageTitle, ProblemMessage, useLoad, when } from '../ui'

const REFRESH_MS = 10_000

type Window = 'hour' | 'day'

/** The page's controls: the time window, auto-refresh on or off, refresh now. */
const Controls = ({
  window,
  setWindow,
  auto,
  setAuto,
  stats,
}: {
  window: Window
  setWindow: (w: Window) => void
  auto: boolean
  setAuto: (on: boolean) => void
  stats: Loaded<Stats>
}) => (
  <>
    <fieldset className="segmented">
      <legend className="visually-hidden">Time window</legend>
      {(['hour', 'day'] as const).map((w) => (
        <label key={w} className={window === w ? 'on' : ''}>
          <input type="radio" name="window" value={w} checked={window === w} onChange={() => setWindow(w)} />
          Last {w}
        </label>
      ))}
    </fieldset>
    <label className="check">
      <input type="checkbox" checked={auto} onChange={(e) => setAuto(e.target.checked)} /> Auto-refresh
    </label>
    <button type="button" onClick={stats.reload} disabled={stats.loading}>
      Refresh
    </button>
  </>
)

/** The window's totals as figures, the open detections linked to their list. */
const Figures = ({ s, window }: { s: Stats; window: Window }) => {
  const t = s.totals ?? {}
  return (
    <section aria-labelledby="figures-h">
      <h2 id="figures-h" className="visually-hidden">
        Figures for the last {window}
      </h2>
      <dl className="figures" data-testid="figures">
        <Figure label="Logins succeeded" value={t.logins_succeeded ?? 0} />
        <Figure label="Logins failed" value={t.logins_failed ?? 0} tone={t.logins_failed ? 'warn' : ''} />
        <Figure label="Recovery requests" value={t.recovery_requests ?? 0} />
        <Figure label="Recovery messages sent" value={t.recovery_sent ?? 0} />
        <Figure label="Recovery suppressed" value={t.recovery_suppressed ?? 0} />
        <Figure label="Challenges" value={t.challenges ?? 0} />
        <Figure label="Blocks" value={t.blocks ?? 0} tone={t.blocks ? 'bad' : ''} />
        <Figure
          label="Open detections"
          value={<Link to="/detections">{s.open_detections}</Link>}
          tone={s.open_detections ? 'bad' : 'good'}
        />
        <Figure
          label="Imported password hashes left"
          value={s.imported_password_hashes?.total ?? 0}
          tone={s.imported_password_hashes?.total ? 'warn' : ''}
        />
      </dl>
    </section>
  )
}

/** The window's buckets as three charts: logins, recovery, the guard's responses. */
const Charts = ({ s, day }: { s: Stats; day: boolean }) => (
  <div className="charts">
    <LineChart
      title="Logins"
      day={day}
      rows={s.buckets}
      series={[
        { key: 'logins_succeeded', label: 'Succeeded', tone: 's1' },
        { key: 'logins_failed', label: 'Failed', tone: 's3' },
      ]}
    />
    <LineChart
      title="Recovery: requests, messages sent, suppressed"
      day={day}
      rows={s.buckets}
      series={[
        { key: 'recovery_requests', label: 'Requests', tone: 's2' },
        { key: 'recovery_sent', label: 'Sent', tone: 's1' },
        { key: 'recovery_suppressed', label: 'Suppressed', tone: 's4' },
      ]}
    />
    <LineChart
      title="Guard responses: challenges and blocks"
      day={day}
      rows={s.buckets}
      series={[
        { key: 'challenges', label: 'Challenges', tone: 's4' },
        { key: 'blocks', label: 'Blocks', tone: 's3' },
      ]}
    />
  </div>
)

/** Imported password hashes left, by format: each goes at the account's next successful login. */
const ImportedHashes = ({ s }: { s: Stats }) => {
  const left = Object.entries(s.imported_password_hashes?.by_format ?? {}).filter(([, n]) => n > 0)
  if (left.length === 0) return null
  return (
    <p data-testid="imported-hashes">
      Imported password hashes by format (replaced by argon2id at each account's next login):{' '}
      {left.map(([format, n]) => `${format} ${n}`).join(', ')}.
    </p>
  )
}

/** The figures, charts and period of one answer of the statistics API. */
const Period = ({ s, window, updatedAt }: { s: Stats; window: Window; updatedAt: number | null }) => (
  <>
    <p className="muted">
      {when(s.from)} – {when(s.to)}, in buckets of {s.bucket_seconds / 60} minutes
      {updatedAt ? `; updated ${new Date(updatedAt).toLocaleTimeString()}` : ''}.
    </p>
    <Figures s={s} window={window} />
    {s.open_detections > 0 ? (
      <p>
        Open detections by kind:{' '}
        {Object.entries(s.open_detections_by_kind)
          .map(([k, n]) => `${k.replaceAll('_', ' ')} ${n}`)
          .join(', ')}
        .
      </p>
    ) : null}
    <ImportedHashes s={s} />
    <Charts s={s} day={window === 'day'} />
  </>
)

/** Live figures and charts for the last hour or day; refreshes itself every 10 s. */
export const OverviewPage = () => {
  const [window, setWindow] = useState<Window>('hour')
  const [auto, setAuto] = useState(true)
  const stats = useLoad(
    (signal) => data(api.GET('/v1/admin/stats', { params: { query: { window } }, signal })),
    [window],
    auto ? REFRESH_MS : undefined,
  )
  const s = stats.data
  return (
    <>
      <PageTitle
        actions={
          <Controls window={window} setWindow={setWindow} auto={auto} setAuto={setAuto} stats={stats} />
        }
      >
        Overview
      </PageTitle>
      <ProblemMessage error={stats.error} feature="The statistics API" />
      {s ? (
        <Period s={s} window={window} updatedAt={stats.updatedAt} />
      ) : stats.loading ? (
        <p aria-live="polite">Loading figures…</p>
      ) : null}
    </>
  )
}
