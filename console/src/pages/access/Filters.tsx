import type { Filter, Flag, Kind } from './review'

/** The filters over the review: a name or id, the kind, a flag of those present. */
export const Filters = ({
  filter,
  setFilter,
  flags,
}: {
  filter: Filter
  setFilter: (f: Filter) => void
  flags: Flag[]
}) => (
  <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter the review">
    <label>
      Name or id
      <input
        type="search"
        value={filter.text}
        onChange={(e) => setFilter({ ...filter, text: e.target.value })}
      />
    </label>
    <label>
      Kind
      <select
        value={filter.kind}
        onChange={(e) => setFilter({ ...filter, kind: e.target.value as Kind | '' })}
      >
        <option value="">Any</option>
        <option value="api_key">API key</option>
        <option value="partner">Partner account</option>
        <option value="oidc_client">Application</option>
      </select>
    </label>
    <label>
      Flag
      <select
        value={filter.flag}
        onChange={(e) => setFilter({ ...filter, flag: e.target.value as Flag | '' })}
      >
        <option value="">Any</option>
        {flags.map((f) => (
          <option key={f} value={f}>
            {f.replaceAll('_', ' ')}
          </option>
        ))}
      </select>
    </label>
  </form>
)
