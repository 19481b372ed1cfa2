/*
 * An application's sign-in through Gatehouse (OpenID Connect): the provider sends the browser to
 * `/sign-in?interaction=<uid>[&reauth=1][&level=mfa|phr]` or `/consent?interaction=<uid>`, and the
 * pages hand back to `/oidc/interaction/<uid>` when done, where the server decides what follows.
 * Read once as the pages open, so that a detour (sign-up, forgot password) keeps it.
 */

export type Level = 'mfa' | 'phr'

export interface Interaction {
  uid: string
  /** The application asks for a new sign-in: an existing session does not answer it. */
  reauth: boolean
  /** The sign-in the application requires beyond a password: a second factor, or a passkey. */
  level: Level | null
}

const UID = /^[A-Za-z0-9_-]{1,64}$/

const read = (): Interaction | null => {
  const q = new URLSearchParams(location.search)
  const uid = q.get('interaction')
  if (!uid || !UID.test(uid)) return null
  const level = q.get('level')
  return {
    uid,
    reauth: q.get('reauth') === '1',
    level: level === 'mfa' || level === 'phr' ? level : null,
  }
}

const current = read()

/** The interaction of this visit, or null (no parameter, or one that is not a provider's uid). */
export const interaction = (): Interaction | null => current

/** Where the browser goes back to the provider for the interaction. */
export const interactionUrl = (uid: string): string => `/oidc/interaction/${encodeURIComponent(uid)}`
