import * as oidc from 'openid-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkScreen, haveChromium, type PagesHarness, pageDatabases, startPages } from './harness.js'
import {
  authorizationRequest,
  forceReset,
  type RelyingPartyServer,
  registerApplication,
  signInWithTotp,
  startRelyingPartyServer,
} from './oidc-helpers.js'
import { enrolTotp, person, verifiedAccount } from './public-helpers.js'

/*
 * Applications signing in through Gatehouse (OpenID Connect), end to end: a real relying party
 * (openid-client) runs the code flow with PKCE against the started server, Chromium follows the
 * browser's part — the account pages' sign-in with password and authenticator code, the consent
 * screen of a third-party application, the provider's sign-out confirmation — and the application
 * then uses its tokens: exchange (ID token signature, state, nonce checked), refresh with
 * rotation (a reused refresh token ends the grant), introspection, userinfo, revocation.
 */
describe.skipIf(!haveChromium).each(pageDatabases())(
  'applications signing in through the account pages on %s',
  (kind) => {
    let h: PagesHarness
    let rp: RelyingPartyServer

    beforeAll(async () => {
      rp = await startRelyingPartyServer()
      h = await startPages(kind, {
        GATEHOUSE_GUARD_ENUMERATION_CHALLENGE: '10000',
        GATEHOUSE_GUARD_ENUMERATION_BLOCK: '20000',
        GATEHOUSE_STEP_UP_NEW_DEVICE: 'false',
      })
    }, 120_000)
    afterAll(async () => {
      await h?.close()
      await rp?.close()
    })

    /** An account with an authenticator app, made over HTTP; its id and TOTP secret. */
    const personWithTotp = async () => {
      const who = person('rp')
      const token = await verifiedAccount(h, who)
      const { secret } = await enrolTotp(h, token)
      const account = await h.app.store.accounts.findByUsername(who.username)
      return { who, secret, accountId: account!.id }
    }

    /** The sign-in of an application that requires MFA, in Chromium: tokens as the application has them. */
    const signInToMfaApplication = async (audit: boolean) => {
      const app = await registerApplication(h, rp, { requireAcr: 'mfa' })
      const { who, secret, accountId } = await personWithTotp()
      // offline_access (a refresh token) comes with prompt=consent (OpenID Connect Core 11).
      const req = await authorizationRequest(app, {
        scope: 'openid profile email offline_access',
        prompt: 'consent',
      })
      const { page, context, problems } = await h.newPage()
      await page.goto(req.url.href)
      await page.waitForURL(/\/sign-in\?interaction=[A-Za-z0-9_-]+.*level=mfa/)
      await page.getByText('requires a second step').waitFor()
      if (audit) await checkScreen(page, 'sign-in-application-mfa')
      await signInWithTotp(page, who, secret)
      await page.waitForURL(`${rp.origin}/cb?**`)
      const tokens = await oidc.authorizationCodeGrant(app.config, new URL(page.url()), {
        pkceCodeVerifier: req.verifier,
        expectedState: req.state,
        expectedNonce: req.nonce,
        idTokenExpected: true,
      })
      expect(problems).toEqual([])
      return { app, who, accountId, tokens, page, context, problems }
    }

    it('signs in to an application that requires MFA with password and TOTP, then refreshes, introspects, reads userinfo and revokes', async () => {
      const { app, who, tokens, page, context } = await signInToMfaApplication(true)
      const claims = tokens.claims()!
      expect(claims.acr).toBe('urn:gatehouse:acr:mfa')
      expect(claims.amr).toContain('otp')
      expect(claims.aud).toBe(app.record.id)
      expect(tokens.refresh_token).toBeTruthy()

      const info = await oidc.fetchUserInfo(app.config, tokens.access_token, claims.sub)
      expect(info).toMatchObject({ sub: claims.sub, preferred_username: who.username, email: who.email })
      expect(await oidc.tokenIntrospection(app.config, tokens.access_token)).toMatchObject({
        active: true,
        sub: claims.sub,
        client_id: app.record.id,
      })

      // Rotation: the refresh gives a new refresh token; the old one used again ends the grant.
      const refreshed = await oidc.refreshTokenGrant(app.config, tokens.refresh_token!)
      expect(refreshed.refresh_token).toBeTruthy()
      expect(refreshed.refresh_token).not.toBe(tokens.refresh_token)
      await expect(oidc.refreshTokenGrant(app.config, tokens.refresh_token!)).rejects.toMatchObject({
        error: 'invalid_grant',
      })
      await expect(oidc.refreshTokenGrant(app.config, refreshed.refresh_token!)).rejects.toMatchObject({
        error: 'invalid_grant',
      })
      expect((await oidc.tokenIntrospection(app.config, refreshed.access_token)).active).toBe(false)

      // A fresh sign-in (the Gatehouse session answers it: no screen), then revocation.
      const again = await authorizationRequest(app)
      await page.goto(again.url.href)
      await page.waitForURL(`${rp.origin}/cb?**`)
      const second = await oidc.authorizationCodeGrant(app.config, new URL(page.url()), {
        pkceCodeVerifier: again.verifier,
        expectedState: again.state,
        expectedNonce: again.nonce,
        idTokenExpected: true,
      })
      expect((await oidc.tokenIntrospection(app.config, second.access_token)).active).toBe(true)
      await oidc.tokenRevocation(app.config, second.access_token)
      expect((await oidc.tokenIntrospection(app.config, second.access_token)).active).toBe(false)

      await context.close()
    }, 120_000)

    it('signs out from the application: the provider’s confirmation clicked in Chromium, then back at its post-logout URI', async () => {
      const { app, tokens, page, context, problems } = await signInToMfaApplication(false)
      const end = oidc.buildEndSessionUrl(app.config, {
        id_token_hint: tokens.id_token!,
        post_logout_redirect_uri: `${rp.origin}/bye`,
        state: 'bye-state',
      })
      await page.goto(end.href)
      await page.getByRole('heading', { name: 'Sign out?' }).waitFor()
      await page.getByRole('button', { name: 'Sign out', exact: true }).click()
      await page.waitForURL(`${rp.origin}/bye?**`, { timeout: 10_000 }).catch(() => {
        // The page says why it stayed (a CSP refusal is logged as a console error).
        expect(problems).toEqual([])
      })
      expect(new URL(page.url()).searchParams.get('state')).toBe('bye-state')
      expect(problems).toEqual([])
      await context.close()
    }, 120_000)

    it('says on the sign-in screen what an application asks for, and ignores an interaction that is not an id', async () => {
      const { page, context, problems } = await h.newPage()
      await page.goto(`${h.origin}/sign-in?interaction=Abc_123-x&reauth=1&level=phr`)
      await page.getByRole('heading', { name: 'Sign in' }).waitFor()
      await page.getByText('Sign in again to continue.').waitFor()
      await page.getByText('requires a passkey').waitFor()
      // The passkey comes first, the password after it.
      const passkey = page.getByRole('button', { name: 'Sign in with a passkey' })
      const box = await passkey.boundingBox()
      const field = await page.getByLabel('Username or email address').boundingBox()
      expect(box && field && box.y < field.y).toBe(true)
      await page.goto(`${h.origin}/sign-in?interaction=${encodeURIComponent('../evil')}&reauth=1&level=mfa`)
      await page.getByRole('heading', { name: 'Sign in' }).waitFor()
      expect(await page.getByRole('note').count()).toBe(0)
      expect(problems).toEqual([])
      await context.close()
    })

    // After the incident hooks are wired (another branch), a forced reset ends applications' tokens.
    it('ends an application’s tokens when a campaign forces a password reset: introspection inactive, refresh refused', async () => {
      const { app, accountId, tokens, context } = await signInToMfaApplication(false)
      expect((await oidc.tokenIntrospection(app.config, tokens.access_token)).active).toBe(true)
      await forceReset(h, accountId)
      expect((await oidc.tokenIntrospection(app.config, tokens.access_token)).active).toBe(false)
      await expect(oidc.refreshTokenGrant(app.config, tokens.refresh_token!)).rejects.toMatchObject({
        error: 'invalid_grant',
      })
      await context.close()
    }, 120_000)

    it('asks for consent for a third-party application: Deny sends access_denied, Allow a code', async () => {
      const app = await registerApplication(h, rp, {
        firstParty: false,
        description: 'Notes you keep in the harbour.',
      })
      const who = person('consent')
      await verifiedAccount(h, who)
      const { page, context, problems } = await h.newPage()
      const denied = await authorizationRequest(app, { scope: 'openid profile email phone' })
      await page.goto(denied.url.href)
      await page.waitForURL(/\/sign-in\?interaction=/)
      await page.getByLabel('Username or email address').fill(who.username)
      await page.getByLabel('Password', { exact: true }).fill(who.password)
      await page.getByRole('button', { name: 'Sign in', exact: true }).click()
      await page.waitForURL(/\/consent\?interaction=/)
      await page.getByRole('heading', { name: 'Allow access to your account?' }).waitFor()
      await page.getByText(`${app.record.name} wants to:`).waitFor()
      for (const words of [
        'Confirm who you are',
        'See your username and language',
        'See your email address',
        'See your phone number',
      ])
        await page.getByRole('listitem').filter({ hasText: words }).waitFor()
      await page.getByText(`You are signed in as ${who.username}.`).waitFor()
      await checkScreen(page, 'consent')
      await page.getByRole('button', { name: 'Deny' }).click()
      await page.waitForURL(`${rp.origin}/cb?**`)
      const back = new URL(page.url()).searchParams
      expect(back.get('error')).toBe('access_denied')
      expect(back.get('state')).toBe(denied.state)

      // Again: the session answers the sign-in; the consent screen asks; Allow gives a code.
      const allowed = await authorizationRequest(app, { scope: 'openid email' })
      await page.goto(allowed.url.href)
      await page.waitForURL(/\/consent\?interaction=/)
      const uid = new URL(page.url()).searchParams.get('interaction')
      await page.getByRole('button', { name: 'Allow' }).click()
      await page.waitForURL(`${rp.origin}/cb?**`)
      const tokens = await oidc.authorizationCodeGrant(app.config, new URL(page.url()), {
        pkceCodeVerifier: allowed.verifier,
        expectedState: allowed.state,
        expectedNonce: allowed.nonce,
        idTokenExpected: true,
      })
      expect(tokens.claims()?.acr).toBe('urn:gatehouse:acr:pwd')
      expect(problems).toEqual([])

      // A request that is over (answered already) is said in words, with a way on.
      await page.goto(`${h.origin}/consent?interaction=${uid}`)
      await page.getByRole('heading', { name: 'This request is no longer valid' }).waitFor()
      await page.getByRole('link', { name: 'Go to your account' }).waitFor()
      await checkScreen(page, 'consent-expired')
      await context.close()
    }, 120_000)
  },
)
