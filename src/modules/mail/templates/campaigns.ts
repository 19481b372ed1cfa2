/** Campaign notices: an operator's message to the accounts an incident touched, by mail and by SMS. */
import { translate } from '../i18n/catalog.js'
import { field, oneLine, product, TemplateError, type TemplatePayload } from './fields.js'
import type { MailTemplate, SmsTemplate } from './layout.js'

/**
 * An operator's message of a notify campaign (docs/campaigns.md): subject and text as given, with
 * `{{username}}` filled in; paragraphs are separated by blank lines, each kept on one line. The
 * operator writes it in the language they choose; only the subject used when they give none is
 * Gatehouse's, in the recipient's language.
 */
const campaignNotice = (payload: TemplatePayload): { subject: string; paragraphs: string[] } => {
  const username = field(payload, 'username')
  const fill = (v: string) => v.replaceAll('{{username}}', username)
  const raw = Object.hasOwn(payload, 'text') ? payload.text : undefined
  if (typeof raw !== 'string' || raw.trim() === '') throw new TemplateError('template payload lacks "text"')
  const subject =
    Object.hasOwn(payload, 'subject') && typeof payload.subject === 'string' ? payload.subject : ''
  return {
    subject: oneLine(fill(subject)),
    paragraphs: raw
      .split(/\r?\n\s*\r?\n/)
      .map((p) => oneLine(fill(p)).trim())
      .filter((p) => p.length > 0),
  }
}

export const campaignsMail = {
  campaign_notice: (payload, ctx) => {
    const notice = campaignNotice(payload)
    return {
      subject: notice.subject || translate(ctx)('campaign.subject', { product: product(ctx) }),
      blocks: notice.paragraphs.map((text) => ({ kind: 'p' as const, text })),
    }
  },
} satisfies Record<string, MailTemplate>

export const campaignsSms = {
  campaign_notice: (payload, ctx) => `${product(ctx)}: ${campaignNotice(payload).paragraphs.join(' ')}`,
} satisfies Record<string, SmsTemplate>
