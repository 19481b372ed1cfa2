import type { Kysely, Selectable } from 'kysely'
import type { PasskeyRecord, PasskeyRepository } from '../../modules/mfa/ports.js'
import type { Database, MfaFactorsTable } from './schema.js'

const toPasskey = (r: Selectable<MfaFactorsTable>): PasskeyRecord => ({
  id: r.id,
  accountId: r.account_id,
  credentialId: r.credential_id ?? '',
  publicKey: r.public_key ?? '',
  counter: Number(r.sign_count ?? 0),
  transports: parseTransports(r.transports),
  name: r.name,
  createdAt: Number(r.created_at),
  lastUsedAt: r.last_used_at == null ? null : Number(r.last_used_at),
})

const parseTransports = (raw: string | null): string[] => {
  if (!raw) return []
  try {
    const v: unknown = JSON.parse(raw)
    return Array.isArray(v) ? v.filter((t): t is string => typeof t === 'string') : []
  } catch {
    return []
  }
}

/** Passkeys live in `mfa_factors` (kind `webauthn`), so that every rule about factors covers them. */
export class SqlPasskeyRepository implements PasskeyRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async create(p: PasskeyRecord): Promise<boolean> {
    const r = await this.db
      .insertInto('mfa_factors')
      .values({
        id: p.id,
        account_id: p.accountId,
        kind: 'webauthn',
        secret: null,
        last_used_step: null,
        confirmed_at: p.createdAt,
        created_at: p.createdAt,
        credential_id: p.credentialId,
        public_key: p.publicKey,
        sign_count: p.counter,
        transports: JSON.stringify(p.transports),
        name: p.name,
        last_used_at: null,
      })
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .executeTakeFirst()
    return r !== undefined
  }

  async listForAccount(accountId: string): Promise<PasskeyRecord[]> {
    const rows = await this.db
      .selectFrom('mfa_factors')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('kind', '=', 'webauthn')
      .orderBy('created_at')
      .orderBy('id')
      .execute()
    return rows.map(toPasskey)
  }

  async findByCredentialId(credentialId: string): Promise<PasskeyRecord | null> {
    const r = await this.db
      .selectFrom('mfa_factors')
      .selectAll()
      .where('credential_id', '=', credentialId)
      .where('kind', '=', 'webauthn')
      .executeTakeFirst()
    return r ? toPasskey(r) : null
  }

  async recordUse(id: string, newCounter: number, now: number): Promise<boolean> {
    const r = await this.db
      .updateTable('mfa_factors')
      .set({ sign_count: newCounter, last_used_at: now })
      .where('id', '=', id)
      .where('kind', '=', 'webauthn')
      // A counting authenticator must move forward; one that does not count stays at 0.
      .where('sign_count', newCounter === 0 ? '=' : '<', newCounter)
      .executeTakeFirst()
    return Number(r.numUpdatedRows) === 1
  }
}
