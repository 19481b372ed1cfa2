import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { insertWithTargets, type TargetSpread } from '../../src/adapters/sql/campaign-selection.js'
import { SqlCampaignRepository } from '../../src/adapters/sql/campaigns-repository.js'
import type { SqlDatabase } from '../../src/adapters/sql/database.js'
import { SqlSecurityEventLog } from '../../src/adapters/sql/events-repository.js'
import { runCampaignAction } from '../../src/modules/campaigns/actions.js'
import {
  BatchFailed,
  type CampaignAction,
  type CampaignParams,
  type CampaignRecord,
  type Selector,
} from '../../src/modules/campaigns/ports.js'
import { EventRecorder } from '../../src/modules/events/recorder.js'
import { databaseKinds } from '../helpers/databases.js'
import { newAccount, T0, unique, useSuiteDatabase } from './fixtures.js'

/* The CampaignRepository contract (src/modules/campaigns/ports.ts). */

const BATCH = { limit: 1000, now: T0, notifyPerSecond: 50 }

describe.each(databaseKinds())('CampaignRepository on %s', (kind) => {
  const suite = useSuiteDatabase(kind)

  const recorderOn = (d: SqlDatabase) => new EventRecorder(new SqlSecurityEventLog(d.db), () => T0)
  /**
   * A repository (its own claim cursor, as each instance has), with the real actions or `act`;
   * targets in groups of `group` (one by default here: most cases below are about single targets).
   */
  const repository = (d: SqlDatabase = suite.database, act = runCampaignAction, group = 1) =>
    new SqlCampaignRepository(d.db, d.dialect, recorderOn(d), act, group)

  const accounts = async (n: number, role: 'user' | 'partner' = 'user'): Promise<string[]> => {
    const ids: string[] = []
    for (let i = 0; i < n; i++) {
      const a = newAccount({ role })
      expect(await suite.store.accounts.create(a)).toEqual({ ok: true })
      ids.push(a.id)
    }
    return ids.sort()
  }

  const incident = async (): Promise<string> => {
    const id = `incident-${unique()}`
    await suite.database.db
      .insertInto('incidents')
      .values({
        id,
        title: 'Leak',
        summary: '',
        severity: 'high',
        status: 'open',
        risks: '',
        mitigations: '',
        created_by: 'account:admin',
        created_at: T0,
        updated_at: T0,
        closed_at: null,
      })
      .execute()
    return id
  }

  const create = (
    repo: SqlCampaignRepository,
    selector: Selector,
    action: CampaignAction = 'revoke_sessions',
    extra: { incidentId?: string | null; params?: CampaignParams; createdAt?: number } = {},
  ): Promise<CampaignRecord> =>
    repo.create({
      id: randomUUID(),
      incidentId: extra.incidentId ?? null,
      selector,
      action,
      params: extra.params ?? {},
      createdBy: 'account:admin',
      createdAt: extra.createdAt ?? T0,
    })

  /** The campaign's groups of targets, in claim order. */
  const groups = async (campaignId: string) =>
    (
      await suite.database.db
        .selectFrom('campaign_target_groups')
        .select(['first_id', 'slot', 'account_ids', 'size', 'status', 'attempts'])
        .where('campaign_id', '=', campaignId)
        .orderBy('slot')
        .orderBy('first_id')
        .execute()
    ).map((g) => ({
      firstId: g.first_id,
      slot: Number(g.slot),
      ids: JSON.parse(g.account_ids) as string[],
      size: Number(g.size),
      status: g.status,
      attempts: Number(g.attempts),
    }))

  /** Each target with its group's status and attempts, in account order. */
  const targets = async (campaignId: string) =>
    (await groups(campaignId))
      .flatMap((g) => g.ids.map((id) => ({ id, status: g.status, attempts: g.attempts })))
      .sort((a, b) => (a.id < b.id ? -1 : 1))

  /** Materialises a campaign over `ids` as creation does, with the chunking, spread and groups given. */
  const materialise = async (
    ids: string[],
    action: CampaignAction,
    chunk: number,
    spread?: TargetSpread,
    group = 1,
  ): Promise<string> => {
    const id = randomUUID()
    await suite.database.db.transaction().execute((trx) =>
      insertWithTargets(
        trx,
        suite.database.dialect,
        {
          id,
          incidentId: null,
          selector: { kind: 'accounts', ids },
          action,
          params: {},
          createdBy: 'account:admin',
          createdAt: T0,
        },
        { chunk, group, ...(spread ? { spread } : {}) },
      ),
    )
    return id
  }

  const counters = (c: CampaignRecord | null) =>
    c && { status: c.status, total: c.total, done: c.done, skipped: c.skipped, failed: c.failed }

  describe('create', () => {
    it('materialises the selection once, as pending targets, and counts it', async () => {
      const repo = repository()
      const ids = await accounts(3)
      const c = await create(repo, { kind: 'accounts', ids: [...ids, randomUUID()] })
      expect(counters(c)).toEqual({ status: 'running', total: 3, done: 0, skipped: 0, failed: 0 })
      expect(c.finishedAt).toBeNull()
      expect(await targets(c.id)).toEqual(ids.map((id) => ({ id, status: 'pending', attempts: 0 })))
      expect(await repo.get(c.id)).toEqual(c)
      // Accounts created later are not added.
      await accounts(1)
      expect((await targets(c.id)).length).toBe(3)
    })

    it('materialises a selection larger than a chunk in id order, each account once', async () => {
      const ids = await accounts(10)
      for (const chunk of [1, 3, 10, 11]) {
        const id = await materialise([...ids, randomUUID()], 'revoke_sessions', chunk)
        const got = (await targets(id)).map((t) => t.id).sort()
        expect(got, `chunks of ${chunk}`).toEqual(ids)
        expect((await repository().get(id))?.total, `chunks of ${chunk}`).toBe(10)
      }
    })

    it('gives batches accounts spread over a window of chunks, not runs of neighbours', async () => {
      // 12 accounts, chunks of 3, windows of 2 chunks, width 2: positions 0..5 form the first window.
      const ids = await accounts(12)
      const id = await materialise(ids, 'reset_lock', 3, { width: 2, windowChunks: 2 })
      const slotOf = new Map((await groups(id)).map((g) => [g.ids[0]!, g.slot]))
      // Position p in chunk c (of window w): slot 2w + (p mod 2).
      expect(ids.map((a) => slotOf.get(a))).toEqual([0, 1, 0, 0, 1, 0, 2, 3, 2, 2, 3, 2])
      // Batches follow the slots: the first takes every other account of the first window.
      const repo = repository()
      const batches: string[][] = []
      for (let b = 0; b < 4; b++) {
        const before = new Set((await targets(id)).filter((t) => t.status === 'done').map((t) => t.id))
        expect(await repo.runBatch(id, { ...BATCH, limit: 3, now: T0 + b })).toMatchObject({ done: 3 })
        batches.push(
          (await targets(id)).filter((t) => t.status === 'done' && !before.has(t.id)).map((t) => t.id),
        )
      }
      const at = (...positions: number[]) => positions.map((p) => ids[p]!)
      expect(batches).toEqual([at(0, 2, 3), at(5, 1, 4), at(6, 8, 9), at(11, 7, 10)].map((b) => b.sort()))
      expect(await repo.runBatch(id, { ...BATCH, now: T0 + 9 })).toBeNull()
    })

    it('keeps the accounts of a slot in groups, claimed and marked whole', async () => {
      // 12 accounts, chunks of 6, windows of 1 chunk, width 2, groups of 2: slot 0 holds positions
      // 0, 2, 4 of the first chunk, as groups [0, 2] and [4].
      const ids = await accounts(12)
      const id = await materialise(ids, 'reset_lock', 6, { width: 2, windowChunks: 1 }, 2)
      const at = (...positions: number[]) => positions.map((p) => ids[p]!)
      const expected = [at(0, 2), at(4), at(1, 3), at(5), at(6, 8), at(10), at(7, 9), at(11)]
      expect((await groups(id)).map((g) => [g.slot, g.firstId, g.size, g.ids])).toEqual(
        expected.map((g, n) => [Math.floor(n / 2), g[0], g.length, g]),
      )
      expect((await repository().get(id))?.total).toBe(12)
      // A batch of 4 takes two groups (three accounts here), and marks both.
      const repo = repository(suite.database, runCampaignAction, 2)
      for (let b = 0; b < 4; b++) {
        expect(await repo.runBatch(id, { ...BATCH, limit: 4, now: T0 + b })).toMatchObject({ done: 3 })
        expect((await groups(id)).map((g) => g.status)).toEqual(
          expected.map((_, n) => (n < 2 * (b + 1) ? 'done' : 'pending')),
        )
      }
      expect(await repo.runBatch(id, { ...BATCH, now: T0 + 9 })).toBeNull()
      const changed = await suite.database.db
        .selectFrom('accounts')
        .select('id')
        .where('id', 'in', ids)
        .where('reset_lock', '=', 1)
        .execute()
      expect(changed.length).toBe(12)
    })

    it('groups forty accounts to a row by default, one for a notify campaign', async () => {
      const ids = await accounts(100)
      const repo = new SqlCampaignRepository(
        suite.database.db,
        suite.database.dialect,
        recorderOn(suite.database),
      )
      const c = await create(repo, { kind: 'accounts', ids }, 'revoke_sessions')
      const sizes = (await groups(c.id)).map((g) => g.size)
      // 64 slots of one or two accounts each: one group per slot.
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(100)
      expect(Math.max(...sizes)).toBeLessThanOrEqual(40)
      expect((await targets(c.id)).map((t) => t.id)).toEqual(ids)
      // A batch takes the groups, in order, that its limit holds (at least one), whatever their size.
      let next = 0
      const fill = (limit: number) => {
        let n = sizes[next++]!
        while (next < sizes.length && n + sizes[next]! <= limit) n += sizes[next++]!
        return n
      }
      for (const limit of [1, 3, 7, 50, 1000]) {
        expect(await repo.runBatch(c.id, { ...BATCH, limit }), `limit ${limit}`).toMatchObject({
          done: fill(limit),
        })
      }
      expect(next).toBe(sizes.length)
      const notify = { channel: 'email' as const, subject: 'Leak', text: `Hello ${unique()}` }
      const n = await create(repo, { kind: 'accounts', ids }, 'notify', { params: { notify } })
      expect((await groups(n.id)).map((g) => g.size)).toEqual(ids.map(() => 1))
    })

    it('selects an incident’s exposed accounts, by field, and saved selections by role', async () => {
      const repo = repository()
      const id = await incident()
      const [byEmail, byPhone] = await accounts(2)
      await suite.database.db
        .insertInto('incident_exposures')
        .values(
          [
            [byEmail!, 'email,username'],
            [byPhone!, 'phone'],
          ].map(([accountId, fields]) => ({
            incident_id: id,
            account_id: accountId!,
            fields: fields!,
            rows: 1,
            first_import_id: 'import',
            first_seen_at: T0,
            last_import_id: 'import',
          })),
        )
        .execute()
      expect(await repo.incidentExists(id)).toBe(true)
      expect(await repo.incidentExists(`incident-${unique()}`)).toBe(false)
      expect((await create(repo, { kind: 'incident', incidentId: id })).total).toBe(2)
      const email = await create(repo, { kind: 'incident', incidentId: id, fields: ['email'] })
      expect((await targets(email.id)).map((t) => t.id)).toEqual([byEmail])
      const partners = await accounts(2, 'partner')
      const external = await create(repo, { kind: 'saved', name: 'external_accounts' })
      expect((await targets(external.id)).map((t) => t.id)).toEqual(expect.arrayContaining(partners))
    })
  })

  describe('list', () => {
    it('lists by incident and status, newest first', async () => {
      const repo = repository()
      const id = await incident()
      const ids = await accounts(1)
      const older = await create(repo, { kind: 'accounts', ids }, 'reset_lock', { incidentId: id })
      const newer = await create(repo, { kind: 'accounts', ids }, 'reset_lock', {
        incidentId: id,
        createdAt: T0 + 1000,
      })
      expect((await repo.list({ incidentId: id }, 10)).map((c) => c.id)).toEqual([newer.id, older.id])
      expect((await repo.list({ incidentId: id }, 1)).map((c) => c.id)).toEqual([newer.id])
      expect(await repo.transition(older.id, ['running'], 'paused', T0 + 2000)).toBe(true)
      expect((await repo.list({ incidentId: id, status: 'paused' }, 10)).map((c) => c.id)).toEqual([older.id])
    })
  })

  describe('runBatch', () => {
    it('claims up to the limit, marks the targets done and adds them, done or skipped, to the counters', async () => {
      const repo = repository()
      const ids = await accounts(5)
      const c = await create(repo, { kind: 'accounts', ids }, 'reset_lock')
      // An account deleted before its turn is skipped.
      await suite.database.db.deleteFrom('accounts').where('id', '=', ids[1]!).execute()
      const first = await repo.runBatch(c.id, { ...BATCH, limit: 2 })
      expect(first).toEqual({ campaignId: c.id, action: 'reset_lock', done: 1, skipped: 1, failed: 0 })
      // Handled groups are done; the skipped account is counted as such.
      expect((await targets(c.id)).map((t) => t.status)).toEqual([
        'done',
        'done',
        'pending',
        'pending',
        'pending',
      ])
      expect(await repo.runBatch(c.id, { ...BATCH, limit: 2, now: T0 + 1000 })).toMatchObject({ done: 2 })
      expect(await repo.runBatch(c.id, { ...BATCH, limit: 2, now: T0 + 2000 })).toMatchObject({ done: 1 })
      // Nothing left to claim.
      expect(await repo.runBatch(c.id, { ...BATCH, now: T0 + 3000 })).toBeNull()
      expect(counters(await repo.get(c.id))).toEqual({
        status: 'running',
        total: 5,
        done: 4,
        skipped: 1,
        failed: 0,
      })
      expect(await repo.handledSince(c.id, T0)).toBe(5)
      expect(await repo.handledSince(c.id, T0 + 1000)).toBe(3)
      const events = await suite.database.db
        .selectFrom('security_events')
        .select(['type', 'account_id'])
        .where('request_id', '=', `campaign:${c.id}`)
        .orderBy('account_id')
        .execute()
      expect(events).toEqual(
        [ids[0], ids[2], ids[3], ids[4]].map((id) => ({ type: 'campaign_reset_lock_set', account_id: id })),
      )
    })

    it('counts the live sessions the batch revoked', async () => {
      const repo = repository()
      const ids = await accounts(2)
      for (const accountId of ids) {
        await suite.store.sessions.create({
          id: randomUUID(),
          tokenHash: `hash-${unique()}`,
          accountId,
          createdAt: T0,
          lastSeenAt: T0,
          expiresAt: T0 + 60_000,
          idleExpiresAt: T0 + 60_000,
          ip: null,
          userAgent: null,
          restricted: false,
          authenticatedAt: T0,
          mfaEnrolment: false,
          amr: ['pwd'],
        })
      }
      const c = await create(repo, { kind: 'accounts', ids }, 'revoke_sessions')
      await repo.runBatch(c.id, BATCH)
      expect((await repo.get(c.id))?.sessionsRevoked).toBe(2)
    })

    it('paces a notify campaign: one second’s worth per batch, the next not before its time', async () => {
      const repo = repository()
      const ids = await accounts(3)
      await suite.database.db
        .updateTable('accounts')
        .set({ email_verified_at: T0 })
        .where('id', 'in', ids)
        .execute()
      const notify = { channel: 'email' as const, subject: 'Leak', text: `Hello ${unique()}` }
      const c = await create(repo, { kind: 'accounts', ids }, 'notify', { params: { notify } })
      const paced = { ...BATCH, notifyPerSecond: 2 }
      expect(await repo.runBatch(c.id, paced)).toMatchObject({ done: 2 })
      expect(await repo.runBatch(c.id, { ...paced, now: T0 + 999 })).toBeNull()
      expect(await repo.runnable(T0 + 999, 1000)).not.toContainEqual({ id: c.id, action: 'notify' })
      expect(await repo.runnable(T0 + 1000, 1000)).toContainEqual({ id: c.id, action: 'notify' })
      expect(await repo.runBatch(c.id, { ...paced, now: T0 + 1000 })).toMatchObject({ done: 1 })
      expect((await repo.incidentSummary(`incident-${unique()}`)).campaigns).toEqual([])
    })

    it('takes no batch of a paused or cancelled campaign', async () => {
      const repo = repository()
      const ids = await accounts(2)
      const c = await create(repo, { kind: 'accounts', ids }, 'reset_lock')
      expect(await repo.transition(c.id, ['running'], 'paused', T0)).toBe(true)
      expect(await repo.runBatch(c.id, BATCH)).toBeNull()
      expect(await repo.transition(c.id, ['paused'], 'running', T0)).toBe(true)
      expect(await repo.runBatch(c.id, { ...BATCH, limit: 1 })).toMatchObject({ done: 1 })
      expect(await repo.transition(c.id, ['running', 'paused'], 'cancelled', T0 + 1000)).toBe(true)
      expect(await repo.runBatch(c.id, BATCH)).toBeNull()
      const cancelled = await repo.get(c.id)
      expect([cancelled?.status, cancelled?.finishedAt, cancelled?.done]).toEqual(['cancelled', T0 + 1000, 1])
      // A finished campaign moves no more.
      expect(await repo.transition(c.id, ['running', 'paused'], 'running', T0 + 2000)).toBe(false)
      expect((await targets(c.id)).map((t) => t.status)).toEqual(['done', 'pending'])
    })

    it('under concurrent claimers, hands every target to exactly one batch', async () => {
      const ids = await accounts(60)
      const claims: string[][] = []
      const slow: typeof runCampaignAction = async (ports, c, batch, now) => {
        claims.push(batch)
        // Hold the claim a while: the other claimers run meanwhile.
        await new Promise((resolve) => setTimeout(resolve, 20))
        return runCampaignAction(ports, c, batch, now)
      }
      // On PostgreSQL separate connections (as separate instances); SQLite has one writer.
      const other = kind === 'postgres' ? await suite.openAnother() : suite.database
      const repos = [repository(suite.database, slow), repository(other, slow)]
      const c = await create(repos[0]!, { kind: 'accounts', ids }, 'require_mfa_enrollment')
      let handled = 0
      const lane = async (repo: SqlCampaignRepository) => {
        for (;;) {
          const outcome = await repo.runBatch(c.id, { ...BATCH, limit: 7 })
          if (!outcome) return
          handled += outcome.done + outcome.skipped
        }
      }
      await Promise.all(repos.flatMap((r) => [lane(r), lane(r), lane(r)]))
      expect(handled).toBe(60)
      const claimed = claims.flat()
      expect(claimed.length).toBe(60)
      expect(new Set(claimed).size).toBe(60)
      expect(counters(await repos[0]!.get(c.id))).toEqual({
        status: 'running',
        total: 60,
        done: 60,
        skipped: 0,
        failed: 0,
      })
      const events = await suite.database.db
        .selectFrom('security_events')
        .select('account_id')
        .where('request_id', '=', `campaign:${c.id}`)
        .execute()
      expect(events.map((e) => e.account_id).sort()).toEqual(ids)
    })
  })

  describe('failed batches', () => {
    const failing: typeof runCampaignAction = async () => {
      throw new Error('the database went away')
    }

    it('rolls back a failed batch: its targets are pending again and claimed by a later batch', async () => {
      const ids = await accounts(3)
      let fail = true
      const act: typeof runCampaignAction = (...args) =>
        fail ? failing(...args) : runCampaignAction(...args)
      const repo = repository(suite.database, act)
      const c = await create(repo, { kind: 'accounts', ids }, 'reset_lock')
      const err = await repo.runBatch(c.id, { ...BATCH, limit: 2 }).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(BatchFailed)
      expect((err as BatchFailed).accountIds).toEqual(ids.slice(0, 2))
      expect((await targets(c.id)).map((t) => t.status)).toEqual(['pending', 'pending', 'pending'])
      expect(counters(await repo.get(c.id))).toMatchObject({ done: 0, skipped: 0, failed: 0 })
      expect(await repo.handledSince(c.id, T0)).toBe(0)
      // Working again: the next claim goes on past the failed batch, the one after comes back for
      // the targets it gave back.
      fail = false
      expect(await repo.runBatch(c.id, { ...BATCH, limit: 2 })).toMatchObject({ done: 1 })
      expect(await repo.runBatch(c.id, { ...BATCH, limit: 2 })).toMatchObject({ done: 2 })
      expect((await targets(c.id)).map((t) => t.status)).toEqual(['done', 'done', 'done'])
      expect(counters(await repo.get(c.id))).toMatchObject({ done: 3, skipped: 0, failed: 0 })
    })

    it('marks targets failed once their batch failed maxAttempts times', async () => {
      const repo = repository()
      const ids = await accounts(3)
      const c = await create(repo, { kind: 'accounts', ids }, 'reset_lock')
      const failed = ids.slice(0, 2)
      expect(await repo.recordFailure(c.id, failed, 2, T0)).toBe(0)
      expect((await targets(c.id)).map((t) => [t.status, t.attempts])).toEqual([
        ['pending', 1],
        ['pending', 1],
        ['pending', 0],
      ])
      expect(await repo.recordFailure(c.id, failed, 2, T0 + 1000)).toBe(2)
      expect((await targets(c.id)).map((t) => t.status)).toEqual(['failed', 'failed', 'pending'])
      expect(counters(await repo.get(c.id))).toMatchObject({ done: 0, failed: 2 })
      expect(await repo.handledSince(c.id, T0)).toBe(2)
      expect(await repo.runBatch(c.id, BATCH)).toMatchObject({ done: 1 })
      expect(await repo.recordFailure(c.id, [], 2, T0)).toBe(0)
    })

    it('counts every account of a group that failed maxAttempts times', async () => {
      const ids = await accounts(5)
      const act: typeof runCampaignAction = async () => {
        throw new Error('the database went away')
      }
      const repo = repository(suite.database, act, 3)
      // One slot (width 1): groups [0, 1, 2] and [3, 4].
      const id = await materialise(ids, 'reset_lock', 10, { width: 1, windowChunks: 1 }, 3)
      const err = await repo.runBatch(id, { ...BATCH, limit: 3 }).catch((e: unknown) => e)
      expect((err as BatchFailed).accountIds).toEqual(ids.slice(0, 3))
      expect(await repo.recordFailure(id, (err as BatchFailed).accountIds, 1, T0)).toBe(3)
      expect((await groups(id)).map((g) => [g.status, g.attempts])).toEqual([
        ['failed', 1],
        ['pending', 0],
      ])
      expect(counters(await repo.get(id))).toMatchObject({ done: 0, failed: 3 })
    })

    it.runIf(kind === 'postgres')(
      'skips the targets an open batch holds; once it rolls back they are claimed again',
      async () => {
        const ids = await accounts(4)
        let release: () => void = () => {}
        const held = new Promise<void>((resolve) => {
          release = resolve
        })
        const stuck: typeof runCampaignAction = async () => {
          await held
          throw new Error('the instance died')
        }
        const dying = repository(suite.database, stuck)
        const c = await create(dying, { kind: 'accounts', ids }, 'reset_lock')
        const first = dying.runBatch(c.id, { ...BATCH, limit: 2 }).catch((e: unknown) => e)
        await new Promise((resolve) => setTimeout(resolve, 200))
        const other = repository(await suite.openAnother())
        // The two targets the open batch holds are skipped, not waited for.
        expect(await other.runBatch(c.id, BATCH)).toMatchObject({ done: 2 })
        expect((await targets(c.id)).map((t) => t.status)).toEqual(['pending', 'pending', 'done', 'done'])
        release()
        expect(await first).toBeInstanceOf(BatchFailed)
        expect(await other.runBatch(c.id, BATCH)).toMatchObject({ done: 2 })
        expect(counters(await other.get(c.id))).toMatchObject({ done: 4, skipped: 0, failed: 0 })
      },
    )
  })

  describe('completeIfFinished', () => {
    it('completes a campaign with no pending target, with its audit entry, once', async () => {
      const repo = repository()
      const ids = await accounts(2)
      const c = await create(repo, { kind: 'accounts', ids }, 'reset_lock')
      const entry = (done: CampaignRecord) => ({
        at: T0 + 5000,
        actor: 'system',
        actorIp: null,
        requestId: null,
        action: 'campaign.complete',
        target: `campaign:${done.id}`,
        details: { done: done.done },
      })
      expect(await repo.completeIfFinished(c.id, T0 + 5000, entry)).toBeNull()
      await repo.runBatch(c.id, BATCH)
      const completed = await repo.completeIfFinished(c.id, T0 + 5000, entry)
      expect(counters(completed)).toEqual({ status: 'completed', total: 2, done: 2, skipped: 0, failed: 0 })
      expect(completed?.finishedAt).toBe(T0 + 5000)
      expect(await repo.completeIfFinished(c.id, T0 + 6000, entry)).toBeNull()
      const audit = await suite.database.db
        .selectFrom('audit_log')
        .select(['action', 'actor', 'details'])
        .where('target', '=', `campaign:${c.id}`)
        .execute()
      expect(audit).toEqual([{ action: 'campaign.complete', actor: 'system', details: '{"done":2}' }])
    })

    it('keeps the campaign running when its audit entry cannot be written', async () => {
      const repo = repository()
      const ids = await accounts(1)
      const c = await create(repo, { kind: 'accounts', ids }, 'reset_lock')
      await repo.runBatch(c.id, BATCH)
      await expect(
        repo.completeIfFinished(c.id, T0, () => {
          throw new Error('no audit entry')
        }),
      ).rejects.toThrow('no audit entry')
      expect((await repo.get(c.id))?.status).toBe('running')
    })
  })
})
