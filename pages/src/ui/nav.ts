import { api } from '../api'
import type { PagesConfig } from '../config'
import { interaction, interactionUrl } from '../interaction'

/** A link within the pages, followed without a reload (with a modifier key the browser does as usual). */
export const nav =
  (go: (path: string) => void, to: string) =>
  (e: { preventDefault(): void; ctrlKey: boolean; metaKey: boolean; shiftKey: boolean }) => {
    if (e.ctrlKey || e.metaKey || e.shiftKey) return
    e.preventDefault()
    go(to)
  }

/**
 * Where a successful sign-in goes: back to the provider for an application's sign-in (it decides
 * what follows), else the visit's `return_to` as the server allowed it (never the one in the
 * address bar), else the security settings. A session that must first change its password or set
 * up a second factor answers no application: it goes to the security settings, which ask for that
 * (the provider would only send it back to the sign-in).
 */
export const signedIn = async (config: PagesConfig): Promise<void> => {
  const i = interaction()
  if (!i) {
    location.assign(config.return_to ?? '/security')
    return
  }
  const current = await api.GET('/v1/sessions/current').then(
    (r) => r.data,
    () => undefined,
  )
  const held = current && (current.account.must_change_password || current.account.mfa_enrolment_required)
  location.assign(held ? '/security' : interactionUrl(i.uid))
}
