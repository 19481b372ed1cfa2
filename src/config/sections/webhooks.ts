import { bool, type Setting, section, type Values } from '../kinds.js'

const rows = {
  webhookAllowPrivate: {
    env: 'GATEHOUSE_WEBHOOK_ALLOW_PRIVATE',
    default: 'false',
    doc: 'Let webhooks go to loopback, private (RFC 1918, fc00::/7), link-local (169.254/16 with cloud metadata, fe80::/10), CGNAT and other non-public addresses. Off: such URLs are refused when a webhook is created, and every delivery resolves the host again and connects only to public addresses.',
    schema: bool,
  },
} as const satisfies Record<string, Setting>

/** What `WebhooksService` and `HttpWebhookSender` take as `allowPrivate`. */
export const webhooks = section('Webhooks', rows, (v: Values<typeof rows>) => ({
  allowPrivate: v.webhookAllowPrivate,
}))
