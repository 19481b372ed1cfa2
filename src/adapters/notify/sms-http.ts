import { join } from 'node:path'
import type { SmsTransport } from '../../modules/mail/ports.js'
import { SMS_DIR_NAME } from '../files/private-files.js'
import { FileSmsTransport } from './sms-transports.js'

export interface HttpSmsTransportOptions {
  /** Base URL of a Twilio-compatible API, such as `https://api.twilio.com` (a path prefix is kept). */
  baseUrl: string
  /** Account SID: the basic-auth user and part of the path. */
  accountSid: string
  /** Auth token: the basic-auth password. Never appears in errors. */
  authToken: string
  /** Sender number (E.164) or messaging-service id. */
  from: string
  /** Per request (connect, answer and body). Default 10 s. */
  timeoutMs?: number
}

/**
 * A failed SMS send. The message holds the HTTP status and the provider's error code and
 * (sanitized) message, never the destination number, the SMS text or the auth token.
 */
export class SmsSendError extends Error {
  override readonly name = 'SmsSendError'

  constructor(
    message: string,
    /** True when trying again later may succeed (5xx, 408, 429, timeouts, network errors). */
    readonly retryable: boolean,
    /** The HTTP status, when the provider answered. */
    readonly status?: number,
    /** The provider's error code (Twilio: a number such as 21211), when it gave one. */
    readonly providerCode?: number | string,
  ) {
    super(message)
  }
}

const DEFAULT_TIMEOUT_MS = 10_000
/** Error bodies are read up to this size; the rest is dropped. */
const MAX_ERROR_BODY = 64 * 1024
/** A provider message is cut to this length in our error. */
const MAX_PROVIDER_MESSAGE = 200
const E164 = /^\+[1-9]\d{6,14}$/
/** 7+ digits, optionally with a leading `+` and up to two separators between digits (`(500) 555-0001`). */
const PHONE_LIKE = /\+?\d(?:[\s().-]{0,2}\d){6,}/g

const isRetryableStatus = (status: number): boolean => status >= 500 || status === 408 || status === 429

const sanitizeCode = (code: unknown): number | string | undefined => {
  if (typeof code === 'number' && Number.isFinite(code)) return code
  if (typeof code === 'string' && /^[\w.-]{1,40}$/.test(code)) return code
  return undefined
}

/** Reads at most `limit` bytes of the body as UTF-8 and drops the rest. */
const readLimited = async (response: Response, limit: number): Promise<string> => {
  if (!response.body) return ''
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    while (size < limit) {
      const { done, value } = await reader.read()
      if (done) break
      chunks.push(value)
      size += value.byteLength
    }
  } finally {
    await reader.cancel().catch(() => {})
  }
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8')
}

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}

const describeNetworkError = (err: unknown, timeoutMs: number): string => {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError'))
    return `SMS provider did not answer within ${timeoutMs} ms`
  // undici: TypeError('fetch failed') with the socket error (ECONNREFUSED, ENOTFOUND...) as its cause.
  const cause = err instanceof Error ? (err.cause as { code?: unknown } | undefined) : undefined
  const code =
    typeof cause?.code === 'string' && /^[A-Z0-9_]{1,40}$/.test(cause.code) ? cause.code : undefined
  return `SMS provider request failed${code ? ` (${code})` : ''}`
}

/**
 * Sends SMS through a Twilio-shaped REST API:
 * `POST {baseUrl}/2010-04-01/Accounts/{sid}/Messages.json` with basic auth and a form body `To`, `From`, `Body`.
 *
 * Throws `SmsSendError` (with `retryable`) on failure. A timeout is reported as retryable although the
 * provider may have accepted the message: a retry can then send it twice.
 */
export class HttpSmsTransport implements SmsTransport {
  readonly #endpoint: string
  readonly #authorization: string
  readonly #authToken: string
  readonly #from: string
  readonly #timeoutMs: number

  constructor(options: HttpSmsTransportOptions) {
    let base: URL
    try {
      base = new URL(options.baseUrl)
    } catch {
      throw new Error('SMS transport: baseUrl is not a valid URL')
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:')
      throw new Error(`SMS transport: baseUrl must be an http: or https: URL (got ${base.protocol})`)
    if (base.username || base.password)
      throw new Error('SMS transport: baseUrl must not hold credentials (use the account SID and auth token)')
    if (base.search || base.hash) throw new Error('SMS transport: baseUrl must not have a query or fragment')
    for (const key of ['accountSid', 'authToken', 'from'] as const) {
      const value: unknown = options[key]
      if (typeof value !== 'string' || value.trim() === '')
        throw new Error(`SMS transport: ${key} must be a non-empty string`)
    }
    if (/[:\r\n]/.test(options.accountSid)) throw new Error('SMS transport: accountSid must not contain ":"')
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0)
      throw new Error('SMS transport: timeoutMs must be a positive number')

    const prefix = base.href.replace(/\/+$/, '')
    this.#endpoint = `${prefix}/2010-04-01/Accounts/${encodeURIComponent(options.accountSid)}/Messages.json`
    this.#authorization = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64')}`
    this.#authToken = options.authToken
    this.#from = options.from
    this.#timeoutMs = timeoutMs
  }

