import { type Kysely, type SelectQueryBuilder, sql } from 'kysely'
import { noticeKeyPrefix } from '../../modules/campaigns/actions.js'
import type {
  CampaignAction,
  CampaignParams,
  DryRunCounts,
  NewCampaign,
  Selector,
} from '../../modules/campaigns/ports.js'
import type { Dialect } from './dialect.js'
import type { Database } from './schema.js'

type Sel = SelectQueryBuilder<Database, keyof Database, { id: string }>
// biome-ignore lint/suspicious/noExplicitAny: any select is counted the same way
type AnySelect = SelectQueryBuilder<any, any, any>

/** The ids of the accounts a selector selects, as a subquery. */
export const selectedIds = (db: Kysely<Database>, s: Selector): Sel => {
  switch (s.kind) {
    case 'incident': {
      let q = db
        .selectFrom('incident_exposures as e')
        .innerJoin('accounts as a', 'a.id', 'e.account_id')
        .select('a.id')
        .where('e.incident_id', '=', s.incidentId)
      const fields = s.fields ?? []
      if (fields.length > 0) {
        // `fields` is a sorted comma list: match whole items.
        q = q.where((eb) =>
          eb.or(fields.map((f) => eb(sql<string>`',' || e.fields || ','`, 'like', `%,${f},%`))),
        )
      }
      return q as unknown as Sel
    }
    case 'accounts':
      return db
        .selectFrom('accounts')
        .select('id')
        .where('id', 'in', s.ids.length > 0 ? s.ids : ['']) as unknown as Sel
    case 'oidc_client':
      // Accounts holding a grant of the client (an expired one too: revoking it changes nothing).
      return db
        .selectFrom('accounts as a')
        .select('a.id')
        .where(({ exists, selectFrom }) =>
          exists(
            selectFrom('oidc_artifacts as g')
              .select('g.id')
              .whereRef('g.account_id', '=', 'a.id')
              .where('g.model', '=', 'Grant')
              .where('g.client_id', '=', s.clientId),
          ),
        ) as unknown as Sel
    case 'saved': {
      const q = db.selectFrom('accounts as a').select('a.id')
      if (s.name === 'external_accounts') return q.where('a.role', '=', 'partner') as unknown as Sel
      if (s.name === 'all_users') return q.where('a.role', '=', 'user') as unknown as Sel
      // without_second_factor: no confirmed factor (TOTP or passkey).
      return q.where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('mfa_factors as f')
              .select('f.id')
              .whereRef('f.account_id', '=', 'a.id')
              .where('f.confirmed_at', 'is not', null),
          ),
        ),
      ) as unknown as Sel
    }
  }
}

/**
 * Targets are materialised this many at a time, in account id order: each statement stays well
 * inside the statement deadline (GATEHOUSE_DB_STATEMENT_TIMEOUT_MS) however many accounts the
 * selection holds — a force reset of 17.5 million accounts takes 350 statements, not one of
 * minutes.
 */
export const MATERIALISE_CHUNK = 50_000

/**
 * The claim order of targets. Batches are claimed in slot order, then account order. Within a
 * window of `windowChunks` chunks (a million accounts by default), the target at position `n` of
 * its chunk takes slot `window × width + n mod width`: one slot holds every 64th account of each
 * chunk of the window, so a batch takes accounts spread over the window rather than a run of
 * neighbours. On PostgreSQL neighbours in account order share table pages; a batch that marks one
 * account of a page, not all of them, leaves room on the page for the new row version (a heap-only
 * update, without new index entries; migration 0030). The window keeps the batches of a stretch of
 * time within a stretch of the table and its indexes that stays in memory.
 */
export interface TargetSpread {
  width: number
  windowChunks: number
}

export const TARGET_SPREAD: TargetSpread = { width: 64, windowChunks: 20 }

/**
 * Targets are kept in groups of this many accounts that follow each other in claim order (same
 * slot, same chunk), one row per group (migration 0031): a batch claims, and marks, whole groups.
 * Forty ids stay within what PostgreSQL keeps in the row itself, uncompressed. A notify campaign's
 * groups hold one account each: its pace counts messages, and a batch of it may be one message.
 */
export const TARGET_GROUP = 40

/** The size of the groups of a campaign's targets: at most this many accounts each. */
export const groupSizeOf = (action: CampaignAction, group = TARGET_GROUP): number =>
  action === 'notify' ? 1 : group

/** How a selection is materialised: chunks of the selection, the spread, the group size. */
export interface Materialising {
  chunk: number
  spread: TargetSpread
  group: number
}

