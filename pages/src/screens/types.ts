import type { PagesConfig } from '../config'
import type { Lang } from '../i18n'

/** What every screen is given by the app. */
export interface ScreenProps {
  config: PagesConfig
  /** Switches the language (remembered on this browser). */
  onLang: (l: Lang) => void
  /** Goes to another screen of the pages without a reload (`/sign-in`, `/security`…). */
  go: (path: string) => void
  /** The screen's path (`/verify-email` or `/confirm-email` share a screen). */
  path: string
}
