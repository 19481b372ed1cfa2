import { expect } from 'vitest'
import { authorize, exchange, formPost, registerClient, type TestClient } from '../helpers/oidc.js'
import type { TestServer } from '../helpers/server.js'

/* Grants of test applications, and the checks that they ended or live on. */

export interface Granted {
  client: TestClient
  accessToken: string
  refreshToken: string
}

/** A first-party application signed in with the session, holding a refresh token. */
export const grantFor = async (s: TestServer, token: string, over = {}): Promise<Granted> =>
  grantOn(s, token, await registerClient(s, over))

/** The session signed in to an application already registered. */
export const grantOn = async (s: TestServer, token: string, client: TestClient): Promise<Granted> => {
  const a = await authorize(s, client, token, { prompt: 'consent' })
  const t = await exchange(s, client, a.code ?? '', a.verifier)
  expect(t.status, JSON.stringify(t.json)).toBe(200)
  return { client, accessToken: String(t.json.access_token), refreshToken: String(t.json.refresh_token) }
}

export const introspect = (s: TestServer, g: Granted) =>
  formPost(s, '/oidc/token/introspection', { token: g.accessToken }, g.client)

export const refresh = (s: TestServer, g: Granted) =>
  formPost(s, '/oidc/token', { grant_type: 'refresh_token', refresh_token: g.refreshToken }, g.client)

/** Waits for what runs right after a commit (listeners of events recorded in a transaction). */
export const eventually = async (check: () => Promise<boolean>, ms = 3000): Promise<void> => {
  const until = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** The grant ended: its access token inactive, its refresh token refused. */
export const expectEnded = async (s: TestServer, g: Granted): Promise<void> => {
  await eventually(async () => (await introspect(s, g)).json.active === false)
  const r = await refresh(s, g)
  expect(r.status).toBe(400)
  expect(r.json.error).toBe('invalid_grant')
}

export const expectLive = async (s: TestServer, g: Granted): Promise<void> => {
  expect((await introspect(s, g)).json.active).toBe(true)
}
