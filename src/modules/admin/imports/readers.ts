import type { Readable } from 'node:stream'
import { parse } from 'csv-parse'
import { AppError } from '../../../kernel/errors.js'
import type { AccountImportFormat, AccountImportMapping, ImportField } from './ports.js'

/** One data row of an account file: the mapped fields it holds (as text), or why it could not be read. */
export type AccountRow =
  | { line: number; values: Partial<Record<ImportField, string>> }
  | { line: number; error: string }

/** Longest CSV record or JSON line read (a longer JSON line is one bad row; a longer CSV record stops the import). */
export const MAX_RECORD_BYTES = 1024 * 1024

const csvReason = (e: unknown): string => {
  const code = String((e as { code?: unknown }).code ?? '')
  if (code.includes('INCONSISTENT')) return 'wrong number of columns'
  if (code.includes('QUOTE')) return 'broken quoting'
  return 'not valid CSV'
}

const csvLine = (e: unknown): number => {
  const lines = (e as { lines?: unknown }).lines
  return typeof lines === 'number' ? lines : 0
}

const refuse = (detail: string) => new AppError('invalid_request', { detail })

/** The mapped columns' places in the header; a 400 for a column it lacks. */
const columnsOf = (header: string[], mapping: AccountImportMapping): Array<[ImportField, number]> =>
  (Object.entries(mapping) as Array<[ImportField, string]>).map(([field, column]) => {
    const index = header.indexOf(column)
    if (index < 0) throw refuse(`The ${field} column "${column}" is not in the CSV header`)
    return [field, index]
  })

/**
 * Reads CSV with csv-parse: the first record is the header, which must hold every mapped column
 * (a 400 before anything is written otherwise). Bad records come out as errors with their line.
 */
const openCsv = async (
  input: Readable,
  mapping: AccountImportMapping,
): Promise<AsyncIterable<AccountRow>> => {
  const skipped: AccountRow[] = []
  const parser = parse({
    bom: true,
    info: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    max_record_size: MAX_RECORD_BYTES,
  })
  let runaway: number | null = null
  parser.on('skip', (err: unknown) => {
    if ((err as { code?: unknown }).code === 'CSV_MAX_RECORD_SIZE') runaway = csvLine(err)
    else skipped.push({ line: csvLine(err), error: csvReason(err) })
  })
  input.on('error', (err) => parser.destroy(err))
  input.pipe(parser)
  const records = parser[Symbol.asyncIterator]() as AsyncIterator<{
    record: string[]
    info: { lines: number }
  }>
  const first = await records.next()
  if (first.done) throw refuse('The file is empty: a CSV header is expected')
  let columns: Array<[ImportField, number]>
  try {
    columns = columnsOf(
      first.value.record.map((h) => h.trim()),
      mapping,
    )
  } catch (e) {
    input.unpipe(parser)
    parser.destroy()
    throw e
  }
  const headerLine = first.value.info.lines
  const early = skipped.splice(0).filter((s) => s.line > headerLine)
  skipped.push(...early)
  return {
    async *[Symbol.asyncIterator]() {
      for (;;) {
        const next = await records.next()
        while (skipped.length > 0) yield skipped.shift()!
        if (next.done) break
        const { record, info } = next.value
        const values: Partial<Record<ImportField, string>> = {}
        for (const [field, index] of columns) {
          const v = record[index]
          if (v !== undefined && v !== '') values[field] = v
        }
        yield { line: info.lines, values }
      }
      if (runaway !== null) {
        throw refuse(
          `The CSV record at line ${runaway} is longer than ${MAX_RECORD_BYTES} bytes (an unclosed quote?): reading stopped there`,
        )
      }
    },
  }
}

/** Splits a byte stream into lines; a line longer than `max` bytes comes out as null (its bytes dropped). */
async function* boundedLines(input: Readable, max: number): AsyncGenerator<string | null> {
  let parts: Buffer[] = []
  let size = 0
  let overlong = false
  const take = (): string | null => {
    if (overlong) return null
    const line = parts.length === 1 ? parts[0]!.toString('utf8') : Buffer.concat(parts, size).toString('utf8')
    return line.endsWith('\r') ? line.slice(0, -1) : line
  }
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
    let start = 0
    for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
      if (!overlong && size + (nl - start) <= max) {
        parts.push(buf.subarray(start, nl))
        size += nl - start
      } else overlong = true
      yield take()
      parts = []
      size = 0
      overlong = false
      start = nl + 1
    }
    if (start < buf.length && !overlong) {
      if (size + (buf.length - start) > max) {
        overlong = true
        parts = []
      } else {
        parts.push(Buffer.from(buf.subarray(start)))
        size += buf.length - start
      }
    }
  }
  if (overlong || size > 0) yield take()
}

/** A JSON value as the text a CSV cell would hold (strings, finite numbers, booleans). */
const asText = (v: unknown): string | undefined => {
  if (typeof v === 'string') return v === '' ? undefined : v
  if (typeof v === 'number' && Number.isFinite(v)) return String(v)
  if (typeof v === 'boolean') return v ? 'true' : 'false'
  return undefined
}

/** Reads JSONL: each non-blank line one JSON object, the mapped keys read as text. */
const openJsonl = async (
  input: Readable,
  mapping: AccountImportMapping,
): Promise<AsyncIterable<AccountRow>> => {
  const keys = Object.entries(mapping) as Array<[ImportField, string]>
  return {
    async *[Symbol.asyncIterator]() {
      let n = 0
      for await (const line of boundedLines(input, MAX_RECORD_BYTES)) {
        n += 1
        if (line === null) {
          yield { line: n, error: 'record too long' }
          continue
        }
        if (line.trim() === '') continue
        let value: unknown
        try {
          value = JSON.parse(line)
        } catch {
          yield { line: n, error: 'not valid JSON' }
          continue
        }
        if (typeof value !== 'object' || value === null || Array.isArray(value)) {
          yield { line: n, error: 'not a JSON object' }
          continue
        }
        const values: Partial<Record<ImportField, string>> = {}
        for (const [field, key] of keys) {
          const v = asText((value as Record<string, unknown>)[key])
          if (v !== undefined) values[field] = v
        }
        yield { line: n, values }
      }
    },
  }
}

/** Opens an account file for reading; rejects with a 400 when the mapping does not fit its header. */
export const openAccountRows = (
  format: AccountImportFormat,
  input: Readable,
  mapping: AccountImportMapping,
): Promise<AsyncIterable<AccountRow>> =>
  format === 'csv' ? openCsv(input, mapping) : openJsonl(input, mapping)
