/** Signing in: the one-time sign-in code, and the notice of a sign-in from a device not seen before. */
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
    const username = field(payload, 'username')
    const code = digitsField(payload, 'code', 6)
    if (!code) throw new TemplateError('template payload lacks "code"')
    const minutes = positiveInt(payload, 'expiresInMinutes') ?? 10
    const name = product(ctx)
    return {
      subject: `Your ${name} sign-in code`,
      blocks: [
        { kind: 'p', text: `Hi ${username},` },
        {
          kind: 'p',
          text: `Your code to finish signing in to ${name} is ${code}. It expires in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'} and works once.`,
        },
        { kind: 'code', code },
        {
          kind: 'p',
          text: 'Never give this code to anyone. If you are not signing in right now, someone has your password: change it now.',
        },
      ],
    }
  },
  new_login: (payload, ctx) => {
    const username = field(payload, 'username')
    const token = tokenField(payload)
    const time = field(payload, 'time')
    const device = field(payload, 'device')
    const ip = field(payload, 'ip')
    const place =
      Object.hasOwn(payload, 'place') && typeof payload.place === 'string' ? oneLine(payload.place) : null
    const name = product(ctx)
    return {
      subject: `New sign-in to your ${name} account`,
      blocks: [
        { kind: 'p', text: `Hi ${username},` },
        {
          kind: 'p',
          text: `Your ${name} account was signed in to from a device it had not used before: ${device}, at ${time} (UTC), from the address ${ip}${place ? ` (approximately ${place})` : ''}.`,
        },
        { kind: 'p', text: 'If this was you, there is nothing to do.' },
        {
          kind: 'p',
          text: 'If it was not you, open this link: it signs that device out, blocks sign-in and sends you a link to choose a new password.',
        },
        { kind: 'link', url: `${baseUrl(ctx)}/not-me?token=${encodeURIComponent(token)}` },
        { kind: 'p', text: 'Or, if you are asked for a token, use this one:' },
        { kind: 'token', token },
      ],
    }
  },
} satisfies Record<string, MailTemplate>

export const loginSms = {
  login_code: (payload, ctx) => {
    const code = digitsField(payload, 'code', 6)
    if (!code) throw new TemplateError('template payload lacks "code"')
    return `${product(ctx)}: your sign-in code is ${code}. It expires in 10 minutes. Never share it. Not you signing in? Change your password.`
  },
} satisfies Record<string, SmsTemplate>
