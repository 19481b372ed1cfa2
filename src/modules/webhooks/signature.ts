import { createHmac } from 'node:crypto'

/** The headers of every webhook request (receivers check them with @gatehouse/server's verifyWebhookSignature). */
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
