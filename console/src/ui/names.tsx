import { useEffect, useState } from 'react'
import { Link } from '../App'
import type { AccountRef, ActorRef } from '../api'
import { Badge } from './widgets'

/** A button that copies an id to the clipboard, and says so. */
export const CopyId = ({ id, what = 'id' }: { id: string; what?: string }) => {
  const [copied, setCopied] = useState<boolean | null>(null)
  useEffect(() => {
    if (copied === null) return
    const t = setTimeout(() => setCopied(null), 2000)
    return () => clearTimeout(t)
  }, [copied])
  return (
    <button
      type="button"
      className="copy"
      title={`Copy the ${what}: ${id}`}
      aria-label={`Copy the ${what} ${id}`}
      onClick={() =>
        navigator.clipboard.writeText(id).then(
          () => setCopied(true),
          () => setCopied(false),
        )
      }
    >
      {copied === true ? 'Copied' : copied === false ? 'Copy failed' : 'Copy id'}
    </button>
  )
}

/** `7ec7dfec-6c1f-…` → `7ec7dfec…`. */
export const shortId = (id: string) => (id.length > 12 ? `${id.slice(0, 8)}…` : id)

/**
 * An account by name: the username (a link to its page) and role; its id in the title and behind
 * a copy button. A deleted account reads "deleted account" with its short id.
 */
export const AccountName = ({ account, link = true }: { account: AccountRef; link?: boolean }) => (
  <span className="name-ref" title={`Account id ${account.id}`} data-account-id={account.id}>
    {account.username === null ? (
      <>
        <span className="muted">deleted account</span> <code>{shortId(account.id)}</code>
      </>
    ) : (
      <>
        {link ? (
          <Link to={`/accounts/${account.id}`}>{account.username}</Link>
        ) : (
          <span>{account.username}</span>
        )}
        {account.role ? <Badge tone={account.role === 'user' ? '' : 'role'}>{account.role}</Badge> : null}
      </>
    )}
    <CopyId id={account.id} what="account id" />
  </span>
)

/** Who acted: an account by name, an API key by its client, the command line or Gatehouse itself. */
export const ActorName = ({ actor, raw }: { actor: ActorRef | null | undefined; raw?: string | null }) => {
  if (!actor) return raw ? <span className="mono">{raw}</span> : <span>—</span>
  switch (actor.kind) {
    case 'account':
      return <AccountName account={{ id: actor.id ?? '', username: actor.name, role: actor.role }} />
    case 'api_key':
      return (
        <span className="name-ref" title={`API key id ${actor.id}`}>
          {actor.name ? (
            <>
              API key of <strong>{actor.name}</strong>
            </>
          ) : (
            <>
              <span className="muted">deleted API key</span> <code>{shortId(actor.id ?? '')}</code>
            </>
          )}
          {actor.id ? <CopyId id={actor.id} what="API key id" /> : null}
        </span>
      )
    case 'cli':
      return <span className="name-ref">the command line</span>
    case 'system':
      return <span className="name-ref">Gatehouse</span>
    default:
      return <span className="mono">{actor.name ?? raw ?? '—'}</span>
  }
}
