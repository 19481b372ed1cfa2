/**
 * The one registry of mail and SMS templates: their names, the kind each is budgeted as, and the
 * renderers. The templates themselves live by area in templates/; the layout every mail shares in
 * templates/layout.ts.
 */

import { translate } from './i18n/catalog.js'
import type { MessageKind, RenderedMail } from './ports.js'
import { accountMail, accountSms } from './templates/account.js'
import { campaignsMail, campaignsSms } from './templates/campaigns.js'
import {
  oneLine,
  product,
  type RenderContext,
  TemplateError,
  type TemplatePayload,
} from './templates/fields.js'
import {
  accentOf,
  type FooterLink,
  type Frame,
  footerUrl,
  type MailTemplate,
  type SmsTemplate,
  toHtml,
  toText,
} from './templates/layout.js'
import { loginMail, loginSms } from './templates/login.js'
import { recoveryMail, recoverySms } from './templates/recovery.js'
import { securityMail, securitySms } from './templates/security.js'

export {
  type MailBrand,
  type RenderContext,
  TemplateError,
  type TemplatePayload,
} from './templates/fields.js'
export { securityChanges } from './templates/security.js'

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
  'account_deletion_scheduled',
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
  account_deletion_scheduled: 'notice',
}

const mailTemplates = new Map<string, MailTemplate>(
  Object.entries({
    ...accountMail,
    ...recoveryMail,
    ...loginMail,
    ...securityMail,
    ...campaignsMail,
  } satisfies Record<TemplateName, MailTemplate>),
)

const smsTemplates = new Map<string, SmsTemplate>(
  Object.entries({
    ...accountSms,
    ...recoverySms,
    ...loginSms,
    ...securitySms,
    ...campaignsSms,
  } satisfies Record<SmsTemplateName, SmsTemplate>),
)

/** Renders a mail (text and HTML); throws a TemplateError for an unknown template or an incomplete payload. */
export const renderMail = (template: string, payload: TemplatePayload, ctx: RenderContext): RenderedMail => {
  const build = mailTemplates.get(template)
  if (!build) throw new TemplateError(`unknown mail template "${oneLine(template).slice(0, 64)}"`)
  const { subject, blocks } = build(payload, ctx)
  const frame = frameOf(ctx)
  return { subject, text: toText(blocks, frame), html: toHtml(subject, blocks, frame) }
}

/** The signature, language, accent and footer links of a mail, from the render context. */
const frameOf = (ctx: RenderContext): Frame => {
  const t = translate(ctx)
  const footer: FooterLink[] = []
  const support = footerUrl(ctx.brand?.supportUrl)
  if (support) footer.push({ label: t('footer.support'), url: support })
  const privacy = footerUrl(ctx.brand?.privacyUrl)
  if (privacy) footer.push({ label: t('footer.privacy'), url: privacy })
  return { name: product(ctx), lang: ctx.locale ?? 'en', accent: accentOf(ctx.brand?.accent), footer }
}

/** Renders an SMS body; throws a TemplateError for an unknown template or an incomplete payload. */
export const renderSms = (template: string, payload: TemplatePayload, ctx: RenderContext): string => {
  const build = smsTemplates.get(template)
  if (!build) throw new TemplateError(`unknown sms template "${oneLine(template).slice(0, 64)}"`)
  return build(payload, ctx)
}
