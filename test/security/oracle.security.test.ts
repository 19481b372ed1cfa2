/**
 * Invariant: no account oracle — login and sign-up answer the same, in the same
 * time, whether or not the account exists, and no unauthenticated answer
 * carries an email address or phone number.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { databaseKinds } from '../helpers/databases.js'
import { call, createTestServer, signUpAndLogin, type TestServer } from '../helpers/server.js'

describe.each(databaseKinds())('no account oracle on %s', (kind) => {
  let server: TestServer
  let known: { username: string; email: string; password: string }
  beforeAll(async () => {
    server = await createTestServer(kind)
    known = (await signUpAndLogin(server)).user
  })
  afterAll(async () => {
    await server?.close()
  })

  it('puts no email address or phone number in any unauthenticated answer', async () => {
    const account = await server.app.store.accounts.findByUsername(known.username)
    await server.app.database.db
      .updateTable('accounts')
      .set({ phone: '+14155550142', phone_verified_at: server.clock.now() })
      .where('id', '=', account!.id)
      .execute()
    const [local, domain] = known.email.split('@') as [string, string]
    const needles = [known.email, local, domain, '4155550142', '5550142']
    const doc = await call(server, 'GET', '/openapi.json')
    const answers = [doc]
    for (const identifier of [known.username, known.email, '+14155550142']) {
      answers.push(
        await call(server, 'POST', '/v1/sessions', { body: { identifier, password: 'wrong password 1' } }),
      )
      answers.push(
        await call(server, 'POST', '/v1/accounts', {
          body: { username: known.username, email: known.email, password: 'whatever it is 1' },
        }),
      )
      answers.push(await call(server, 'POST', '/v1/accounts/verify', { body: { token: identifier } }))
      answers.push(await call(server, 'POST', '/v1/recovery', { body: { identifier } }))
      answers.push(await call(server, 'POST', '/v1/recovery', { body: { identifier, channel: 'sms' } }))
      answers.push(
        await call(server, 'POST', '/v1/recovery/complete', { body: { token: identifier, password: 'x' } }),
      )
      answers.push(await call(server, 'POST', '/v1/accounts/lock', { body: { token: identifier } }))
      answers.push(await call(server, 'POST', '/v1/sessions/not-me', { body: { token: identifier } }))
      answers.push(
        await call(server, 'POST', '/v1/sessions/mfa/send', {
          body: { challenge_id: identifier, method: 'email' },
        }),
      )
      answers.push(await call(server, 'POST', '/v1/me/email/verify', { body: { token: identifier } }))
    }
    // Every route of the OpenAPI document, with every method, unauthenticated.
    for (const [path, methods] of Object.entries(doc.json.paths as Record<string, Record<string, unknown>>)) {
      for (const method of Object.keys(methods)) {
        const url = path.replace(/\{[^}]+\}/g, known.username)
        const body =
          method === 'get' || method === 'delete'
            ? undefined
            : { identifier: known.email, token: known.username }
        answers.push(await call(server, method.toUpperCase() as 'GET', url, body ? { body } : {}))
      }
    }
    await server.deliver()
    for (const res of answers.slice(1)) {
      const text = `${JSON.stringify(res.headers)}\n${res.body}`
      for (const needle of needles) expect(text, `${needle} in ${text.slice(0, 300)}`).not.toContain(needle)
    }
  })
})
