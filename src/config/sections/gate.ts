import type { GateSettings } from '../../modules/mail/gate.js'
import { int, rate, type Setting, section, type Values } from '../kinds.js'

const rows = {
  recoveryCapPerHour: {
    env: 'GATEHOUSE_RECOVERY_CAP_HOUR',
    default: '3',
    doc: 'Most recovery messages one account receives per hour, across channels and identifiers.',
    schema: int(1, 100),
  },
  recoveryCapPerDay: {
    env: 'GATEHOUSE_RECOVERY_CAP_DAY',
    default: '5',
    doc: 'Most recovery messages one account receives per day.',
    schema: int(1, 1000),
  },
  loginCodeCapPerHour: {
    env: 'GATEHOUSE_LOGIN_CODE_CAP_HOUR',
    default: '3',
    doc: 'Most one-time login codes (email or SMS) one account receives per hour.',
    schema: int(1, 100),
  },
  loginCodeCapPerDay: {
    env: 'GATEHOUSE_LOGIN_CODE_CAP_DAY',
    default: '5',
    doc: 'Most one-time login codes (email or SMS) one account receives per day.',
    schema: int(1, 1000),
  },
  messagesPerDestinationDay: {
    env: 'GATEHOUSE_MESSAGES_PER_DESTINATION_DAY',
    default: '40',
    doc: 'Most messages of every kind together that one email address or phone number receives per day (the outbound gate; see docs/security.md for the budget of each kind).',
    schema: int(1, 100_000),
  },
  smsBudget: {
    env: 'GATEHOUSE_SMS_BUDGET',
    default: '1000/3600',
    doc: 'Every SMS Gatehouse sends, together, as POINTS/SECONDS: a budget against SMS pumping (toll fraud). Texts over it are not sent, and an `outbound_budget_exhausted` event tells operators.',
    schema: rate,
  },
  smsBudgetPerCountry: {
    env: 'GATEHOUSE_SMS_BUDGET_PER_COUNTRY',
    default: '100/3600',
    doc: 'SMS to the numbers of one country calling code (`+44`, `+1` …), as POINTS/SECONDS: pumping usually targets a few expensive destinations.',
    schema: rate,
  },
  loginNoticeCapPerDay: {
    env: 'GATEHOUSE_LOGIN_NOTICE_CAP_DAY',
    default: '10',
    doc: 'Most new-sign-in notices one account receives per day.',
    schema: int(1, 1000),
  },
} as const satisfies Record<string, Setting>

/** The outbound gate's budgets: the configured ones, and fixed ones for the other kinds of message. */
export const gate = section(
  'Message budgets',
  rows,
  (v: Values<typeof rows>): GateSettings => ({
    kinds: {
      recovery: { hour: v.recoveryCapPerHour, day: v.recoveryCapPerDay },
      login_code: { hour: v.loginCodeCapPerHour, day: v.loginCodeCapPerDay },
      phone_code: { hour: 5, day: 10 },
      verification: { hour: 3, day: 10 },
      unsolicited: { hour: 1, day: 3 },
      notice: { hour: 10, day: 30 },
      login_notice: { day: v.loginNoticeCapPerDay },
      digest: { day: 2 },
      campaign: { day: 3 },
    },
    destinationPerDay: v.messagesPerDestinationDay,
    sms: { global: v.smsBudget, perCountry: v.smsBudgetPerCountry },
  }),
)
