import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { beforeEach, describe, expect, it } from 'vitest'
import { SqlAuditLog } from '../../src/adapters/sql/audit-repository.js'
import { SqlIncidentRepository } from '../../src/adapters/sql/incidents-repository.js'
import type { NewAccount } from '../../src/modules/accounts/ports.js'
import type { ImportRecord, IncidentRecord } from '../../src/modules/incidents/ports.js'
import { databaseKinds } from '../helpers/databases.js'
import { MINUTE, newAccount, T0, unique, useSuiteDatabase } from './fixtures.js'

/* The IncidentRepository contract (src/modules/incidents/ports.ts). */

describe.each(databaseKinds())('IncidentRepository on %s', (kind) => {
  const suite = useSuiteDatabase(kind)
  const repo = () => new SqlIncidentRepository(suite.database.db, suite.database.dialect)

  // Listing and the stale-import sweep see whole tables: every test starts without incidents.
  beforeEach(async () => {
    await suite.database.db.deleteFrom('incident_exposures').execute()
    await suite.database.db.deleteFrom('incident_imports').execute()
    await suite.database.db.deleteFrom('incidents').execute()
  })

  const incident = (overrides: Partial<IncidentRecord> = {}): IncidentRecord => ({
    id: randomUUID(),
    title: `Leak ${unique()}`,
    summary: 'A paste site',
    severity: 'high',
    status: 'open',
    risks: 'Credential stuffing',
    mitigations: '',
    createdBy: `account:${unique()}`,
    createdAt: T0,
    updatedAt: T0,
    closedAt: null,
    ...overrides,
  })

  const anImport = (incidentId: string, overrides: Partial<ImportRecord> = {}): ImportRecord => ({
    id: randomUUID(),
    incidentId,
    sourceName: 'dump.csv',
    format: 'csv',
    mapping: { email: 'mail', username: 'login' },
    status: 'running',
    rowsRead: 0,
    rowsMatched: 0,
    rowsUnparseable: 0,
    accountsMatched: 0,
    error: null,
    problems: [],
    createdBy: `account:${unique()}`,
    startedAt: T0,
    finishedAt: null,
    ...overrides,
  })

  const withIncident = async () => {
    const i = incident()
    await repo().create(i)
    return i
  }

  const account = async (overrides = {}) => {
    const a = newAccount(overrides)
    await suite.store.accounts.create(a)
    return a
  }

  describe('incidents', () => {
    it('gets a created incident as given; an unknown id is null', async () => {
      const i = incident({ status: 'closed', closedAt: T0 + 1 })
      await repo().create(i)
      expect(await repo().get(i.id)).toEqual(i)
      expect(await repo().get(randomUUID())).toBeNull()
    })

    it('lists newest first (by id at one instant), a page at a time after a cursor', async () => {
      const same = [incident({ createdAt: T0 + 1 }), incident({ createdAt: T0 + 1 })].sort((a, b) =>
        a.id < b.id ? 1 : -1,
      )
      const oldest = incident({ createdAt: T0 })
      const newest = incident({ createdAt: T0 + 2 })
      for (const i of [oldest, ...same, newest]) await repo().create(i)
      const order = [newest, ...same, oldest]
      expect(await repo().list(10)).toEqual(order)
      expect(await repo().list(2)).toEqual(order.slice(0, 2))
      expect(await repo().list(2, order[1]!.id)).toEqual(order.slice(2))
      expect(await repo().list(2, oldest.id)).toEqual([])
      expect(await repo().list(2, randomUUID())).toEqual([])
    })

    it('update changes the given fields only, and the update time', async () => {
      const i = await withIncident()
      await repo().update(i.id, { severity: 'critical', mitigations: 'Resets forced' }, T0 + MINUTE)
      expect(await repo().get(i.id)).toEqual({
        ...i,
        severity: 'critical',
        mitigations: 'Resets forced',
        updatedAt: T0 + MINUTE,
      })
      await repo().update(i.id, {}, T0 + 2 * MINUTE)
      expect((await repo().get(i.id))?.updatedAt).toBe(T0 + 2 * MINUTE)
    })

    it('closes an open incident once: a second close changes nothing', async () => {
      const i = await withIncident()
      await repo().close(i.id, T0 + MINUTE)
      const closed = { ...i, status: 'closed', closedAt: T0 + MINUTE, updatedAt: T0 + MINUTE }
      expect(await repo().get(i.id)).toEqual(closed)
      await repo().close(i.id, T0 + 2 * MINUTE)
      expect(await repo().get(i.id)).toEqual(closed)
    })
  })

  describe('imports', () => {
    it('gets an import only under its own incident; lists an incident’s imports oldest first', async () => {
      const i = await withIncident()
      const other = await withIncident()
      const later = anImport(i.id, { startedAt: T0 + 5, format: 'jsonl', mapping: { phone: 'tel' } })
      const first = anImport(i.id)
      for (const r of [later, first, anImport(other.id)]) await repo().createImport(r)
      expect(await repo().getImport(i.id, first.id)).toEqual(first)
      expect(await repo().getImport(other.id, first.id)).toBeNull()
      expect(await repo().getImport(i.id, randomUUID())).toBeNull()
      expect(await repo().listImports(i.id)).toEqual([first, later])
    })

    it('keeps the counts and problems given, and the outcome when it finishes', async () => {
      const i = await withIncident()
      const r = anImport(i.id)
      await repo().createImport(r)
      const counts = { rowsRead: 10, rowsMatched: 4, rowsUnparseable: 1, accountsMatched: 0 }
      const problems = [{ line: 3, reason: 'no mapped identifier' }]
      await repo().updateImportCounts(r.id, counts, problems, T0 + 1)
      expect(await repo().getImport(i.id, r.id)).toEqual({ ...r, ...counts, problems })
      const final = { ...counts, rowsRead: 12, accountsMatched: 4 }
      await repo().finishImport(r.id, {
        status: 'failed',
        counts: final,
        problems,
        error: 'bad file',
        at: T0 + 2,
      })
      expect(await repo().getImport(i.id, r.id)).toEqual({
        ...r,
        ...final,
        problems,
        status: 'failed',
        error: 'bad file',
        finishedAt: T0 + 2,
      })
    })

    it('fails the running imports whose heartbeat is stale, once, with an audit entry each', async () => {
      const i = await withIncident()
      const stale = anImport(i.id, { startedAt: T0 })
      const beaten = anImport(i.id, { startedAt: T0 })
      const counted = anImport(i.id, { startedAt: T0 })
      const fresh = anImport(i.id, { startedAt: T0 + 10 * MINUTE })
      const done = anImport(i.id, { startedAt: T0 })
      for (const r of [stale, beaten, counted, fresh, done]) await repo().createImport(r)
      await repo().beatImport(beaten.id, T0 + 10 * MINUTE)
      const counts = { rowsRead: 5, rowsMatched: 0, rowsUnparseable: 0, accountsMatched: 0 }
      await repo().updateImportCounts(counted.id, counts, [], T0 + 10 * MINUTE)
      await repo().finishImport(done.id, { status: 'done', counts, problems: [], error: null, at: T0 + 1 })
      const audit = new SqlAuditLog(suite.database.db, suite.database.dialect)
      const seq = (await audit.head())?.seq ?? 0
      const entry = (r: ImportRecord) => ({
        at: T0 + 11 * MINUTE,
        actor: 'system',
        actorIp: null,
        requestId: null,
        action: 'incident.import_fail',
        target: `incident:${r.incidentId}`,
        details: { import_id: r.id },
      })
      const stopped = await repo().failStaleImports(
        T0 + 5 * MINUTE,
        T0 + 11 * MINUTE,
        'instance stopped',
        entry,
      )
      expect(stopped).toEqual([
        { ...stale, status: 'failed', error: 'instance stopped', finishedAt: T0 + 11 * MINUTE },
      ])
      expect(await repo().getImport(i.id, stale.id)).toEqual(stopped[0])
      expect((await repo().getImport(i.id, done.id))?.status).toBe('done')
      expect((await audit.readFrom(seq, 10)).map((e) => e.details)).toEqual([{ import_id: stale.id }])
      expect(await repo().failStaleImports(T0 + 5 * MINUTE, T0 + 12 * MINUTE, 'again', entry)).toEqual([])
      // A finished import takes no more heartbeats.
      await repo().beatImport(stale.id, T0 + 20 * MINUTE)
      expect(
        (await repo().failStaleImports(T0 + 15 * MINUTE, T0 + 20 * MINUTE, 'x', entry))
          .map((r) => r.id)
          .sort(),
      ).toEqual([beaten.id, counted.id, fresh.id].sort())
    })
  })

  describe('matching and exposures', () => {
    it('matches usernames and email lookup forms as stored, phones only when verified', async () => {
      const a = await account()
      const b = await account()
      const c = await account()
      const phoneA = '+14155560101'
      const phoneB = '+14155560102'
      await suite.store.accounts.setPhone(a.id, phoneA, T0)
      await suite.store.accounts.markPhoneVerified(a.id, phoneA, T0)
      await suite.store.accounts.setPhone(b.id, phoneB, T0)
      const m = await repo().matchIdentifiers({
        usernames: [a.username, 'nobody-here', c.username.toUpperCase()],
        emails: [b.emailNorm, c.email],
        phones: [phoneA, phoneB],
      })
      expect(m.usernames).toEqual(new Map([[a.username, a.id]]))
      expect(m.emails).toEqual(new Map([[b.emailNorm, b.id]]))
      expect(m.phones).toEqual(new Map([[phoneA, a.id]]))
      expect(await repo().matchIdentifiers({ usernames: [], emails: [], phones: [] })).toEqual({
        usernames: new Map(),
        emails: new Map(),
        phones: new Map(),
      })
    })

    it('adds exposures: a row per new account, the union of fields and the sum of rows for known ones', async () => {
      const i = await withIncident()
      const first = anImport(i.id)
      const second = anImport(i.id)
      const [a, b, c] = [await account(), await account(), await account()]
      // Each call answers how many of its accounts the import had not met before.
      expect(
        await repo().recordExposures(i.id, first.id, T0, [
          { accountId: a.id, fields: ['email', 'username'], rows: 2 },
          { accountId: b.id, fields: ['phone'], rows: 1 },
        ]),
      ).toBe(2)
      expect(
        await repo().recordExposures(i.id, second.id, T0 + MINUTE, [
          { accountId: b.id, fields: ['email'], rows: 2 },
          { accountId: c.id, fields: ['location'], rows: 1 },
        ]),
      ).toBe(2)
      // The same import meets b again in a later batch: b is no new account of it.
      expect(
        await repo().recordExposures(i.id, second.id, T0 + MINUTE, [
          { accountId: b.id, fields: ['location'], rows: 1 },
        ]),
      ).toBe(0)
      expect(await repo().recordExposures(i.id, second.id, T0 + MINUTE, [])).toBe(0)
      const byId = new Map((await repo().listExposures(i.id, 10)).map((e) => [e.accountId, e]))
      expect(byId.get(a.id)).toEqual({
        accountId: a.id,
        username: a.username,
        fields: ['email', 'username'],
        rows: 2,
        firstImportId: first.id,
        firstSeenAt: T0,
      })
      expect(byId.get(b.id)).toMatchObject({
        fields: ['email', 'location', 'phone'],
        rows: 4,
        firstImportId: first.id,
        firstSeenAt: T0,
      })
      expect(byId.get(c.id)).toMatchObject({
        fields: ['location'],
        rows: 1,
        firstImportId: second.id,
        firstSeenAt: T0 + MINUTE,
      })
      expect(await repo().countExposures(i.id)).toBe(3)
      expect(await repo().countExposures((await withIncident()).id)).toBe(0)
    })

    it('lists exposures by account id a page at a time; deleted accounts drop out', async () => {
      const i = await withIncident()
      const accounts: NewAccount[] = []
      for (let n = 0; n < 5; n++) accounts.push(await account())
      const ids = accounts.map((a) => a.id).sort()
      await repo().recordExposures(
        i.id,
        randomUUID(),
        T0,
        ids.map((accountId) => ({ accountId, fields: ['email'], rows: 1 })),
      )
      const page = async (after?: string) =>
        (await repo().listExposures(i.id, 2, after)).map((e) => e.accountId)
      expect(await page()).toEqual(ids.slice(0, 2))
      expect(await page(ids[1])).toEqual(ids.slice(2, 4))
      expect(await page(ids[3])).toEqual(ids.slice(4))
      await suite.database.db.deleteFrom('accounts').where('id', '=', ids[2]!).execute()
      expect((await repo().listExposures(i.id, 10)).map((e) => e.accountId)).toEqual(
        ids.filter((_, n) => n !== 2),
      )
      expect(await repo().countExposures(i.id)).toBe(4)
    })

    // Migration 0032: pages keep room, so a later row naming an account rewrites its exposure on the
    // page it is on (a heap-only update: no new entry in either index). A row that moved page
    // would have needed them.
    it.runIf(kind === 'postgres')('updates an exposure met again on its own page', async () => {
      const i = await withIncident()
      const ids = Array.from({ length: 400 }, () => randomUUID()).sort()
      const first = anImport(i.id)
      await repo().recordExposures(
        i.id,
        first.id,
        T0,
        ids.map((accountId) => ({ accountId, fields: ['email'], rows: 1 })),
      )
      const pages = async () =>
        new Map(
          (
            await sql<{ account_id: string; page: string }>`
              select account_id, (ctid::text::point)[0]::bigint::text as page
                from incident_exposures where incident_id = ${i.id}`.execute(suite.database.db)
          ).rows.map((r) => [r.account_id, r.page]),
        )
      const before = await pages()
      expect(new Set(before.values()).size).toBeGreaterThan(2)
      // A quarter of them again, as the next batch of a leak meets them.
      const again = ids.filter((_, n) => n % 4 === 0)
      await repo().recordExposures(
        i.id,
        anImport(i.id).id,
        T0 + MINUTE,
        again.map((accountId) => ({ accountId, fields: ['username'], rows: 2 })),
      )
      const after = await pages()
      expect(again.filter((id) => after.get(id) !== before.get(id))).toEqual([])
      const updated = await suite.database.db
        .selectFrom('incident_exposures')
        .select(['fields', 'rows'])
        .where('incident_id', '=', i.id)
        .where('account_id', 'in', again)
        .execute()
      expect(updated.map((r) => [r.fields, Number(r.rows)])).toEqual(again.map(() => ['email,username', 3]))
    })

    /**
     * `n` new accounts, and repositories to write at the same time: on PostgreSQL on four
     * connections (instances), on SQLite simultaneous calls on its one connection.
     */
    const accountsAndRepos = async (n: number) => {
      const accounts: NewAccount[] = []
      for (let k = 0; k < n; k++) accounts.push(await account())
      const others =
        kind === 'postgres' ? await Promise.all(Array.from({ length: 3 }, () => suite.openAnother())) : []
      const repos = [repo(), ...others.map((d) => new SqlIncidentRepository(d.db, d.dialect))]
      return { accounts, repos }
    }

    it('sums dozens of simultaneous batches over the same accounts (several connections on PostgreSQL)', async () => {
      const i = await withIncident()
      const { accounts, repos } = await accountsAndRepos(8)
      const fields = ['email', 'phone', 'username', 'location'] as const
      const batches = 32
      await Promise.all(
        Array.from({ length: batches }, (_, n) =>
          repos[n % repos.length]!.recordExposures(
            i.id,
            `import-${n}`,
            T0 + n,
            // Each batch in another order: the repository must not deadlock on it.
            (n % 2 ? [...accounts].reverse() : accounts).map((a) => ({
              accountId: a.id,
              fields: [fields[n % fields.length]!],
              rows: 1,
            })),
          ),
        ),
      )
      const exposures = await repo().listExposures(i.id, 100)
      expect(exposures).toHaveLength(accounts.length)
      for (const e of exposures) {
        expect(e.rows).toBe(batches)
        expect(e.fields).toEqual(['email', 'location', 'phone', 'username'])
      }
    })

    it('counts an account once per import, whatever batches of it meet the account at the same time', async () => {
      const i = await withIncident()
      const { accounts, repos } = await accountsAndRepos(6)
      const batches = (importId: string, n: number) =>
        Promise.all(
          Array.from({ length: n }, (_, b) =>
            repos[b % repos.length]!.recordExposures(
              i.id,
              importId,
              T0 + b,
              (b % 2 ? [...accounts].reverse() : accounts).map((a) => ({
                accountId: a.id,
                fields: ['email'],
                rows: 1,
              })),
            ),
          ),
        )
      const sum = (counts: number[]) => counts.reduce((a, b) => a + b, 0)
      // Each batch of an import is told which of its accounts are new to that import: together,
      // every account once, though the batches ran on several connections at the same time.
      expect(sum(await batches('import-a', 24))).toBe(accounts.length)
      // A later import of the same incident meets them all again: new to it, once each.
      expect(sum(await batches('import-b', 24))).toBe(accounts.length)
      expect(sum(await batches('import-b', 4))).toBe(0)
      const exposures = await repo().listExposures(i.id, 100)
      expect(exposures.map((e) => e.rows)).toEqual(accounts.map(() => 52))
    })
  })
})
