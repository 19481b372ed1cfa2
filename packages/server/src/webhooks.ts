import { createHmac, timingSafeEqual } from 'node:crypto'

/** The headers of every Gatehouse webhook request. */
export const WEBHOOK_HEADERS = {
  id: 'gatehouse-webhook-id',
  timestamp: 'gatehouse-webhook-timestamp',
  signature: 'gatehouse-webhook-signature',
} as const

/** A Fetch `Headers`, or Node's / Express's / Fastify's header object. */
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
 * True when a webhook request carries a valid Gatehouse signature of exactly `rawBody` (the bytes
 * as received, before any JSON parsing) made with `secret` (the whole `whsec_…` string), and its
 * timestamp is within `toleranceSeconds` (300 by default) of `now` (epoch ms; the current time by
 * default): a captured request replayed later is refused. The signature is HMAC-SHA256 of
 * `<timestamp>.<body>`, compared in constant time; the header may list several space-separated
 * `v1=` values (during a secret rotation) and one match is enough.
 */
export const verifyWebhookSignature = (
  secret: string,
  headers: WebhookHeaderBag,
  rawBody: string | Uint8Array,
  options: { toleranceSeconds?: number; now?: number } = {},
): boolean => {
  const toleranceSeconds = options.toleranceSeconds ?? 300
  const now = options.now ?? Date.now()
  const timestamp = header(headers, WEBHOOK_HEADERS.timestamp)?.trim()
  const signatures = header(headers, WEBHOOK_HEADERS.signature)
  if (!timestamp || !TIMESTAMP.test(timestamp) || !signatures) return false
  if (Math.abs(now / 1000 - Number(timestamp)) > toleranceSeconds) return false
  const expected = createHmac('sha256', secret)
    .update(`${timestamp}.`, 'utf8')
    .update(typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody)
    .digest()
  let ok = false
  for (const part of signatures.split(/[\s,]+/)) {
    const m = SIGNATURE.exec(part)
    // Every candidate is compared (no early exit): the time taken says nothing about which matched.
    if (m && timingSafeEqual(Buffer.from(m[1]!, 'hex'), expected)) ok = true
  }
  return ok
}
