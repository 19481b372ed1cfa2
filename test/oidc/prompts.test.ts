import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { databaseKinds } from '../helpers/databases.js'
import { authorize, claimsOf, exchange, follow, registerClient } from '../helpers/oidc.js'
import { createListeningServer } from '../helpers/oidc-server.js'
import { call, createTestServer, freshUser, signUpAndLogin, type TestServer } from '../helpers/server.js'

/*
 * OpenID Connect Basic OP: prompt and max_age decide whether the Gatehouse session answers the
 * request or the browser goes to the sign-in page.
 */

const SIGN_IN_AGAIN = /^\/sign-in\?interaction=[^&]+&reauth=1$/

describe.each(databaseKinds())('OpenID Connect prompt and max_age (%s)', (kind) => {
  let s: TestServer
  let client: Awaited<ReturnType<typeof registerClient>>
  beforeAll(async () => {
    s = await createTestServer(kind)
    client = await registerClient(s)
  })
  afterAll(() => s?.close())

  it('OP-prompt-none-NotLoggedIn: prompt=none without a session is login_required at the redirect URI', async () => {
    const a = await authorize(s, client, null, { prompt: 'none' })
    expect(a.last.startsWith(`${client.redirectUri}?`)).toBe(true)
    expect(a.error).toBe('login_required')
    expect(a.code).toBeNull()
    expect(a.state).toBe(a.sent.get('state'))
  })

  it('OP-prompt-none-LoggedIn: prompt=none answers from the provider session the first sign-in left', async () => {
    const { token } = await signUpAndLogin(s)
    // The Gatehouse session alone does not answer prompt=none: the provider's own session is made by
    // the first (interactive) authorization in this browser.
    const cold = await authorize(s, client, token, { prompt: 'none' })
    expect(cold.error).toBe('login_required')
    const first = await authorize(s, client, token)
    expect(first.code).not.toBeNull()
    const silent = await authorize(s, client, token, { prompt: 'none' }, first.jar)
    expect(silent.error).toBeNull()
    expect(silent.hops).toHaveLength(1)
    expect(silent.code).not.toBeNull()
  })

  it('OP-prompt-none-LoggedIn: prompt=none is login_required once the Gatehouse session is signed out', async () => {
    const { token } = await signUpAndLogin(s)
    const first = await authorize(s, client, token)
    expect(first.code).not.toBeNull()
    expect((await call(s, 'DELETE', '/v1/sessions/current', { token })).status).toBeLessThan(300)
    const silent = await authorize(s, client, token, { prompt: 'none' }, first.jar)
    expect(silent.code).toBeNull()
    expect(silent.error).toBe('login_required')
  })

  it('OP-prompt-none-acr: prompt=none for a client that needs more than the session proved is login_required', async () => {
    const { token } = await signUpAndLogin(s)
    const first = await authorize(s, client, token)
    expect(first.code).not.toBeNull()
    const strict = await registerClient(s, { requireAcr: 'mfa' })
    const silent = await authorize(s, strict, token, { prompt: 'none' }, first.jar)
    expect(silent.code).toBeNull()
    expect(silent.error).toBe('login_required')
  })

  it('OP-prompt-login: prompt=login with a live session goes to /sign-in with reauth=1', async () => {
    const { token } = await signUpAndLogin(s)
    const a = await authorize(s, client, token, { prompt: 'login' })
    expect(a.code).toBeNull()
    expect(a.last).toMatch(SIGN_IN_AGAIN)
  })

  it('OP-Req-max_age=0: max_age=0 with a session a second old goes to /sign-in', async () => {
    const { token } = await signUpAndLogin(s)
    s.clock.advance(1000)
    const a = await authorize(s, client, token, { max_age: '0' })
    expect(a.code).toBeNull()
    expect(a.last).toMatch(SIGN_IN_AGAIN)
  })

  it('OP-Req-max_age=60: a session older than max_age goes to /sign-in', async () => {
    const { token } = await signUpAndLogin(s)
    s.clock.advance(61_000)
    const a = await authorize(s, client, token, { max_age: '60' })
    expect(a.code).toBeNull()
    expect(a.last).toMatch(SIGN_IN_AGAIN)
  })

  it('OP-Req-max_age=10000: a session within max_age gets a code; auth_time is the sign-in time', async () => {
    const signedInAt = s.clock.now()
    const { token } = await signUpAndLogin(s)
    s.clock.advance(30_000)
    const a = await authorize(s, client, token, { max_age: '10000' })
    expect(a.error).toBeNull()
    const t = await exchange(s, client, a.code ?? '', a.verifier)
    const id = claimsOf(String(t.json.id_token))
    expect(id.auth_time).toBe(Math.floor(signedInAt / 1000))
  })

  // The provider keeps the request's start in whole seconds; Gatehouse keeps it to the millisecond,
  // so a session signed in earlier in the same second is not taken for a sign-in made for it. Date
  // is frozen to make the timing exact.
  it('OP-prompt-login: a session signed in 800 ms before the request, in the same second, is not a sign-in for it', async () => {
    const user = freshUser()
    await signUpAndLogin(s, user)
    const request = Math.ceil(Date.now() / 1000) * 1000 + 900
    const before = s.clock.now()
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      vi.setSystemTime(request)
      s.clock.set(request - 800)
      const login = await call(s, 'POST', '/v1/sessions', {
        body: { identifier: user.username, password: user.password },
      })
      expect(login.status).toBe(201)
      s.clock.set(request)
      const a = await authorize(s, client, login.json.token, { prompt: 'login' })
      expect(a.last).toMatch(SIGN_IN_AGAIN)
      expect(a.code).toBeNull()
    } finally {
      vi.useRealTimers()
      s.clock.set(before)
    }
  })
})

