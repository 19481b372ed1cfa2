/**
 * Mails about the account's own addresses: confirming an email address (at sign-up and on a change),
 * the notices sent when somebody else types an address that already has an account, and the SMS code
 * that confirms a phone number.
 */
import { translate } from '../i18n/catalog.js'
import { baseUrl, digitsField, field, positiveInt, product, TemplateError, tokenField } from './fields.js'
import type { MailTemplate, SmsTemplate } from './layout.js'

export const accountMail = {
  verify_email: (payload, ctx) => {
    const t = translate(ctx)
    const token = tokenField(payload)
    const username = field(payload, 'username')
    const hours = positiveInt(payload, 'expiresInHours')
    const name = product(ctx)
    return {
      subject: t('verifyEmail.subject', { product: name }),
      blocks: [
        { kind: 'p', text: t('greeting', { username }) },
        { kind: 'p', text: t('verifyEmail.intro', { product: name }) },
        { kind: 'link', url: `${baseUrl(ctx)}/verify-email?token=${encodeURIComponent(token)}` },
        { kind: 'p', text: t('token.intro') },
        { kind: 'token', token },
        {
          kind: 'p',
          text: hours ? t('verifyEmail.expiresIn', { count: hours }) : t('verifyEmail.expiresSoon'),
        },
        { kind: 'p', text: t('verifyEmail.notYou') },
      ],
    }
  },
  signup_existing_email: (payload, ctx) => {
    const t = translate(ctx)
    const username = field(payload, 'username')
    const name = product(ctx)
    return {
      subject: t('signupExisting.subject', { product: name }),
      blocks: [
        { kind: 'p', text: t('greeting.plain') },
        { kind: 'p', text: t('signupExisting.attempt', { product: name }) },
        { kind: 'p', text: t('signupExisting.ifYou', { username }) },
        { kind: 'p', text: t('signupExisting.notYou') },
      ],
    }
  },
  verify_new_email: (payload, ctx) => {
    const t = translate(ctx)
    const token = tokenField(payload)
    const username = field(payload, 'username')
    const name = product(ctx)
    return {
      subject: t('verifyNewEmail.subject', { product: name }),
      blocks: [
        { kind: 'p', text: t('greeting', { username }) },
        { kind: 'p', text: t('verifyNewEmail.intro', { product: name }) },
        { kind: 'link', url: `${baseUrl(ctx)}/confirm-email?token=${encodeURIComponent(token)}` },
        { kind: 'p', text: t('token.intro') },
        { kind: 'token', token },
        { kind: 'p', text: t('verifyNewEmail.until') },
      ],
    }
  },
  email_change_address_in_use: (_payload, ctx) => {
    const t = translate(ctx)
    const name = product(ctx)
    return {
      subject: t('addressInUse.subject', { product: name }),
      blocks: [
        { kind: 'p', text: t('addressInUse.attempt', { product: name }) },
        { kind: 'p', text: t('addressInUse.advice') },
      ],
    }
  },
  account_deletion_scheduled: (payload, ctx) => {
    const t = translate(ctx)
    const token = tokenField(payload)
    const username = field(payload, 'username')
    // The day the deletion is due (an ISO time; the mail names the date).
    const date = field(payload, 'time').slice(0, 10)
    const name = product(ctx)
    return {
      subject: t('deletion.subject', { product: name, date }),
      blocks: [
        { kind: 'p', text: t('greeting', { username }) },
        { kind: 'p', text: t('deletion.intro', { product: name, date }) },
        { kind: 'p', text: t('deletion.then') },
        { kind: 'p', text: t('deletion.cancel') },
        { kind: 'link', url: `${baseUrl(ctx)}/cancel-deletion?token=${encodeURIComponent(token)}` },
        { kind: 'p', text: t('token.intro') },
        { kind: 'token', token },
        { kind: 'p', text: t('deletion.notYou') },
      ],
    }
  },
} satisfies Record<string, MailTemplate>

export const accountSms = {
  phone_code: (payload, ctx) => {
    const code = digitsField(payload, 'code', 6)
    if (!code) throw new TemplateError('template payload lacks "code"')
    const minutes = positiveInt(payload, 'expiresInMinutes') ?? 10
    return translate(ctx)('phoneCode.sms', { product: product(ctx), code, count: minutes })
  },
} satisfies Record<string, SmsTemplate>