  async send(to: string, body: string): Promise<void> {
    await this.sendMessage(to, body)
  }

  /** Like `send`, and gives the provider's message id (`sid`) when the answer has one. */
  async sendMessage(to: string, body: string): Promise<{ sid: string | undefined }> {
    if (!E164.test(to)) throw new SmsSendError('SMS recipient is not an E.164 number', false)
    let response: Response
    try {
      response = await fetch(this.#endpoint, {
        method: 'POST',
        headers: {
          authorization: this.#authorization,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: new URLSearchParams({ To: to, From: this.#from, Body: body }).toString(),
        // A redirect means a wrong base URL: report it rather than replay the POST elsewhere.
        redirect: 'manual',
        signal: AbortSignal.timeout(this.#timeoutMs),
      })
    } catch (err) {
      throw new SmsSendError(describeNetworkError(err, this.#timeoutMs), true)
    }

    let text: string
    try {
      text = await readLimited(response, MAX_ERROR_BODY)
    } catch (err) {
      if (response.ok) {
        // Accepted: the body is only informative.
        return { sid: undefined }
      }
      throw new SmsSendError(
        `SMS provider answered ${response.status}; ${describeNetworkError(err, this.#timeoutMs)}`,
        isRetryableStatus(response.status),
        response.status,
      )
    }
    const json = parseJson(text) as Record<string, unknown> | undefined
    const fields = json && typeof json === 'object' ? json : {}

    if (response.status >= 200 && response.status < 300) {
      return { sid: typeof fields.sid === 'string' ? fields.sid : undefined }
    }

    const code = sanitizeCode(fields.code)
    const providerMessage =
      typeof fields.message === 'string' ? this.#sanitize(fields.message, to, body) : undefined
    const detail = [code === undefined ? undefined : `code ${code}`, providerMessage]
      .filter(Boolean)
      .join(': ')
    throw new SmsSendError(
      `SMS provider answered ${response.status}${detail ? ` (${detail})` : ''}`,
      isRetryableStatus(response.status),
      response.status,
      code,
    )
  }

  async close(): Promise<void> {}

  /** The provider's message, without the number, the SMS text, the token or control characters. */
  #sanitize(message: string, to: string, body: string): string {
    let out = message
    for (const [secret, mark] of [
      [this.#authToken, '[token]'],
      [body, '[body]'],
      [to, '[number]'],
      [to.slice(1), '[number]'],
    ] as const) {
      if (secret.length >= 4) out = out.split(secret).join(mark)
    }
    out = out
      .replace(PHONE_LIKE, '[number]')
      // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
      .replace(/[\u0000-\u001f\u007f]+/g, ' ')
      .trim()
    return out.length > MAX_PROVIDER_MESSAGE ? `${out.slice(0, MAX_PROVIDER_MESSAGE)}…` : out
  }
}

export interface SmsConfig {
  smsUrl?: string | undefined
  smsAccountSid?: string | undefined
  smsAuthToken?: string | undefined
  smsFrom?: string | undefined
  dataDir: string
}

/**
 * The SMS transport for the configuration: the HTTP API when `GATEHOUSE_SMS_URL` is set (then the
 * account SID, auth token and sender must be set too), else files under `<dataDir>/sms`.
 */
export const createSmsTransport = (config: SmsConfig): SmsTransport => {
  if (!config.smsUrl) return new FileSmsTransport(join(config.dataDir, SMS_DIR_NAME))
  const missing = [
    ['GATEHOUSE_SMS_ACCOUNT_SID', config.smsAccountSid],
    ['GATEHOUSE_SMS_AUTH_TOKEN', config.smsAuthToken],
    ['GATEHOUSE_SMS_FROM', config.smsFrom],
  ]
    .filter(([, value]) => !value)
    .map(([name]) => name)
  if (missing.length > 0)
    throw new Error(
      `GATEHOUSE_SMS_URL is set but ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not`,
    )
  return new HttpSmsTransport({
    baseUrl: config.smsUrl,
    accountSid: config.smsAccountSid!,
    authToken: config.smsAuthToken!,
    from: config.smsFrom!,
  })
}
