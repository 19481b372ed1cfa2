import type { Readable } from 'node:stream'
import { parse } from 'csv-parse'
import { AppError } from '../../kernel/errors.js'
import type { ColumnMapping, ExposedField, ImportFormat } from './ports.js'

/** One data row of a leak: the mapped fields it holds (raw), or why it could not be read. */
export type LeakRow =
  | { line: number; values: Partial<Record<ExposedField, string>> }
  | { line: number; error: string }

/**
 * Longest CSV record or JSON line read. A longer JSON line is one unparseable row. A longer CSV
 * record (usually an unclosed quote swallowing the rest of the file) stops the CSV parser, so the
 * import stops there with a 400 naming the line: what was read before it stays recorded.
 */
export const MAX_RECORD_BYTES = 1024 * 1024

const csvReason = (e: unknown): string => {
  const code = String((e as { code?: unknown }).code ?? '')
  if (code.includes('INCONSISTENT')) return 'wrong number of columns'
  if (code.includes('QUOTE')) return 'broken quoting'
  if (code === 'CSV_MAX_RECORD_SIZE') return 'record too long'
  return 'not valid CSV'
}

const csvLine = (e: unknown): number => {
  const lines = (e as { lines?: unknown }).lines
  return typeof lines === 'number' ? lines : 0
}

/**
 * Reads a CSV leak with csv-parse: the first record is the header, and every mapped column must be
 * in it (400 otherwise, before anything is recorded: `open` rejects). Bad records are skipped by the
 * parser and come out as errors with their line; the stream goes on.
 */
const openCsv = async (input: Readable, mapping: ColumnMapping): Promise<AsyncIterable<LeakRow>> => {
  const skipped: LeakRow[] = []
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
  if (first.done)
    throw new AppError('invalid_request', { detail: 'The file is empty: a CSV header is expected' })
  const header = first.value.record.map((h) => h.trim())
  const columns: Array<[ExposedField, number]> = []
  for (const [field, column] of Object.entries(mapping) as Array<[ExposedField, string]>) {
    const index = header.indexOf(column)
    if (index < 0) {
      input.unpipe(parser)
      parser.destroy()
      throw new AppError('invalid_request', {
        detail: `The ${field} column "${column}" is not in the CSV header`,
      })
    }
    columns.push([field, index])
  }
  // Records that failed before the header are not data rows (the first chunk may be parsed already).
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
        const values: Partial<Record<ExposedField, string>> = {}
        for (const [field, index] of columns) {
          const v = record[index]
          if (v !== undefined && v !== '') values[field] = v
        }
        yield { line: info.lines, values }
      }
      if (runaway !== null) {
        throw new AppError('invalid_request', {
          detail: `The CSV record at line ${runaway} is longer than ${MAX_RECORD_BYTES} bytes (an unclosed quote?): reading stopped there`,
        })
      }
    },
  }
}

/**
 * Splits a byte stream into lines (LF or CRLF), readline-style, but with a bound: a line longer
 * than `max` bytes comes out as `null` (its bytes are dropped as they arrive), so one endless line
 * cannot fill memory.
 */
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
        // Copied: the chunk's memory is not kept alive by a small tail.
        parts.push(Buffer.from(buf.subarray(start)))
        size += buf.length - start
      }
    }
  }
  if (overlong || size > 0) yield take()
}

/** Reads a JSONL leak line by line: each non-blank line one JSON object; the mapped keys' values are read as text. */
const openJsonl = async (input: Readable, mapping: ColumnMapping): Promise<AsyncIterable<LeakRow>> => {
  const keys = Object.entries(mapping) as Array<[ExposedField, string]>
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
        const values: Partial<Record<ExposedField, string>> = {}
        for (const [field, key] of keys) {
          const v = (value as Record<string, unknown>)[key]
          if (typeof v === 'string' && v !== '') values[field] = v
          else if (typeof v === 'number' && Number.isFinite(v)) values[field] = String(v)
        }
        yield { line: n, values }
      }
    },
  }
}

/** Opens a leak for reading; rejects with a 400 when the mapping does not fit the file's header. */
export const openLeak = (
  format: ImportFormat,
  input: Readable,
  mapping: ColumnMapping,
): Promise<AsyncIterable<LeakRow>> => (format === 'csv' ? openCsv(input, mapping) : openJsonl(input, mapping))
