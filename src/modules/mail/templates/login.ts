/** Signing in: the one-time sign-in code, and the notice of a sign-in from a device not seen before. */
import { formatTime, translate } from '../i18n/catalog.js'
import {
  baseUrl,
  digitsField,
  field,
  oneLine,
  positiveInt,
  product,
  TemplateError,
  tokenField,
} from './fields.js'
import type { MailTemplate, SmsTemplate } from './layout.js'

export const loginMail = {
  login_code: (payload, ctx) => {
    const t = translate(ctx)
    const username = field(payload, 'username')
    const code = digitsField(payload, 'code', 6)
    if (!code) throw new TemplateError('template payload lacks "code"')
    const minutes = positiveInt(payload, 'expiresInMinutes') ?? 10
    const name = product(ctx)
    return {
      subject: t('loginCode.subject', { product: name }),
      blocks: [
        { kind: 'p', text: t('greeting', { username }) },
        { kind: 'p', text: t('loginCode.body', { product: name, code, count: minutes }) },
        { kind: 'code', code },
        { kind: 'p', text: t('loginCode.warning') },
      ],
    }
  },
  new_login: (payload, ctx) => {
    const t = translate(ctx)
    const username = field(payload, 'username')
    const token = tokenField(payload)
    const time = formatTime(ctx, field(payload, 'time'))
    const device = field(payload, 'device')
    const ip = field(payload, 'ip')
    const place =
      Object.hasOwn(payload, 'place') && typeof payload.place === 'string' ? oneLine(payload.place) : null
    const name = product(ctx)
    const at = { product: name, device, time, ip }
    return {
      subject: t('newLogin.subject', { product: name }),
      blocks: [
        { kind: 'p', text: t('greeting', { username }) },
        { kind: 'p', text: place ? t('newLogin.bodyWithPlace', { ...at, place }) : t('newLogin.body', at) },
        { kind: 'p', text: t('newLogin.ifYou') },
        { kind: 'p', text: t('newLogin.notYou') },
        { kind: 'link', url: `${baseUrl(ctx)}/not-me?token=${encodeURIComponent(token)}` },
        { kind: 'p', text: t('token.intro') },
        { kind: 'token', token },
      ],
    }
  },
} satisfies Record<string, MailTemplate>

export const loginSms = {
  login_code: (payload, ctx) => {
    const code = digitsField(payload, 'code', 6)
    if (!code) throw new TemplateError('template payload lacks "code"')
    return translate(ctx)('loginCode.sms', { product: product(ctx), code })
  },
} satisfies Record<string, SmsTemplate>
