import { describe, expect, it } from 'vitest'
import type { SecurityEvent, SecurityEventLog } from './ports.js'
import { EventRecorder, noContext } from './recorder.js'

const memoryLog = () => {
  const events: SecurityEvent[] = []
  const log: SecurityEventLog = {
    append: async (e) => {
      events.push(e)
    },
    appendMany: async (es) => {
      events.push(...es)
    },
    listForAccount: async () => [],
    search: async () => [],
    deleteBefore: async () => 0,
  }
  return { log, events }
}

describe('EventRecorder listeners', () => {
  it('tells the hook of each event after it is appended', async () => {
    const { log, events } = memoryLog()
    const told: { type: string; appended: number }[] = []
    const recorder = new EventRecorder(log, () => 42)
    recorder.subscribe((recorded) => {
      for (const e of recorded) told.push({ type: e.type, appended: events.length })
    })
    await recorder.record('authn_login_fail', null, noContext, { reason: 'bad_password' })
    expect(told).toEqual([{ type: 'authn_login_fail', appended: 1 }])
  })

  it('never fails the caller when the hook throws or rejects, and reports the error', async () => {
    const { log, events } = memoryLog()
    const errors: string[] = []
    let n = 0
    const recorder = new EventRecorder(log, () => 1, undefined, {
      onHookError: (err) => errors.push((err as Error).message),
    })
    recorder.subscribe(() => {
      n += 1
      if (n === 1) throw new Error('sync')
      return Promise.reject(new Error('async'))
    })
    await recorder.record('session_logout', 'a', noContext)
    await recorder.record('session_logout', 'a', noContext)
    expect(events).toHaveLength(2)
    expect(errors).toEqual(['sync', 'async'])
  })

  it('does not wait for the hook of an event recorded into a transaction log; settled() does', async () => {
    const { log } = memoryLog()
    const tx = memoryLog()
    let release: () => void = () => {}
    let done = false
    const recorder = new EventRecorder(log, () => 1)
    recorder.subscribe(async () => {
      await new Promise<void>((r) => {
        release = r
      })
      done = true
    })
    await recorder.record('account_created', 'a', noContext, {}, tx.log)
    expect(tx.events).toHaveLength(1)
    expect(done).toBe(false)
    const settled = recorder.settled()
    release()
    await settled
    expect(done).toBe(true)
  })
})
