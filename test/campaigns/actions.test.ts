import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sqlCampaignActionPorts } from '../../src/adapters/sql/campaign-action-ports.js'
import type { SqlDatabase } from '../../src/adapters/sql/database.js'
import { SqlSecurityEventLog } from '../../src/adapters/sql/events-repository.js'
import { createSqlStore, inTransaction, type SqlStore } from '../../src/adapters/sql/store.js'
import type { NewAccount } from '../../src/modules/accounts/ports.js'
import { type ActionResult, noticeKeyPrefix, runCampaignAction } from '../../src/modules/campaigns/actions.js'
import type { CampaignAction, CampaignParams, CampaignRecord } from '../../src/modules/campaigns/ports.js'
import { EventRecorder } from '../../src/modules/events/recorder.js'
import type { SecurityEventType } from '../../src/modules/events/vocabulary.js'
import { callingCodeOf, destinationOf } from '../../src/modules/mail/gate.js'
import { HOUR, MINUTE, newAccount, T0, unique } from '../conformance/fixtures.js'
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases.js'
import { roomyOutbox } from '../helpers/outbound.js'

/*
 * What each campaign action (src/modules/campaigns/actions.ts) changes, and what it leaves alone,
 * over the SQL ports of one transaction, on SQLite and PostgreSQL.
 */

