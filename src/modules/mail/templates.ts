import type { MessageKind, RenderedMail } from './ports.js'

export type TemplatePayload = Record<string, string | number | boolean | null>

export interface RenderContext {
  /** The configured public origin (GATEHOUSE_PUBLIC_URL); the only base for links, never a request's Host. */
  publicUrl: string
  productName?: string
}

/** Mail templates known to `renderMail`. */
export const templateNames = [
  'verify_email',
  'signup_existing_email',
  'password_changed',
  'recovery_email',
  'recovery_digest',
  'phone_changed',
  'security_change',
  'verify_new_email',
  'email_change_address_in_use',
  'login_code',
  'new_login',
  'campaign_notice',
] as const
export type TemplateName = (typeof templateNames)[number]

/** SMS templates known to `renderSms`. */
export const smsTemplateNames = [
  'password_changed',
  'recovery_sms',
  'phone_code',
  'security_change',
  'login_code',
  'campaign_notice',
] as const

export type SmsTemplateName = (typeof smsTemplateNames)[number]

/**
 * The kind of every template, by which the outbound gate budgets it (src/modules/mail/gate.ts).
 * A new template does not compile until it has one.
 */
export const templateKinds: Record<TemplateName | SmsTemplateName, MessageKind> = {
  recovery_email: 'recovery',
  recovery_sms: 'recovery',
  login_code: 'login_code',
  phone_code: 'phone_code',
  verify_email: 'verification',
  verify_new_email: 'verification',
  // Sent to an address because somebody else typed it: the tightest budget.
  signup_existing_email: 'unsolicited',
  email_change_address_in_use: 'unsolicited',
  password_changed: 'notice',
  phone_changed: 'notice',
  security_change: 'notice',
  new_login: 'login_notice',
  recovery_digest: 'digest',
  campaign_notice: 'campaign',
}

/** Thrown for an unknown template or a payload that lacks a field; the worker abandons the message. */
export class TemplateError extends Error {
  override readonly name = 'TemplateError'
}

type Block =
  | { kind: 'p'; text: string }
  | { kind: 'link'; url: string }
  | { kind: 'token'; token: string }
  /** A one-time code on a line of its own, `Code: 123456`, as a token has `Token: …`. */
  | { kind: 'code'; code: string }

interface MailContent {
  subject: string
  blocks: Block[]
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}
const escapeHtml = (v: string): string => v.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c)

/** Control characters (line breaks included) become spaces: a value can neither break a line nor forge one. */
const oneLine = (v: string): string => v.replace(/[\p{Cc}\u2028\u2029]/gu, ' ')

/** A required text field; the error names the field, never its value. */
const field = (payload: TemplatePayload, key: string): string => {
  const v = Object.hasOwn(payload, key) ? payload[key] : undefined
  if (typeof v === 'string' && v.trim() !== '') return oneLine(v)
  if (typeof v === 'number' && Number.isFinite(v)) return String(v)
  throw new TemplateError(`template payload lacks "${key}"`)
}

const tokenField = (payload: TemplatePayload): string => {
  const token = Object.hasOwn(payload, 'token') ? payload.token : undefined
  // Printable ASCII without spaces, so that "Token: <token>" and the link carry it unchanged.
  if (typeof token !== 'string' || !/^[\x21-\x7e]{1,512}$/.test(token)) {
    throw new TemplateError('template payload lacks a valid "token"')
  }
  return token
}

const positiveInt = (payload: TemplatePayload, key: string): number | undefined => {
  const v = Object.hasOwn(payload, key) ? payload[key] : undefined
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined
}

/** An optional field that, when present, must be exactly `digits` ASCII digits (never more of a number). */
const digitsField = (payload: TemplatePayload, key: string, digits: number): string | null => {
  if (!Object.hasOwn(payload, key)) return null
  const v = payload[key]
  if (typeof v !== 'string' || !new RegExp(`^[0-9]{${digits}}$`).test(v)) {
    throw new TemplateError(`template payload has an invalid "${key}"`)
  }
  return v
}

