import type { CountryCode } from 'libphonenumber-js'
import { WriteBehind } from '../../kernel/write-behind.js'
import { leakedEmail, leakedPhone, leakedUsername } from './normalise.js'
import type {
  BatchMatches,
  ExposedField,
  ExposureDelta,
  ImportCounts,
  ImportProblem,
  ImportRecord,
  IncidentRepository,
} from './ports.js'
import { EXPOSED_FIELDS } from './ports.js'
import type { LeakRow } from './readers.js'

/** Unparseable rows reported by line number (all are counted). */
export const PROBLEMS_KEPT = 20

/** A running import writes that it is alive this often ... */
export const IMPORT_HEARTBEAT_MS = 20_000

const fieldBits = (fields: Iterable<ExposedField>): number => {
  let bits = 0
  for (const f of fields) bits |= 1 << EXPOSED_FIELDS.indexOf(f)
  return bits
}
const bitFields = (bits: number): ExposedField[] => EXPOSED_FIELDS.filter((_, i) => bits & (1 << i))

/** The normalised identifiers of up to a batch of rows, and the distinct values to look up. */
class Batch {
  readonly usernames = new Set<string>()
  readonly emails = new Set<string>()
  readonly phones = new Set<string>()
  readonly rowUsername: Array<string | null> = []
  readonly rowEmail: Array<string | null> = []
  readonly rowPhone: Array<string | null> = []
  readonly bits: number[] = []

  get size(): number {
    return this.bits.length
  }

  add(username: string | null, email: string | null, phone: string | null, bits: number): void {
    if (username !== null) this.usernames.add(username)
    if (email !== null) this.emails.add(email)
    if (phone !== null) this.phones.add(phone)
    this.rowUsername.push(username)
    this.rowEmail.push(email)
    this.rowPhone.push(phone)
    this.bits.push(bits)
  }
}

export interface ImportRunDeps {
  incidents: IncidentRepository
  now: () => number
  /** Rows per batch (one lookup per identifier kind and one write each). */
  batchSize: number
  /** Region for phones written without a country code. */
  region: CountryCode | undefined
  /** Called after each batch with the counts so far. */
  onProgress?: ((counts: ImportCounts) => void) | undefined
}

/**
 * One import's pass over its rows: each batch's identifiers are normalised, looked up with one
 * query per kind, and the matched accounts' exposures written with one statement. The counts and
 * the first problems are kept here as they grow (and written after each batch).
 */
export class ImportRun {
  readonly counts: ImportCounts = { rowsRead: 0, rowsMatched: 0, rowsUnparseable: 0, accountsMatched: 0 }
  readonly problems: ImportProblem[] = []
  #batch = new Batch()
  /** Each batch looked up while the one before it is written; exposures written in order. */
  readonly #writes = new WriteBehind<void>(undefined)

  constructor(
    private readonly deps: ImportRunDeps,
    private readonly record: ImportRecord,
  ) {}

  /**
   * Reads every row and records the exposures; resolves once the last batch is written. On a
   * failure, `drain` is called (so that the rest of the upload can be read away) and the batch
   * being written is waited for before the error is passed on.
   */
  async run(rows: AsyncIterable<LeakRow>, drain: () => void): Promise<void> {
    // Alive while it runs, even when the rows come slowly: an import whose heartbeat stops (its
    // instance died) is marked failed by sweepInterrupted.
    const heartbeat = setInterval(() => {
      this.deps.incidents.beatImport(this.record.id, this.deps.now()).catch(() => {})
    }, IMPORT_HEARTBEAT_MS)
    heartbeat.unref()
    try {
      for await (const row of rows) await this.#read(row)
      await this.#flush()
      await this.#writes.settled()
    } catch (e) {
      drain()
      await this.#writes.settled().catch(() => {})
      throw e
    } finally {
      clearInterval(heartbeat)
    }
  }

  async #read(row: LeakRow): Promise<void> {
    this.counts.rowsRead += 1
    if ('error' in row) {
      this.#problem(row.line, row.error)
      return
    }
    const v = row.values
    const username = v.username !== undefined ? leakedUsername(v.username) : null
    const email = v.email !== undefined ? leakedEmail(v.email) : null
    const phone = v.phone !== undefined ? leakedPhone(v.phone, this.deps.region) : null
    if (username === null && email === null && phone === null) {
      this.#problem(row.line, 'no usable username, email or phone')
      return
    }
    this.#batch.add(username, email, phone, fieldBits(Object.keys(v) as ExposedField[]))
    if (this.#batch.size >= this.deps.batchSize) await this.#flush()
  }

  #problem(line: number, reason: string): void {
    this.counts.rowsUnparseable += 1
    if (this.problems.length < PROBLEMS_KEPT) {
      this.problems.push({ line, reason })
      // The parser reports some rows out of order.
      this.problems.sort((a, b) => a.line - b.line)
    }
  }

  /**
   * Looks the batch up at once, while the batch before it is still being written (it waits only for
   * the one before that), and queues its write after that one's: on PostgreSQL a lookup's round
   * trips and reads overlap the previous write's. Reading goes on meanwhile: at most three batches
   * are in memory. Exposures are written one batch at a time, in order.
   */
  async #flush(): Promise<void> {
    if (this.#batch.size === 0) return
    const done = this.#batch
    this.#batch = new Batch()
    await this.#writes.add(
      () =>
        this.deps.incidents.matchIdentifiers({
          usernames: [...done.usernames],
          emails: [...done.emails],
          phones: [...done.phones],
        }),
      async (matches) => {
        this.counts.rowsMatched += await this.#write(done, matches)
        await this.deps.incidents.updateImportCounts(
          this.record.id,
          this.counts,
          this.problems,
          this.deps.now(),
        )
        this.deps.onProgress?.({ ...this.counts })
      },
    )
  }

  /** Records the exposures of one batch, looked up (`found`); returns how many of its rows matched. */
  async #write(b: Batch, found: BatchMatches): Promise<number> {
    const deltas = new Map<string, { bits: number; rows: number }>()
    let matched = 0
    const hit = (accountId: string | undefined, bits: number, seen: string[]) => {
      if (accountId === undefined || seen.includes(accountId)) return
      seen.push(accountId)
      const d = deltas.get(accountId)
      if (d) {
        d.bits |= bits
        d.rows += 1
      } else deltas.set(accountId, { bits, rows: 1 })
    }
    for (let i = 0; i < b.size; i++) {
      const seen: string[] = []
      const bits = b.bits[i]!
      const u = b.rowUsername[i]
      const e = b.rowEmail[i]
      const p = b.rowPhone[i]
      if (u !== null && u !== undefined) hit(found.usernames.get(u), bits, seen)
      if (e !== null && e !== undefined) hit(found.emails.get(e), bits, seen)
      if (p !== null && p !== undefined) hit(found.phones.get(p), bits, seen)
      if (seen.length > 0) matched += 1
    }
    if (deltas.size > 0) {
      const list: ExposureDelta[] = []
      for (const [accountId, d] of deltas) list.push({ accountId, fields: bitFields(d.bits), rows: d.rows })
      this.counts.accountsMatched += await this.deps.incidents.recordExposures(
        this.record.incidentId,
        this.record.id,
        this.deps.now(),
        list,
      )
    }
    return matched
  }
}
