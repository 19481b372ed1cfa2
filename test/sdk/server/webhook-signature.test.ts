import { verifyWebhookSignature, WEBHOOK_HEADERS } from '@gatehouse/server'
import { describe, expect, it } from 'vitest'
import { signWebhook, webhookHeaders } from '../../../src/modules/webhooks/signature.js'

/*
 * The receivers' check (@gatehouse/server) of what Gatehouse signs (src/modules/webhooks): the two
 * agree on the header names and on the signature, and the check refuses anything else.
 */

const secret = 'whsec_c2VjcmV0IGtleSBvZiB0aGlydHktdHdvIGJ5dGVzISE'
const body = JSON.stringify({ id: 'm1', type: 'authn_login_fail', details: { reason: 'bad_password' } })
const now = Date.UTC(2026, 10, 23, 12)
const ts = Math.floor(now / 1000)

const headersFor = (timestamp: number, payload = body, key = secret) => ({
  [webhookHeaders.id]: 'm1',
  [webhookHeaders.timestamp]: String(timestamp),
  [webhookHeaders.signature]: signWebhook(key, timestamp, payload),
})

describe('verifyWebhookSignature', () => {
  it('reads the very headers Gatehouse sends', () => {
    expect(WEBHOOK_HEADERS).toEqual(webhookHeaders)
  })

  it('accepts the signature of the exact body, as a string, bytes, or through a Headers object', () => {
    expect(verifyWebhookSignature(secret, headersFor(ts), body, { now })).toBe(true)
    expect(verifyWebhookSignature(secret, headersFor(ts), Buffer.from(body), { now })).toBe(true)
    expect(verifyWebhookSignature(secret, new Headers(headersFor(ts)), body, { now })).toBe(true)
    const upper = Object.fromEntries(Object.entries(headersFor(ts)).map(([k, v]) => [k.toUpperCase(), v]))
    expect(verifyWebhookSignature(secret, upper, body, { now })).toBe(true)
  })

  it('signs HMAC-SHA256 of "<timestamp>.<body>" in hex after v1=', () => {
    expect(signWebhook(secret, ts, body)).toMatch(/^v1=[0-9a-f]{64}$/)
  })

  it('refuses a changed body, another secret, or a changed timestamp', () => {
    expect(verifyWebhookSignature(secret, headersFor(ts), `${body} `, { now })).toBe(false)
    expect(verifyWebhookSignature(secret, headersFor(ts, body, `${secret}x`), body, { now })).toBe(false)
    const moved = { ...headersFor(ts), [webhookHeaders.timestamp]: String(ts + 1) }
    expect(verifyWebhookSignature(secret, moved, body, { now })).toBe(false)
  })

  it('refuses timestamps outside the tolerance (replays), both ways', () => {
    expect(verifyWebhookSignature(secret, headersFor(ts - 300), body, { now })).toBe(true)
    expect(verifyWebhookSignature(secret, headersFor(ts - 301), body, { now })).toBe(false)
    expect(verifyWebhookSignature(secret, headersFor(ts + 301), body, { now })).toBe(false)
    expect(verifyWebhookSignature(secret, headersFor(ts - 3000), body, { now, toleranceSeconds: 3600 })).toBe(
      true,
    )
  })

  it('refuses missing or malformed headers', () => {
    const good = headersFor(ts)
    for (const bad of [
      {},
      { ...good, [webhookHeaders.signature]: undefined },
      { ...good, [webhookHeaders.timestamp]: undefined },
      { ...good, [webhookHeaders.timestamp]: '1e9' },
      { ...good, [webhookHeaders.signature]: 'v1=zz' },
      { ...good, [webhookHeaders.signature]: good[webhookHeaders.signature].replace('v1=', 'v2=') },
      { ...good, [webhookHeaders.signature]: [good[webhookHeaders.signature]] },
    ]) {
      expect(verifyWebhookSignature(secret, bad, body, { now })).toBe(false)
    }
  })

  it('accepts any one of several listed signatures', () => {
    const good = headersFor(ts)
    const several = {
      ...good,
      [webhookHeaders.signature]: `v1=${'0'.repeat(64)} ${good[webhookHeaders.signature]}`,
    }
    expect(verifyWebhookSignature(secret, several, body, { now })).toBe(true)
  })
})
