import { randomUUID } from 'node:crypto'
import { Readable } from 'node:stream'
import { sql } from 'kysely'
import { beforeEach, describe, expect, it } from 'vitest'
import { SqlAuditLog } from '../../src/adapters/sql/audit-repository.js'
import { SqlIncidentRepository } from '../../src/adapters/sql/incidents-repository.js'
import type { NewAccount } from '../../src/modules/accounts/ports.js'
import { AuditService } from '../../src/modules/audit/service.js'
import type {
  ImportRecord,
  IncidentRecord,
  LeakKey,
  LeakStage,
  StagedLeakRow,
} from '../../src/modules/incidents/ports.js'
import { IncidentsService } from '../../src/modules/incidents/service.js'
import { databaseKinds } from '../helpers/databases.js'
import { MINUTE, newAccount, T0, unique, useSuiteDatabase } from './fixtures.js'

/* The IncidentRepository contract (src/modules/incidents/ports.ts). */

describe.each(databaseKinds())('IncidentRepository on %s', (kind) => {
  const suite = useSuiteDatabase(kind)
  const repo = () =>
    new SqlIncidentRepository(suite.database.db, suite.database.dialect, suite.database.maintain)

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
    /**
     * Every chunk of `key`, `limit` rows at a time, matched all at once: the row numbers matched, and
     * where the chunks end.
     */
    const walk = async (stage: LeakStage, key: LeakKey, limit: number) => {
      const chunks: Array<[string | null, string | null]> = []
      let after: string | null = null
      do {
        const through = await stage.chunkEnd(key, after, limit)
        chunks.push([after, through])
        after = through
      } while (after !== null)
      const rows = (
        await Promise.all(chunks.map(([from, through]) => stage.match(key, from, through)))
      ).flat()
      return { rows: rows.sort((x, y) => x - y), lasts: chunks.map(([, through]) => through) }
    }
    const row = (r: Partial<StagedLeakRow>): StagedLeakRow => ({
      username: null,
      email: null,
      phone: null,
      bits: 1,
      ...r,
    })

    it('matches staged rows by usernames and email lookup forms as stored, phones only when verified', async () => {
      const a = await account()
      const b = await account()
      const c = await account()
      const phoneA = '+14155560101'
      const phoneB = '+14155560102'
      await suite.store.accounts.setPhone(a.id, phoneA, T0)
      await suite.store.accounts.markPhoneVerified(a.id, phoneA, T0)
      await suite.store.accounts.setPhone(b.id, phoneB, T0)
      const importId = randomUUID()
      const stage = await repo().openLeakStage(importId)
      try {
        // Two calls at once, as an import stages a batch while it reads the next: numbered in order.
        await Promise.all([
          stage.add([
            row({ username: a.username, bits: 0b0001 }), // 0: a
            row({ username: 'nobody-here' }), // 1
            row({ username: c.username.toUpperCase() }), // 2: usernames are matched as stored
            row({ email: b.emailNorm, bits: 0b0100 }), // 3: b
          ]),
          stage.add([
            row({ email: c.email.toUpperCase() }), // 4: not a lookup form
            row({ phone: phoneA, bits: 0b0010 }), // 5: a
            row({ phone: phoneB }), // 6: b has not verified it
            row({ username: a.username, email: a.emailNorm, bits: 0b1000 }), // 7: a, named twice
            row({ username: b.username, email: a.emailNorm, bits: 0b0001 }), // 8: b and a
          ]),
        ])
        expect(await stage.sealRows()).toEqual(['username', 'email', 'phone'])
        expect((await walk(stage, 'username', 1)).rows).toEqual([0, 7, 8])
        expect((await walk(stage, 'email', 2)).rows).toEqual([3, 7, 8])
        expect((await walk(stage, 'phone', 100)).rows).toEqual([5])
        await stage.sealHits()
        const all = await stage.exposures(null, 1)
        all.push(...(await stage.exposures(all[0]!.accountId, 1)))
        expect(await stage.exposures(all[1]!.accountId, 1)).toEqual([])
        // Each account once, with the union of its rows' fields and how many rows named it.
        expect(new Map(all.map((d) => [d.accountId, d]))).toEqual(
          new Map([
            [a.id, { accountId: a.id, fields: ['email', 'location', 'username'], rows: 4 }],
            [b.id, { accountId: b.id, fields: ['email', 'phone'], rows: 2 }],
          ]),
        )
        expect(all.map((d) => d.accountId)).toEqual([a.id, b.id].sort())
      } finally {
        await repo().dropLeakStage(importId)
      }
    })

    it('covers every row of its last key in a chunk, and knows only the keys staged', async () => {
      const a = await account()
      const importId = randomUUID()
      const stage = await repo().openLeakStage(importId)
      try {
        const names = [a.username, a.username, a.username, 'zz-nobody', a.username]
        await stage.add(names.map((username) => row({ username })))
        expect(await stage.sealRows()).toEqual(['username'])
        const { rows, lasts } = await walk(stage, 'username', 2)
        expect(rows).toEqual([0, 1, 2, 4])
        // The second row's key is a's username: the first chunk takes all four rows of it.
        expect(lasts).toEqual([a.username, null])
        await stage.sealHits()
        expect(await stage.exposures(null, 10)).toEqual([{ accountId: a.id, fields: ['email'], rows: 4 }])
      } finally {
        await repo().dropLeakStage(importId)
      }
    })

    it('drops the stages of imports not running, and keeps those of running ones', async () => {
      const i = await withIncident()
      const running = anImport(i.id)
      const done = anImport(i.id, { status: 'done' })
      await repo().createImport(running)
      await repo().createImport(done)
      const unknown = randomUUID()
      for (const id of [running.id, done.id, unknown]) await repo().openLeakStage(id)
      const tables = async () =>
        (
          await sql<{ name: string }>`${sql.raw(
            kind === 'postgres'
              ? `select tablename as name from pg_tables where tablename like 'leak\\_%'`
              : `select name from sqlite_master where type = 'table' and name like 'leak\\_%' escape '\\'`,
          )}`.execute(suite.database.db)
        ).rows
          .map((r) => r.name)
          .sort()
      const named = (id: string) => [
        `leak_hits_${id.replaceAll('-', '')}`,
        `leak_rows_${id.replaceAll('-', '')}`,
      ]
      expect(await tables()).toEqual([running.id, done.id, unknown].flatMap(named).sort())
      expect(await repo().dropIdleLeakStages()).toBe(2)
      expect(await tables()).toEqual(named(running.id))
      await repo().dropLeakStage(running.id)
      expect(await tables()).toEqual([])
      await expect(repo().openLeakStage('../accounts')).rejects.toThrow(/UUID/)
    })

    it('counts and records a leak matched in chunks of two, two at a time, as one pass would', async () => {
      const i = await withIncident()
      const accounts: NewAccount[] = []
      for (let k = 0; k < 7; k++) accounts.push(await account())
      // Rows naming the accounts by username, email or both, some several times, some none.
      const lines = ['login,mail,city']
      const expected = new Map<string, { rows: number; fields: Set<string> }>()
      let named = 0
      for (let r = 0; r < 40; r++) {
        const a = accounts[(r * 5) % 7]!
        const [login, mail] =
          r % 4 === 0
            ? [a.username, '']
            : r % 4 === 1
              ? ['', a.emailNorm]
              : r % 4 === 2
                ? [a.username, a.emailNorm]
                : [`ghost${r}`, '']
        lines.push(`${login},${mail},${r % 3 ? 'Leeds' : ''}`)
        if (r % 4 === 3) continue
        named += 1
        const e = expected.get(a.id) ?? { rows: 0, fields: new Set<string>() }
        e.rows += 1
        if (login) e.fields.add('username')
        if (mail) e.fields.add('email')
        if (r % 3) e.fields.add('location')
        expected.set(a.id, e)
      }
      const service = new IncidentsService({
        incidents: repo(),
        audit: new AuditService({
          log: new SqlAuditLog(suite.database.db, suite.database.dialect),
          now: () => T0,
        }),
        now: () => T0,
        batchSize: 2,
      })
      const done = await service.importLeak(
        {
          incidentId: i.id,
          format: 'csv',
          mapping: { username: 'login', email: 'mail', location: 'city' },
          sourceName: 'chunks.csv',
          input: Readable.from([`${lines.join('\n')}\n`]),
        },
        'test',
        { ip: null, requestId: null },
      )
      expect(done).toMatchObject({ status: 'done', rowsRead: 40, rowsMatched: named, accountsMatched: 7 })
      const exposures = await repo().listExposures(i.id, 100)
      expect(
        new Map(exposures.map((e) => [e.accountId, { rows: e.rows, fields: new Set<string>(e.fields) }])),
      ).toEqual(expected)
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
      const repos = [repo(), ...others.map((d) => new SqlIncidentRepository(d.db, d.dialect, d.maintain))]
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
