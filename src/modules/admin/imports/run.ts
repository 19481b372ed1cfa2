import { randomUUID } from 'node:crypto'
import { InFlight } from '../../../kernel/in-flight.js'
import { type ImportedHash, ImportHashError } from '../../accounts/legacy/index.js'
import type {
  AccountImportCounts,
  AccountImportProblem,
  AccountImportRepository,
  ExistingIdentifiers,
  ImportedAccount,
} from './ports.js'
import type { AccountRow } from './readers.js'
import { type CandidateRow, type RowRules, readRow } from './row.js'

/** Bad rows reported by line number (all are counted). */
export const PROBLEMS_KEPT = 20

/** A running import writes that it is alive this often, even while rows come slowly. */
export const ACCOUNT_IMPORT_HEARTBEAT_MS = 20_000

/** Accounts created by one import from which it ends with the repository's `afterBulkLoad`. */
export const BULK_LOAD_ACCOUNTS = 10_000

/** Formats whose hashes may be wrapped in argon2id (PBKDF2 below OWASP's iterations). */
const WRAPPED = new Set(['md5', 'sha1', 'sha256', 'pbkdf2'])

const NOTHING: ExistingIdentifiers = {
  externalIds: new Map(),
  usernames: new Map(),
  emails: new Map(),
  phones: new Map(),
  reserved: new Set(),
}

/**
 * Batches written at the same time. While one batch's statement runs, the other's values are
 * being built or its result read, and PostgreSQL is not left waiting between batches. Two batches
 * may name one account: the database writes it once (the later insert waits for the earlier one's
 * commit, then leaves it out) and the row it turned down is looked up and counted as present.
 */
export const BATCHES_WRITTEN_AT_ONCE = 2

/** The import's counts are written at most this often while it runs (and once at its end). */
export const PROGRESS_WRITE_MS = 1_000

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

/**
 * A UUIDv7 (RFC 9562): the time first, so that an import's accounts land at the end of the primary
 * key's index instead of at random pages of it (what keeps the cost per row flat at millions).
 */
