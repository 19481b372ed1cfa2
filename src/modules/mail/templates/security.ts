/**
 * Security notices: a changed password (with the link that locks the account), a changed or removed
 * phone number, and every other change to how the account is secured (`securityChanges`).
 */
import {
  baseUrl,
  digitsField,
  field,
  product,
  TemplateError,
  type TemplatePayload,
  tokenField,
} from './fields.js'
import type { Block, MailTemplate, SmsTemplate } from './layout.js'

/** What a security-change notice reports; the holder gets one on every verified channel. */
export const securityChanges = {
  factor_added: 'A second factor was added to',
  factor_removed: 'A second factor was removed from',
  recovery_codes_regenerated: 'New recovery codes were created for',
  email_change_requested: 'A change of the email address was requested for',
  email_changed: 'The email address was changed for',
  phone_changed: 'The phone number was changed or removed for',
} as const

const securityChange = (payload: TemplatePayload): string => {
  const v = Object.hasOwn(payload, 'change') ? payload.change : undefined
  if (typeof v !== 'string' || !Object.hasOwn(securityChanges, v)) {
    throw new TemplateError('template payload has an invalid "change"')
  }
  return securityChanges[v as keyof typeof securityChanges]
}

export const securityMail = {
  security_change: (payload, ctx) => {
    const username = field(payload, 'username')
    const what = securityChange(payload)
    const name = product(ctx)
    return {
      subject: `${what} your ${name} account`,
      blocks: [
        { kind: 'p', text: `Hi ${username},` },
        { kind: 'p', text: `${what} your ${name} account just now.` },
        { kind: 'p', text: 'If you did this, there is nothing else to do.' },
        {
          kind: 'p',
          text: 'If you did not, someone is signed in to your account: change your password now (that signs out every other device), or start account recovery.',
        },
        { kind: 'link', url: `${baseUrl(ctx)}/security` },
      ],
    }
  },
  password_changed: (payload, ctx) => {
    const username = field(payload, 'username')
    const name = product(ctx)
    const lockToken = Object.hasOwn(payload, 'lockToken')
      ? tokenField({ token: payload.lockToken ?? null })
      : null
    return {
      subject: `Your ${name} password was changed`,
      blocks: [
        { kind: 'p', text: `Hi ${username},` },
        { kind: 'p', text: `The password of your ${name} account was just changed.` },
        { kind: 'p', text: 'If you did this, there is nothing else to do.' },
        ...(lockToken
          ? ([
              {
                kind: 'p',
                text: 'If you did not, lock your account now: this signs out every device and blocks sign-in until you recover the account (with your second factor, if you have one).',
              },
              { kind: 'link', url: `${baseUrl(ctx)}/lock-account?token=${encodeURIComponent(lockToken)}` },
              { kind: 'token', token: lockToken },
            ] satisfies Block[])
          : ([
              {
                kind: 'p',
                text: 'If you did not, someone else may know your password: start account recovery right away.',
              },
            ] satisfies Block[])),
      ],
    }
  },
  phone_changed: (payload, ctx) => {
    const username = field(payload, 'username')
    // Only the last two digits ever: the mail says which number without handing it out.
    const last2 = digitsField(payload, 'phoneLast2', 2)
    const removed = payload.removed === true
    const name = product(ctx)
    return {
      subject: removed
        ? `The phone number of your ${name} account was removed`
        : `The phone number of your ${name} account was changed`,
      blocks: [
        { kind: 'p', text: `Hi ${username},` },
        {
          kind: 'p',
          text: removed
            ? `The phone number of your ${name} account was just removed. It can no longer be used to sign in or to recover the account.`
            : `The phone number of your ${name} account was just changed${last2 ? ` to a number ending in ${last2}` : ''}. It can be used to sign in and to recover the account once it is verified with the code we sent to it.`,
        },
        { kind: 'p', text: 'If you did this, there is nothing else to do.' },
        {
          kind: 'p',
          text: 'If you did not, someone is signed in to your account and knows your password: change your password now (that signs out every other device), or start account recovery.',
        },
        { kind: 'link', url: `${baseUrl(ctx)}/security` },
      ],
    }
  },
} satisfies Record<string, MailTemplate>

export const securitySms = {
  security_change: (payload, ctx) =>
    `${product(ctx)}: ${securityChange(payload)} your account. Not you? Change your password now: ${baseUrl(ctx)}/security`,
  password_changed: (payload, ctx) => {
    const lockToken = Object.hasOwn(payload, 'lockToken')
      ? tokenField({ token: payload.lockToken ?? null })
      : null
    return lockToken
      ? `${product(ctx)}: your password was changed. Not you? Lock your account: ${baseUrl(ctx)}/lock-account?token=${encodeURIComponent(lockToken)}`
      : `${product(ctx)}: your password was changed. If this was not you, start account recovery at ${baseUrl(ctx)}`
  },
} satisfies Record<string, SmsTemplate>
