import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api, type Query } from '../helpers/api.js'
import { databaseKinds } from '../helpers/databases.js'
import { adminSession, createTestServer, signUpAndLogin, type TestServer } from '../helpers/server.js'

/** Administrative actions land in the hash-chained audit log; any change to it shows in verification. */
describe.each(databaseKinds())('the audit log on %s', (kind) => {
  let server: TestServer
  let admin: string
  beforeAll(async () => {
    server = await createTestServer(kind, { GATEHOUSE_GUARD: 'true', GATEHOUSE_POW_DIFFICULTY: '4' })
    admin = await adminSession(server)
  })
  afterAll(async () => {
    await server?.close()
  })

  const db = () => server.app.database.db
  const asAdmin = () => api(server, { token: admin })
  const verify = async (query: Query<'/v1/admin/audit/verify'> = {}) =>
    (await asAdmin().GET('/v1/admin/audit/verify', { params: { query } })).data!

  /** Five administrative actions: two detections closed, a webhook added and removed, one more closed. */
  const act = async () => {
    const close = async (ip: string, how: 'lift' | 'resolve') => {
      for (let i = 0; i < 6; i++) {
        await api(server, { ip }).POST('/v1/sessions', {
          body: { identifier: `x${i}${ip}`, password: 'nope nope nope' },
        })
      }
      const d = (await server.app.detections.list({ status: 'open' }, 100)).find((x) => x.key === `ip:${ip}`)!
      const path = { params: { path: { id: d.id } } }
      const r =
        how === 'resolve'
          ? await asAdmin().POST('/v1/admin/detections/{id}/resolve', { ...path, body: {} })
          : await asAdmin().POST('/v1/admin/detections/{id}/lift', path)
      expect(r.response.status).toBe(200)
    }
    await close('198.51.100.1', 'lift')
    await close('198.51.100.2', 'resolve')
    const hook = await asAdmin().POST('/v1/admin/webhooks', {
      body: { url: 'https://hooks.example.com/in', event_types: ['guard_detection'] },
    })
    expect(hook.response.status).toBe(201)
    expect(
      (await asAdmin().DELETE('/v1/admin/webhooks/{id}', { params: { path: { id: hook.data!.id } } }))
        .response.status,
    ).toBe(204)
    await close('198.51.100.3', 'lift')
  }

  it('records who did what to what, when and from where, and verifies the chain', async () => {
    await act()
    const list = await asAdmin().GET('/v1/admin/audit', { params: { query: { limit: 10 } } })
    expect(list.response.status).toBe(200)
    const entries = list.data!.entries
    expect(entries.map((e) => e.action)).toEqual([
      'detection.lift',
      'webhook.delete',
      'webhook.create',
      'detection.resolve',
      'detection.lift',
    ])
    expect(entries[0]).toMatchObject({
      seq: 5,
      actor: expect.stringMatching(/^account:/),
      target: expect.stringMatching(/^detection:\d+$/),
    })
    expect(entries[0]!.request_id).toBeTruthy()
    expect(entries[2]!.details).toEqual({ url_host: 'hooks.example.com', event_types: ['guard_detection'] })
    const ok = await verify()
    expect(ok).toEqual({
      ok: true,
      entries: 5,
      head: entries[0]!.hash,
      first_broken: null,
      expected_head_found: null,
    })
    expect((await verify({ expected_head: entries[2]!.hash })).ok).toBe(true)
    // A user without the admin role, and a malformed head, are refused.
    const { token } = await signUpAndLogin(server)
    expect((await api(server, { token }).GET('/v1/admin/audit/verify')).response.status).toBe(403)
    expect(
      (await asAdmin().GET('/v1/admin/audit/verify', { params: { query: { expected_head: 'xyz' } } }))
        .response.status,
    ).toBe(400)
  })

  it('names the first entry that was altered, removed or moved, and notices a cut-off end', async () => {
    const head = (await verify()).head
    // Altered: one detail of entry 3.
    const original = await db()
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '=', 3)
      .executeTakeFirstOrThrow()
    await db()
      .updateTable('audit_log')
      .set({ details: '{"url_host":"evil.example.com"}' })
      .where('seq', '=', 3)
      .execute()
    expect(await verify()).toMatchObject({ ok: false, entries: 2, first_broken: { seq: 3, reason: 'hash' } })
    await db().updateTable('audit_log').set({ details: original.details }).where('seq', '=', 3).execute()
    expect((await verify()).ok).toBe(true)

    // Moved: entries 2 and 4 swap places (their numbers swapped).
    await db().updateTable('audit_log').set({ seq: -2 }).where('seq', '=', 2).execute()
    await db().updateTable('audit_log').set({ seq: 2 }).where('seq', '=', 4).execute()
    await db().updateTable('audit_log').set({ seq: 4 }).where('seq', '=', -2).execute()
    expect(await verify()).toMatchObject({ ok: false, first_broken: { seq: 2, reason: 'previous_hash' } })
    await db().updateTable('audit_log').set({ seq: -4 }).where('seq', '=', 4).execute()
    await db().updateTable('audit_log').set({ seq: 4 }).where('seq', '=', 2).execute()
    await db().updateTable('audit_log').set({ seq: 2 }).where('seq', '=', -4).execute()
    expect((await verify()).ok).toBe(true)

    // Removed: entry 2.
    const second = await db()
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '=', 2)
      .executeTakeFirstOrThrow()
    await db().deleteFrom('audit_log').where('seq', '=', 2).execute()
    expect(await verify()).toMatchObject({
      ok: false,
      entries: 1,
      first_broken: { seq: 2, reason: 'missing' },
    })
    await db().insertInto('audit_log').values(second).execute()
    expect((await verify()).ok).toBe(true)

    // Cut off the end: what is left verifies, but no longer contains the head kept elsewhere.
    await db().deleteFrom('audit_log').where('seq', '=', 5).execute()
    expect((await verify()).ok).toBe(true)
    expect(await verify({ expected_head: head })).toMatchObject({
      ok: false,
      first_broken: null,
      expected_head_found: false,
    })
  })

  it('keeps one chain when many appends race (one appender at a time)', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        server.app.audit.record('cli', { ip: null, requestId: `race-${i}` }, 'test.race', null, { i }),
      ),
    )
    const count = await db()
      .selectFrom('audit_log')
      .select(sql<number>`count(*)`.as('n'))
      .executeTakeFirstOrThrow()
    // Entry 5 was cut off above; the chain goes on from entry 4: 4 + 20 entries, one chain.
    expect(Number(count.n)).toBe(24)
    expect(await verify()).toMatchObject({ ok: true, entries: 24, first_broken: null })
  })
})