describe.each(databaseKinds())('campaign actions on %s', (kind) => {
  const NOW = T0 + HOUR

  let testDb: TestDatabase
  let database: SqlDatabase
  let store: SqlStore
  /** Event counts the recorder reported (only once a batch has committed). */
  const counted: Array<[SecurityEventType, number]> = []
  let recorder: EventRecorder

  beforeAll(async () => {
    testDb = await createTestDatabase(kind)
    database = await testDb.open()
    store = createSqlStore(database, roomyOutbox)
    recorder = new EventRecorder(
      new SqlSecurityEventLog(database.db, undefined, database.dialect),
      () => NOW,
      (type, n) => {
        counted.push([type, n])
      },
    )
  })

  afterAll(async () => {
    await database?.close()
    await testDb?.drop()
  })

  const campaign = (action: CampaignAction, params: CampaignParams = {}): CampaignRecord => ({
    id: randomUUID(),
    incidentId: 'incident-1',
    selector: { kind: 'accounts', ids: [] },
    action,
    params,
    status: 'running',
    total: 0,
    done: 0,
    failed: 0,
    skipped: 0,
    sessionsRevoked: 0,
    createdBy: 'account:admin',
    createdAt: T0,
    updatedAt: T0,
    finishedAt: null,
  })

  /** Runs the action over `ids` in one transaction, as a batch does. */
  const run = (c: CampaignRecord, ids: string[], now = NOW): Promise<ActionResult> =>
    inTransaction(database.db, (trx, afterCommit) =>
      runCampaignAction(
        sqlCampaignActionPorts(
          trx,
          database.dialect,
          recorder,
          new SqlSecurityEventLog(trx, afterCommit, database.dialect),
        ),
        c,
        ids,
        now,
      ),
    )

  /** An account with a live session, an expired one, a revoked one, an open token and a pending address change. */
  const account = async (overrides: Partial<NewAccount> = {}) => {
    const a = newAccount(overrides)
    expect(await store.accounts.create(a)).toEqual({ ok: true })
    const session = async (extra: { expiresAt?: number; revokedAt?: number }) => {
      const id = randomUUID()
      await store.sessions.create({
        id,
        tokenHash: `hash-${unique()}`,
        accountId: a.id,
        createdAt: T0,
        lastSeenAt: T0,
        expiresAt: extra.expiresAt ?? T0 + 12 * HOUR,
        idleExpiresAt: extra.expiresAt ?? T0 + 12 * HOUR,
        ip: null,
        userAgent: null,
        restricted: false,
        authenticatedAt: T0,
        mfaEnrolment: false,
        amr: ['pwd'],
      })
      if (extra.revokedAt) await store.sessions.revoke(a.id, id, extra.revokedAt)
      return id
    }
    const sessions = {
      live: await session({}),
      expired: await session({ expiresAt: T0 + MINUTE }),
      revoked: await session({ revokedAt: T0 + MINUTE }),
    }
    const token = randomUUID()
    await database.db
      .insertInto('one_time_tokens')
      .values({
        id: token,
        token_hash: `t-${unique()}`,
        account_id: a.id,
        purpose: 'recovery',
        expires_at: NOW + HOUR,
        used_at: null,
        created_at: T0,
        channel: null,
      })
      .execute()
    const change = randomUUID()
    await database.db
      .insertInto('email_changes')
      .values({
        id: change,
        account_id: a.id,
        new_email: `new${unique()}@example.org`,
        new_email_norm: `new${unique()}@example.org`,
        token_hash: `c-${unique()}`,
        expires_at: NOW + HOUR,
        used_at: null,
        created_at: T0,
      })
      .execute()
    return { id: a.id, email: a.email, username: a.username, sessions, token, change }
  }
  type Account = Awaited<ReturnType<typeof account>>

  /** Everything an action may touch of an account. */
  const stateOf = async (a: Account) => {
    const db = database.db
    const row = await db
      .selectFrom('accounts')
      .select(['password_reset_required_at', 'mfa_enrolment_required', 'reset_lock', 'updated_at'])
      .where('id', '=', a.id)
      .executeTakeFirstOrThrow()
    const sessions = await db
      .selectFrom('sessions')
      .select(['id', 'revoked_at'])
      .where('account_id', '=', a.id)
      .execute()
    const revokedAt = (id: string) => sessions.find((s) => s.id === id)?.revoked_at ?? null
    const usedAt = async (table: 'one_time_tokens' | 'email_changes', id: string) =>
      (await db.selectFrom(table).select('used_at').where('id', '=', id).executeTakeFirstOrThrow()).used_at
    return {
      passwordResetRequiredAt:
        row.password_reset_required_at === null ? null : Number(row.password_reset_required_at),
      mfaEnrolmentRequired: Number(row.mfa_enrolment_required),
      resetLock: Number(row.reset_lock),
      updatedAt: Number(row.updated_at),
      sessions: {
        live: revokedAt(a.sessions.live),
        expired: revokedAt(a.sessions.expired),
        revoked: revokedAt(a.sessions.revoked),
      },
      token: await usedAt('one_time_tokens', a.token),
      change: await usedAt('email_changes', a.change),
      outbox: (await db.selectFrom('outbox').selectAll().where('account_id', '=', a.id).execute()).length,
      events: await db
        .selectFrom('security_events')
        .select(['type', 'request_id', 'details', 'created_at'])
        .where('account_id', '=', a.id)
        .execute(),
    }
  }

  /** The state of a fresh account: nothing done to it. */
  const untouched = {
    passwordResetRequiredAt: null,
    mfaEnrolmentRequired: 0,
    resetLock: 0,
    updatedAt: T0,
    sessions: { live: null, expired: null, revoked: T0 + MINUTE },
    token: null,
    change: null,
    outbox: 0,
    events: [],
  }

  const eventOf = (c: CampaignRecord, type: SecurityEventType, details: Record<string, unknown> = {}) => ({
    type,
    request_id: `campaign:${c.id}`,
    details: JSON.stringify({ campaign_id: c.id, incident_id: c.incidentId, ...details }),
    created_at: NOW,
  })

  describe('campaign actions', () => {
    it('force_password_reset: requires a reset, revokes live sessions, kills tokens and address changes', async () => {
      const [a, b, bystander] = [await account(), await account(), await account()]
      const c = campaign('force_password_reset')
      const gone = randomUUID()
      counted.length = 0
      const result = await run(c, [a.id, gone, b.id])
      expect({ ...result, done: [...result.done].sort() }).toEqual({
        done: [a.id, b.id].sort(),
        skipped: [gone],
        sessionsRevoked: 2,
      })
      expect(counted).toEqual([['campaign_password_reset_forced', 2]])
      for (const x of [a, b]) {
        expect(await stateOf(x)).toEqual({
          ...untouched,
          passwordResetRequiredAt: NOW,
          updatedAt: NOW,
          // Sessions past their end, and those revoked before, stay as they are.
          sessions: { live: NOW, expired: null, revoked: T0 + MINUTE },
          token: NOW,
          change: NOW,
          events: [eventOf(c, 'campaign_password_reset_forced')],
        })
      }
      expect(await stateOf(bystander)).toEqual(untouched)

      // Again, later: the required reset keeps its first time, nothing more is revoked.
      const again = await run(c, [a.id], NOW + HOUR)
      expect(again.sessionsRevoked).toBe(0)
      const after = await stateOf(a)
      expect(after.passwordResetRequiredAt).toBe(NOW)
      expect([after.sessions.live, after.token, after.change]).toEqual([NOW, NOW, NOW])
    })

    it('revoke_sessions: revokes the live sessions only', async () => {
      const [a, bystander] = [await account(), await account()]
      const c = campaign('revoke_sessions')
      expect(await run(c, [a.id])).toEqual({ done: [a.id], skipped: [], sessionsRevoked: 1 })
      expect(await stateOf(a)).toEqual({
        ...untouched,
        sessions: { live: NOW, expired: null, revoked: T0 + MINUTE },
        events: [eventOf(c, 'campaign_sessions_revoked')],
      })
      expect(await stateOf(bystander)).toEqual(untouched)
    })

    it('require_mfa_enrollment: flags the account and leaves its sessions alone', async () => {
      const [a, bystander] = [await account(), await account()]
      const c = campaign('require_mfa_enrollment')
      expect(await run(c, [a.id])).toEqual({ done: [a.id], skipped: [], sessionsRevoked: 0 })
      expect(await stateOf(a)).toEqual({
        ...untouched,
        mfaEnrolmentRequired: 1,
        updatedAt: NOW,
        events: [eventOf(c, 'campaign_mfa_enrolment_required')],
      })
      expect(await stateOf(bystander)).toEqual(untouched)
    })

    it('reset_lock: turns the reset lock on and nothing else', async () => {
      const [a, bystander] = [await account(), await account()]
      const c = campaign('reset_lock')
      const gone = randomUUID()
      expect(await run(c, [gone, a.id])).toEqual({ done: [a.id], skipped: [gone], sessionsRevoked: 0 })
      expect(await stateOf(a)).toEqual({
        ...untouched,
        resetLock: 1,
        updatedAt: NOW,
        events: [eventOf(c, 'campaign_reset_lock_set')],
      })
      expect(await stateOf(bystander)).toEqual(untouched)
    })

    it('notify: queues the notice once per account to its verified address; the unreachable are skipped', async () => {
      const notice = { channel: 'email' as const, subject: 'About the leak', text: 'Hello {{username}}.' }
      const verified = await account({ emailVerifiedAt: T0 })
      const unverified = await account()
      const c = campaign('notify', { notify: notice })
      expect(await run(c, [verified.id, unverified.id])).toEqual({
        done: [verified.id],
        skipped: [unverified.id],
        sessionsRevoked: 0,
      })
      const key = `${noticeKeyPrefix(c.incidentId, notice)}${verified.id}`
      const row = await database.db
        .selectFrom('outbox')
        .selectAll()
        .where('account_id', '=', verified.id)
        .execute()
      expect(row).toEqual([
        {
          id: key,
          channel: 'email',
          recipient: verified.email,
          template: 'campaign_notice',
          payload: JSON.stringify({
            username: verified.username,
            subject: notice.subject,
            text: notice.text,
          }),
          account_id: verified.id,
          dedupe_key: key,
          kind: 'campaign',
          destination: destinationOf('email', verified.email),
          region: null,
          status: 'queued',
          attempts: 0,
          next_attempt_at: NOW,
          locked_until: null,
          last_error: null,
          created_at: NOW,
          sent_at: null,
        },
      ])
      expect(await stateOf(verified)).toEqual({
        ...untouched,
        outbox: 1,
        events: [eventOf(c, 'campaign_notice_queued', { channel: 'email' })],
      })
      expect(await stateOf(unverified)).toEqual(untouched)

      // The same notice from another campaign: already had, so skipped; nothing queued or recorded.
      const rerun = campaign('notify', { notify: notice })
      expect(await run(rerun, [verified.id])).toEqual({
        done: [],
        skipped: [verified.id],
        sessionsRevoked: 0,
      })
      expect((await stateOf(verified)).outbox).toBe(1)
      expect((await stateOf(verified)).events).toHaveLength(1)
    })

    it('notify: queues a batch larger than one statement can bind (2,000 notices, 17 values each)', async () => {
      const notice = { channel: 'email' as const, subject: 'A large batch', text: 'Hello {{username}}.' }
      const ids: string[] = []
      for (let i = 0; i < 2000; i++) ids.push((await account({ emailVerifiedAt: T0 })).id)
      const c = campaign('notify', { notify: notice })
      const r = await run(c, ids)
      expect(r.done.length).toBe(2000)
      expect([...r.done].sort()).toEqual([...ids].sort())
      const queued = await database.db
        .selectFrom('outbox')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('id', 'like', `${noticeKeyPrefix(c.incidentId, notice)}%`)
        .executeTakeFirstOrThrow()
      expect(Number(queued.n)).toBe(2000)
    })

    it('notify by SMS: to the verified phone, with its calling code', async () => {
      const notice = { channel: 'sms' as const, subject: '', text: 'Reset your password, {{username}}.' }
      const a = await account()
      const phone = '+447700900123'
      await database.db
        .updateTable('accounts')
        .set({ phone, phone_verified_at: T0 })
        .where('id', '=', a.id)
        .execute()
      const c = campaign('notify', { notify: notice })
      expect((await run(c, [a.id])).done).toEqual([a.id])
      const row = await database.db
        .selectFrom('outbox')
        .select(['channel', 'recipient', 'kind', 'destination', 'region'])
        .where('account_id', '=', a.id)
        .executeTakeFirstOrThrow()
      expect(row).toEqual({
        channel: 'sms',
        recipient: phone,
        kind: 'campaign',
        destination: destinationOf('sms', phone),
        region: callingCodeOf(phone),
      })
      expect((await stateOf(a)).events).toEqual([eventOf(c, 'campaign_notice_queued', { channel: 'sms' })])
    })

    it('a batch that rolls back keeps nothing and counts no event', async () => {
      const a = await account()
      const c = campaign('force_password_reset')
      counted.length = 0
      await expect(
        inTransaction(database.db, async (trx, afterCommit) => {
          await runCampaignAction(
            sqlCampaignActionPorts(
              trx,
              database.dialect,
              recorder,
              new SqlSecurityEventLog(trx, afterCommit, database.dialect),
            ),
            c,
            [a.id],
            NOW,
          )
          throw new Error('the batch failed')
        }),
      ).rejects.toThrow('the batch failed')
      expect(await stateOf(a)).toEqual(untouched)
      expect(counted).toEqual([])
    })
  })
})
