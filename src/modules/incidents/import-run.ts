import type { CountryCode } from 'libphonenumber-js'
import { InFlight } from '../../kernel/in-flight.js'
import { leakedEmail, leakedPhone, leakedUsername } from './normalise.js'
import type {
  ExposedField,
  ImportCounts,
  ImportProblem,
  ImportRecord,
  IncidentRepository,
  LeakStage,
  StagedLeakRow,
} from './ports.js'
import { EXPOSED_FIELDS } from './ports.js'
import type { LeakRow } from './readers.js'

/** Chunks matched, or exposures written, at the same time. */
const CHUNKS_AT_ONCE = 2

/** Unparseable rows reported by line number (all are counted). */
export const PROBLEMS_KEPT = 20

/** A running import writes that it is alive this often ... */
export const IMPORT_HEARTBEAT_MS = 20_000

const fieldBits = (fields: Iterable<ExposedField>): number => {
  let bits = 0
  for (const f of fields) bits |= 1 << EXPOSED_FIELDS.indexOf(f)
  return bits
}

/** Which rows have named an account: one bit per staged row. */
class RowSet {
  #bits = new Uint8Array(1024)

  /** Adds `n`; true when it was not there. */
  add(n: number): boolean {
    const byte = n >>> 3
    if (byte >= this.#bits.length) {
      const grown = new Uint8Array(Math.max(byte + 1, this.#bits.length * 2))
      grown.set(this.#bits)
      this.#bits = grown
    }
    const mask = 1 << (n & 7)
    if (this.#bits[byte]! & mask) return false
    this.#bits[byte]! |= mask
    return true
  }
}

export interface ImportRunDeps {
  incidents: IncidentRepository
  now: () => number
  /** Rows per staged batch, and per chunk matched or written. */
  batchSize: number
  /** Region for phones written without a country code. */
  region: CountryCode | undefined
  /** Called after each batch with the counts so far. */
  onProgress?: ((counts: ImportCounts) => void) | undefined
}

/**
 * One import's pass over its rows: each row's identifiers are normalised and staged in the database
 * a batch at a time (the next batch is read while one is written); once the leak is read, the staged
 * rows are matched in each identifier's order and the exposures written in account order, a chunk
 * of `batchSize` at a time (see LeakStage). The counts and the first problems are kept here as they
 * grow, and written after each batch and chunk.
 */
export class ImportRun {
  readonly counts: ImportCounts = { rowsRead: 0, rowsMatched: 0, rowsUnparseable: 0, accountsMatched: 0 }
  readonly problems: ImportProblem[] = []
  #batch: StagedLeakRow[] = []
  readonly #writes = new InFlight(1)

  constructor(
    private readonly deps: ImportRunDeps,
    private readonly record: ImportRecord,
  ) {}

  /**
   * Reads every row and records the exposures; resolves once they are written. On a failure,
   * `drain` is called (so that the rest of the upload can be read away) and the batch being written
   * is waited for before the error is passed on. The stage is dropped either way.
   */
  async run(rows: AsyncIterable<LeakRow>, drain: () => void): Promise<void> {
    // Alive while it runs, even when the rows come slowly: an import whose heartbeat stops (its
    // instance died) is marked failed by sweepInterrupted.
    const heartbeat = setInterval(() => {
      this.deps.incidents.beatImport(this.record.id, this.deps.now()).catch(() => {})
    }, IMPORT_HEARTBEAT_MS)
    heartbeat.unref()
    let stage: LeakStage | undefined
    try {
      stage = await this.deps.incidents.openLeakStage(this.record.id)
      for await (const row of rows) await this.#read(stage, row)
      await this.#flush(stage)
      await this.#writes.settled()
      await this.#match(stage)
    } catch (e) {
      drain()
      await this.#writes.settled().catch(() => {})
      throw e
    } finally {
      clearInterval(heartbeat)
      if (stage) await this.deps.incidents.dropLeakStage(this.record.id).catch(() => {})
    }
  }

  async #read(stage: LeakStage, row: LeakRow): Promise<void> {
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
    this.#batch.push({ username, email, phone, bits: fieldBits(Object.keys(v) as ExposedField[]) })
    if (this.#batch.length >= this.deps.batchSize) await this.#flush(stage)
  }

  #problem(line: number, reason: string): void {
    this.counts.rowsUnparseable += 1
    if (this.problems.length < PROBLEMS_KEPT) {
      this.problems.push({ line, reason })
      // The parser reports some rows out of order.
      this.problems.sort((a, b) => a.line - b.line)
    }
  }

  /** Stages the batch while the next one is read (at most two in memory). */
  async #flush(stage: LeakStage): Promise<void> {
    if (this.#batch.length === 0) return
    const done = this.#batch
    this.#batch = []
    await this.#writes.add(async () => {
      await stage.add(done)
      await this.#progress()
    })
  }

  /**
   * Matches the staged rows, key by key, then writes the exposures, account by account: two chunks
   * at a time (each a statement of its own), the next one's bounds or accounts read meanwhile.
   */
  async #match(stage: LeakStage): Promise<void> {
    const limit = this.deps.batchSize
    const matched = new RowSet()
    const chunks = new InFlight(CHUNKS_AT_ONCE)
    const keys = await stage.sealRows()
    for (const key of keys) {
      let after: string | null = null
      do {
        const from: string | null = after
        const through = await stage.chunkEnd(key, from, limit)
        await chunks.add(async () => {
          for (const n of await stage.match(key, from, through))
            if (matched.add(n)) this.counts.rowsMatched += 1
          await this.#progress()
        })
        after = through
      } while (after !== null)
    }
    await chunks.settled()
    await stage.sealHits()
    let after: string | null = null
    for (;;) {
      const deltas = await stage.exposures(after, limit)
      if (deltas.length === 0) break
      await chunks.add(async () => {
        const fresh = await this.deps.incidents.recordExposures(
          this.record.incidentId,
          this.record.id,
          this.deps.now(),
          deltas,
        )
        // Added once written: `+= await` would add to the count read before another chunk's.
        this.counts.accountsMatched += fresh
        await this.#progress()
      })
      after = deltas[deltas.length - 1]!.accountId
    }
    await chunks.settled()
  }

  async #progress(): Promise<void> {
    await this.deps.incidents.updateImportCounts(this.record.id, this.counts, this.problems, this.deps.now())
    this.deps.onProgress?.({ ...this.counts })
  }
}