const MATERIALISING: Materialising = { chunk: MATERIALISE_CHUNK, spread: TARGET_SPREAD, group: TARGET_GROUP }

/** The campaign's row: running, nothing counted yet. */
const insertCampaign = (trx: Kysely<Database>, c: NewCampaign) =>
  trx
    .insertInto('campaigns')
    .values({
      id: c.id,
      incident_id: c.incidentId,
      selector: JSON.stringify(c.selector),
      action: c.action,
      params: JSON.stringify(c.params),
      status: 'running',
      total: 0,
      done: 0,
      failed: 0,
      skipped: 0,
      sessions_revoked: 0,
      not_before: 0,
      created_by: c.createdBy,
      created_at: c.createdAt,
      updated_at: c.createdAt,
      finished_at: null,
    })
    .execute()

/**
 * One chunk of the selection, the ids in (`from`, `to`], as groups: each account's slot (`base`
 * plus its position in the chunk modulo the width), then its group within the slot. Returns how
 * many accounts the groups hold.
 */
const insertGroups = async (
  trx: Kysely<Database>,
  dialect: Dialect,
  c: NewCampaign,
  chunk: { from: string | null; to: string | null; base: number },
  width: number,
  per: number,
): Promise<number> => {
  const { from, to, base } = chunk
  const slotted = trx
    .selectFrom(selectedIds(trx, c.selector).as('s'))
    .select([
      's.id',
      sql<number>`${sql.lit(base)} + (row_number() over (order by s.id) - 1) % ${sql.lit(width)}`.as('slot'),
    ])
    .$if(from !== null, (q) => q.where('s.id', '>', from!))
    .$if(to !== null, (q) => q.where('s.id', '<=', to!))
  const grouped = trx
    .selectFrom(slotted.as('p'))
    .select([
      'p.id',
      'p.slot',
      sql<number>`(row_number() over (partition by p.slot order by p.id) - 1) / ${sql.lit(per)}`.as('g'),
    ])
  const ids =
    dialect.name === 'postgres'
      ? sql<string>`cast(json_agg(g.id order by g.id) as text)`
      : sql<string>`json_group_array(g.id order by g.id)`
  const inserted = await trx
    .insertInto('campaign_target_groups')
    .columns(['campaign_id', 'first_id', 'slot', 'account_ids', 'size', 'status', 'attempts'])
    .expression(
      trx
        .selectFrom(grouped.as('g'))
        .select([
          sql<string>`${c.id}`.as('campaign_id'),
          sql<string>`min(g.id)`.as('first_id'),
          'g.slot',
          ids.as('account_ids'),
          sql<number>`count(*)`.as('size'),
          sql<string>`'pending'`.as('status'),
          sql<number>`0`.as('attempts'),
        ])
        .groupBy(['g.slot', 'g.g'])
        // Written in claim order: a batch's claim and marks then touch neighbouring rows.
        .orderBy('g.slot')
        .orderBy(sql`min(g.id)`),
    )
    .returning('size')
    .execute()
  return inserted.reduce((sum, r) => sum + Number(r.size), 0)
}

/**
 * Inserts the campaign (running) and materialises its targets: the selection is taken once, in
 * the caller's transaction, chunk by chunk (`INSERT … SELECT` of the ids after the previous
 * chunk's last, up to the chunk's boundary). Each account gets its slot (see TargetSpread); the
 * accounts of a slot within a chunk are cut into groups (see TARGET_GROUP), in account order. The
 * campaign's total is the number of accounts.
 */
export const insertWithTargets = async (
  trx: Kysely<Database>,
  dialect: Dialect,
  c: NewCampaign,
  how: Partial<Materialising> = {},
): Promise<void> => {
  const { chunk, spread, group } = { ...MATERIALISING, ...how }
  await insertCampaign(trx, c)
  let total = 0
  let from: string | null = null
  for (let n = 0; ; n += 1) {
    const after: string | null = from
    // The last id of this chunk; none when fewer than `chunk` are left.
    const boundary = await trx
      .selectFrom(selectedIds(trx, c.selector).as('s'))
      .select('s.id')
      .$if(after !== null, (q) => q.where('s.id', '>', after!))
      .orderBy('s.id')
      .offset(chunk - 1)
      .limit(1)
      .executeTakeFirst()
    const to: string | null = boundary?.id ?? null
    const base = Math.floor(n / spread.windowChunks) * spread.width
    total += await insertGroups(
      trx,
      dialect,
      c,
      { from, to, base },
      spread.width,
      groupSizeOf(c.action, group),
    )
    if (to === null) break
    from = to
  }
  await trx.updateTable('campaigns').set({ total }).where('id', '=', c.id).execute()
}

