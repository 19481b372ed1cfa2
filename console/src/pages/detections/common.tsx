import type { Detection } from '../../api'
import { AccountName } from '../../ui'

export const KINDS = [
  'enumeration',
  'recovery_flood',
  'credential_stuffing',
  'brute_force',
  'legacy_client',
  'signup_refusals',
]
export const actionTone = (a: string) => (a === 'block' ? 'bad' : a === 'challenge' ? 'warn' : '')
export const label = (s: string) => s.replaceAll('_', ' ')

/** Where a detection's requests came from, as a person reads it: an account by name, an address … */
export const SourceName = ({ d }: { d: Detection }) => {
  if (d.account) return <AccountName account={d.account} />
  const value = d.key.slice(d.key.indexOf(':') + 1)
  switch (d.scope) {
    case 'ip':
    case 'subnet':
      return <span className="mono">{value}</span>
    case 'identifier':
      return (
        <span title={d.key}>
          one identifier as typed <span className="muted">(kept as a keyed hash)</span>
        </span>
      )
    case 'global':
      return <span>all logins</span>
    default:
      return <span className="mono wrap">{d.key}</span>
  }
}
