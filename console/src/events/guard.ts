/* Sentences of the guard and delivery events: detections, lifted responses, the limiter store, budgets, dead letters. */
import {
  ACTIONS,
  count,
  join,
  kind,
  num,
  paren,
  perChannel,
  type Sentence,
  source,
  text,
  words,
  yes,
} from './format.js'

export const guardSentences: Record<string, Sentence> = {
  outbound_budget_exhausted: (d) =>
    `Text message refused: ${words(d.budget) ? `the ${words(d.budget)} budget` : 'a global SMS budget'} is spent${text(d.stage) ? ` (at ${words(d.stage)})` : ''}`,
  messages_dead_lettered: (d) =>
    `${count(d.count, 'message') ?? 'Messages'} could not be delivered and were kept as dead letters${paren(perChannel(d.channels))}`,
  limiter_store_fallback: () =>
    'The shared limiter store (Redis) is unreachable: limits fall back to per-instance memory',
  limiter_store_recovered: () => 'The shared limiter store (Redis) answers again',
  guard_detection: (d, ctx) =>
    join(
      ' — ',
      `Detection${num(d.detection_id) !== null ? ` #${d.detection_id}` : ''}: ${kind(d.kind)}${source(d.key, ctx) ? ` from ${source(d.key, ctx)}` : ''}`,
      join(
        ', ',
        ACTIONS[text(d.action) ?? ''] ?? words(d.action),
        count(d.count, 'request') && `${count(d.count, 'request')} counted`,
      ),
    ),
  guard_detection_resolved: (d) =>
    `Detection${num(d.detection_id) !== null ? ` #${d.detection_id}` : ''} (${kind(d.kind)}) resolved${yes(d.lifted) ? ' and its response lifted' : ''}`,
  guard_block_lifted: (d, ctx) =>
    `The response to ${kind(d.kind)}${source(d.key, ctx) ? ` from ${source(d.key, ctx)}` : ''} was lifted${num(d.detection_id) !== null ? ` (detection #${d.detection_id})` : ''}`,
  guard_sources_lifted: (d) =>
    `The guard's challenges, delays and blocks were lifted from the command line for ${text(d.sources) === 'all' ? 'every source' : text(d.sources) ? text(d.sources) : 'some sources'}${text(d.operator) ? ` by ${text(d.operator)}` : ''}${text(d.reason) ? ` (reason: ${text(d.reason)})` : ''}`,
  guard_challenge_failed: (d) =>
    `A ${d.kind === 'captcha' ? 'CAPTCHA' : 'proof-of-work'} solution did not verify${text(d.reason) ? ` (${words(d.reason)})` : ''}; answered as if no solution was sent`,
}
