import { useMemo, useState } from 'react'
import type { AccessPrincipal } from '../../api'

/** A row of the access review: an API key, a partner account or an application, with the action recommended. */
export const toRow = (p: AccessPrincipal) => ({ ...p, action: p.recommended_action })
export type Row = ReturnType<typeof toRow>
export type Flag = Row['flags'][number]
export type Kind = Row['kind']

export type Column = 'name' | 'kind' | 'flags' | 'action' | 'created_at' | 'last_used_at'
export type Sort = { column: Column; desc: boolean }
const WEIGHT: Record<string, number> = { revoke: 4, rotate: 3, enrol_factor: 2, set_expiry: 1, none: 0 }

/** What the filters hold: a name or id to look for, a flag, a kind. */
export interface Filter {
  text: string
  flag: Flag | ''
  kind: Kind | ''
}

/** The rows the filter keeps, in the order of the sort; the recommended action sorts by its weight. */
export const useShownRows = (all: Row[], filter: Filter, sort: Sort) =>
  useMemo(() => {
    const t = filter.text.trim().toLowerCase()
    const out = all.filter(
      (r) =>
        (!t || r.name.toLowerCase().includes(t) || r.principal_id.toLowerCase().includes(t)) &&
        (!filter.flag || r.flags.includes(filter.flag)) &&
        (!filter.kind || r.kind === filter.kind),
    )
    const key = (r: Row): string | number =>
      sort.column === 'flags'
        ? r.flags.length
        : sort.column === 'action'
          ? (WEIGHT[r.action] ?? 0) * 100 + r.flags.length
          : (r[sort.column] ?? '')
    out.sort((a, b) => {
      const x = key(a)
      const y = key(b)
      const c = x < y ? -1 : x > y ? 1 : 0
      return sort.desc ? -c : c
    })
    return out
  }, [all, filter.text, filter.flag, filter.kind, sort])

/** The principals ticked, by id: one toggled, every shown one ticked or cleared, all cleared. */
export const useSelection = (all: Row[], rows: Row[]) => {
  const [selected, setSelected] = useState<Set<string>>(new Set())
  const toggle = (id: string) =>
    setSelected((s) => {
      const n = new Set(s)
      if (n.has(id)) n.delete(id)
      else n.add(id)
      return n
    })
  const allShown = rows.length > 0 && rows.every((r) => selected.has(r.principal_id))
  const toggleShown = () =>
    setSelected(allShown ? new Set() : new Set([...selected, ...rows.map((r) => r.principal_id)]))
  const chosen = all.filter((r) => selected.has(r.principal_id))
  return { selected, toggle, allShown, toggleShown, chosen, clear: () => setSelected(new Set()) }
}
export type Selection = ReturnType<typeof useSelection>
