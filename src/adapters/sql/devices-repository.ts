import type { Kysely, Selectable } from 'kysely'
import type {
  CodeChannel,
  DeviceRecord,
  DeviceRepository,
  LoginCodeRepository,
  LoginNoticeRepository,
} from '../../modules/devices/ports.js'
import type { Database, DevicesTable } from './schema.js'
import { statement } from './statement.js'

const toDevice = (r: Selectable<DevicesTable>): DeviceRecord => ({
  id: r.id,
  accountId: r.account_id,
  deviceHash: r.device_hash,
  userAgent: r.user_agent,
  ip: r.ip,
  createdAt: Number(r.created_at),
  lastSeenAt: Number(r.last_seen_at),
  rememberedUntil: r.remembered_until == null ? null : Number(r.remembered_until),
})

// What every login from a known device reads and writes, compiled once.
const findDevice = statement((db, v: { accountId: string; deviceHash: string }) =>
  db
    .selectFrom('devices')
    .selectAll()
    .where('account_id', '=', v.accountId)
    .where('device_hash', '=', v.deviceHash),
)
const touchDevice = statement(
  (db, v: { id: string; at: number; ip: string | null; userAgent: string | null }) =>
    db
      .updateTable('devices')
      .set({ last_seen_at: v.at, ip: v.ip, user_agent: v.userAgent })
      .where('id', '=', v.id),
)

export class SqlDeviceRepository implements DeviceRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async find(accountId: string, deviceHash: string): Promise<DeviceRecord | null> {
    const r = (await findDevice.run(this.db, { accountId, deviceHash })).rows[0]
    return r ? toDevice(r) : null
  }

  async countForAccount(accountId: string): Promise<number> {
    const r = await this.db
      .selectFrom('devices')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('account_id', '=', accountId)
      .executeTakeFirstOrThrow()
    return Number(r.n)
  }

  async create(d: DeviceRecord): Promise<boolean> {
    const r = await this.db
      .insertInto('devices')
      .values({
        id: d.id,
        account_id: d.accountId,
        device_hash: d.deviceHash,
        user_agent: d.userAgent?.slice(0, 512) ?? null,
        ip: d.ip,
        created_at: d.createdAt,
        last_seen_at: d.lastSeenAt,
        remembered_until: d.rememberedUntil,
      })
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .executeTakeFirst()
    return r !== undefined
  }

  async touch(
    id: string,
    at: number,
    seen: { ip: string | null; userAgent: string | null },
    rememberedUntil?: number,
  ): Promise<void> {
    const userAgent = seen.userAgent?.slice(0, 512) ?? null
    if (rememberedUntil === undefined) {
      await touchDevice.run(this.db, { id, at, ip: seen.ip, userAgent })
      return
    }
    await this.db
      .updateTable('devices')
      .set({
        last_seen_at: at,
        ip: seen.ip,
        user_agent: userAgent,
        remembered_until: rememberedUntil,
      })
      .where('id', '=', id)
      .execute()
  }

  async forgetRemembered(accountId: string, now: number): Promise<number> {
    const r = await this.db
      .updateTable('devices')
      .set({ remembered_until: null })
      .where('account_id', '=', accountId)
      .where('remembered_until', '>', now)
      .executeTakeFirst()
    return Number(r.numUpdatedRows)
  }
}

export class SqlLoginCodes implements LoginCodeRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async issue(c: {
    id: string
    challengeId: string
    accountId: string
    channel: CodeChannel
    codeHash: string
    expiresAt: number
    createdAt: number
  }): Promise<void> {
    await this.db
      .updateTable('login_codes')
      .set({ used_at: c.createdAt })
      .where('challenge_id', '=', c.challengeId)
      .where('channel', '=', c.channel)
      .where('used_at', 'is', null)
      .execute()
    await this.db
      .insertInto('login_codes')
      .values({
        id: c.id,
        challenge_id: c.challengeId,
        account_id: c.accountId,
        channel: c.channel,
        code_hash: c.codeHash,
        expires_at: c.expiresAt,
        used_at: null,
        created_at: c.createdAt,
      })
      .execute()
  }

  async consume(challengeId: string, channel: CodeChannel, codeHash: string, now: number): Promise<boolean> {
    const r = await this.db
      .updateTable('login_codes')
      .set({ used_at: now })
      .where('challenge_id', '=', challengeId)
      .where('channel', '=', channel)
      .where('code_hash', '=', codeHash)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst()
    return Number(r.numUpdatedRows) === 1
  }

  async deleteCreatedBefore(cutoff: number): Promise<number> {
    const r = await this.db.deleteFrom('login_codes').where('created_at', '<', cutoff).executeTakeFirst()
    return Number(r.numDeletedRows)
  }
}

export class SqlLoginNotices implements LoginNoticeRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async create(n: {
    id: string
    accountId: string
    sessionId: string
    tokenHash: string
    expiresAt: number
    createdAt: number
  }): Promise<void> {
    await this.db
      .insertInto('login_notices')
      .values({
        id: n.id,
        account_id: n.accountId,
        session_id: n.sessionId,
        token_hash: n.tokenHash,
        expires_at: n.expiresAt,
        used_at: null,
        created_at: n.createdAt,
      })
      .execute()
  }

  async deleteExpiredBefore(cutoff: number): Promise<number> {
    const r = await this.db.deleteFrom('login_notices').where('expires_at', '<', cutoff).executeTakeFirst()
    return Number(r.numDeletedRows)
  }

  async consume(tokenHash: string, now: number): Promise<{ accountId: string; sessionId: string } | null> {
    const r = await this.db
      .updateTable('login_notices')
      .set({ used_at: now })
      .where('token_hash', '=', tokenHash)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returning(['account_id', 'session_id'])
      .executeTakeFirst()
    return r ? { accountId: r.account_id, sessionId: r.session_id } : null
  }
}
