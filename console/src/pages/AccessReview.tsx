import { useMemo, useState } from 'react'
import { api, type BulkResult, data, download, missingApi, Problem } from '../api'
import { Confirm, PageTitle, ProblemMessage, useAction, useLoad } from '../ui'
import { Filters } from './access/Filters'
import { Outcome } from './access/Outcome'
import { ReviewTable } from './access/ReviewTable'
import { type Filter, type Row, type Sort, toRow, useSelection, useShownRows } from './access/review'

type Verb = 'revoke' | 'rotate'

/** Revoke or rotate the principals ticked: one button each, disabled while none is ticked. */
const ActionBar = ({ count, onChoose }: { count: number; onChoose: (v: Verb) => void }) => (
  <div className="actions">
    <button type="button" className="danger" disabled={count === 0} onClick={() => onChoose('revoke')}>
      Revoke selected ({count})
    </button>
    <button type="button" disabled={count === 0} onClick={() => onChoose('rotate')}>
      Rotate selected ({count})
    </button>
  </div>
)

/** The confirmation of a bulk revoke or rotate, naming each principal it touches. */
const BulkConfirm = ({
  verb,
  chosen,
  busy,
  onConfirm,
  onCancel,
}: {
  verb: Verb
  chosen: Row[]
  busy: boolean
  onConfirm: () => void
  onCancel: () => void
}) => (
  <Confirm
    title={`${verb === 'revoke' ? 'Revoke' : 'Rotate'} ${chosen.length} principal${chosen.length === 1 ? '' : 's'}?`}
    confirmLabel={verb === 'revoke' ? 'Revoke now' : 'Rotate now'}
    busy={busy}
    onConfirm={onConfirm}
    onCancel={onCancel}
  >
    <ul>
      {chosen.map((r) => (
        <li key={r.principal_id}>
          {r.name} <span className="mono">({r.principal_id})</span>
        </li>
      ))}
    </ul>
    <p>
      {verb === 'revoke'
        ? 'They stop working at once.'
        : 'Each key gets a successor; the old one keeps working for the overlap period.'}{' '}
      This is recorded in the audit log.
    </p>
  </Confirm>
)

/** The review's principals, loaded, with the CSV download. */
const useReview = () => {
  const review = useLoad(
    async (signal) => (await data(api.GET('/v1/admin/access-review', { signal }))).principals.map(toRow),
    [],
  )
  const act = useAction()
  const csv = async () => {
    const text = await act.run(() =>
      data(api.GET('/v1/admin/access-review', { params: { query: { format: 'csv' } }, parseAs: 'text' })),
    )
    if (text !== undefined) download('access-review.csv', text, 'text/csv')
  }
  return { review, act, csv }
}

/**
 * Every external principal (API keys, partner accounts, applications) with its risk flags and the recommended
 * action: sort, filter, select rows and revoke or rotate them after a confirmation.
 */
export const AccessReviewPage = () => {
  const { review, act, csv } = useReview()
  const [sort, setSort] = useState<Sort>({ column: 'action', desc: true })
  const [filter, setFilter] = useState<Filter>({ text: '', flag: '', kind: '' })
  const [confirm, setConfirm] = useState<null | Verb>(null)
  const [outcome, setOutcome] = useState<{ verb: string; results: BulkResult[] } | null>(null)

  const all = review.data ?? []
  const flags = useMemo(() => [...new Set(all.flatMap((r) => r.flags))].sort(), [all])
  const rows = useShownRows(all, filter, sort)
  const selection = useSelection(all, rows)
  const { chosen } = selection

  const perform = async () => {
    const verb = confirm!
    const answer = await act.run(() =>
      data(
        api.POST(verb === 'revoke' ? '/v1/admin/access-review/revoke' : '/v1/admin/access-review/rotate', {
          body: { principal_ids: chosen.map((r) => r.principal_id) },
        }),
      ),
    )
    setConfirm(null)
    if (answer) {
      setOutcome({ verb, results: answer.results })
      selection.clear()
      review.reload()
    }
  }

  return (
    <>
      <PageTitle
        actions={
          <button type="button" onClick={csv}>
            Download CSV
          </button>
        }
      >
        Access review
      </PageTitle>
      <ProblemMessage error={review.error} feature="The access review API" />
      {review.error instanceof Problem && missingApi(review.error) ? null : (
        <>
          <div aria-live="polite">
            <ProblemMessage error={act.error} />
            {outcome ? <Outcome verb={outcome.verb} results={outcome.results} /> : null}
          </div>
          <Filters filter={filter} setFilter={setFilter} flags={flags} />
          <ActionBar count={chosen.length} onChoose={setConfirm} />
          {confirm ? (
            <BulkConfirm
              verb={confirm}
              chosen={chosen}
              busy={act.busy}
              onConfirm={perform}
              onCancel={() => setConfirm(null)}
            />
          ) : null}
          <ReviewTable
            caption={
              review.loading && !review.data ? 'Loading…' : `${rows.length} of ${all.length} principals`
            }
            rows={rows}
            sort={sort}
            setSort={setSort}
            selection={selection}
          />
        </>
      )}
    </>
  )
}