describe.each(databaseKinds())('OpenID Connect sign-in again on the wall clock (%s)', (kind) => {
  let s: TestServer
  let client: Awaited<ReturnType<typeof registerClient>>
  beforeAll(async () => {
    s = await createListeningServer(kind)
    client = await registerClient(s)
  })
  afterAll(() => s?.close())

  /** Signs in again (as the sign-in page would) and returns the browser to the interaction. */
  const signInAgainAndResume = async (param: Record<string, string>) => {
    const user = freshUser()
    const { token } = await signUpAndLogin(s, user)
    // The interaction's start is kept in whole seconds: the session must be older than that.
    await new Promise((r) => setTimeout(r, 1100))
    const a = await authorize(s, client, token, param)
    expect(a.last).toMatch(SIGN_IN_AGAIN)
    const uid = new URL(a.last, 'http://x').searchParams.get('interaction')
    const again = await call(s, 'POST', '/v1/sessions', {
      body: { identifier: user.username, password: user.password },
    })
    a.jar.set('gh_session', again.json.token)
    const hops = await follow(s, a.jar, `/oidc/interaction/${uid}`)
    const back = new URL(hops.at(-1)?.location ?? '', 'http://x')
    return { a, back, hops }
  }

  it('OP-prompt-login: a sign-in made after the request started completes it', async () => {
    const { back, hops } = await signInAgainAndResume({ prompt: 'login' })
    expect(`${back.origin}${back.pathname}`, JSON.stringify(hops)).toBe(client.redirectUri)
    expect(back.searchParams.get('code')).not.toBeNull()
  })

  it('OP-Req-max_age=0: a sign-in made after the request started completes it (no sign-in loop)', async () => {
    const { a, back, hops } = await signInAgainAndResume({ max_age: '0' })
    expect(`${back.origin}${back.pathname}`, JSON.stringify(hops)).toBe(client.redirectUri)
    const t = await exchange(s, client, back.searchParams.get('code') ?? '', a.verifier)
    expect(claimsOf(String(t.json.id_token)).auth_time).toEqual(expect.any(Number))
  })
})
