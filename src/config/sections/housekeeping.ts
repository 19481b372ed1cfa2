import { DAY } from '../../kernel/clock.js'
import { int, type Setting, section, type Values } from '../kinds.js'

const rows = {
  eventRetentionDays: {
    env: 'GATEHOUSE_EVENT_RETENTION_DAYS',
    default: '365',
    doc: 'Security events older than this many days are deleted by the hourly housekeeping.',
    schema: int(1, 3650),
  },
} as const satisfies Record<string, Setting>

/** What the hourly housekeeping keeps. */
export const housekeeping = section('Housekeeping', rows, (v: Values<typeof rows>) => ({
  /** Security events and closed detections older than this are deleted. */
  eventRetentionMs: v.eventRetentionDays * DAY,
}))
