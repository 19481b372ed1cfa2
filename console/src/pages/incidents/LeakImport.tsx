import { type FormEvent, type RefObject, useEffect, useRef, useState } from 'react'
import { api, data, type ImportView, Problem, qs } from '../../api'
import { ProblemMessage, ProgressBar } from '../../ui'
import { FIELDS, type Field, fileColumns, guessMapping, upload } from './files'
import { Exposures, ImportSummary } from './Imports'

type Format = ImportView['format']
type Mapping = Record<Field, string>

/**
 * Follows the import under way: while the file is sent, the server already counts its rows and the
 * incident lists the running import; an import that answered while still running is followed too.
 */
const useFollowImport = (
  id: string,
  busy: boolean,
  started: RefObject<number>,
  current: ImportView | null,
  setCurrent: (f: (c: ImportView | null) => ImportView | null) => void,
  setError: (e: unknown) => void,
  onDone: () => void,
) => {
  useEffect(() => {
    if (!busy) return
    const t = setInterval(async () => {
      try {
        const inc = await data(api.GET('/v1/admin/incidents/{id}', { params: { path: { id } } }))
        const mine = (inc.imports ?? []).find(
          (m) => m.status === 'running' && Date.parse(m.started_at) >= started.current - 60_000,
        )
        if (mine) setCurrent((c) => (c && c.status !== 'running' ? c : mine))
      } catch {
        // the upload's own answer reports problems
      }
    }, 1000)
    return () => clearInterval(t)
  }, [busy, id, started, setCurrent])

  // An import that answered while still running (it should not, but a retry might): follow it.
  useEffect(() => {
    if (busy || current?.status !== 'running') return
    const t = setInterval(async () => {
      try {
        const r = await data(
          api.GET('/v1/admin/incidents/{id}/imports/{importId}', {
            params: { path: { id, importId: current.id } },
          }),
        )
        setCurrent(() => r)
        if (r.status !== 'running') onDone()
      } catch (e) {
        setError(e)
      }
    }, 1000)
    return () => clearInterval(t)
  }, [busy, current, id, onDone, setCurrent, setError])
}

/** Which column (CSV header) or key (JSON) holds each field, proposed from the file's own. */
const ColumnMapping = ({
  format,
  columns,
  cols,
  setCols,
}: {
  format: Format
  columns: string[]
  cols: Mapping
  setCols: (m: Mapping) => void
}) => {
  const listId = 'leak-columns'
  return (
    <fieldset>
      <legend>Which column (CSV header) or key (JSON) holds each field; leave empty if absent</legend>
      {columns.length > 0 ? (
        <p className="muted" data-testid="leak-columns">
          The file's {format === 'csv' ? 'columns' : 'keys'}: {columns.join(', ')}
        </p>
      ) : null}
      <datalist id={listId}>
        {columns.map((c) => (
          <option key={c} value={c} />
        ))}
      </datalist>
      <div className="grid4">
        {FIELDS.map((f) => (
          <div key={f}>
            <label htmlFor={`col-${f}`}>{f}</label>
            <input
              id={`col-${f}`}
              list={listId}
              value={cols[f]}
              onChange={(e) => setCols({ ...cols, [f]: e.target.value })}
            />
          </div>
        ))}
      </div>
    </fieldset>
  )
}

/** The imports of the incident other than the one under way. */
const EarlierImports = ({ imports, current }: { imports: ImportView[]; current: ImportView | null }) =>
  imports.some((m) => m.id !== current?.id) ? (
    <>
      <h3>{current ? 'Earlier imports' : 'Imports of this incident'}</h3>
      <ul className="imports">
        {imports
          .filter((m) => m.id !== current?.id)
          .map((m) => (
            <li key={m.id}>
              <ImportSummary imp={m} />
            </li>
          ))}
      </ul>
    </>
  ) : null

