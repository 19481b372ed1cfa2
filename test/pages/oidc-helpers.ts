/*
 * A relying party of the provider for the browser tests: an application registered straight in the
 * database, openid-client configured from the started server's discovery, and a tiny HTTP server
 * on 127.0.0.1 standing for the application's redirect URIs (`/cb` after sign-in, `/bye` after
 * sign-out), which keeps every query it was sent.
 */
import { createServer, type Server } from 'node:http'
import * as oidc from 'openid-client'
import type { Page } from 'playwright-core'
import { expect } from 'vitest'
import { totpCodeAt } from '../../src/modules/mfa/totp.js'
import type { OidcClientRecord } from '../../src/modules/oidc/ports.js'
import { storeClient } from '../helpers/oidc.js'
import type { PagesHarness } from './harness.js'
import { call } from './public-helpers.js'

export interface RelyingPartyServer {
  origin: string
  /** Every request the application's server received (path and query), oldest first. */
  received: URL[]
  close(): Promise<void>
}

/** The application's own web server: answers a plain page at every path and keeps what it got. */
export const startRelyingPartyServer = async (): Promise<RelyingPartyServer> => {
  const received: URL[] = []
  const server: Server = createServer((req, res) => {
    received.push(new URL(req.url ?? '/', 'http://127.0.0.1'))
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
    res.end('<!doctype html><html lang="en"><title>Application</title><h1>Application</h1></html>')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return {
    origin: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** An application registered in the database, and openid-client configured for it from discovery. */
export const registerApplication = async (
  h: PagesHarness,
  rp: RelyingPartyServer,
  over: Partial<OidcClientRecord> = {},
) => {
  const { record, secret } = await storeClient(h.app.database, Date.now(), {
    name: 'Harbour Notes',
    redirectUris: [`${rp.origin}/cb`],
    postLogoutRedirectUris: [`${rp.origin}/bye`],
    ...over,
  })
  // The issuer is http://localhost:<port> in these tests: plain HTTP is allowed for them only.
  const config = await oidc.discovery(
    new URL(h.origin),
    record.id,
    { redirect_uris: record.redirectUris },
    oidc.ClientSecretBasic(secret),
    { execute: [oidc.allowInsecureRequests] },
  )
  // The ID token's signature is checked against the provider's JWKS (not only trusted over TLS).
  oidc.enableNonRepudiationChecks(config)
  return { record, secret, config, redirectUri: `${rp.origin}/cb` }
}

/** An authorization request as the application makes it: code flow, PKCE S256, state and nonce. */
export const authorizationRequest = async (
  app: Awaited<ReturnType<typeof registerApplication>>,
  params: Record<string, string> = {},
) => {
  const verifier = oidc.randomPKCECodeVerifier()
  const state = oidc.randomState()
  const nonce = oidc.randomNonce()
  const url = oidc.buildAuthorizationUrl(app.config, {
    redirect_uri: app.redirectUri,
    scope: 'openid profile email',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...params,
  })
  return { url, verifier, state, nonce }
}

/** Signs in on the pages' sign-in screen with the password, then the authenticator app's code. */
export const signInWithTotp = async (
  page: Page,
  who: { username: string; password: string },
  secret: string,
) => {
  await page.getByLabel('Username or email address').fill(who.username)
  await page.getByLabel('Password', { exact: true }).fill(who.password)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await page.getByRole('heading', { name: 'Enter a code from your app' }).waitFor()
  await page.getByLabel('Code', { exact: true }).fill(totpCodeAt(secret, Date.now()))
  await page.getByRole('button', { name: 'Continue' }).click()
}

/**
 * An administrator (first-login password change and TOTP done) runs a forced-reset campaign over
 * one account, and the campaign worker (running, as in `gatehouse serve`) finishes it.
 */
export const forceReset = async (h: PagesHarness, accountId: string) => {
  const who = { username: `admin${process.pid % 1000}r${Date.now() % 100000}`, email: '' }
  who.email = `${who.username}@example.org`
  const { password } = await h.app.services.accounts.createAdmin(who)
  const token = (await call(h, 'POST', '/v1/sessions', { identifier: who.username, password })).json
    .token as string
  const changed = await call(
    h,
    'POST',
    '/v1/me/password',
    { current_password: password, new_password: 'granite harbour 77 lantern' },
    token,
  )
  expect(changed.status).toBe(200)
  const enrol = await call(h, 'POST', '/v1/mfa/totp', {}, token)
  const confirm = await call(
    h,
    'POST',
    '/v1/mfa/totp/confirm',
    { code: totpCodeAt(enrol.json.secret, Date.now()) },
    token,
  )
  expect(confirm.status).toBe(200)
  const started = await call(
    h,
    'POST',
    '/v1/admin/campaigns',
    { selector: { kind: 'accounts', ids: [accountId] }, action: 'force_password_reset' },
    token,
  )
  expect(started.status, JSON.stringify(started.json)).toBe(201)
  await expect
    .poll(
      async () =>
        (await call(h, 'GET', `/v1/admin/campaigns/${started.json.id}`, undefined, token)).json.status,
      {
        timeout: 20_000,
      },
    )
    .toBe('completed')
}
