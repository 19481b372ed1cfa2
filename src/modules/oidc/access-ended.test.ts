import { describe, expect, it } from 'vitest'
import type { SecurityEvent } from '../events/ports.js'
import { noContext } from '../events/recorder.js'
import { accessEndedListener, accessEndingReason } from './access-ended.js'

const event = (
  type: SecurityEvent['type'],
  details: Record<string, unknown> = {},
  accountId = 'a1',
): SecurityEvent => ({
  type,
  accountId,
  context: noContext,
  details,
  at: 0,
})

describe("the events that end applications' access", () => {
  it('names a reason for each change that ends all sessions, and none for one session', () => {
    expect(accessEndingReason(event('campaign_password_reset_forced'))).toBe('password_reset_forced')
    expect(accessEndingReason(event('authn_password_reset_completed'))).toBe('password_reset')
    expect(accessEndingReason(event('account_locked', { via: 'login_notice' }))).toBe('not_me')
    expect(accessEndingReason(event('account_locked'))).toBe('account_locked')
    expect(accessEndingReason(event('account_disabled', { revoked_sessions: 1 }))).toBe('account_disabled')
    expect(accessEndingReason(event('session_revoked', { count: 2, all_but_current: true }))).toBe(
      'signed_out_everywhere',
    )
    expect(accessEndingReason(event('session_revoked', { session_id: 's1' }))).toBeNull()
    expect(accessEndingReason(event('authn_login_success'))).toBeNull()
    expect(accessEndingReason(event('oidc_grants_revoked', { reason: 'x' }))).toBeNull()
  })

  it('ends each account once per reason, and skips events of no account', async () => {
    const ended: string[] = []
    const listen = accessEndedListener(async (accountId, reason) => {
      ended.push(`${accountId}:${reason}`)
    })
    await listen([
      event('campaign_sessions_revoked', {}, 'a1'),
      event('campaign_sessions_revoked', {}, 'a1'),
      event('campaign_sessions_revoked', {}, 'a2'),
      { ...event('account_access_revoked'), accountId: null },
    ])
    expect(ended).toEqual(['a1:sessions_revoked', 'a2:sessions_revoked'])
  })

  it('asks once per batch which accounts hold anything at the provider, and ends only theirs', async () => {
    const ended: string[] = []
    const asked: string[][] = []
    const listen = accessEndedListener(
      async (accountId, reason) => {
        ended.push(`${accountId}:${reason}`)
      },
      async (ids) => {
        asked.push([...ids])
        return new Set(ids.filter((id) => id !== 'a2'))
      },
    )
    await listen([
      event('campaign_password_reset_forced', {}, 'a1'),
      event('campaign_password_reset_forced', {}, 'a2'),
      event('campaign_password_reset_forced', {}, 'a3'),
      event('authn_login_success', {}, 'a4'),
    ])
    expect(asked).toEqual([['a1', 'a2', 'a3']])
    expect(ended).toEqual(['a1:password_reset_forced', 'a3:password_reset_forced'])
    await listen([event('authn_login_success', {}, 'a5')])
    expect(asked).toHaveLength(1)
  })
})
