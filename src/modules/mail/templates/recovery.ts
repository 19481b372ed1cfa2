/** Account recovery: the password-reset link by mail or SMS, and the digest of blocked reset requests. */
import { baseUrl, field, positiveInt, product, tokenField } from './fields.js'
import type { MailTemplate, SmsTemplate } from './layout.js'

export const recoveryMail = {
  recovery_email: (payload, ctx) => {
    const token = tokenField(payload)
    const username = field(payload, 'username')
    const minutes = positiveInt(payload, 'expiresInMinutes')
    const name = product(ctx)
    return {
      subject: `Reset your ${name} password`,
      blocks: [
        { kind: 'p', text: `Hi ${username},` },
        {
          kind: 'p',
          text: `Someone asked to reset the password of your ${name} account. To choose a new one, open:`,
        },
        { kind: 'link', url: `${baseUrl(ctx)}/reset-password?token=${encodeURIComponent(token)}` },
        { kind: 'p', text: 'Or, if you are asked for a token, use this one:' },
        { kind: 'token', token },
        {
          kind: 'p',
          text: minutes ? `The link expires in ${minutes} minutes and works once.` : 'The link expires soon.',
        },
        {
          kind: 'p',
          text: 'If you did not ask for this, ignore this email: your password stays as it is and nobody can use this link without access to your mailbox. We will never ask you for this token by phone or chat.',
        },
      ],
    }
  },
  recovery_digest: (payload, ctx) => {
    const username = field(payload, 'username')
    const count = positiveInt(payload, 'count') ?? 1
    const name = product(ctx)
    return {
      subject: `${count} password-reset ${count === 1 ? 'request' : 'requests'} for your ${name} account were blocked`,
      blocks: [
        { kind: 'p', text: `Hi ${username},` },
        {
          kind: 'p',
          text: `${count} password-reset ${count === 1 ? 'request' : 'requests'} for your ${name} account ${count === 1 ? 'was' : 'were'} blocked today, because they came too often. We sent no reset link for them.`,
        },
        { kind: 'p', text: "You don't need to do anything: your password has not changed." },
        {
          kind: 'p',
          text: `To make your account safer, turn on two-factor authentication in your ${name} account settings. With it, you can also require your second factor before any reset message is sent.`,
        },
        { kind: 'link', url: `${baseUrl(ctx)}/security` },
      ],
    }
  },
} satisfies Record<string, MailTemplate>

export const recoverySms = {
  recovery_sms: (payload, ctx) => {
    const token = tokenField(payload)
    return `${product(ctx)}: reset your password at ${baseUrl(ctx)}/reset-password?token=${encodeURIComponent(token)} (expires soon, works once). Not you? Ignore this. Token: ${token}`
  },
} satisfies Record<string, SmsTemplate>
