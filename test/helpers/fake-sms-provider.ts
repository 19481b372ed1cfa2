import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { HttpSmsTransport } from '../../src/adapters/notify/sms-http.js'

export interface FakeSmsRequest {
  /** The account SID from the path. */
  accountSid: string
  to: string
  from: string
  body: string
  /** The Authorization header as sent (empty when there was none). */
  authorization: string
  /** The status the fake answered (0 while a held request is still unanswered). */
  status: number
}

export type FakeSmsMessage = Omit<FakeSmsRequest, 'status'> & {
  /** The `SM…` id the fake gave the message. */
  sid: string
}

export interface FakeSmsProvider {
  /** `http://127.0.0.1:<port>`: the base URL for GATEHOUSE_SMS_URL. */
  readonly url: string
  /** Every accepted message (answered 201), in order of arrival. */
  readonly messages: FakeSmsMessage[]
  /** Every request to the Messages endpoint, accepted or not. */
  readonly requests: FakeSmsRequest[]
  /** The first accepted message (already received or yet to come) that matches; rejects after `timeoutMs`. */
  waitFor(predicate: (m: FakeSmsMessage) => boolean, timeoutMs?: number): Promise<FakeSmsMessage>
  /** Answers the next `n` sends with `status` and a Twilio-style error body (code and message overridable). */
  failNext(n: number, status?: number, error?: { code?: number; message?: string }): void
  /** Never answers the next `n` sends (until `close`): for client timeouts. */
  hangNext(n: number): void
  clear(): void
  close(): Promise<void>
}

export interface FakeSmsProviderOptions {
  accountSid?: string
  authToken?: string
}

interface Waiter {
  predicate: (m: FakeSmsMessage) => boolean
  resolve: (m: FakeSmsMessage) => void
}

const PATH = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/

const defaultErrors: Record<number, { code: number; message: string }> = {
  400: { code: 21211, message: 'Invalid parameter' },
  401: { code: 20003, message: 'Authenticate' },
  404: { code: 20404, message: 'The requested resource was not found' },
  429: { code: 20429, message: 'Too Many Requests' },
  500: { code: 20500, message: 'Internal Server Error' },
  503: { code: 20503, message: 'Service Unavailable' },
}

const sendError = (
  res: ServerResponse,
  status: number,
  error?: { code?: number; message?: string },
): void => {
  const fallback = defaultErrors[status] ?? { code: 20000 + status, message: `Error ${status}` }
  const code = error?.code ?? fallback.code
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(
    JSON.stringify({
      code,
      message: error?.message ?? fallback.message,
      more_info: `https://www.twilio.com/docs/errors/${code}`,
      status,
    }),
  )
}

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })

/**
 * A Twilio-compatible SMS API on loopback: `POST /2010-04-01/Accounts/:sid/Messages.json` with basic
 * auth and a form body (`To`, `From`, `Body`). Answers 201 with `{ sid: 'SM…', status: 'queued', … }`,
 * 401 for wrong credentials, 400 for a missing field, each error as Twilio shapes it.
 */
export const startFakeSmsProvider = async (
  options: FakeSmsProviderOptions = {},
): Promise<FakeSmsProvider> => {
  const accountSid = options.accountSid ?? 'ACtest'
  const authToken = options.authToken ?? 'test-token'
  const expectedAuth = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`
  const messages: FakeSmsMessage[] = []
  const requests: FakeSmsRequest[] = []
  const waiters = new Set<Waiter>()
  let failures: { n: number; status: number; error: { code?: number; message?: string } | undefined } = {
    n: 0,
    status: 503,
    error: undefined,
  }
  let hangs = 0

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname
    const match = PATH.exec(path)
    if (!match) return sendError(res, 404)
    if (req.method !== 'POST') return sendError(res, 405, { code: 20004, message: 'Method not allowed' })
    const raw = await readBody(req)
    const form = new URLSearchParams(raw)
    const request: FakeSmsRequest = {
      accountSid: decodeURIComponent(match[1]!),
      to: form.get('To') ?? '',
      from: form.get('From') ?? '',
      body: form.get('Body') ?? '',
      authorization: req.headers.authorization ?? '',
      status: 0,
    }
    requests.push(request)
    const answer = (status: number, error?: { code?: number; message?: string }) => {
      request.status = status
      sendError(res, status, error)
    }

    if (hangs > 0) {
      hangs--
      return
    }
    if (request.authorization !== expectedAuth || request.accountSid !== accountSid) return answer(401)
    if (!String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded'))
      return answer(400, { code: 20001, message: 'Content-Type must be application/x-www-form-urlencoded' })
    if (!request.to) return answer(400, { code: 21604, message: "A 'To' phone number is required." })
    if (!request.from) return answer(400, { code: 21603, message: "A 'From' phone number is required." })
    if (!request.body) return answer(400, { code: 21602, message: 'Message body is required.' })
    if (failures.n > 0) {
      failures.n--
      return answer(failures.status, failures.error)
    }

    const message: FakeSmsMessage = {
      accountSid: request.accountSid,
      to: request.to,
      from: request.from,
      body: request.body,
      authorization: request.authorization,
      sid: `SM${randomBytes(16).toString('hex')}`,
    }
    // Recorded before the answer: once the sender's send resolves, the message is here.
    messages.push(message)
    request.status = 201
    for (const w of waiters) {
      if (w.predicate(message)) {
        waiters.delete(w)
        w.resolve(message)
      }
    }
    res.writeHead(201, { 'content-type': 'application/json' })
    res.end(
      JSON.stringify({
        sid: message.sid,
        account_sid: accountSid,
        status: 'queued',
        to: message.to,
        from: message.from,
        body: message.body,
      }),
    )
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendError(res, 500)
      else res.destroy()
    })
  })
  // A client dropping the connection must not fail the test run.
  server.on('clientError', (_err, socket) => socket.destroy())

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo

  return {
    url: `http://127.0.0.1:${port}`,
    messages,
    requests,
    waitFor: (predicate, timeoutMs = 5000) => {
      const found = messages.find(predicate)
      if (found) return Promise.resolve(found)
      return new Promise<FakeSmsMessage>((resolve, reject) => {
        const waiter: Waiter = {
          predicate,
          resolve: (m) => {
            clearTimeout(timer)
            resolve(m)
          },
        }
        const timer = setTimeout(() => {
          waiters.delete(waiter)
          const seen = messages.map((m) => `${m.to}: ${JSON.stringify(m.body)}`).join('; ')
          reject(
            new Error(
              `fake SMS provider: no matching message within ${timeoutMs} ms (${messages.length} received${seen ? `: ${seen}` : ''})`,
            ),
          )
        }, timeoutMs)
        waiters.add(waiter)
      })
    },
    failNext: (n, status = 503, error) => {
      failures = { n, status, error }
    },
    hangNext: (n) => {
      hangs = n
    },
    clear: () => {
      messages.length = 0
      requests.length = 0
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        // Held requests and idle keep-alive connections would keep `close` waiting.
        server.closeAllConnections()
      }),
  }
}

/** Gatehouse's Twilio-shaped SMS adapter, pointed at the fake provider. */
export const smsTransportFor = (sms: FakeSmsProvider): HttpSmsTransport =>
  new HttpSmsTransport({
    baseUrl: sms.url,
    accountSid: 'ACtest',
    authToken: 'test-token',
    from: '+15005550006',
  })
