import { Badge, SortHeader, Time } from '../../ui'
import type { Row, Selection, Sort } from './review'

const flagTone = (f: string) =>
  f === 'wildcard_scope' || f === 'no_second_factor' || f === 'no_mfa_required'
    ? 'bad'
    : f === 'admin_scope' || f === 'unused_90d' || f === 'broad_scopes' || f === 'no_owner'
      ? 'warn'
      : ''

/** One principal: its tick box, name and id, kind, flags, the action recommended and why, dates. */
const ReviewRow = ({ r, selection }: { r: Row; selection: Selection }) => (
  <tr className={selection.selected.has(r.principal_id) ? 'selected' : ''}>
    <td>
      <input
        type="checkbox"
        aria-label={`Select ${r.name}`}
        checked={selection.selected.has(r.principal_id)}
        onChange={() => selection.toggle(r.principal_id)}
      />
    </td>
    <th scope="row">
      {r.name}
      <div className="mono muted wrap">{r.principal_id}</div>
      {r.status && r.status !== 'active' ? <Badge>{r.status}</Badge> : null}
    </th>
    <td>{r.kind.replaceAll('_', ' ')}</td>
    <td>
      <span className="badges">
        {r.flags.map((f) => (
          <Badge key={f} tone={flagTone(f)}>
            {f.replaceAll('_', ' ')}
          </Badge>
        ))}
      </span>
    </td>
    <td>
      <strong>{r.action.replaceAll('_', ' ')}</strong>
      {r.reason ? <div className="muted">{r.reason}</div> : null}
    </td>
    <td>
      <Time iso={r.created_at} />
    </td>
    <td>
      <Time iso={r.last_used_at} />
    </td>
  </tr>
)

/** The principals shown, sortable by each column, each with a tick box; one box ticks every row shown. */
export const ReviewTable = ({
  caption,
  rows,
  sort,
  setSort,
  selection,
}: {
  caption: string
  rows: Row[]
  sort: Sort
  setSort: (s: Sort) => void
  selection: Selection
}) => (
  <div className="table-wrap">
    <table>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">
            <input
              type="checkbox"
              aria-label="Select every row shown"
              checked={selection.allShown}
              onChange={selection.toggleShown}
            />
          </th>
          <SortHeader label="Principal" column="name" sort={sort} setSort={setSort} />
          <SortHeader label="Kind" column="kind" sort={sort} setSort={setSort} />
          <SortHeader label="Flags" column="flags" sort={sort} setSort={setSort} />
          <SortHeader label="Recommended" column="action" sort={sort} setSort={setSort} />
          <SortHeader label="Created" column="created_at" sort={sort} setSort={setSort} />
          <SortHeader label="Last used" column="last_used_at" sort={sort} setSort={setSort} />
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <ReviewRow key={r.principal_id} r={r} selection={selection} />
        ))}
      </tbody>
    </table>
  </div>
)
