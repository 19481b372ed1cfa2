import type { Logger } from 'pino'
import { describe, expect, it, vi } from 'vitest'
import { housekeeping } from './housekeeping.js'

const logger = () => {
  const info = vi.fn()
  const error = vi.fn()
  return { log: { info, error } as unknown as Logger, info, error }
}

describe('housekeeping', () => {
  it('runs every purge and logs one line with the sums, in a fixed order', async () => {
    const { log, info } = logger()
    const seen: number[] = []
    const run = housekeeping(
      [
        async (now) => {
          seen.push(now)
          return { pruned_unverified_accounts: 1, deleted_login_material: 2 }
        },
        async () => ({ deleted_login_material: 3, deleted_sessions: 4 }),
      ],
      { now: () => 1000, logger: log },
    )
    await run()
    expect(seen).toEqual([1000])
    expect(info).toHaveBeenCalledOnce()
    const [fields, message] = info.mock.calls[0]!
    expect(message).toBe('housekeeping')
    expect(Object.entries(fields)).toEqual([
      ['pruned_unverified_accounts', 1],
      ['deleted_sessions', 4],
      ['deleted_messages', 0],
      ['deleted_recovery_requests', 0],
      ['deleted_login_material', 5],
      ['deleted_security_events', 0],
      ['deleted_oidc_artifacts', 0],
    ])
  })

  it('logs nothing when nothing went', async () => {
    const { log, info } = logger()
    await housekeeping([async () => ({ deleted_sessions: 0 })], { now: () => 0, logger: log })()
    expect(info).not.toHaveBeenCalled()
  })

  it('stops at a failure and logs it', async () => {
    const { log, info, error } = logger()
    const after = vi.fn(async () => ({}))
    const failure = new Error('database gone')
    await housekeeping(
      [
        async () => {
          throw failure
        },
        after,
      ],
      { now: () => 0, logger: log },
    )()
    expect(after).not.toHaveBeenCalled()
    expect(info).not.toHaveBeenCalled()
    expect(error).toHaveBeenCalledWith({ err: failure }, 'housekeeping failed')
  })
})
