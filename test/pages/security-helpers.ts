/*
 * What the security-settings browser tests share: accounts made over HTTP as a person's sign-up
 * and mailed link would make them, a signed-in browser context (POST /v1/sessions from the
 * context, which keeps the gh_session cookie), and waiting on what the pages announce.
 */
import type { BrowserContext, Page } from 'playwright-core'
import { expect } from 'vitest'
import { freshUser } from '../helpers/server.js'
import type { PagesHarness } from './harness.js'

export type User = ReturnType<typeof freshUser>

/** The server options the settings tests run with: no step-up code for a second browser of one account, no guard challenges for the many sign-ins of one address. */
export const SETTINGS_ENV = { GATEHOUSE_GUARD: 'false', GATEHOUSE_STEP_UP_NEW_DEVICE: 'false' }

export const json = async (
  h: PagesHarness,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<{ status: number; body: Record<string, unknown> }> => {
  const res = await fetch(h.origin + path, {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  })
  const text = await res.text()
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} }
}

/** A verified account: signed up over HTTP, its address confirmed with the token of the real mail. */
export const newAccount = async (h: PagesHarness): Promise<User> => {
  const user = freshUser('sec')
  expect((await json(h, 'POST', '/v1/accounts', user)).status).toBe(202)
  const mail = await h.mailTo(user.email, /verif|confirm/i)
  expect((await json(h, 'POST', '/v1/accounts/verify', { token: h.smtp.tokenFrom(mail) })).status).toBe(200)
  return user
}

/** A browser context signed in as `user` (the context keeps the session cookie), showing /security. */
export const signedIn = async (
  h: PagesHarness,
  user: User,
  opts: { locale?: string; identifier?: string; password?: string } = {},
): Promise<{ context: BrowserContext; page: Page; problems: string[] }> => {
  const opened = await h.newPage(opts.locale ? { locale: opts.locale } : {})
  const res = await opened.context.request.post(`${h.origin}/v1/sessions`, {
    data: { identifier: opts.identifier ?? user.username, password: opts.password ?? user.password },
  })
  expect(res.status(), await res.text()).toBe(201)
  await opened.page.goto(`${h.origin}/security`)
  await opened.page.locator('#password-title').waitFor()
  return opened
}

/** The text of a section's success announcement (role=status), once it says something. */
export const statusOf = async (page: Page, section: string): Promise<string> => {
  const status = page.locator(`#${section} > .sec-live[role=status]`)
  await status.filter({ hasText: /\S/ }).waitFor()
  return (await status.textContent()) ?? ''
}

/** Moves Gatehouse's clock on (and back with the function it answers): a session older than the re-authentication window. */
export const shiftClock = (h: PagesHarness, ms: number): (() => void) => {
  const clock = h.app.clock as { now: () => number }
  const before = clock.now
  clock.now = () => before.call(clock) + ms
  return () => {
    clock.now = before
  }
}

/** Waits until `check` holds (polled from the test: the pages' CSP refuses waitForFunction's eval). */
export const until = async (check: () => Promise<boolean>, ms = 10_000): Promise<void> => {
  const end = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out waiting')
    await new Promise((r) => setTimeout(r, 50))
  }
}
