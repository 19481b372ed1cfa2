import { newId } from '../../../kernel/tokens.js'
import { type ImportedHash, ImportHashError } from '../../accounts/legacy/index.js'
import type {
  AccountImportCounts,
  AccountImportProblem,
  AccountImportRepository,
  ImportedAccount,
} from './ports.js'
import type { AccountRow } from './readers.js'
import { type CandidateRow, type RowRules, readRow } from './row.js'

/** Bad rows reported by line number (all are counted). */
export const PROBLEMS_KEPT = 20

/** A running import writes that it is alive this often, even while rows come slowly. */
export const ACCOUNT_IMPORT_HEARTBEAT_MS = 20_000

/** Hashes turned into what is stored at once (a wrapped fast hash is one argon2id on the libuv pool). */
const HASHING_AT_ONCE = 8

export interface AccountImportRunDeps {
  repo: AccountImportRepository
  hasher: { storedFromImport(h: ImportedHash): Promise<string> }
  /** Seals a TOTP secret for the account it belongs to. */
  sealTotp: (secret: string, accountId: string) => string
  now: () => number
  batchSize: number
  rules: Omit<RowRules, 'now'>
  onProgress?: ((counts: AccountImportCounts) => void) | undefined
}

/** Runs `fn` over the items, at most `limit` at a time; the results in the items' order. */
const mapBounded = async <T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> => {
  const out = new Array<R>(items.length)
  let next = 0
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i]!)
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return out
}

const stored = async (deps: AccountImportRunDeps, h: ImportedHash): Promise<string | { bad: string }> => {
  try {
    return await deps.hasher.storedFromImport(h)
  } catch (e) {
    if (e instanceof ImportHashError) return { bad: `the password hash cannot be used (${e.reason})` }
    throw e
  }
}

/**
 * One import's pass over its rows. Each batch is validated as it is read; then, while the next
 * batch is read, it is looked up with one query per kind of identifier, its new accounts' hashes
 * are made ready (a few at a time) and they are written with one statement per table. Nothing is
 * kept from one batch to the next but the counts and the first problems.
 */
export class AccountImportRun {
  readonly counts: AccountImportCounts = { rowsRead: 0, rowsCreated: 0, rowsPresent: 0, rowsBad: 0 }
  readonly problems: AccountImportProblem[] = []
  #batch: CandidateRow[] = []
  #writing: Promise<void> = Promise.resolve()

  constructor(
    private readonly deps: AccountImportRunDeps,
    private readonly importId: string,
  ) {}

  async run(rows: AsyncIterable<AccountRow>, drain: () => void): Promise<void> {
    const heartbeat = setInterval(() => {
      this.deps.repo.beatImport(this.importId, this.deps.now()).catch(() => {})
    }, ACCOUNT_IMPORT_HEARTBEAT_MS)
    heartbeat.unref()
    const rules: RowRules = { ...this.deps.rules, now: this.deps.now() }
    try {
      for await (const row of rows) {
        this.counts.rowsRead += 1
        if ('error' in row) {
          this.#problem(row.line, row.error)
          continue
        }
        const candidate = readRow(row.line, row.values, rules)
        if (typeof candidate === 'string') this.#problem(row.line, candidate)
        else {
          this.#batch.push(candidate)
          if (this.#batch.length >= this.deps.batchSize) await this.#flush()
        }
      }
      await this.#flush()
      await this.#writing
    } catch (e) {
      drain()
      await this.#writing.catch(() => {})
      throw e
    } finally {
      clearInterval(heartbeat)
    }
  }

  #problem(line: number, reason: string): void {
    this.counts.rowsBad += 1
    if (this.problems.length < PROBLEMS_KEPT || line < this.problems[this.problems.length - 1]!.line) {
      this.problems.push({ line, reason })
      // Rows found bad when their batch is written are reported after later lines were read.
      this.problems.sort((a, b) => a.line - b.line)
      if (this.problems.length > PROBLEMS_KEPT) this.problems.pop()
    }
  }

