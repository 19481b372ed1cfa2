import { emailDomainOnly } from '../../kernel/redact.js'
import type { ClaimedMessage } from './ports.js'

/*
 * What the outbox may log about a message: its id, template, channel and tries, and at most the
 * recipient's domain; never the address, the payload or a token.
 */

const EMAIL_IN_TEXT = /[^\s<>"'(),;:@]+@([A-Za-z0-9.-]+)/g

/** The fields every log line about a message carries. */
export const logFields = (m: ClaimedMessage) => ({
  message_id: m.id,
  template: m.template,
  channel: m.channel,
  attempts: m.attempts,
  ...(m.channel === 'email' ? { recipient_domain: emailDomainOnly(m.recipient) } : {}),
})

/** An error as the outbox logs and stores it. */
export interface SafeError {
  message: string
  code?: string
  responseCode?: number
}

/**
 * An error reduced to what may be logged and stored: the message with every
 * address cut to its domain and the recipient and payload values blanked,
 * plus the SMTP code. Transport errors quote recipients (`550 <a@b>: rejected`)
 * and carry them in extra fields, so the original is never passed on.
 */
export const safeError = (err: unknown, m?: Pick<ClaimedMessage, 'recipient' | 'payload'>): SafeError => {
  const e = err as { message?: unknown; code?: unknown; responseCode?: unknown } | null
  let message = typeof e?.message === 'string' ? e.message : String(err)
  if (m) {
    const secrets = [
      m.recipient,
      ...Object.values(m.payload).filter((v): v is string => typeof v === 'string'),
    ]
    for (const s of secrets.filter((s) => s.length >= 4).sort((a, b) => b.length - a.length)) {
      message = message.split(s).join('[redacted]')
    }
  }
  message = message.replace(EMAIL_IN_TEXT, (_all, domain: string) => `…@${domain}`).slice(0, 500)
  return {
    message,
    ...(typeof e?.code === 'string' ? { code: e.code } : {}),
    ...(typeof e?.responseCode === 'number' ? { responseCode: e.responseCode } : {}),
  }
}