/** The file, and its format: guessed from the name, and its columns read when either changes. */
const FileChoice = ({
  fileInput,
  format,
  setFormat,
  chosen,
}: {
  fileInput: RefObject<HTMLInputElement | null>
  format: Format
  setFormat: (f: Format) => void
  chosen: (file: File | undefined, f: Format) => Promise<void>
}) => (
  <>
    <label htmlFor="leak-file">File (CSV with a header row, or JSON lines)</label>
    <input
      id="leak-file"
      type="file"
      ref={fileInput}
      required
      accept=".csv,.jsonl,.ndjson,.txt,text/csv,application/x-ndjson"
      onChange={(e) => {
        const file = e.target.files?.[0]
        const name = file?.name ?? ''
        const f = /\.(jsonl|ndjson)$/i.test(name) ? 'jsonl' : /\.csv$/i.test(name) ? 'csv' : format
        setFormat(f)
        void chosen(file, f)
      }}
    />
    <label htmlFor="leak-format">Format</label>
    <select
      id="leak-format"
      value={format}
      onChange={(e) => {
        const f = e.target.value as Format
        setFormat(f)
        void chosen(fileInput.current?.files?.[0], f)
      }}
    >
      <option value="csv">CSV</option>
      <option value="jsonl">JSON lines</option>
    </select>
  </>
)

/** The file sent so far, the import under way, and the problem it ended with. */
const ImportStatus = ({
  sent,
  busy,
  current,
  error,
}: {
  sent: { sent: number; total: number } | null
  busy: boolean
  current: ImportView | null
  error: unknown
}) => (
  <div aria-live="polite">
    {sent && (busy || current) ? (
      <ProgressBar label="File sent (bytes)" done={sent.sent} total={sent.total} />
    ) : null}
    {current ? (
      <div data-testid="current-import">
        <ImportSummary imp={current} />
      </div>
    ) : null}
    <ProblemMessage error={error} feature="Leak import" />
  </div>
)

const nothingToMatch = () =>
  new Problem(
    400,
    'invalid_request',
    'Nothing to match',
    'Name the column (or key) of at least one of email, username and phone.',
  )

/** Sends a leaked data set (CSV or JSON lines) with its column mapping, and shows what it matched. */
export const LeakImport = ({
  id,
  imports,
  onDone,
}: {
  id: string
  imports: ImportView[]
  onDone: () => void
}) => {
  const fileInput = useRef<HTMLInputElement>(null)
  const [format, setFormat] = useState<Format>('csv')
  const [columns, setColumns] = useState<string[]>([])
  const [cols, setCols] = useState<Mapping>({ email: '', username: '', phone: '', location: '' })
  const [sent, setSent] = useState<{ sent: number; total: number } | null>(null)
  const [current, setCurrent] = useState<ImportView | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const started = useRef(0)
  useFollowImport(id, busy, started, current, setCurrent, setError, onDone)

  const chosen = async (file: File | undefined, f: Format) => {
    if (!file) return
    const found = await fileColumns(file, f)
    setColumns(found)
    setCols(guessMapping(found))
  }

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const file = fileInput.current?.files?.[0]
    if (!file) return
    setError(null)
    if (!cols.email && !cols.username && !cols.phone) return setError(nothingToMatch())
    setBusy(true)
    setCurrent(null)
    started.current = Date.now()
    setSent({ sent: 0, total: file.size })
    try {
      const params = { format, ...cols, source_name: file.name.slice(0, 200) }
      const r = await upload(
        `/v1/admin/incidents/${id}/imports${qs(params)}`,
        file,
        format === 'csv' ? 'text/csv' : 'application/x-ndjson',
        (s, total) => setSent({ sent: s, total }),
      )
      setCurrent(r)
      if (r.status !== 'running') onDone()
    } catch (err) {
      setError(err)
      onDone()
    } finally {
      setBusy(false)
    }
  }

  return (
    <>
      <h2>Import a leaked data set</h2>
      <form onSubmit={submit} className="import-form">
        <FileChoice fileInput={fileInput} format={format} setFormat={setFormat} chosen={chosen} />
        <ColumnMapping format={format} columns={columns} cols={cols} setCols={setCols} />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Importing…' : 'Import'}
        </button>
      </form>
      <ImportStatus sent={sent} busy={busy} current={current} error={error} />
      <EarlierImports imports={imports} current={current} />
      {/* Read again whenever an import finishes. */}
      <Exposures key={`${current?.id ?? ''}-${current?.status ?? ''}-${imports.length}`} id={id} />
    </>
  )
}
