import { useEffect, useState } from 'react'

/** Copies a value to the clipboard, saying whether it worked. */
const CopyButton = ({ value, what }: { value: string; what: string }) => {
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
      aria-label={`Copy the ${what}`}
      onClick={() =>
        navigator.clipboard.writeText(value).then(
          () => setCopied(true),
          () => setCopied(false),
        )
      }
    >
      {copied === true ? 'Copied' : copied === false ? 'Copy failed' : `Copy ${what}`}
    </button>
  )
}

/**
 * An application's client id and secret, the secret shown this once: Gatehouse keeps only its
 * SHA-256. Dismissing it forgets it.
 */
export const SecretOnce = ({
  clientId,
  name,
  secret,
  onDismiss,
}: {
  clientId: string
  name: string
  secret: string | null
  onDismiss: () => void
}) => (
  <div className="ok" data-testid="client-secret">
    <p>
      <strong>{name}</strong>: client id <span className="mono">{clientId}</span>{' '}
      <CopyButton value={clientId} what="client id" />
    </p>
    {secret ? (
      <>
        <p className="warn-text">
          The client secret, shown this once: give it to the application now, it cannot be read again.
        </p>
        <p className="mono wrap" data-testid="secret-value">
          {secret} <CopyButton value={secret} what="client secret" />
        </p>
      </>
    ) : (
      <p>A public client has no secret: it signs in with PKCE.</p>
    )}
    <button type="button" onClick={onDismiss}>
      Done
    </button>
  </div>
)
