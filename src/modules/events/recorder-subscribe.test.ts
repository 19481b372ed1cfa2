import { describe, expect, it } from 'vitest'
import type { SecurityEvent, SecurityEventLog } from './ports.js'
import { EventRecorder, noContext } from './recorder.js'

const memoryLog = (): SecurityEventLog => ({
  append: async () => {},
  appendMany: async () => {},
  listForAccount: async () => [],
  search: async () => [],
  deleteBefore: async () => 0,
})

describe('EventRecorder subscribe', () => {
  it('tells a listener added later of the events recorded from then on, in the order they were added', async () => {
    const told: string[] = []
    const errors: unknown[] = []
    const recorder = new EventRecorder(memoryLog(), () => 1, undefined, {
      onHookError: (err) => errors.push(err),
    })
    await recorder.record('authn_login_fail', null, noContext)
    recorder.subscribe((recorded: readonly SecurityEvent[]) => {
      for (const e of recorded) told.push(e.type)
    })
    recorder.subscribe(() => {
      throw new Error('webhooks down')
    })
    await recorder.record('authn_login_success', 'a1', noContext)
    expect(told).toEqual(['authn_login_success'])
    expect(errors).toHaveLength(1)
  })
})
