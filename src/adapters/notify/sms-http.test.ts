import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type FakeSmsProvider, startFakeSmsProvider } from '../../../test/helpers/fake-sms-provider.js'
import { createSmsTransport, HttpSmsTransport, SmsSendError } from './sms-http.js'
import { FileSmsTransport } from './sms-transports.js'

const SID = 'AC0123456789abcdef'
const TOKEN = 'super-secret-auth-token'
const FROM = '+15005550006'
const TO = '+15005550001'
const BODY = 'Your Gatehouse code is 493817'

const failure = async (promise: Promise<unknown>): Promise<SmsSendError> => {
  try {
    await promise
  } catch (err) {
    expect(err).toBeInstanceOf(SmsSendError)
    return err as SmsSendError
  }
  throw new Error('expected the send to fail')
}

const expectNoSecrets = (message: string) => {
  expect(message).not.toContain(TO)
  expect(message).not.toContain(TO.slice(1))
  expect(message).not.toContain(BODY)
  expect(message).not.toContain('493817')
  expect(message).not.toContain(TOKEN)
}

describe('HttpSmsTransport', () => {
  let provider: FakeSmsProvider
  const transport = (overrides: Partial<ConstructorParameters<typeof HttpSmsTransport>[0]> = {}) =>
    new HttpSmsTransport({
      baseUrl: provider.url,
      accountSid: SID,
      authToken: TOKEN,
      from: FROM,
      ...overrides,
    })

  beforeAll(async () => {
    provider = await startFakeSmsProvider({ accountSid: SID, authToken: TOKEN })
  })
  afterEach(() => provider.clear())
  afterAll(() => provider.close())

  it('posts a Twilio-shaped form with basic auth to the account’s Messages endpoint', async () => {
    const result = await transport().sendMessage(TO, BODY)
    expect(result.sid).toMatch(/^SM[0-9a-f]{32}$/)
    expect(provider.messages).toHaveLength(1)
    const [message] = provider.messages
    expect(message).toMatchObject({
      accountSid: SID,
      to: TO,
      from: FROM,
      body: BODY,
      authorization: `Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`,
      sid: result.sid,
    })
    await expect(provider.waitFor((m) => m.to === TO)).resolves.toBe(message)
  })

  it('keeps a path prefix of the base URL and ignores a trailing slash', async () => {
    const server = createServer((req, res) => {
      res.writeHead(201, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ path: req.url }))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    try {
      // A 2xx answer without `sid` is still a success.
      await expect(
        transport({ baseUrl: `http://127.0.0.1:${port}/proxy/` }).sendMessage(TO, BODY),
      ).resolves.toEqual({ sid: undefined })
    } finally {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  })

  it('encodes form fields (plus signs, ampersands, newlines, unicode)', async () => {
    const body = 'a+b & c=d\nline 2 — ✓'
    await transport().send(TO, body)
    expect(provider.messages[0]).toMatchObject({ to: TO, body })
  })

  it('throws a retryable error on 503 without the number, the text or the token', async () => {
    provider.failNext(1, 503)
    const err = await failure(transport().send(TO, BODY))
    expect(err.retryable).toBe(true)
    expect(err.status).toBe(503)
    expect(err.providerCode).toBe(20503)
    expect(err.message).toContain('503')
    expect(err.message).toContain('20503')
    expectNoSecrets(err.message)
    expect(provider.messages).toHaveLength(0)
  })

  it('sanitizes a provider message that echoes the number, the text or the token', async () => {
    provider.failNext(1, 500, {
      message: `Failed for ${TO} / (500) 555-0001 / 15005550001: "${BODY}" token=${TOKEN}\r\nX-Injected: 1`,
    })
    const err = await failure(transport().send(TO, BODY))
    expect(err.retryable).toBe(true)
    expectNoSecrets(err.message)
    expect(err.message).not.toMatch(/\d{7}/)
    expect(err.message).not.toMatch(/[\r\n]/)
    expect(err.message).toBe(
      'SMS provider answered 500 (code 20500: Failed for [number] / ([number] / [number]: "[body]" token=[token] X-Injected: 1)',
    )
  })

  it('replaces any 7+ digit run by [number], even a number other than the recipient', async () => {
    provider.failNext(1, 400, {
      code: 21614,
      message: "'To' +447700900123 (was 0044 7700 900123) is not a mobile",
    })
    const err = await failure(transport().send(TO, BODY))
    expect(err.message).toBe(
      "SMS provider answered 400 (code 21614: 'To' [number] (was [number]) is not a mobile)",
    )
  })

  it('throws a non-retryable error on 400 and replaces the echoed number by [number]', async () => {
    provider.failNext(1, 400, { code: 21211, message: 'The To number +15005550001 is not valid' })
    const err = await failure(transport().send(TO, BODY))
    expect(err.retryable).toBe(false)
    expect(err.status).toBe(400)
    expect(err.providerCode).toBe(21211)
    expect(err.message).toBe('SMS provider answered 400 (code 21211: The To number [number] is not valid)')
    expectNoSecrets(err.message)
  })

  it('treats 408 and 429 as retryable', async () => {
    provider.failNext(1, 429)
    expect((await failure(transport().send(TO, BODY))).retryable).toBe(true)
    provider.failNext(1, 408)
    expect((await failure(transport().send(TO, BODY))).retryable).toBe(true)
  })

  it('reports a wrong token as a non-retryable 401 without the token', async () => {
    const wrong = 'wrong-token-value'
    const err = await failure(transport({ authToken: wrong }).send(TO, BODY))
    expect(err.retryable).toBe(false)
    expect(err.status).toBe(401)
    expect(err.message).toContain('401')
    expect(err.message).toContain('20003')
    expect(err.message).not.toContain(wrong)
    expectNoSecrets(err.message)
    expect(provider.requests).toHaveLength(1)
    expect(provider.requests[0]!.status).toBe(401)
    expect(provider.messages).toHaveLength(0)
  })

  it('gives up after timeoutMs when the provider does not answer (retryable)', async () => {
    provider.hangNext(1)
    const started = Date.now()
    const err = await failure(transport({ timeoutMs: 200 }).send(TO, BODY))
    expect(Date.now() - started).toBeLessThan(5000)
    expect(err.retryable).toBe(true)
    expect(err.status).toBeUndefined()
    expect(err.message).toContain('200 ms')
    expectNoSecrets(err.message)
    expect(provider.requests).toHaveLength(1)
  })

  it('reports a refused connection as retryable', async () => {
    const closed = await startFakeSmsProvider()
    const url = closed.url
    await closed.close()
    const err = await failure(transport({ baseUrl: url }).send(TO, BODY))
    expect(err.retryable).toBe(true)
    expect(err.message).toMatch(/^SMS provider request failed/)
    expectNoSecrets(err.message)
  })

  it('reports a non-JSON error answer by its status only', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' })
      res.end(`<html>bad gateway for ${TO}</html>`)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    try {
      const err = await failure(transport({ baseUrl: `http://127.0.0.1:${port}` }).send(TO, BODY))
      expect(err.message).toBe('SMS provider answered 502')
      expect(err.retryable).toBe(true)
    } finally {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  })

  it('refuses a recipient that is not E.164 without sending or echoing it', async () => {
    const err = await failure(transport().send('0155 5000 1\r\nX: y', BODY))
    expect(err.retryable).toBe(false)
    expect(err.message).not.toContain('0155')
    expect(provider.requests).toHaveLength(0)
  })

  it('validates its options', () => {
    const base = { baseUrl: 'https://api.twilio.com', accountSid: SID, authToken: TOKEN, from: FROM }
    expect(() => new HttpSmsTransport({ ...base, baseUrl: 'ftp://api.twilio.com' })).toThrow(
      /http: or https:/,
    )
    expect(() => new HttpSmsTransport({ ...base, baseUrl: 'not a url' })).toThrow(/not a valid URL/)
    expect(() => new HttpSmsTransport({ ...base, baseUrl: 'https://u:p@api.twilio.com' })).toThrow(
      /credentials/,
    )
    expect(() => new HttpSmsTransport({ ...base, accountSid: '' })).toThrow(/accountSid/)
    expect(() => new HttpSmsTransport({ ...base, authToken: ' ' })).toThrow(/authToken/)
    expect(() => new HttpSmsTransport({ ...base, from: '' })).toThrow(/from/)
    expect(() => new HttpSmsTransport({ ...base, timeoutMs: 0 })).toThrow(/timeoutMs/)
    expect(() => new HttpSmsTransport(base)).not.toThrow()
  })
})

describe('createSmsTransport', () => {
  let dataDir: string
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-sms-'))
  })
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

  it('writes files under <dataDir>/sms when GATEHOUSE_SMS_URL is not set', async () => {
    const transport = createSmsTransport({ dataDir })
    expect(transport).toBeInstanceOf(FileSmsTransport)
    await transport.send(TO, BODY)
    const files = readdirSync(join(dataDir, 'sms'))
    expect(files).toHaveLength(1)
    expect(readFileSync(join(dataDir, 'sms', files[0]!), 'utf8')).toBe(`To: ${TO}\n\n${BODY}\n`)
  })

  it('sends over HTTP when GATEHOUSE_SMS_URL is set', async () => {
    const provider = await startFakeSmsProvider({ accountSid: SID, authToken: TOKEN })
    try {
      const transport = createSmsTransport({
        dataDir,
        smsUrl: provider.url,
        smsAccountSid: SID,
        smsAuthToken: TOKEN,
        smsFrom: FROM,
      })
      expect(transport).toBeInstanceOf(HttpSmsTransport)
      await transport.send(TO, BODY)
      await expect(provider.waitFor((m) => m.body === BODY)).resolves.toMatchObject({ to: TO, from: FROM })
      await transport.close()
    } finally {
      await provider.close()
    }
  })

  it('names the missing GATEHOUSE_SMS_* variable in one line', () => {
    const full = {
      dataDir,
      smsUrl: 'https://api.twilio.com',
      smsAccountSid: SID,
      smsAuthToken: TOKEN,
      smsFrom: FROM,
    }
    const cases = [
      ['smsAccountSid', 'GATEHOUSE_SMS_ACCOUNT_SID'],
      ['smsAuthToken', 'GATEHOUSE_SMS_AUTH_TOKEN'],
      ['smsFrom', 'GATEHOUSE_SMS_FROM'],
    ] as const
    for (const [key, variable] of cases) {
      let message = ''
      try {
        createSmsTransport({ ...full, [key]: undefined })
      } catch (err) {
        message = (err as Error).message
      }
      expect(message).toContain(variable)
      expect(message).not.toContain('\n')
      expect(message).not.toContain(TOKEN)
    }
    expect(() => createSmsTransport({ dataDir, smsUrl: 'https://api.twilio.com' })).toThrow(
      'GATEHOUSE_SMS_URL is set but GATEHOUSE_SMS_ACCOUNT_SID, GATEHOUSE_SMS_AUTH_TOKEN, GATEHOUSE_SMS_FROM are not',
    )
  })
})
