import { Badge } from '../../ui'

/** An account's flags that are on, as badges; the ones to look at twice in warning colour. */
export const Flags = ({ flags }: { flags: Record<string, boolean> }) => {
  const on = Object.entries(flags).filter(([, v]) => v)
  if (on.length === 0) return <span>—</span>
  return (
    <span className="badges">
      {on.map(([k]) => (
        <Badge
          key={k}
          tone={k === 'email_verified' || k === 'phone_verified' || k === 'reset_lock' ? '' : 'warn'}
        >
          {k.replaceAll('_', ' ')}
        </Badge>
      ))}
    </span>
  )
}
