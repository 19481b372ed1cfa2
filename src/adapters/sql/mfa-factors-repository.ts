import type { Kysely, Selectable } from 'kysely'
import type { MfaFactorRecord, MfaFactorRepository } from '../../modules/mfa/ports.js'
import type { Database, MfaFactorsTable } from './schema.js'
import { statement } from './statement.js'

const toFactor = (r: Selectable<MfaFactorsTable>): MfaFactorRecord => ({
  id: r.id,
  accountId: r.account_id,
  kind: r.kind === 'webauthn' || r.kind === 'email' || r.kind === 'sms' ? r.kind : 'totp',
  secretSealed: r.secret ?? '',
  lastUsedStep: r.last_used_step == null ? null : Number(r.last_used_step),
  confirmedAt: r.confirmed_at == null ? null : Number(r.confirmed_at),
  createdAt: Number(r.created_at),
})

/** Every login with a right password asks which factors the account has. */
const factorsOf = statement((db, v: { accountId: string }) =>
  db.selectFrom('mfa_factors').selectAll().where('account_id', '=', v.accountId).orderBy('created_at'),
)

export class SqlMfaFactorRepository implements MfaFactorRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async create(f: MfaFactorRecord): Promise<void> {
    await this.db
      .insertInto('mfa_factors')
      .values({
        id: f.id,
        account_id: f.accountId,
        kind: f.kind,
        secret: f.secretSealed || null,
        last_used_step: f.lastUsedStep,
        confirmed_at: f.confirmedAt,
        created_at: f.createdAt,
      })
      .execute()
  }

  async listConfirmed(accountId: string): Promise<MfaFactorRecord[]> {
    const rows = await this.db
      .selectFrom('mfa_factors')
      .select(['id', 'account_id', 'secret', 'last_used_step', 'confirmed_at', 'created_at'])
      .where('account_id', '=', accountId)
      .where('kind', '=', 'totp')
      .where('confirmed_at', 'is not', null)
      .where('secret', 'is not', null)
      .orderBy('created_at')
      .orderBy('id')
      .execute()
    return rows.map((r) => ({
      id: r.id,
      accountId: r.account_id,
      kind: 'totp' as const,
      secretSealed: r.secret!,
      lastUsedStep: r.last_used_step == null ? null : Number(r.last_used_step),
      confirmedAt: r.confirmed_at == null ? null : Number(r.confirmed_at),
      createdAt: Number(r.created_at),
    }))
  }

  async hasConfirmed(accountId: string): Promise<boolean> {
    const r = await this.db
      .selectFrom('mfa_factors')
      .select('id')
      .where('account_id', '=', accountId)
      .where('confirmed_at', 'is not', null)
      .limit(1)
      .executeTakeFirst()
    return r !== undefined
  }

  async markStepUsed(factorId: string, step: number): Promise<boolean> {
    // One conditional UPDATE: the database serialises concurrent writers of the row and each
    // re-checks the condition against the committed value, so only one caller moves it to `step`.
    const r = await this.db
      .updateTable('mfa_factors')
      .set({ last_used_step: step })
      .where('id', '=', factorId)
      .where((eb) => eb.or([eb('last_used_step', 'is', null), eb('last_used_step', '<', step)]))
      .executeTakeFirst()
    return Number(r.numUpdatedRows) === 1
  }

  async confirm(factorId: string, at: number): Promise<void> {
    await this.db
      .updateTable('mfa_factors')
      .set({ confirmed_at: at })
      .where('id', '=', factorId)
      .where('confirmed_at', 'is', null)
      .execute()
  }

  async deleteForAccount(accountId: string): Promise<number> {
    const r = await this.db.deleteFrom('mfa_factors').where('account_id', '=', accountId).executeTakeFirst()
    return Number(r.numDeletedRows)
  }

  async deleteOne(
    accountId: string,
    factorId: string,
    opts: { keepOneConfirmed?: boolean; keepOneOf?: readonly MfaFactorRecord['kind'][] } = {},
  ): Promise<MfaFactorRecord | null | 'last'> {
    const remove = async (db: Kysely<Database>) => {
      const r = await db
        .deleteFrom('mfa_factors')
        .where('id', '=', factorId)
        .where('account_id', '=', accountId)
        .returningAll()
        .executeTakeFirst()
      return r ? toFactor(r) : null
    }
    if (!opts.keepOneConfirmed) return remove(this.db)
    return this.db.transaction().execute(async (trx) => {
      // Writing the account row first takes the lock every removal of its factors waits for: the
      // row lock on PostgreSQL, the database's write lock on SQLite (before anything is read, so a
      // second connection waits instead of failing).
      await trx
        .updateTable('accounts')
        .set((eb) => ({ updated_at: eb.ref('updated_at') }))
        .where('id', '=', accountId)
        .execute()
      const target = await trx
        .selectFrom('mfa_factors')
        .select(['confirmed_at', 'kind'])
        .where('id', '=', factorId)
        .where('account_id', '=', accountId)
        .executeTakeFirst()
      if (!target) return null
      const kinds = opts.keepOneOf
      const counts = kinds === undefined || (kinds as readonly string[]).includes(target.kind)
      if (target.confirmed_at !== null && counts) {
        let others = trx
          .selectFrom('mfa_factors')
          .select('id')
          .where('account_id', '=', accountId)
          .where('confirmed_at', 'is not', null)
          .where('id', '<>', factorId)
        if (kinds !== undefined) others = others.where('kind', 'in', kinds.length > 0 ? [...kinds] : [''])
        const other = await others.limit(1).executeTakeFirst()
        if (!other) return 'last' as const
      }
      return remove(trx)
    })
  }

  async findPending(accountId: string): Promise<MfaFactorRecord | null> {
    const r = await this.db
      .selectFrom('mfa_factors')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('kind', '=', 'totp')
      .where('confirmed_at', 'is', null)
      .orderBy('created_at', 'desc')
      .executeTakeFirst()
    return r ? toFactor(r) : null
  }

  async deletePending(accountId: string): Promise<number> {
    const r = await this.db
      .deleteFrom('mfa_factors')
      .where('account_id', '=', accountId)
      .where('confirmed_at', 'is', null)
      .executeTakeFirst()
    return Number(r.numDeletedRows)
  }

  async deleteConfirmedExcept(accountId: string, keepId: string): Promise<number> {
    const r = await this.db
      .deleteFrom('mfa_factors')
      .where('account_id', '=', accountId)
      .where('kind', '=', 'totp')
      .where('confirmed_at', 'is not', null)
      .where('id', '!=', keepId)
      .executeTakeFirst()
    return Number(r.numDeletedRows)
  }

  async listAll(accountId: string): Promise<MfaFactorRecord[]> {
    const { rows } = await factorsOf.run(this.db, { accountId })
    return rows.map(toFactor)
  }
}
