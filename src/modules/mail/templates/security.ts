/**
 * Security notices: a changed password (with the link that locks the account), a changed or removed
 * phone number, and every other change to how the account is secured (`securityChanges`).
 */
import { translate } from '../i18n/catalog.js'
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

/**
 * What a security-change notice reports, each with its catalog messages (`change.<name>.subject`,
 * `.body` and `.short`); the holder gets one on every verified channel.
 */
export const securityChanges = {
  factor_added: 'change.factor_added',
  factor_removed: 'change.factor_removed',
  recovery_codes_regenerated: 'change.recovery_codes_regenerated',
  email_change_requested: 'change.email_change_requested',
  email_changed: 'change.email_changed',
  phone_changed: 'change.phone_changed',
} as const

type ChangePrefix = (typeof securityChanges)[keyof typeof securityChanges]

const securityChange = (payload: TemplatePayload): ChangePrefix => {
  const v = Object.hasOwn(payload, 'change') ? payload.change : undefined
  if (typeof v !== 'string' || !Object.hasOwn(securityChanges, v)) {
    throw new TemplateError('template payload has an invalid "change"')
  }
  return securityChanges[v as keyof typeof securityChanges]
}

const lockTokenOf = (payload: TemplatePayload): string | null =>
  Object.hasOwn(payload, 'lockToken') ? tokenField({ token: payload.lockToken ?? null }) : null

export const securityMail = {
  security_change: (payload, ctx) => {
    const t = translate(ctx)
    const username = field(payload, 'username')
    const change = securityChange(payload)
    const name = product(ctx)
    return {
      subject: t(`${change}.subject`, { product: name }),
      blocks: [
        { kind: 'p', text: t('greeting', { username }) },
        { kind: 'p', text: t(`${change}.body`, { product: name }) },
        { kind: 'p', text: t('ifYouDid') },
        { kind: 'p', text: t('securityChange.ifNot') },
        { kind: 'link', url: `${baseUrl(ctx)}/security` },
      ],
    }
  },
  password_changed: (payload, ctx) => {
    const t = translate(ctx)
    const username = field(payload, 'username')
    const name = product(ctx)
    const lockToken = lockTokenOf(payload)
    return {
      subject: t('passwordChanged.subject', { product: name }),
      blocks: [
        { kind: 'p', text: t('greeting', { username }) },
        { kind: 'p', text: t('passwordChanged.body', { product: name }) },
        { kind: 'p', text: t('ifYouDid') },
        ...(lockToken
          ? ([
              { kind: 'p', text: t('passwordChanged.lockAdvice') },
              { kind: 'link', url: `${baseUrl(ctx)}/lock-account?token=${encodeURIComponent(lockToken)}` },
              { kind: 'token', token: lockToken },
            ] satisfies Block[])
          : ([{ kind: 'p', text: t('passwordChanged.recoverAdvice') }] satisfies Block[])),
      ],
    }
  },
  phone_changed: (payload, ctx) => {
    const t = translate(ctx)
    const username = field(payload, 'username')
    // Only the last two digits ever: the mail says which number without handing it out.
    const last2 = digitsField(payload, 'phoneLast2', 2)
    const removed = payload.removed === true
    const name = product(ctx)
    return {
      subject: t(removed ? 'phoneChanged.subjectRemoved' : 'phoneChanged.subjectChanged', { product: name }),
      blocks: [
        { kind: 'p', text: t('greeting', { username }) },
        {
          kind: 'p',
          text: removed
            ? t('phoneChanged.bodyRemoved', { product: name })
            : last2
              ? t('phoneChanged.bodyChangedTo', { product: name, last2 })
              : t('phoneChanged.bodyChanged', { product: name }),
        },
        { kind: 'p', text: t('ifYouDid') },
        { kind: 'p', text: t('phoneChanged.ifNot') },
        { kind: 'link', url: `${baseUrl(ctx)}/security` },
      ],
    }
  },
} satisfies Record<string, MailTemplate>

export const securitySms = {
  security_change: (payload, ctx) => {
    const t = translate(ctx)
    return t('securityChange.sms', {
      product: product(ctx),
      change: t(`${securityChange(payload)}.short`),
      url: `${baseUrl(ctx)}/security`,
    })
  },
  password_changed: (payload, ctx) => {
    const t = translate(ctx)
    const lockToken = lockTokenOf(payload)
    return lockToken
      ? t('passwordChanged.smsLock', {
          product: product(ctx),
          url: `${baseUrl(ctx)}/lock-account?token=${encodeURIComponent(lockToken)}`,
        })
      : t('passwordChanged.smsRecover', { product: product(ctx), url: baseUrl(ctx) })
  },
} satisfies Record<string, SmsTemplate>
