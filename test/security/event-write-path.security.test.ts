/**
 * Invariant: every security event is written through the EventRecorder — so every event is counted
 * and reaches the webhooks subscribed to its type — and nothing else in src/ writes the
 * security_events table or appends to an event log.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'

const SRC = join(import.meta.dirname, '..', '..', 'src')

/** Every TypeScript file of src/ that is not a test, with its text. */
const sources = (): Array<{ file: string; text: string }> =>
  readdirSync(SRC, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => ({
      file: relative(SRC, join(SRC, f)).split('\\').join('/'),
      text: readFileSync(join(SRC, f), 'utf8'),
    }))

/** `file:line: text` of every line matching `pattern`, outside the files `allowed`. */
const offences = (pattern: RegExp, allowed: string[]): string[] =>
  sources().flatMap(({ file, text }) =>
    allowed.includes(file)
      ? []
      : text
          .split('\n')
          .map((line, i) => ({ line, n: i + 1 }))
          .filter(({ line }) => pattern.test(line))
          .map(({ line, n }) => `${file}:${n}: ${line.trim()}`),
  )

describe('the one write path of security events', () => {
  it('finds the sources it looks at', () => {
    const files = sources().map((s) => s.file)
    expect(files).toContain('adapters/sql/events-repository.ts')
    expect(files).toContain('modules/events/recorder.ts')
    expect(files.length).toBeGreaterThan(50)
  })

  it('writes the security_events table only in the events repository', () => {
    const writes =
      /(insertInto|updateTable|replaceInto|mergeInto)\(\s*['"`]security_events\b|\b(insert\s+(or\s+\w+\s+)?into|update|replace\s+into|merge\s+into|copy)\s+["`]?security_events\b/i
    expect(offences(writes, ['adapters/sql/events-repository.ts'])).toEqual([])
  })

  it('appends to an event log only in the recorder', () => {
    // The log's own methods are called by the recorder alone (an audit log's `append` is another thing).
    expect(offences(/\.appendMany\(|\bevents\.append\(/, ['modules/events/recorder.ts'])).toEqual([])
    // A log over a transaction is made for the recorder to append to: by the store, and by a
    // campaign batch (which hands it to the recorder's recordMany).
    expect(
      offences(/new SqlSecurityEventLog\(/, [
        'adapters/sql/store.ts',
        'adapters/sql/campaigns-repository.ts',
      ]),
    ).toEqual([])
  })
})
