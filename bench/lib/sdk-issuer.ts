/**
 * A stand-in issuer for the server package's benchmark: the same key pairs (RS256, ES256) and the
 * same access tokens for the bare `jose.jwtVerify` floor and for the package, a JWKS document at
 * `/oidc/jwks`, and `GET /v1/sessions/current` answering one session token with a body of the shape
 * Gatehouse answers. What is measured never reaches it: the package fetches the keys once and keeps
 * the session's answer in its cache — this server only fills them.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose'

export const AUDIENCE = 'https://api.bench.test'
export const SESSION_TOKEN = 'bench-session-token-0123456789abcdefghijklmnop'

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>

export interface Signer {
  alg: 'RS256' | 'ES256'
  kid: string
  publicKey: KeyPair['publicKey']
  token: string
}

export interface BenchIssuer {
  url: string
  signers: Signer[]
  close(): Promise<void>
}

const sessionAnswer = () => {
  const now = Date.now()
  const iso = (t: number) => new Date(t).toISOString()
  return JSON.stringify({
    account: {
      id: 'acc-bench',
      username: 'bench',
      role: 'admin',
      must_change_password: false,
      mfa_enrolment_required: false,
      locale: null,
    },
    session: {
      id: 'ses-bench',
      current: true,
      device: null,
      ip: null,
      created_at: iso(now),
      last_seen_at: iso(now),
      expires_at: iso(now + 12 * 3600_000),
      idle_expires_at: iso(now + 12 * 3600_000),
      amr: ['hwk'],
      authenticated_at: iso(now),
    },
  })
}

export const startBenchIssuer = async (): Promise<BenchIssuer> => {
  const keys: Array<{ alg: 'RS256' | 'ES256'; pair: KeyPair; jwk: JWK }> = []
  for (const alg of ['RS256', 'ES256'] as const) {
    const pair = await generateKeyPair(alg, { extractable: true })
    keys.push({
      alg,
      pair,
      jwk: { ...(await exportJWK(pair.publicKey)), alg, use: 'sig', kid: `bench-${alg}` },
    })
  }
  const jwks = JSON.stringify({ keys: keys.map((k) => k.jwk) })
  const server = http.createServer((req, res) => {
    if (req.url === '/oidc/jwks') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(jwks)
    } else if (
      req.url === '/v1/sessions/current' &&
      req.headers.authorization === `Bearer ${SESSION_TOKEN}`
    ) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(sessionAnswer())
    } else res.writeHead(401).end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const signers: Signer[] = []
  for (const k of keys) {
    const token = await new SignJWT({
      scope: 'openid profile',
      client_id: 'ghc_bench',
      amr: ['hwk'],
      roles: ['user'],
    })
      .setProtectedHeader({ alg: k.alg, typ: 'at+jwt', kid: k.jwk.kid! })
      .setIssuer(url)
      .setAudience(AUDIENCE)
      .setSubject('acc-bench')
      .setIssuedAt()
      .setExpirationTime('2h')
      .sign(k.pair.privateKey)
    signers.push({ alg: k.alg, kid: k.jwk.kid!, publicKey: k.pair.publicKey, token })
  }
  return {
    url,
    signers,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
