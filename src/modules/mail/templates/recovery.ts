/** Account recovery: the password-reset link by mail or SMS, and the digest of blocked reset requests. */
import { translate } from '../i18n/catalog.js'
import { baseUrl, field, positiveInt, product, tokenField } from './fields.js'
import type { MailTemplate, SmsTemplate } from './layout.js'

export const recoveryMail = {
  recovery_email: (payload, ctx) => {
    const t = translate(ctx)
    const token = tokenField(payload)
    const username = field(payload, 'username')
    const minutes = positiveInt(payload, 'expiresInMinutes')
    const name = product(ctx)
    return {
      subject: t('recovery.subject', { product: name }),
      blocks: [
        { kind: 'p', text: t('greeting', { username }) },
        { kind: 'p', text: t('recovery.intro', { product: name }) },
        { kind: 'link', url: `${baseUrl(ctx)}/reset-password?token=${encodeURIComponent(token)}` },
        { kind: 'p', text: t('token.intro') },
        { kind: 'token', token },
        {
          kind: 'p',
          text: minutes ? t('recovery.expiresIn', { count: minutes }) : t('recovery.expiresSoon'),
        },
        { kind: 'p', text: t('recovery.notYou') },
      ],
    }
  },
  recovery_digest: (payload, ctx) => {
    const t = translate(ctx)
    const username = field(payload, 'username')
    const count = positiveInt(payload, 'count') ?? 1
    const name = product(ctx)
    return {
      subject: t('digest.subject', { count, product: name }),
      blocks: [
        { kind: 'p', text: t('greeting', { username }) },
        { kind: 'p', text: t('digest.body', { count, product: name }) },
        { kind: 'p', text: t('digest.nothingToDo') },
        { kind: 'p', text: t('digest.advice', { product: name }) },
        { kind: 'link', url: `${baseUrl(ctx)}/security` },
      ],
    }
  },
} satisfies Record<string, MailTemplate>

export const recoverySms = {
  recovery_sms: (payload, ctx) => {
    const token = tokenField(payload)
    return translate(ctx)('recovery.sms', {
      product: product(ctx),
      url: `${baseUrl(ctx)}/reset-password?token=${encodeURIComponent(token)}`,
      token,
    })
  },
} satisfies Record<string, SmsTemplate>
