import type { PagesConfig } from '../config'

/** A link within the pages, followed without a reload (with a modifier key the browser does as usual). */
export const nav =
  (go: (path: string) => void, to: string) =>
  (e: { preventDefault(): void; ctrlKey: boolean; metaKey: boolean; shiftKey: boolean }) => {
    if (e.ctrlKey || e.metaKey || e.shiftKey) return
    e.preventDefault()
    go(to)
  }

/**
 * Where a successful sign-in goes: the visit's `return_to` as the server allowed it (never the one
 * in the address bar), else the security settings.
 */
export const signedIn = (config: PagesConfig) => {
  location.assign(config.return_to ?? '/security')
}
