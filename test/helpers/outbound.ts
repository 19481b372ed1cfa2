import type { OutboxFactory } from '../../src/adapters/sql/store.js'
import { type GateSettings, OutboundGate } from '../../src/modules/mail/gate.js'

/** Budgets no storage suite reaches: suites that test other ports queue freely. */
export const roomyBudgets: GateSettings = {
  kinds: {
    recovery: { day: 10_000 },
    login_code: { day: 10_000 },
    phone_code: { day: 10_000 },
    verification: { day: 10_000 },
    unsolicited: { day: 10_000 },
    notice: { day: 10_000 },
    login_notice: { day: 10_000 },
    digest: { day: 10_000 },
    campaign: { day: 10_000 },
  },
  destinationPerDay: 10_000,
  sms: { global: { points: 100_000, seconds: 3600 }, perCountry: { points: 100_000, seconds: 3600 } },
}

/** The outbound gate with roomy budgets, for stores built outside the app. */
export const roomyOutbox: OutboxFactory = (ledger) => new OutboundGate(ledger, roomyBudgets)
