/**
 * Mails about the account's own addresses: confirming an email address (at sign-up and on a change),
 * the notices sent when somebody else types an address that already has an account, and the SMS code
 * that confirms a phone number.
 */
import { baseUrl, digitsField, field, positiveInt, product, TemplateError, tokenField } from './fields.js'
import type { MailTemplate, SmsTemplate } from './layout.js'

export const accountMail = {
  verify_email: (payload, ctx) => {
    const token = tokenField(payload)
    const username = field(payload, 'username')
    const hours = positiveInt(payload, 'expiresInHours')
    const name = product(ctx)
    return {
      subject: `Verify your email address for ${name}`,
      blocks: [
        { kind: 'p', text: `Hi ${username},` },
        {
          kind: 'p',
          text: `Please confirm that this is your email address for your ${name} account by opening this link:`,
        },
        { kind: 'link', url: `${baseUrl(ctx)}/verify-email?token=${encodeURIComponent(token)}` },
        { kind: 'p', text: 'Or, if you are asked for a token, use this one:' },
        { kind: 'token', token },
        {
          kind: 'p',
          text: hours
            ? `The link and the token expire in ${hours} ${hours === 1 ? 'hour' : 'hours'}.`
            : 'The link and the token expire soon.',
        },
        { kind: 'p', text: 'If you did not create this account, you can ignore this email.' },
      ],
    }
  },
  signup_existing_email: (payload, ctx) => {
    const username = field(payload, 'username')
    const name = product(ctx)
    return {
      subject: `Someone tried to sign up for ${name} with your email address`,
      blocks: [
        { kind: 'p', text: 'Hi,' },
        { kind: 'p', text: `Someone tried to create a ${name} account with your email address.` },
        {
          kind: 'p',
          text: `If it was you: you already have an account (username ${username}). Sign in with it, or reset your password if you forgot it.`,
        },
        {
          kind: 'p',
          text: 'If it was not you, you can ignore this email. Nobody got access to your account.',
        },
      ],
    }
  },
  verify_new_email: (payload, ctx) => {
    const token = tokenField(payload)
    const username = field(payload, 'username')
    const name = product(ctx)
    return {
      subject: `Confirm your new email address for ${name}`,
      blocks: [
        { kind: 'p', text: `Hi ${username},` },
        {
          kind: 'p',
          text: `You asked to use this address for your ${name} account. Confirm it by opening this link:`,
        },
        { kind: 'link', url: `${baseUrl(ctx)}/confirm-email?token=${encodeURIComponent(token)}` },
        { kind: 'p', text: 'Or, if you are asked for a token, use this one:' },
        { kind: 'token', token },
        {
          kind: 'p',
          text: 'Until you do, your old address stays in use. If you did not ask for this, ignore this email.',
        },
      ],
    }
  },
  email_change_address_in_use: (_payload, ctx) => {
    const name = product(ctx)
    return {
      subject: `Someone tried to use your address for a ${name} account`,
      blocks: [
        {
          kind: 'p',
          text: `Someone signed in to a ${name} account asked to move it to this email address. This address already belongs to an account, so nothing was changed.`,
        },
        {
          kind: 'p',
          text: 'If that was you, sign in to the account that has this address instead. Otherwise you can ignore this email.',
        },
      ],
    }
  },
} satisfies Record<string, MailTemplate>

export const accountSms = {
  phone_code: (payload, ctx) => {
    const code = digitsField(payload, 'code', 6)
    if (!code) throw new TemplateError('template payload lacks "code"')
    const minutes = positiveInt(payload, 'expiresInMinutes') ?? 10
    return `${product(ctx)}: your verification code is ${code}. It expires in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}. Never share it.`
  },
} satisfies Record<string, SmsTemplate>
