import { performance } from 'node:perf_hooks'
import { type Clock, DAY, SECOND } from '../../kernel/clock.js'
import type { SecretBox } from '../../kernel/secret-box.js'
import { newId } from '../../kernel/tokens.js'
import { UndeliverableMessage, type WebhookPayload, type WebhookSender } from '../mail/ports.js'
import type { WebhookRepository } from './ports.js'
import { secretAad } from './service.js'
import { signWebhook, webhookHeaders } from './verify.js'

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
  const e = err as { name?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } } | null
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'timed out'
  const cause = e?.cause
  if (typeof cause?.code === 'string') return `network error: ${cause.code}`
  if (typeof cause?.message === 'string') return `network error: ${cause.message}`
  return `network error: ${typeof e?.message === 'string' ? e.message : String(err)}`
}

/**
 * POSTs webhook messages, signed with the endpoint's secret, and logs every try. A 2xx answer is
 * a delivery; any other answer (redirects included: they are never followed), a timeout or a
 * network error throws, and the outbox tries again later. A message for a webhook deleted since it
 * was queued is dropped (`UndeliverableMessage`) without a request.
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
    try {
      const res = await fetch(hook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Gatehouse-Webhooks/1',
          [webhookHeaders.id]: messageId,
          [webhookHeaders.timestamp]: String(timestamp),
          [webhookHeaders.signature]: signWebhook(secret, timestamp, payload.body),
        },
        body: payload.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.#timeoutMs),
      })
      // The answer's body is not read: only the status counts.
      await res.body?.cancel().catch(() => {})
      statusCode = res.status > 0 ? res.status : null
      if (res.type === 'opaqueredirect' || (res.status >= 300 && res.status < 400)) {
        error = `redirect${statusCode ? ` ${statusCode}` : ''} not followed`
      } else if (res.status < 200 || res.status > 299) {
        error = `HTTP ${res.status}`
      }
    } catch (err) {
      error = reasonOf(err)
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
    if (error !== null) throw new Error(`webhook delivery failed: ${error}`)
  }
}
