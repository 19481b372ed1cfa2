import { stripVTControlCharacters } from 'node:util'
import type { Logger } from 'pino'

/** oidc-provider's module, loaded when the provider is first built. */
export type OidcLibrary = typeof import('oidc-provider')

let loading: Promise<OidcLibrary> | null = null
let loaded: OidcLibrary | null = null

/** oidc-provider once loaded (it is, wherever a provider exists); null before. */
export const loadedOidcLibrary = (): OidcLibrary | null => loaded

/**
 * Loads oidc-provider once. It warns on the console while loading on a Node.js release it does not
 * list (Node 20, on which Gatehouse runs and tests it): what it writes then goes to Gatehouse's log
 * as a warning instead, and nothing is loaded until the provider is used.
 */
export const loadOidcLibrary = (logger: Logger): Promise<OidcLibrary> => {
  loading ??= (async () => {
    const said: string[] = []
    const warn = console.warn
    console.warn = (...args: unknown[]) => {
      said.push(args.map(String).join(' '))
    }
    try {
      loaded = await import('oidc-provider')
      return loaded
    } finally {
      console.warn = warn
      for (const line of said) logger.warn({ component: 'oidc-provider' }, stripVTControlCharacters(line))
    }
  })()
  return loading
}