export const timeOrderedId = (at: number): string => {
  // randomUUID draws its randomness in bulk (a v4: its variant bits are v7's too).
  const random = randomUUID()
  const time = at.toString(16).padStart(12, '0')
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${random.slice(15)}`
}

/** The identifiers of a batch's accounts, to find the rows of one batch that name one account. */
interface Identifiers {
  externalIds: Set<string>
  usernames: Set<string>
  emails: Set<string>
  phones: Set<string>
}
const identifiers = (): Identifiers => ({
  externalIds: new Set(),
  usernames: new Set(),
  emails: new Set(),
  phones: new Set(),
})

/** An account as the row it came from (what the lookups and `#taken` read). */
const asRow = (a: ImportedAccount, line = 0): Omit<CandidateRow, 'hash'> => ({
  line,
  externalId: a.externalId,
  username: a.username,
  email: a.email,
  emailNorm: a.emailNorm,
  emailVerified: a.emailVerifiedAt !== null,
  phone: a.phone,
  phoneVerified: a.phoneVerifiedAt !== null,
  role: a.role,
  locale: a.locale,
  createdAt: a.createdAt,
  totpSecret: null,
})

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
 * batch is read, it is looked up with one query per kind of identifier (when it has hashes to
 * wrap), its new accounts' hashes are made ready (a few at a time) and they are written with one
 * statement per table, beside the batch before it. Nothing is kept from one batch to the next but
 * the counts and the first problems.
 */
export class AccountImportRun {
  readonly counts: AccountImportCounts = { rowsRead: 0, rowsCreated: 0, rowsPresent: 0, rowsBad: 0 }
  readonly problems: AccountImportProblem[] = []
  #batch: CandidateRow[] = []
  readonly #writes = new InFlight(BATCHES_WRITTEN_AT_ONCE)
  /** When the counts were last written (0: not yet). */
  #progressWrittenAt = 0

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
      await this.#writes.settled()
      // The last counts, in a commit that waits for the disk and so puts every commit before it
      // there: the batches' commits do not wait, and PostgreSQL's VACUUM marks a page all-visible
      // only once its rows' commits are on disk. (A commit that wrote nothing does not wait.)
      await this.deps.repo.updateImport(this.importId, this.counts, this.problems, this.deps.now())
      if (this.counts.rowsCreated >= BULK_LOAD_ACCOUNTS) {
        // While the heartbeat still runs. The accounts are written whatever becomes of it, and
        // autovacuum does the same in its own time: a failure here does not fail the import.
        await this.deps.repo.afterBulkLoad().catch(() => {})
      }
    } catch (e) {
      drain()
      await this.#writes.settled().catch(() => {})
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

  /**
   * Starts the batch's lookup and write as soon as fewer than `BATCHES_WRITTEN_AT_ONCE` batches are
   * being written. Reading goes on meanwhile: at most three batches are in memory.
   */
  async #flush(): Promise<void> {
    if (this.#batch.length === 0) return
    const batch = this.#batch
    this.#batch = []
    await this.#writes.add(async () => {
      // Rows whose hash must be wrapped (an argon2id each) are looked up first, so that a file
      // imported again does not wrap them again; the others are written at once, and only the rows
      // the database turns down are looked up, to tell an account already there from a conflict.
      const existing = batch.some((r) => WRAPPED.has(r.hash.format)) ? await this.#lookup(batch) : NOTHING
      await this.#write(this.#fresh(batch, existing))
      const now = this.deps.now()
      if (now - this.#progressWrittenAt >= PROGRESS_WRITE_MS) {
        this.#progressWrittenAt = now
        await this.deps.repo.updateImport(this.importId, this.counts, this.problems, now)
      }
      this.deps.onProgress?.({ ...this.counts })
    })
  }

  #lookup(batch: Array<Omit<CandidateRow, 'hash'>>): Promise<ExistingIdentifiers> {
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
    return this.deps.repo.lookup({ externalIds, usernames, emails, phones }, this.deps.now())
  }

  /** The rows of a batch that are new accounts; the others counted as present or bad. */
  #fresh(batch: CandidateRow[], found: ExistingIdentifiers): CandidateRow[] {
    const seen = identifiers()
    const has = (kind: keyof Identifiers, value: string) => seen[kind].has(value)
    const fresh: CandidateRow[] = []
    for (const r of batch) {
      if (this.#taken(r, found, has)) continue
      const verifiedPhone = r.phone !== null && r.phoneVerified ? r.phone : null
      if (r.externalId !== null) seen.externalIds.add(r.externalId)
      seen.usernames.add(r.username)
      seen.emails.add(r.emailNorm)
      if (verifiedPhone !== null) seen.phones.add(verifiedPhone)
      fresh.push(r)
    }
    return fresh
  }

  /**
   * Counts the row as present (its external id, or without one its email, has an account) or bad
   * (its username, email or verified phone belongs to another account) and returns true; false
   * for a row that is new.
   */
  #taken(
    r: Omit<CandidateRow, 'hash'>,
    found: ExistingIdentifiers,
    has: (kind: keyof Identifiers, value: string) => boolean = () => false,
  ): boolean {
    const present =
      r.externalId !== null
        ? found.externalIds.has(r.externalId) || has('externalIds', r.externalId)
        : found.emails.has(r.emailNorm) || has('emails', r.emailNorm)
    if (present) {
      this.counts.rowsPresent += 1
      return true
    }
    const verifiedPhone = r.phone !== null && r.phoneVerified ? r.phone : null
    let bad: string | null = null
    if (found.usernames.has(r.username) || found.reserved.has(r.username) || has('usernames', r.username))
      bad = 'username already used by another account'
    else if (found.emails.has(r.emailNorm) || has('emails', r.emailNorm))
      bad = 'email already used by another account'
    else if (verifiedPhone !== null && (found.phones.has(verifiedPhone) || has('phones', verifiedPhone)))
      bad = 'phone number already used by another account'
    if (bad === null) return false
    this.#problem(r.line, bad)
    return true
  }

  /** Makes the hashes ready and writes the accounts. */
  async #write(fresh: CandidateRow[]): Promise<void> {
    if (fresh.length === 0) return
    const now = this.deps.now()
    // Kept hashes cost nothing to store: only batches with hashes to wrap are bounded.
    const hashes = fresh.some((r) => WRAPPED.has(r.hash.format))
      ? await mapBounded(fresh, HASHING_AT_ONCE, (r) => stored(this.deps, r.hash))
      : await Promise.all(fresh.map((r) => stored(this.deps, r.hash)))
    const accounts: ImportedAccount[] = []
    const lines: number[] = []
    for (let i = 0; i < fresh.length; i++) {
      const r = fresh[i]!
      const h = hashes[i]!
      if (typeof h !== 'string') {
        this.#problem(r.line, h.bad)
        continue
      }
      const id = timeOrderedId(now)
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
    const refused = accounts.filter((a) => !written.has(a.id))
    const found = refused.length > 0 ? await this.#lookup(refused.map(asRow)) : NOTHING
    for (let i = 0; i < accounts.length; i++) {
      const a = accounts[i]!
      if (!written.has(a.id) && !this.#taken(asRow(a, lines[i]!), found)) {
        // Taken and gone again meanwhile (another writer): reported like a conflict.
        this.#problem(lines[i]!, 'already used by another account')
      }
    }
  }
}