  /** Hands the batch to the writer (after the one before it) and goes on reading. */
  async #flush(): Promise<void> {
    if (this.#batch.length === 0) return
    const done = this.#batch
    this.#batch = []
    await this.#writing
    this.#writing = (async () => {
      await this.#write(done)
      await this.deps.repo.updateImport(this.importId, this.counts, this.problems, this.deps.now())
      this.deps.onProgress?.({ ...this.counts })
    })()
    this.#writing.catch(() => {})
  }

  /** The rows of a batch that are new accounts; the others counted as present or bad. */
  async #fresh(batch: CandidateRow[]): Promise<CandidateRow[]> {
    const externalIds: string[] = []
    const usernames: string[] = []
    const emails: string[] = []
    const phones: string[] = []
    for (const r of batch) {
      if (r.externalId !== null) externalIds.push(r.externalId)
      usernames.push(r.username)
      emails.push(r.emailNorm)
      if (r.phone !== null && r.phoneVerified) phones.push(r.phone)
    }
    const found = await this.deps.repo.lookup({ externalIds, usernames, emails, phones }, this.deps.now())
    const seen = {
      externalIds: new Set<string>(),
      usernames: new Set<string>(),
      emails: new Set<string>(),
      phones: new Set<string>(),
    }
    const fresh: CandidateRow[] = []
    for (const r of batch) {
      const present =
        r.externalId !== null
          ? found.externalIds.has(r.externalId) || seen.externalIds.has(r.externalId)
          : found.emails.has(r.emailNorm)
      if (present) {
        this.counts.rowsPresent += 1
        continue
      }
      const verifiedPhone = r.phone !== null && r.phoneVerified ? r.phone : null
      let bad: string | null = null
      if (found.usernames.has(r.username) || found.reserved.has(r.username) || seen.usernames.has(r.username))
        bad = 'username already used by another account'
      else if (found.emails.has(r.emailNorm) || seen.emails.has(r.emailNorm))
        bad = 'email already used by another account'
      else if (verifiedPhone !== null && (found.phones.has(verifiedPhone) || seen.phones.has(verifiedPhone)))
        bad = 'phone number already used by another account'
      if (bad !== null) {
        this.#problem(r.line, bad)
        continue
      }
      if (r.externalId !== null) seen.externalIds.add(r.externalId)
      seen.usernames.add(r.username)
      seen.emails.add(r.emailNorm)
      if (verifiedPhone !== null) seen.phones.add(verifiedPhone)
      fresh.push(r)
    }
    return fresh
  }

  async #write(batch: CandidateRow[]): Promise<void> {
    const fresh = await this.#fresh(batch)
    if (fresh.length === 0) return
    const now = this.deps.now()
    const hashes = await mapBounded(fresh, HASHING_AT_ONCE, (r) => stored(this.deps, r.hash))
    const accounts: ImportedAccount[] = []
    const lines: number[] = []
    for (let i = 0; i < fresh.length; i++) {
      const r = fresh[i]!
      const h = hashes[i]!
      if (typeof h !== 'string') {
        this.#problem(r.line, h.bad)
        continue
      }
      const id = newId()
      const createdAt = r.createdAt ?? now
      lines.push(r.line)
      accounts.push({
        id,
        externalId: r.externalId,
        username: r.username,
        email: r.email,
        emailNorm: r.emailNorm,
        emailVerifiedAt: r.emailVerified ? createdAt : null,
        phone: r.phone,
        phoneVerifiedAt: r.phone !== null && r.phoneVerified ? createdAt : null,
        role: r.role,
        locale: r.locale,
        createdAt,
        passwordHash: h,
        totpSealed: r.totpSecret === null ? null : this.deps.sealTotp(r.totpSecret, id),
      })
    }
    const written = await this.deps.repo.insertAccounts(accounts, now)
    this.counts.rowsCreated += written.size
    if (written.size < accounts.length) {
      // Taken meanwhile by another writer (a sign-up, another import): reported like a conflict.
      for (let i = 0; i < accounts.length; i++) {
        if (!written.has(accounts[i]!.id)) this.#problem(lines[i]!, 'already used by another account')
      }
    }
  }
}