const baseUrl = (ctx: RenderContext): string => {
  const url = new URL(ctx.publicUrl)
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new TemplateError('publicUrl must be http(s)')
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`
}

const product = (ctx: RenderContext): string => oneLine(ctx.productName?.trim() || 'Gatehouse')

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

/**
 * An operator's message of a notify campaign (docs/campaigns.md): subject and text as given, with
 * `{{username}}` filled in; paragraphs are separated by blank lines, each kept on one line.
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

const mailTemplates = new Map<string, (payload: TemplatePayload, ctx: RenderContext) => MailContent>([
  [
    'campaign_notice',
    (payload, ctx) => {
      const notice = campaignNotice(payload)
      return {
        subject: notice.subject || `A security notice about your ${product(ctx)} account`,
        blocks: notice.paragraphs.map((text) => ({ kind: 'p' as const, text })),
      }
    },
  ],
  [
    'login_code',
    (payload, ctx) => {
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
  ],
  [
    'new_login',
    (payload, ctx) => {
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
  ],
  [
    'security_change',
    (payload, ctx) => {
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
  ],
  [
    'verify_new_email',
    (payload, ctx) => {
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
  ],
  [
    'email_change_address_in_use',
    (_payload, ctx) => {
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
  ],
  [
    'verify_email',
    (payload, ctx) => {
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
  ],
  [
    'signup_existing_email',
    (payload, ctx) => {
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
  ],
  [
    'password_changed',
    (payload, ctx) => {
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
  ],
  [
    'recovery_email',
    (payload, ctx) => {
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
            text: minutes
              ? `The link expires in ${minutes} minutes and works once.`
              : 'The link expires soon.',
          },
          {
            kind: 'p',
            text: 'If you did not ask for this, ignore this email: your password stays as it is and nobody can use this link without access to your mailbox. We will never ask you for this token by phone or chat.',
          },
        ],
      }
    },
  ],
  [
    'recovery_digest',
    (payload, ctx) => {
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
  ],
  [
    'phone_changed',
    (payload, ctx) => {
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
  ],
])

const smsTemplates = new Map<string, (payload: TemplatePayload, ctx: RenderContext) => string>([
  ['campaign_notice', (payload, ctx) => `${product(ctx)}: ${campaignNotice(payload).paragraphs.join(' ')}`],
  [
    'login_code',
    (payload, ctx) => {
      const code = digitsField(payload, 'code', 6)
      if (!code) throw new TemplateError('template payload lacks "code"')
      return `${product(ctx)}: your sign-in code is ${code}. It expires in 10 minutes. Never share it. Not you signing in? Change your password.`
    },
  ],
  [
    'security_change',
    (payload, ctx) =>
      `${product(ctx)}: ${securityChange(payload)} your account. Not you? Change your password now: ${baseUrl(ctx)}/security`,
  ],
  [
    'password_changed',
    (payload, ctx) => {
      const lockToken = Object.hasOwn(payload, 'lockToken')
        ? tokenField({ token: payload.lockToken ?? null })
        : null
      return lockToken
        ? `${product(ctx)}: your password was changed. Not you? Lock your account: ${baseUrl(ctx)}/lock-account?token=${encodeURIComponent(lockToken)}`
        : `${product(ctx)}: your password was changed. If this was not you, start account recovery at ${baseUrl(ctx)}`
    },
  ],
  [
    'recovery_sms',
    (payload, ctx) => {
      const token = tokenField(payload)
      return `${product(ctx)}: reset your password at ${baseUrl(ctx)}/reset-password?token=${encodeURIComponent(token)} (expires soon, works once). Not you? Ignore this. Token: ${token}`
    },
  ],
  [
    'phone_code',
    (payload, ctx) => {
      const code = digitsField(payload, 'code', 6)
      if (!code) throw new TemplateError('template payload lacks "code"')
      const minutes = positiveInt(payload, 'expiresInMinutes') ?? 10
      return `${product(ctx)}: your verification code is ${code}. It expires in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}. Never share it.`
    },
  ],
])

/** Wraps a paragraph at spaces to lines of at most `width` characters (longer words stay whole). */
const wrap = (text: string, width = 72): string => {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/ +/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line)
      line = word
    } else {
      line = line ? `${line} ${word}` : word
    }
  }
  if (line) lines.push(line)
  return lines.join('\n')
}

const textOf = (b: Block): string => {
  switch (b.kind) {
    case 'p':
      return wrap(b.text)
    case 'link':
      return b.url
    case 'token':
      return `Token: ${b.token}`
    case 'code':
      return `Code: ${b.code}`
  }
}

const htmlOf = (b: Block): string => {
  switch (b.kind) {
    case 'p':
      return `<p>${escapeHtml(b.text)}</p>`
    case 'link':
      return `<p><a href="${escapeHtml(b.url)}">${escapeHtml(b.url)}</a></p>`
    case 'token':
      return `<p>Token: <code>${escapeHtml(b.token)}</code></p>`
    case 'code':
      return `<p>Code: <code>${escapeHtml(b.code)}</code></p>`
  }
}

const toText = (blocks: Block[], name: string): string => {
  const parts = blocks.map(textOf)
  return `${[...parts, name].join('\n\n')}\n`
}

const toHtml = (subject: string, blocks: Block[], name: string): string => {
  const body = blocks.map(htmlOf)
  return [
    '<!doctype html>',
    '<html>',
    '<head><meta charset="utf-8">',
    `<title>${escapeHtml(subject)}</title></head>`,
    '<body style="font-family: sans-serif; line-height: 1.5; color: #222">',
    ...body,
    `<p>${escapeHtml(name)}</p>`,
    '</body>',
    '</html>',
    '',
  ].join('\n')
}

/** Renders a mail (text and HTML); throws a TemplateError for an unknown template or an incomplete payload. */
export const renderMail = (template: string, payload: TemplatePayload, ctx: RenderContext): RenderedMail => {
  const build = mailTemplates.get(template)
  if (!build) throw new TemplateError(`unknown mail template "${oneLine(template).slice(0, 64)}"`)
  const { subject, blocks } = build(payload, ctx)
  const name = product(ctx)
  return { subject, text: toText(blocks, name), html: toHtml(subject, blocks, name) }
}

/** Renders an SMS body; throws a TemplateError for an unknown template or an incomplete payload. */
export const renderSms = (template: string, payload: TemplatePayload, ctx: RenderContext): string => {
  const build = smsTemplates.get(template)
  if (!build) throw new TemplateError(`unknown sms template "${oneLine(template).slice(0, 64)}"`)
  return build(payload, ctx)
}
