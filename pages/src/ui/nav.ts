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
 * address bar), else the security settings.
 */
export const signedIn = (config: PagesConfig) => {
  const i = interaction()
  location.assign(i ? interactionUrl(i.uid) : (config.return_to ?? '/security'))
}
