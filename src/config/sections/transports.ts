import { z } from 'zod'
import type { SmsConfig } from '../../adapters/notify/sms-http.js'
import { format, optional, type Setting, section, text, url, type Values } from '../kinds.js'

const rows = {
  smtpUrl: {
    env: 'GATEHOUSE_SMTP_URL',
    default: undefined,
    secret: true,
    doc: '`smtp://host:port` (or `smtps://`) for real mail delivery; unset writes .eml files under the data dir.',
    schema: optional(url(['smtp:', 'smtps:'])),
  },
  mailFrom: {
    env: 'GATEHOUSE_MAIL_FROM',
    default: 'Gatehouse <no-reply@localhost>',
    doc: 'Sender of every mail.',
    schema: format(
      z
        .string()
        .min(3)
        .refine((v) => !/[\r\n]/.test(v)),
      'must be one line of at least 3 characters, such as Gatehouse <no-reply@example.com>',
    ),
  },
  smsUrl: {
    env: 'GATEHOUSE_SMS_URL',
    default: undefined,
    doc: 'Base URL of a Twilio-compatible SMS API (`https://api.twilio.com`); unset writes SMS as files under the data dir.',
    schema: optional(url(['http:', 'https:'])),
  },
  smsAccountSid: {
    env: 'GATEHOUSE_SMS_ACCOUNT_SID',
    default: undefined,
    doc: 'Account SID for the SMS API (HTTP basic-auth user).',
    schema: optional(text),
  },
  smsAuthToken: {
    env: 'GATEHOUSE_SMS_AUTH_TOKEN',
    default: undefined,
    secret: true,
    doc: 'Auth token for the SMS API (HTTP basic-auth password).',
    schema: optional(text),
  },
  smsFrom: {
    env: 'GATEHOUSE_SMS_FROM',
    default: undefined,
    doc: 'Sender number (E.164) or messaging-service id for SMS.',
    schema: optional(text),
  },
} as const satisfies Record<string, Setting>

export interface TransportSettings {
  /**
   * SMTP when `smtpUrl` is set (`SmtpMailTransport(smtpUrl, from)`), else .eml files in the data
   * directory (`FileMailTransport(join(dataDir, MAIL_DIR_NAME), from)`).
   */
  mail: { smtpUrl: string | undefined; from: string; dataDir: string }
  /** What `createSmsTransport` takes. */
  sms: SmsConfig
}

export const transports = section(
  'Mail and SMS delivery',
  rows,
  (v: Values<typeof rows> & { readonly dataDir: string }): TransportSettings => ({
    mail: { smtpUrl: v.smtpUrl, from: v.mailFrom, dataDir: v.dataDir },
    sms: {
      smsUrl: v.smsUrl,
      smsAccountSid: v.smsAccountSid,
      smsAuthToken: v.smsAuthToken,
      smsFrom: v.smsFrom,
      dataDir: v.dataDir,
    },
  }),
)
