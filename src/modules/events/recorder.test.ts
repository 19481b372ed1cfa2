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

describe('EventRecorder.holding', () => {
  it('writes nothing until its function ends, then every held event in one call, in order, each at its own time', async () => {
    const { log, events } = memoryLog()
    const calls: string[] = []
    const counted: string[] = []
    const told: string[][] = []
    let now = 100
    const recorder = new EventRecorder(
      {
        ...log,
        append: async (e) => {
          calls.push('append')
          await log.append(e)
        },
        appendMany: async (es) => {
          calls.push(`appendMany ${es.length}`)
          await log.appendMany(es)
        },
      },
      () => now,
      (type, n) => counted.push(`${type} ${n}`),
    )
    recorder.subscribe((recorded) => {
      told.push(recorded.map((e) => e.type))
    })
    const answer = await recorder.holding(async (held) => {
      await held.record('authn_password_rehashed', 'a', noContext)
      now = 101
      await held.record('authn_device_new', 'a', noContext, { device_id: 'd' })
      now = 102
      await held.record('authn_login_success', 'a', noContext, { session_id: 's' })
      expect(events).toHaveLength(0)
      expect(told).toEqual([])
      expect(counted).toEqual([])
      return 'answered'
    })
    expect(answer).toBe('answered')
    expect(calls).toEqual(['appendMany 3'])
    expect(events.map((e) => [e.type, e.at, e.details])).toEqual([
      ['authn_password_rehashed', 100, {}],
      ['authn_device_new', 101, { device_id: 'd' }],
      ['authn_login_success', 102, { session_id: 's' }],
    ])
    expect(told).toEqual([['authn_password_rehashed', 'authn_device_new', 'authn_login_success']])
    expect(counted.sort()).toEqual([
      'authn_device_new 1',
      'authn_login_success 1',
      'authn_password_rehashed 1',
    ])

    // Nothing held writes nothing; a single event is written with `append`, also when the function throws.
    await recorder.holding(async () => {})
    expect(calls).toEqual(['appendMany 3'])
    await expect(
      recorder.holding(async (held) => {
        await held.record('authn_login_fail', null, noContext, { reason: 'bad_password' })
        throw new Error('refused')
      }),
    ).rejects.toThrow('refused')
    expect(calls).toEqual(['appendMany 3', 'append'])
    expect(events.map((e) => e.type).at(-1)).toBe('authn_login_fail')
  })
})
