import { createHmac, timingSafeEqual } from 'node:crypto'

/** The headers of every webhook request. */
export const webhookHeaders = {
  id: 'gatehouse-webhook-id',
  timestamp: 'gatehouse-webhook-timestamp',
  signature: 'gatehouse-webhook-signature',
} as const

/** Hex HMAC-SHA256 under the webhook secret (the whole `whsec_…` string, as UTF-8) of `<timestamp>.<body>`. */
const hmac = (secret: string, timestamp: string, body: string | Uint8Array): Buffer =>
  createHmac('sha256', secret)
    .update(`${timestamp}.`, 'utf8')
    .update(typeof body === 'string' ? Buffer.from(body, 'utf8') : body)
    .digest()

/** The `gatehouse-webhook-signature` value for a body sent at `timestamp` (unix seconds). */
export const signWebhook = (secret: string, timestamp: number, body: string): string =>
  `v1=${hmac(secret, String(timestamp), body).toString('hex')}`

export type WebhookHeaderBag =
  | { get(name: string): string | null }
  | Record<string, string | readonly string[] | undefined>

const header = (headers: WebhookHeaderBag, name: string): string | undefined => {
  if (typeof headers.get === 'function')
    return (headers as { get(n: string): string | null }).get(name) ?? undefined
  const bag = headers as Record<string, string | readonly string[] | undefined>
  const key = Object.keys(bag).find((k) => k.toLowerCase() === name)
  const value = key === undefined ? undefined : bag[key]
  return typeof value === 'string' ? value : undefined
}

const TIMESTAMP = /^[0-9]{1,12}$/
const SIGNATURE = /^v1=([0-9a-f]{64})$/

/**
 * For receivers: true when the request carries a valid Gatehouse signature of exactly `rawBody`
 * (the bytes as received, before any JSON parsing) made with `secret`, and its timestamp is within
 * `toleranceSeconds` of `now` (epoch ms; the current time by default) — a captured request replayed
 * later is refused. The comparison is constant-time. The signature header may list several
 * space-separated `v1=` values; one match is enough.
 */
export const verifyWebhookSignature = (
  secret: string,
  headers: WebhookHeaderBag,
  rawBody: string | Uint8Array,
  options: { toleranceSeconds?: number; now?: number } = {},
): boolean => {
  const toleranceSeconds = options.toleranceSeconds ?? 300
  const now = options.now ?? Date.now()
  const timestamp = header(headers, webhookHeaders.timestamp)?.trim()
  const signatures = header(headers, webhookHeaders.signature)
  if (!timestamp || !TIMESTAMP.test(timestamp) || !signatures) return false
  if (Math.abs(now / 1000 - Number(timestamp)) > toleranceSeconds) return false
  const expected = hmac(secret, timestamp, rawBody)
  let ok = false
  for (const part of signatures.split(/[\s,]+/)) {
    const m = SIGNATURE.exec(part)
    // Every candidate is compared (no early exit): the time taken says nothing about which matched.
    if (m && timingSafeEqual(Buffer.from(m[1]!, 'hex'), expected)) ok = true
  }
  return ok
}
