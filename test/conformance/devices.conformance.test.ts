import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  SqlDeviceRepository,
  SqlLoginCodes,
  SqlLoginNotices,
} from '../../src/adapters/sql/devices-repository.js'
import { SqlPasskeyRepository, SqlWebauthnChallenges } from '../../src/adapters/sql/mfa-repository.js'
import { databaseKinds } from '../helpers/databases.js'
import { DAY, MINUTE, newAccount, T0, unique, useSuiteDatabase } from './fixtures.js'

describe.each(databaseKinds())('device, login-code, notice and passkey repositories on %s', (kind) => {
  const suite = useSuiteDatabase(kind)
  const account = async () => {
    const a = newAccount()
    expect(await suite.store.accounts.create(a)).toEqual({ ok: true })
    return a.id
  }

  it('keeps devices per account, remembers and forgets them', async () => {
    const devices = new SqlDeviceRepository(suite.database.db)
    const a = await account()
    const b = await account()
    const d = {
      id: randomUUID(),
      accountId: a,
      deviceHash: `h-${unique()}`,
      userAgent: 'x'.repeat(600),
      ip: '203.0.113.1',
      createdAt: T0,
      lastSeenAt: T0,
      rememberedUntil: null,
    }
    expect(await devices.create(d)).toBe(true)
    expect(await devices.create({ ...d, id: randomUUID() })).toBe(false)
    expect(await devices.find(b, d.deviceHash)).toBeNull()
    expect((await devices.find(a, d.deviceHash))?.userAgent).toHaveLength(512)
    await devices.touch(d.id, T0 + MINUTE, { ip: '203.0.113.2', userAgent: 'ua' }, T0 + 30 * DAY)
    expect(await devices.find(a, d.deviceHash)).toMatchObject({
      lastSeenAt: T0 + MINUTE,
      ip: '203.0.113.2',
      rememberedUntil: T0 + 30 * DAY,
    })
    expect(await devices.countForAccount(a)).toBe(1)
    expect(await devices.forgetRemembered(a, T0 + 2 * MINUTE)).toBe(1)
    expect((await devices.find(a, d.deviceHash))?.rememberedUntil).toBeNull()
  })

  it('lets exactly one of many concurrent callers use a login code, and a new code replaces the old', async () => {
    const codes = new SqlLoginCodes(suite.database.db)
    const a = await account()
    const challengeId = randomUUID()
    const issue = (hash: string, at: number) =>
      codes.issue({
        id: randomUUID(),
        challengeId,
        accountId: a,
        channel: 'email',
        codeHash: hash,
        expiresAt: at + 10 * MINUTE,
        createdAt: at,
      })
    await issue('first', T0)
    await issue('second', T0 + MINUTE)
    expect(await codes.consume(challengeId, 'email', 'first', T0 + 2 * MINUTE)).toBe(false)
    expect(await codes.consume(challengeId, 'sms', 'second', T0 + 2 * MINUTE)).toBe(false)
    const results = await Promise.all(
      Array.from({ length: 20 }, () => codes.consume(challengeId, 'email', 'second', T0 + 2 * MINUTE)),
    )
    expect(results.filter(Boolean)).toHaveLength(1)
    await issue('third', T0 + 3 * MINUTE)
    expect(await codes.consume(challengeId, 'email', 'third', T0 + 13 * MINUTE)).toBe(false)
    const left = () =>
      suite.database.db.selectFrom('login_codes').select('created_at').where('account_id', '=', a).execute()
    expect((await left()).map((r) => Number(r.created_at))).toEqual([T0, T0 + MINUTE, T0 + 3 * MINUTE])
    expect(await codes.deleteCreatedBefore(T0 + MINUTE)).toBeGreaterThanOrEqual(1)
    expect((await left()).map((r) => Number(r.created_at))).toEqual([T0 + MINUTE, T0 + 3 * MINUTE])
  })

  it('hands a notice link to one caller only, and not after it expired', async () => {
    const notices = new SqlLoginNotices(suite.database.db)
    const a = await account()
    const tokenHash = `n-${unique()}`
    await notices.create({
      id: randomUUID(),
      accountId: a,
      sessionId: 's1',
      tokenHash,
      expiresAt: T0 + DAY,
      createdAt: T0,
    })
    const results = await Promise.all(
      Array.from({ length: 10 }, () => notices.consume(tokenHash, T0 + MINUTE)),
    )
    expect(results.filter((r) => r !== null)).toEqual([{ accountId: a, sessionId: 's1' }])
    const late = `n-${unique()}`
    await notices.create({
      id: randomUUID(),
      accountId: a,
      sessionId: 's2',
      tokenHash: late,
      expiresAt: T0 + DAY,
      createdAt: T0,
    })
    expect(await notices.consume(late, T0 + DAY)).toBeNull()
    expect(await notices.deleteExpiredBefore(T0 + DAY + 1)).toBeGreaterThanOrEqual(2)
    expect(await suite.count('login_notices', a)).toBe(0)
  })

  it('moves a passkey counter forward once per value and takes a WebAuthn challenge once', async () => {
    const passkeys = new SqlPasskeyRepository(suite.database.db)
    const challenges = new SqlWebauthnChallenges(suite.database.db)
    const a = await account()
    const key = {
      id: randomUUID(),
      accountId: a,
      credentialId: `cred-${unique()}`,
      publicKey: 'pk',
      counter: 0,
      transports: ['internal'],
      name: null,
      createdAt: T0,
      lastUsedAt: null,
    }
    expect(await passkeys.create(key)).toBe(true)
    expect(await passkeys.create({ ...key, id: randomUUID() })).toBe(false)
    const moves = await Promise.all(
      Array.from({ length: 10 }, () => passkeys.recordUse(key.id, 3, T0 + MINUTE)),
    )
    expect(moves.filter(Boolean)).toHaveLength(1)
    expect(await passkeys.recordUse(key.id, 2, T0 + MINUTE)).toBe(false)
    expect(await passkeys.findByCredentialId(key.credentialId)).toMatchObject({
      counter: 3,
      lastUsedAt: T0 + MINUTE,
    })
    expect((await passkeys.listForAccount(a)).map((k) => k.id)).toEqual([key.id])

    const id = randomUUID()
    await challenges.create({
      id,
      accountId: a,
      purpose: 'register',
      challenge: 'c',
      loginChallengeId: null,
      expiresAt: T0 + 5 * MINUTE,
      createdAt: T0,
    })
    expect(await challenges.take(id, 'passwordless', T0)).toBeNull()
    const takes = await Promise.all(
      Array.from({ length: 10 }, () => challenges.take(id, 'register', T0 + MINUTE)),
    )
    expect(takes.filter((t) => t !== null)).toEqual([
      { challenge: 'c', accountId: a, loginChallengeId: null },
    ])
  })
})
