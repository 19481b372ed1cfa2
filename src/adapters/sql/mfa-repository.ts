import type { Kysely } from 'kysely'
import type { MfaFactorRecord, MfaFactorRepository } from '../../modules/mfa/ports.js'
import type { Database } from './schema.js'

export class SqlMfaFactorRepository implements MfaFactorRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async create(f: MfaFactorRecord): Promise<void> {
    await this.db
      .insertInto('mfa_factors')
      .values({
        id: f.id,
        account_id: f.accountId,
        kind: f.kind,
        secret: f.secretSealed,
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
}
