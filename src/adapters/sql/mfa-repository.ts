import type { Kysely, Selectable } from 'kysely'
import { newId } from '../../kernel/tokens.js'
import type {
  MfaChallenge,
  MfaChallengeRepository,
  MfaFactorRecord,
  MfaFactorRepository,
  PasskeyRecord,
  PasskeyRepository,
  RecoveryCodeRepository,
  WebauthnChallengeRepository,
  WebauthnPurpose,
} from '../../modules/mfa/ports.js'
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

export class SqlMfaChallenges implements MfaChallengeRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async create(c: {
    id: string
    accountId: string
    expiresAt: number
    ip: string | null
    userAgent: string | null
    createdAt: number
  }): Promise<void> {
    await this.db
      .insertInto('mfa_challenges')
      .values({
        id: c.id,
        account_id: c.accountId,
        expires_at: c.expiresAt,
        used_at: null,
        ip: c.ip,
        user_agent: c.userAgent?.slice(0, 512) ?? null,
        created_at: c.createdAt,
      })
      .execute()
  }

  async takeAttempt(id: string, now: number, maxAttempts: number): Promise<MfaChallenge | null> {
    const r = await this.db
      .updateTable('mfa_challenges')
      .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
      .where('id', '=', id)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .where('attempts', '<', maxAttempts)
      .returning(['id', 'account_id', 'attempts', 'expires_at'])
      .executeTakeFirst()
    return r
      ? { id: r.id, accountId: r.account_id, attempts: r.attempts, expiresAt: Number(r.expires_at) }
      : null
  }

  async deleteExpiredBefore(cutoff: number): Promise<number> {
    const r = await this.db.deleteFrom('mfa_challenges').where('expires_at', '<', cutoff).executeTakeFirst()
    return Number(r.numDeletedRows)
  }

  async peek(id: string, now: number, maxAttempts: number): Promise<MfaChallenge | null> {
    const r = await this.db
      .selectFrom('mfa_challenges')
      .select(['id', 'account_id', 'attempts', 'expires_at'])
      .where('id', '=', id)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .where('attempts', '<', maxAttempts)
      .executeTakeFirst()
    return r
      ? { id: r.id, accountId: r.account_id, attempts: r.attempts, expiresAt: Number(r.expires_at) }
      : null
  }

  async complete(id: string, now: number): Promise<boolean> {
    const r = await this.db
      .updateTable('mfa_challenges')
      .set({ used_at: now })
      .where('id', '=', id)
      .where('used_at', 'is', null)
      .executeTakeFirst()
    return Number(r.numUpdatedRows) === 1
  }
}

export class SqlRecoveryCodes implements RecoveryCodeRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async replace(accountId: string, hashes: string[], now: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('mfa_recovery_codes').where('account_id', '=', accountId).execute()
      if (hashes.length === 0) return
      await trx
        .insertInto('mfa_recovery_codes')
        .values(
          hashes.map((h) => ({
            id: newId(),
            account_id: accountId,
            code_hash: h,
            used_at: null,
            created_at: now,
          })),
        )
        .execute()
    })
  }

  async consume(accountId: string, hash: string, now: number): Promise<boolean> {
    const r = await this.db
      .updateTable('mfa_recovery_codes')
      .set({ used_at: now })
      .where('account_id', '=', accountId)
      .where('code_hash', '=', hash)
      .where('used_at', 'is', null)
      .executeTakeFirst()
    return Number(r.numUpdatedRows) === 1
  }

  async countUnused(accountId: string): Promise<number> {
    const r = await this.db
      .selectFrom('mfa_recovery_codes')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('account_id', '=', accountId)
      .where('used_at', 'is', null)
      .executeTakeFirstOrThrow()
    return Number(r.n)
  }
}

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

export class SqlWebauthnChallenges implements WebauthnChallengeRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async create(c: {
    id: string
    accountId: string | null
    purpose: WebauthnPurpose
    challenge: string
    loginChallengeId: string | null
    expiresAt: number
    createdAt: number
  }): Promise<void> {
    await this.db
      .insertInto('webauthn_challenges')
      .values({
        id: c.id,
        account_id: c.accountId,
        purpose: c.purpose,
        challenge: c.challenge,
        login_challenge_id: c.loginChallengeId,
        expires_at: c.expiresAt,
        used_at: null,
        created_at: c.createdAt,
      })
      .execute()
  }

  async take(id: string, purpose: WebauthnPurpose, now: number) {
    const r = await this.db
      .updateTable('webauthn_challenges')
      .set({ used_at: now })
      .where('id', '=', id)
      .where('purpose', '=', purpose)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returning(['challenge', 'account_id', 'login_challenge_id'])
      .executeTakeFirst()
    return r
      ? { challenge: r.challenge, accountId: r.account_id, loginChallengeId: r.login_challenge_id }
      : null
  }

  async deleteExpiredBefore(cutoff: number): Promise<number> {
    const r = await this.db
      .deleteFrom('webauthn_challenges')
      .where('expires_at', '<', cutoff)
      .executeTakeFirst()
    return Number(r.numDeletedRows)
  }
}