/** The rows a query returns, counted. */
const countOf = async (db: Kysely<Database>, q: AnySelect): Promise<number> => {
  const r = await db
    .selectFrom(q.as('q'))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(r.n)
}

/** What a dry run needs: the database, the selection (a fresh subquery per call), its size, "now". */
interface Preview {
  db: Kysely<Database>
  sel: () => Sel
  selected: number
  now: number
  count: (q: AnySelect) => Promise<number>
}

const liveSessions = (p: Preview) =>
  p.db
    .selectFrom('sessions')
    .where('account_id', 'in', p.sel())
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', p.now)
    .where('idle_expires_at', '>', p.now)

const forcePasswordReset = async (p: Preview) => {
  const already = await p.count(
    p.db
      .selectFrom('accounts')
      .select('id')
      .where('id', 'in', p.sel())
      .where('password_reset_required_at', 'is not', null),
  )
  return {
    accounts_reset_required: p.selected - already,
    accounts_already_required: already,
    sessions_revoked: await p.count(liveSessions(p).select('id')),
    tokens_revoked: await p.count(
      p.db
        .selectFrom('one_time_tokens')
        .select('id')
        .where('account_id', 'in', p.sel())
        .where('used_at', 'is', null)
        .where('expires_at', '>', p.now),
    ),
  }
}

const revokeSessions = async (p: Preview) => ({
  sessions_revoked: await p.count(liveSessions(p).select('id')),
  accounts_with_sessions: await p.count(liveSessions(p).select('account_id').distinct()),
})

/** revoke_client: the selected accounts' live grants of the client, and how many accounts hold one. */
const revokeClient = async (p: Preview, params: CampaignParams) => {
  const grants = () =>
    p.db
      .selectFrom('oidc_artifacts')
      .where('model', '=', 'Grant')
      .where('client_id', '=', params.revokeClient?.clientId ?? '')
      .where('account_id', 'in', p.sel())
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', p.now)]))
  return {
    grants_revoked: await p.count(grants().select('id')),
    accounts_with_grants: await p.count(grants().select('account_id').distinct()),
  }
}

const requireMfaEnrolment = async (p: Preview) => {
  const withFactor = await p.count(
    p.db
      .selectFrom('mfa_factors')
      .select('account_id')
      .distinct()
      .where('account_id', 'in', p.sel())
      .where('confirmed_at', 'is not', null),
  )
  return { accounts_without_factor: p.selected - withFactor, accounts_with_factor: withFactor }
}

const resetLock = async (p: Preview) => {
  const on = await p.count(
    p.db.selectFrom('accounts').select('id').where('id', 'in', p.sel()).where('reset_lock', '=', 1),
  )
  return { accounts_locked: p.selected - on, accounts_already_locked: on }
}

const notify = async (p: Preview, params: CampaignParams, incidentId: string | null) => {
  const n = params.notify!
  const reachable = p.db
    .selectFrom('accounts as a')
    .select('a.id')
    .where('a.id', 'in', p.sel())
    .where(n.channel === 'email' ? 'a.email_verified_at' : 'a.phone_verified_at', 'is not', null)
  const reach = await p.count(reachable)
  const prefix = noticeKeyPrefix(incidentId, n)
  const already = await p.count(
    reachable.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('outbox as o')
          .select('o.id')
          .whereRef('o.dedupe_key', '=', sql<string>`${prefix} || a.id`),
      ),
    ),
  )
  return {
    messages_queued: reach - already,
    accounts_already_notified: already,
    accounts_unreachable: p.selected - reach,
  }
}

/** Counts what a campaign would select and change (docs/campaigns.md, dry-run `effects`). */
export const dryRunCounts = async (
  db: Kysely<Database>,
  selector: Selector,
  action: CampaignAction,
  params: CampaignParams,
  incidentId: string | null,
  now: number,
): Promise<DryRunCounts> => {
  const sel = () => selectedIds(db, selector)
  const count = (q: AnySelect) => countOf(db, q)
  const p: Preview = { db, sel, selected: await count(sel()), now, count }
  const effects: Record<string, number> =
    action === 'force_password_reset'
      ? await forcePasswordReset(p)
      : action === 'revoke_sessions'
        ? await revokeSessions(p)
        : action === 'require_mfa_enrollment'
          ? await requireMfaEnrolment(p)
          : action === 'reset_lock'
            ? await resetLock(p)
            : action === 'revoke_client'
              ? await revokeClient(p, params)
              : await notify(p, params, incidentId)
  return { selected: p.selected, effects }
}
