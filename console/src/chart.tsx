import { useEffect, useId, useRef, useState } from 'react'

export interface ChartSeries {
  key: string
  label: string
  /** A CSS class giving the stroke/fill colour (see styles.css: s1 … s4). */
  tone: string
}

type Row = Record<string, number | string>

/** A rounded top for the y axis: four steps of 1, 2, 2.5 or 5 times a power of ten. */
const niceMax = (v: number): number => {
  if (v <= 4) return 4
  const raw = v / 4
  const p = 10 ** Math.floor(Math.log10(raw))
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= raw) return 4 * m * p
  return 40 * p
}

const hhmm = (iso: string, day: boolean) => {
  const d = new Date(iso)
  return day
    ? d.toLocaleTimeString(undefined, { hour: '2-digit' })
    : d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
}

/** The width of an element, followed as it changes (at least 240 px; 600 until measured). */
const useWidth = () => {
  const box = useRef<HTMLDivElement>(null)
  const [width, setWidth] = useState(600)
  useEffect(() => {
    const el = box.current
    if (!el) return
    const ro = new ResizeObserver(([e]) => {
      if (e) setWidth(Math.max(240, Math.round(e.contentRect.width)))
    })
    ro.observe(el)
    return () => ro.disconnect()
  }, [])
  return { box, width }
}

interface ChartData {
  rows: Row[]
  series: ChartSeries[]
  day: boolean
}

const H = 200
const pad = { l: 40, r: 10, t: 10, b: 24 }

/** The series' keys, one line each, with their colour. */
const Legend = ({ series }: { series: ChartSeries[] }) => (
  <ul className="legend" aria-hidden="true">
    {series.map((s) => (
      <li key={s.key}>
        <svg width="14" height="6" className={s.tone} aria-hidden="true">
          <line x1="0" y1="3" x2="14" y2="3" />
        </svg>
        {s.label}
      </li>
    ))}
  </ul>
)

/** The drawing: grid and y axis, time ticks, and one polyline with its points per series. */
const Plot = ({
  title,
  labelledBy,
  W,
  rows,
  series,
  day,
}: ChartData & { title: string; labelledBy: string; W: number }) => {
  const max = niceMax(Math.max(0, ...rows.flatMap((r) => series.map((s) => Number(r[s.key]) || 0))))
  const x = (i: number) => pad.l + (rows.length <= 1 ? 0 : (i * (W - pad.l - pad.r)) / (rows.length - 1))
  const y = (v: number) => H - pad.b - (v / max) * (H - pad.t - pad.b)
  const every = Math.max(1, Math.ceil(rows.length / Math.max(2, Math.floor(W / 90))))
  return (
    <svg
      width={W}
      height={H}
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-labelledby={labelledBy}
      className="chart-svg"
    >
      <title>{title}</title>
      {[0, 0.25, 0.5, 0.75, 1].map((f) => (
        <g key={f} className="grid">
          <line x1={pad.l} x2={W - pad.r} y1={y(max * f)} y2={y(max * f)} />
          <text x={pad.l - 6} y={y(max * f) + 4} textAnchor="end">
            {Number((max * f).toFixed(1))}
          </text>
        </g>
      ))}
      {rows.map((r, i) =>
        i % every === 0 ? (
          <text key={String(r.start)} className="tick" x={x(i)} y={H - 6} textAnchor="middle">
            {hhmm(String(r.start), day)}
          </text>
        ) : null,
      )}
      {series.map((s) => (
        <g key={s.key} className={s.tone}>
          <polyline points={rows.map((r, i) => `${x(i)},${y(Number(r[s.key]) || 0)}`).join(' ')} />
          {rows.map((r, i) => (
            <circle key={String(r.start)} cx={x(i)} cy={y(Number(r[s.key]) || 0)} r="2.5" />
          ))}
        </g>
      ))}
    </svg>
  )
}

/** The same figures as a table, folded away: what screen readers and the curious read. */
const FiguresTable = ({ title, rows, series, day }: ChartData & { title: string }) => (
  <details className="chart-data">
    <summary>Figures as a table</summary>
    <div className="table-wrap">
      <table>
        <caption className="visually-hidden">{title}</caption>
        <thead>
          <tr>
            <th scope="col">From</th>
            {series.map((s) => (
              <th scope="col" key={s.key}>
                {s.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={String(r.start)}>
              <th scope="row">{hhmm(String(r.start), day)}</th>
              {series.map((s) => (
                <td key={s.key}>{r[s.key]}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  </details>
)

/**
 * A small line chart in inline SVG (no library): one line per series over the buckets, a y axis
 * with a rounded maximum, and the same figures in a table for screen readers.
 */
export const LineChart = ({
  title,
  rows,
  series,
  day,
}: {
  title: string
  rows: Row[]
  series: ChartSeries[]
  day: boolean
}) => {
  const id = useId()
  // Drawn at the width it is shown (no stretched text): the container's width, followed as it changes.
  const { box, width } = useWidth()
  return (
    <figure className="chart">
      <figcaption id={`${id}-c`}>{title}</figcaption>
      <Legend series={series} />
      <div ref={box} className="chart-box">
        <Plot title={title} labelledBy={`${id}-c`} W={width} rows={rows} series={series} day={day} />
      </div>
      <FiguresTable title={title} rows={rows} series={series} day={day} />
    </figure>
  )
}
