/*
 * What the public screens' browser tests share: accounts made and verified over HTTP (from another
 * address than the browser's, as a person's other device would), a TOTP factor enrolled over HTTP,
 * and codes read from the mails.
 */
import type { Page } from 'playwright-core'
import { expect } from 'vitest'
import { totpCodeAt } from '../../src/modules/mfa/totp.js'
import type { SinkMessage } from '../helpers/smtp-sink.js'
import type { PagesHarness } from './harness.js'

/** An address of "another device" for requests sent from the test itself. */
const ELSEWHERE = '198.51.100.20'

// biome-ignore lint/suspicious/noExplicitAny: answers are inspected field by field
export type Answer = { status: number; json: any }

export const call = async (
  h: PagesHarness,
  method: 'GET' | 'POST' | 'DELETE',
  url: string,
  body?: Record<string, unknown>,
  token?: string,
): Promise<Answer> => {
  const res = await h.app.http.inject({
    method,
    url,
    remoteAddress: ELSEWHERE,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    ...(body ? { payload: body } : {}),
  })
  return { status: res.statusCode, json: res.body ? JSON.parse(res.body) : null }
}

let n = 0
/** A fresh person: username, address and a password the rules accept. */
export const person = (prefix: string) => {
  n += 1
  const name = `${prefix}${process.pid % 1000}n${n}${Math.random().toString(36).slice(2, 6)}`
  return {
    username: name,
    email: `${name}@example.org`,
    password: `copper lantern ${name.slice(-4)} harbour`,
  }
}

/** An account made and verified over HTTP; answers a session token of it. */
export const verifiedAccount = async (h: PagesHarness, who: ReturnType<typeof person>): Promise<string> => {
  expect((await call(h, 'POST', '/v1/accounts', who)).status).toBe(202)
  const mail = await h.mailTo(who.email, /verif/i)
  expect((await call(h, 'POST', '/v1/accounts/verify', { token: h.smtp.tokenFrom(mail) })).status).toBe(200)
  const login = await call(h, 'POST', '/v1/sessions', { identifier: who.username, password: who.password })
  expect(login.status).toBe(201)
  return login.json.token as string
}

/** Enrols and confirms a TOTP factor; answers its secret and the recovery codes. */
export const enrolTotp = async (h: PagesHarness, token: string) => {
  const started = await call(h, 'POST', '/v1/mfa/totp', {}, token)
  expect(started.status).toBe(201)
  const secret = started.json.secret as string
  // The code of the step before: the one of the login that follows stays unused.
  const confirmed = await call(
    h,
    'POST',
    '/v1/mfa/totp/confirm',
    { code: totpCodeAt(secret, Date.now() - 30_000) },
    token,
  )
  expect(confirmed.status).toBe(200)
  return { secret, recoveryCodes: confirmed.json.recovery_codes as string[] }
}

/** The one-time code of a mail: the line `Code: 123456` (or the digits alone on a line). */
export const codeIn = (mail: SinkMessage): string => {
  const m = /^(?:[^\n:]{0,20}:)?\s*(\d{6,8})\s*$/m.exec(mail.text)
  if (!m) throw new Error(`no code in the mail "${mail.subject}"`)
  return m[1]!
}

/** The session of the page's cookie: its account's username, or null. */
export const signedInAs = async (page: Page): Promise<string | null> =>
  (await page.evaluate(
    "fetch('/v1/sessions/current').then((r) => (r.ok ? r.json().then((j) => j.account.username) : null))",
  )) as string | null
