/**
 * One verified Gatehouse account, made the way a user makes it: sign-up over HTTP, the `Token:` line of
 * the verification mail (from the SMTP sink), verification, first login. The first login's device token
 * comes back with it, so that later logins are from a device the account knows (no step-up code).
 */
import http from 'node:http'
import { request, targetOf } from './http.js'
import type { Sink } from './smtp-sink.js'

export interface GatehouseAccount {
  username: string
  email: string
  password: string
  /** The session token of the first login. */
  token: string
  /** The device token of the first login (`X-Gatehouse-Device`). */
  deviceToken: string
}

export const createGatehouseAccount = async (
  baseUrl: string,
  sink: Sink,
  username = 'bench_user',
): Promise<GatehouseAccount> => {
  const target = targetOf(baseUrl)
  const agent = new http.Agent({ keepAlive: false })
  const email = `${username}@example.org`
  const password = 'copper kettle season 1843'
  try {
    const signup = await request(target, {
      method: 'POST',
      path: '/v1/accounts',
      body: { username, email, password },
      agent,
    })
    if (signup.status !== 202) throw new Error(`sign-up: ${signup.status} ${signup.body}`)
    const mail = await sink.waitFor((m) => m.to.includes(email) && /verif/i.test(m.subject), 30_000)
    const verify = await request(target, {
      method: 'POST',
      path: '/v1/accounts/verify',
      body: { token: sink.tokenFrom(mail) },
      agent,
    })
    if (verify.status !== 200) throw new Error(`verification: ${verify.status} ${verify.body}`)
    const login = await request(target, {
      method: 'POST',
      path: '/v1/sessions',
      body: { identifier: username, password },
      agent,
    })
    if (login.status !== 201) throw new Error(`first login: ${login.status} ${login.body}`)
    const answer = JSON.parse(login.body) as { token: string; device_token?: string }
    if (!answer.device_token) throw new Error('the first login gave no device token')
    return { username, email, password, token: answer.token, deviceToken: answer.device_token }
  } finally {
    agent.destroy()
  }
}
