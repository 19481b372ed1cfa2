/*
 * The pages' only door to Gatehouse: the public API on this origin through @gatehouse/client, typed
 * by the OpenAPI document. The session is the httpOnly `gh_session` cookie the sign-in sets
 * (SameSite=Lax; changes carry the same-origin proof the browser adds), so no token is ever held
 * by script. A `429 challenge_required` is met by the CAPTCHA widget when one is shown, else by the
 * proof of work solved in Web Workers (with visible progress), and the request sent again; any
 * other failure is thrown as a Problem (GatehouseError), with the wait of a `Retry-After` when there
 * is one, which the pages show rather than wait out. Every request says the language the pages show
 * (`Accept-Language`): the account keeps it, and mails sent for it are written in it.
 */
import { type CaptchaChallenge, createGatehouse } from '@gatehouse/client'
import { lang } from './i18n'

/** An RFC 9457 problem answer, or a network failure (status 0, code `network`). */
export { GatehouseError as Problem } from '@gatehouse/client'

/**
 * Asks for a CAPTCHA token when a challenge offers one and the page can show the widget; set by
 * the captcha widget while it is mounted. Null: proof of work only.
 */
let captchaSolver: ((c: CaptchaChallenge) => Promise<string>) | null = null
export const setCaptchaSolver = (f: typeof captchaSolver) => {
  captchaSolver = f
}

export const gh = createGatehouse({
  session: 'cookie',
  locale: lang,
  retry: { maxWaitSeconds: 0 },
  captcha: (c) => (captchaSolver ? captchaSolver(c) : Promise.resolve(null)),
})

/** The typed client: `api.POST('/v1/sessions', { body })`; failures are thrown as a Problem. */
export const api = gh.api

/** The body of a successful answer (failures were thrown). */
export const data = async <T>(answer: Promise<{ data?: T }>): Promise<T> => (await answer).data as T

/**
 * A JSON request to a route outside the OpenAPI document (the provider's interaction routes under
 * /oidc/interaction/…), sent like every other: challenges solved, failures thrown as a Problem.
 */
export const json = <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> =>
  gh.request<T>(method, path, body)
