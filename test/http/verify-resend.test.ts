import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api, problem } from '../helpers/api.js'
import { databaseKinds } from '../helpers/databases.js'
import { call, createTestServer, freshUser, signUpAndLogin, type TestServer } from '../helpers/server.js'

const HOUR = 3_600_000

/** A response without what differs per request anyway (request id, date). */
const strip = (res: { status: number; headers: Record<string, unknown>; body: string }) => {
  const { 'x-request-id': _id, date: _date, ...headers } = res.headers
  return { status: res.status, headers, body: res.body }
}

describe.each(databaseKinds())('verification resend over HTTP on %s', (kind) => {
  let server: TestServer
  beforeAll(async () => {
    server = await createTestServer(kind)
  })
  afterAll(async () => {
    await server?.close()
  })

  /** Raw: the answers are compared byte for byte, headers and all. */
  const resend = (email: string) => call(server, 'POST', '/v1/accounts/verify/resend', { body: { email } })
  const verify = (token: string) => api(server).POST('/v1/accounts/verify', { body: { token } })
  const verificationMails = (email: string) =>
    server.smtp.messages.filter((m) => m.to.includes(email) && /verify your email/i.test(m.subject))
  /** Registers without verifying; returns the user once the sign-up mail has arrived. */
  const pending = async () => {
    const user = freshUser('pending')
    expect((await api(server).POST('/v1/accounts', { body: user })).response.status).toBe(202)
    await server.deliver()
    await server.smtp.waitFor((m) => m.to.includes(user.email) && /verify your email/i.test(m.subject))
    return user
  }

  it('answers unknown, verified and pending addresses byte for byte alike, and mails only the pending one', async () => {
    const waiting = await pending()
    const { user: verified } = await signUpAndLogin(server)
    const unknown = freshUser('nobody').email

    const answers = [await resend(unknown), await resend(verified.email), await resend(waiting.email)]
    for (const res of answers) {
      expect(res.status).toBe(202)
      expect(res.body).toBe('{"status":"accepted"}')
      expect(strip(res)).toEqual(strip(answers[0]!))
    }

    await server.deliver()
    expect(verificationMails(waiting.email)).toHaveLength(2)
    expect(verificationMails(verified.email)).toHaveLength(1)
    expect(server.smtp.messages.filter((m) => m.to.includes(unknown))).toHaveLength(0)
  })

  it('mails a working token to the stored address, and the older token dies', async () => {
    const user = await pending()
    const first = server.smtp.tokenFrom(verificationMails(user.email)[0]!)
    // Looked up by the normalised address; the mail goes to the address as stored.
    expect((await resend(user.email.toUpperCase())).status).toBe(202)
    await server.deliver()
    const mails = verificationMails(user.email)
    expect(mails).toHaveLength(2)
    expect(mails[1]!.to).toEqual([user.email])
    const second = server.smtp.tokenFrom(mails[1]!)
    expect(second).not.toBe(first)

    const old = await verify(first)
    expect(old.response.status).toBe(400)
    expect(problem(old.error).code).toBe('invalid_token')
    expect((await verify(second)).response.status).toBe(200)

    // Verified now: the same answer, and nothing more is sent.
    expect((await resend(user.email)).body).toBe('{"status":"accepted"}')
    await server.deliver()
    expect(verificationMails(user.email)).toHaveLength(2)
    expect(
      (await api(server).POST('/v1/sessions', { body: { identifier: user.email, password: user.password } }))
        .response.status,
    ).toBe(201)
  })

  it('sends at most 3 verification mails an hour per account (sign-up included), answering alike', async () => {
    const user = await pending()
    const answers = []
    // Four (the fifth comes after the hour): the limit of 5 requests an hour per address counts in
    // real time, not on this suite's clock.
    for (let i = 0; i < 4; i++) answers.push(strip(await resend(user.email)))
    for (const a of answers) expect(a).toEqual(answers[0])
    await server.deliver()
    const mails = verificationMails(user.email)
    expect(mails).toHaveLength(3)
    // The newest mail's token is the live one.
    const newest = server.smtp.tokenFrom(mails[2]!)

    server.clock.advance(HOUR + 1000)
    expect((await resend(user.email)).status).toBe(202)
    await server.deliver()
    expect(verificationMails(user.email)).toHaveLength(4)
    expect(problem((await verify(newest)).error).code).toBe('invalid_token')
    const latest = server.smtp.tokenFrom(verificationMails(user.email)[3]!)
    expect((await verify(latest)).response.status).toBe(200)
  })

  it('holds the cap under concurrent requests', async () => {
    const user = await pending()
    const answers = await Promise.all(Array.from({ length: 5 }, () => resend(user.email)))
    for (const a of answers) expect(a.status).toBe(202)
    await server.deliver()
    expect(verificationMails(user.email)).toHaveLength(3)
  })

  it('takes 5 resends an hour per address typed, from any source, then 429 alike for every address; each refused one writes nothing', async () => {
    const waiting = await pending()
    const { user: verified } = await signUpAndLogin(server)
    const unknown = freshUser('nobody').email
    const events = () =>
      server.app.database.db
        .selectFrom('security_events')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('type', '=', 'account_verification_resend')
        .executeTakeFirstOrThrow()
        .then((r) => Number(r.n))
    const before = await events()
    const statuses: Record<string, number[]> = {}
    for (const email of [waiting.email, verified.email, unknown]) {
      const answers = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          call(server, 'POST', '/v1/accounts/verify/resend', {
            body: { email: i % 2 ? email : email.toUpperCase() },
            ip: `127.61.${i}.7`,
          }),
        ),
      )
      statuses[email] = answers.map((a) => a.status).sort()
      const refused = answers.filter((a) => a.status === 429)
      expect(refused).toHaveLength(35)
      for (const r of refused) {
        expect(problem(r.json).code).toBe('rate_limited')
        expect(Number(r.headers['retry-after'])).toBeGreaterThan(3000)
      }
    }
    expect(statuses[verified.email]).toEqual(statuses[waiting.email])
    expect(statuses[unknown]).toEqual(statuses[waiting.email])
    expect((await events()) - before).toBe(15)
    await server.deliver()
    expect(verificationMails(waiting.email)).toHaveLength(3)
  })

  it('refuses a malformed address with 400 invalid_email, whoever asks', async () => {
    for (const email of ['not-an-address', 'a@b', 'line\r\nbreak@example.org']) {
      const res = await resend(email)
      expect(res.status, email).toBe(400)
      expect(problem(res.json).code).toBe('invalid_email')
    }
  })
})
