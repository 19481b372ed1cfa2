/**
 * Parent side of bench/lib/better-auth-server.ts: starts it on a SQLite file in `dir` and makes one
 * account through its email sign-up, returning the session cookie that sign-up sets (better-auth signs
 * a new account in at once unless email verification is required).
 */
import { join } from 'node:path'
import { type ChildServer, startChildServer } from './child-server.js'

export interface BetterAuthAccount {
  email: string
  password: string
  /** `better-auth.session_token=…`, as a browser would send it back. */
  cookie: string
}

export const startBetterAuth = (dir: string, wal: boolean): Promise<ChildServer> =>
  startChildServer('./better-auth-server.ts', {
    BA_DB: join(dir, 'better-auth.sqlite'),
    ...(wal ? { BA_WAL: '1' } : {}),
  })

export const createBetterAuthAccount = async (baseUrl: string): Promise<BetterAuthAccount> => {
  const email = 'bench_user@example.org'
  const password = 'copper kettle season 1843'
  const res = await fetch(`${baseUrl}/api/auth/sign-up/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: baseUrl },
    body: JSON.stringify({ email, password, name: 'Bench User' }),
  })
  const body = await res.text()
  if (res.status !== 200) throw new Error(`better-auth sign-up: ${res.status} ${body}`)
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .find((c) => c.startsWith('better-auth.session_token='))
  if (!cookie) throw new Error('better-auth sign-up set no session cookie')
  return { email, password, cookie }
}
