import { SECOND } from '../../kernel/clock.js'
import type { Locale } from '../../kernel/locale.js'
import type { OutboxWorkerDeps } from '../../modules/mail/worker.js'
import { int, type Setting, section, type Values } from '../kinds.js'

const rows = {
  mailMaxAttempts: {
    env: 'GATEHOUSE_MAIL_MAX_ATTEMPTS',
    default: '200',
    doc: 'Most delivery tries of one message (mail, SMS or webhook); past them, or past GATEHOUSE_MAIL_RETRY_HORIZON, it is dead-lettered (kept, counted, `gatehouse outbox retry` sends it again).',
    schema: int(1, 10000),
  },
  mailRetryHorizonSeconds: {
    env: 'GATEHOUSE_MAIL_RETRY_HORIZON',
    default: '86400',
    doc: 'How long, in seconds from when it was queued, a message that cannot be delivered is tried again (24 hours), with backoff; then it is dead-lettered and a `messages_dead_lettered` event is recorded. A message that carries a code or a link that expires (reset, verification, login and phone codes) is closed as `expired` once it has, never sent late.',
    schema: int(60, 30 * 86400),
  },
  mailRetryBaseSeconds: {
    env: 'GATEHOUSE_MAIL_RETRY_BASE',
    default: '5',
    doc: 'First retry delay in seconds; it doubles on each try, up to 15 minutes. When a send succeeds again after failures, or the SMTP relay answers a probe, every message waiting for a retry on that channel is due at once.',
    schema: int(1, 3600),
  },
  workerLeaseSeconds: {
    env: 'GATEHOUSE_WORKER_LEASE_SECONDS',
    default: '60',
    doc: 'How long a worker holds the outbox messages and recovery requests it claimed; work claimed by an instance that died is taken over by another when this ends.',
    schema: int(2, 3600),
  },
  workerIntervalMs: {
    env: 'GATEHOUSE_WORKER_INTERVAL_MS',
    default: '500',
    doc: 'How often the outbox worker looks for work when idle.',
    schema: int(10, 60000),
  },
} as const satisfies Record<string, Setting>

/** What the outbox worker takes from the configuration. */
export type OutboxSettings = Required<
  Pick<
    OutboxWorkerDeps,
    | 'publicUrl'
    | 'productName'
    | 'brand'
    | 'defaultLocale'
    | 'maxAttempts'
    | 'horizonMs'
    | 'retryBaseMs'
    | 'leaseMs'
    | 'intervalMs'
  >
>

export const outbox = section(
  'Message delivery and workers',
  rows,
  (
    v: Values<typeof rows> & {
      readonly publicUrl: string
      readonly brandName: string
      readonly brandAccent: string
      readonly brandSupportUrl?: string | undefined
      readonly brandPrivacyUrl?: string | undefined
      readonly defaultLocale: Locale
    },
  ): OutboxSettings => ({
    publicUrl: v.publicUrl,
    productName: v.brandName,
    brand: {
      accent: v.brandAccent.toLowerCase(),
      supportUrl: v.brandSupportUrl ?? null,
      privacyUrl: v.brandPrivacyUrl ?? null,
    },
    defaultLocale: v.defaultLocale,
    maxAttempts: v.mailMaxAttempts,
    horizonMs: v.mailRetryHorizonSeconds * SECOND,
    retryBaseMs: v.mailRetryBaseSeconds * SECOND,
    leaseMs: v.workerLeaseSeconds * SECOND,
    intervalMs: v.workerIntervalMs,
  }),
)
