import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { performance } from 'node:perf_hooks'
import { type Clock, DAY, SECOND } from '../../kernel/clock.js'
import type { SecretBox } from '../../kernel/secret-box.js'
import { newId } from '../../kernel/tokens.js'
import { UndeliverableMessage, type WebhookPayload, type WebhookSender } from '../mail/ports.js'
import type { WebhookRepository } from './ports.js'
import { secretAad } from './service.js'
import { signWebhook, webhookHeaders } from './signature.js'
import { literalRefusal, NonPublicTarget, publicOnlyLookup } from './targets.js'

export interface HttpWebhookSenderDeps {
  webhooks: WebhookRepository
  box: SecretBox
  clock: Clock
  /** Per try; 10 s by default. */
  timeoutMs?: number
  /** How long the delivery log keeps a try; 30 days by default. */
  logRetentionMs?: number
  /** A try could not be written to the delivery log (the delivery itself stands). */
  onLogError?: (err: unknown) => void
  /**
   * Deliver to loopback, private and other non-public addresses too (GATEHOUSE_WEBHOOK_ALLOW_PRIVATE).
   * Off: a target that is, or resolves to, such an address is never connected to.
   */
  allowPrivate: boolean
}

/**
 * POSTs `body` to `url` and resolves with the answer's status (its body is not read). Redirects are
 * not followed. Without `allowPrivate` a literal address must be public, and a name is resolved by
 * `publicOnlyLookup`: the connection uses only the addresses it checked. A fresh connection each
 * time (no pool): a socket opened under another policy is never reused.
 */
const post = async (
  url: URL,
  headers: Record<string, string>,
  body: string,
  opts: { timeoutMs: number; allowPrivate: boolean },
): Promise<number> => {
  const literal = opts.allowPrivate ? null : literalRefusal(url)
  if (literal) throw literal
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest
  return new Promise<number>((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        agent: false,
        signal: AbortSignal.timeout(opts.timeoutMs),
        ...(opts.allowPrivate ? {} : { lookup: publicOnlyLookup }),
      },
      (res: IncomingMessage) => {
        resolve(res.statusCode ?? 0)
        res.destroy()
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

const messageIdOf = (body: string): string => {
  try {
    const id = (JSON.parse(body) as { id?: unknown }).id
    return typeof id === 'string' ? id : ''
  } catch {
    return ''
  }
}

/** Why a try failed, in a few words: never the receiver's answer body. */
const reasonOf = (err: unknown): string => {
  const e = err as {
    name?: unknown
    message?: unknown
    code?: unknown
    cause?: { code?: unknown; message?: unknown }
  } | null
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'timed out'
  if (typeof e?.code === 'string' && e.code !== 'ABORT_ERR') return `network error: ${e.code}`
  const cause = e?.cause
  if (typeof cause?.code === 'string') return `network error: ${cause.code}`
  if (typeof cause?.message === 'string') return `network error: ${cause.message}`
  return `network error: ${typeof e?.message === 'string' ? e.message : String(err)}`
}

/**
 * POSTs webhook messages, signed with the endpoint's secret, and logs every try. A 2xx answer is
 * a delivery; any other answer (redirects included: they are never followed), a timeout or a
 * network error throws, and the outbox tries again later. A message for a webhook deleted since it
 * was queued is dropped (`UndeliverableMessage`) without a request; so is one whose target is, or
 * now resolves to, an address that is not public (unless `allowPrivate`), with the try logged.
 */
export class HttpWebhookSender implements WebhookSender {
  readonly #deps: HttpWebhookSenderDeps
  readonly #timeoutMs: number
  readonly #retentionMs: number

  constructor(deps: HttpWebhookSenderDeps) {
    this.#deps = deps
    this.#timeoutMs = deps.timeoutMs ?? 10 * SECOND
    this.#retentionMs = deps.logRetentionMs ?? 30 * DAY
  }

  async send(webhookId: string, payload: WebhookPayload, attempt: number): Promise<void> {
    const { webhooks, box, clock } = this.#deps
    const hook = await webhooks.find(webhookId)
    if (!hook || hook.disabledAt !== null) throw new UndeliverableMessage('webhook deleted')
    const secret = box.open(hook.secretSealed, secretAad(hook.id))
    const messageId = messageIdOf(payload.body)
    const timestamp = Math.floor(clock.now() / 1000)
    const started = performance.now()
    let statusCode: number | null = null
    let error: string | null = null
    let refused: NonPublicTarget | null = null
    try {
      const status = await post(
        new URL(hook.url),
        {
          'content-type': 'application/json',
          'user-agent': 'Gatehouse-Webhooks/1',
          [webhookHeaders.id]: messageId,
          [webhookHeaders.timestamp]: String(timestamp),
          [webhookHeaders.signature]: signWebhook(secret, timestamp, payload.body),
        },
        payload.body,
        { timeoutMs: this.#timeoutMs, allowPrivate: this.#deps.allowPrivate },
      )
      statusCode = status > 0 ? status : null
      if (status >= 300 && status < 400) {
        error = `redirect${statusCode ? ` ${statusCode}` : ''} not followed`
      } else if (status < 200 || status > 299) {
        error = `HTTP ${status}`
      }
    } catch (err) {
      if (err instanceof NonPublicTarget) {
        refused = err
        error = `refused: ${err.message} (GATEHOUSE_WEBHOOK_ALLOW_PRIVATE is off)`
      } else error = reasonOf(err)
    }
    const durationMs = performance.now() - started
    const deliveredAt = clock.now()
    try {
      await webhooks.recordDelivery(
        {
          id: newId(),
          webhookId: hook.id,
          messageId,
          eventType: payload.eventType,
          attempt,
          statusCode,
          error,
          durationMs,
          deliveredAt,
        },
        deliveredAt - this.#retentionMs,
      )
    } catch (err) {
      this.#deps.onLogError?.(err)
    }
    if (refused) throw new UndeliverableMessage(`webhook target not allowed: ${refused.message}`)
    if (error !== null) throw new Error(`webhook delivery failed: ${error}`)
  }
}
