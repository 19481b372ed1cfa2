import {
  createGatehouse,
  type Gatehouse,
  type GatehouseOptions,
  memoryStore,
  register,
  verifyEmail,
} from '@gatehouse/client'
import { createListeningServer } from '../../helpers/oidc-server.js'
import { freshUser, type TestServer } from '../../helpers/server.js'

export type ListeningServer = TestServer & { origin: string }

/** A Gatehouse listening on loopback (SQLite), with these settings over the test defaults. */
export const startGatehouse = (env: Record<string, string> = {}): Promise<ListeningServer> =>
  createListeningServer('sqlite', env)

/** A client of that Gatehouse in `token` mode, its stores in memory unless given. */
export const clientOf = (server: ListeningServer, options: GatehouseOptions = {}): Gatehouse =>
  createGatehouse({
    baseUrl: server.origin,
    session: 'token',
    tokenStore: memoryStore(),
    deviceStore: memoryStore(),
    ...options,
  })

/** The requests a client sent, recorded by its `fetch`. */
export const recordingFetch = () => {
  const seen: { method: string; path: string; status: number; headers: Headers }[] = []
  const fetchFn = async (request: Request) => {
    const url = new URL(request.url)
    const headers = new Headers(request.headers)
    const res = await fetch(request)
    seen.push({ method: request.method, path: url.pathname + url.search, status: res.status, headers })
    return res
  }
  return { seen, fetch: fetchFn }
}

/** Signs up through the client and confirms the address with the mailed token. */
export const signUp = async (server: ListeningServer, gh: Gatehouse, prefix = 'sdk') => {
  const user = freshUser(prefix)
  await register(gh, { body: user })
  await server.deliver()
  const mail = await server.smtp.waitFor((m) => m.to.includes(user.email) && /verif/i.test(m.subject))
  await verifyEmail(gh, { body: { token: server.smtp.tokenFrom(mail) } })
  return user
}

/** The six-digit code of the newest mail to `email` whose subject matches, after `seen` of them. */
export const mailedCode = async (server: ListeningServer, email: string, subject: RegExp, seen = 0) => {
  const mails = () => server.smtp.messages.filter((m) => m.to.includes(email) && subject.test(m.subject))
  await server.deliver()
  for (let i = 0; i < 200 && mails().length <= seen; i++) await new Promise((r) => setTimeout(r, 25))
  const mail = mails().at(-1)
  const code = mail && /^Code: (\d{6})$/m.exec(mail.text)?.[1]
  if (!code) throw new Error(`no code mail to ${email}`)
  return code
}
