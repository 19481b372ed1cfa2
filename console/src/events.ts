/*
 * Security events in plain words: one sentence per event type of the vocabulary (docs/events.md),
 * built from the event's details. A test (test/console/event-sentences.test.ts) fails when a type
 * of the vocabulary has no sentence here, or when a sentence shows a raw placeholder.
 *
 * Plain TypeScript (no DOM, no React): the console renders these, and tests import them directly.
 */

import { accountSentences } from './events/account.js'
import { applicationSentences } from './events/applications.js'
import { factorSentences } from './events/factors.js'
import { type Details, type Sentence, type SentenceContext, words } from './events/format.js'
import { guardSentences } from './events/guard.js'
import { integrationSentences } from './events/integrations.js'
import { recoverySentences } from './events/recovery.js'
import { sessionSentences } from './events/sessions.js'

export { explainDetection } from './events/detections.js'
export type { Details, SentenceContext } from './events/format.js'

/** The sentence of each event type, from its details: the areas' sentences (events/*.ts) together. */
export const eventSentences: Record<string, Sentence> = {
  ...accountSentences,
  ...sessionSentences,
  ...factorSentences,
  ...recoverySentences,
  ...guardSentences,
  ...integrationSentences,
  ...applicationSentences,
}

/** The sentence for an event; an unknown type reads as its name in words. */
export const describeEvent = (
  type: string,
  details: Details | null | undefined,
  ctx: SentenceContext = {},
) => {
  const s = Object.hasOwn(eventSentences, type) ? eventSentences[type] : undefined
  return s ? s(details ?? {}, ctx) : (words(type) ?? type)
}
