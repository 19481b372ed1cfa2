import { beforeEach, describe, expect, it } from 'vitest'
import { SqlAuditLog } from '../../src/adapters/sql/audit-repository.js'
import { ChainVerifier, entryHash, GENESIS } from '../../src/modules/audit/chain.js'
import type { NewAuditEntry } from '../../src/modules/audit/ports.js'
import { databaseKinds } from '../helpers/databases.js'
import { T0, unique, useSuiteDatabase } from './fixtures.js'

/* The AuditLog contract (src/modules/audit/ports.ts). */

describe.each(databaseKinds())('AuditLog on %s', (kind) => {
  const suite = useSuiteDatabase(kind)
  const log = () => new SqlAuditLog(suite.database.db, suite.database.dialect)

  // The chain is the whole table: every test starts from an empty log.
  beforeEach(async () => {
    await suite.database.db.deleteFrom('audit_refs').execute()
    await suite.database.db.deleteFrom('audit_log').execute()
  })

  const entry = (overrides: Partial<NewAuditEntry> = {}): NewAuditEntry => ({
    at: T0,
    actor: `account:${unique()}`,
    actorIp: '192.0.2.1',
    requestId: `req-${unique()}`,
    action: 'detection.lift',
    target: null,
    details: { note: 'x', nested: { list: [1, 'two', null] } },
    ...overrides,
  })

  const appendAll = async (n: number, make: (i: number) => Partial<NewAuditEntry> = () => ({})) => {
    const out = []
    for (let i = 0; i < n; i++) out.push(await log().append(entry({ at: T0 + i, ...make(i) })))
    return out
  }

  it('has no head while empty; appends at seq 1 on the genesis hash, and the head is the entry', async () => {
    expect(await log().head()).toBeNull()
    const e = entry({ target: 'account:a1', actorIp: null, requestId: null })
    const stored = await log().append(e)
    expect(stored).toEqual({
      ...e,
      seq: 1,
      previousHash: GENESIS,
      hash: entryHash(GENESIS, { ...e, seq: 1 }),
    })
    expect(await log().head()).toEqual(stored)
  })

  it('links each entry to the one before; readFrom pages through the chain in order', async () => {
    const stored = await appendAll(7)
    expect(stored.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7])
    const verifier = new ChainVerifier()
    const pages = [await log().readFrom(0, 3), await log().readFrom(3, 3), await log().readFrom(6, 3)]
    expect(pages.map((p) => p.map((e) => e.seq))).toEqual([[1, 2, 3], [4, 5, 6], [7]])
    for (const p of pages) expect(verifier.check(p)).toBeNull()
    expect(verifier.count).toBe(7)
    expect(verifier.head).toBe(stored[6]!.hash)
    expect(pages.flat()).toEqual(stored)
    expect(await log().readFrom(7, 3)).toEqual([])
  })

  it('lists newest first, a page at a time with beforeSeq', async () => {
    await appendAll(5)
    expect((await log().list(2)).map((e) => e.seq)).toEqual([5, 4])
    expect((await log().list(2, 4)).map((e) => e.seq)).toEqual([3, 2])
    expect((await log().list(10, 2)).map((e) => e.seq)).toEqual([1])
    expect(await log().list(10, 1)).toEqual([])
  })

  it('finds entries by their target and by `<kind>_id` details, oldest first, at most limit', async () => {
    await appendAll(
      6,
      (i) =>
        [
          { target: 'incident:7' },
          { target: 'account:a1', details: { incident_id: '7' } },
          { details: { incident_id: 7, campaign_id: 'c1' } },
          { target: 'incident:8', details: { incident_id: '7x', id: '7', _id: '7' } },
          { details: { incident_id: { id: 7 }, detection_id: 12 } },
          { target: 'incident:7', details: { incident_id: '7' } },
        ][i]!,
    )
    expect((await log().byRef('incident:7', 10)).map((e) => e.seq)).toEqual([1, 2, 3, 6])
    expect((await log().byRef('incident:7', 2)).map((e) => e.seq)).toEqual([1, 2])
    expect((await log().byRef('campaign:c1', 10)).map((e) => e.seq)).toEqual([3])
    expect((await log().byRef('detection:12', 10)).map((e) => e.seq)).toEqual([5])
    expect(await log().byRef('incident:9', 10)).toEqual([])
    const [found] = await log().byRef('account:a1', 10)
    expect(found).toEqual((await log().readFrom(1, 1))[0])
  })

  it('an entry appended in a transaction that rolls back is gone with it', async () => {
    await log().append(entry())
    await expect(
      suite.database.db.transaction().execute(async (trx) => {
        await new SqlAuditLog(trx, suite.database.dialect).append(entry({ target: 'incident:rolled' }))
        throw new Error('rolled back')
      }),
    ).rejects.toThrow('rolled back')
    expect((await log().head())?.seq).toBe(1)
    expect(await log().byRef('incident:rolled', 10)).toEqual([])
    expect((await log().append(entry())).seq).toBe(2)
  })

  it('keeps one unbroken chain under dozens of simultaneous appends from several connections on PostgreSQL', async () => {
    // PostgreSQL: several connections (instances); SQLite: simultaneous calls on one connection.
    const others =
      kind === 'postgres' ? await Promise.all(Array.from({ length: 3 }, () => suite.openAnother())) : []
    const logs = [log(), ...others.map((d) => new SqlAuditLog(d.db, d.dialect))]
    const n = 40
    const stored = await Promise.all(
      Array.from({ length: n }, (_, i) => logs[i % logs.length]!.append(entry({ target: `account:${i}` }))),
    )
    expect(stored.map((e) => e.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i + 1))
    const verifier = new ChainVerifier()
    expect(verifier.check(await log().readFrom(0, n + 1))).toBeNull()
    expect(verifier.count).toBe(n)
  })
})
