import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { leakedEmail, leakedPhone, leakedUsername, phoneRegion } from './normalise.js'
import { type LeakRow, MAX_RECORD_BYTES, openLeak } from './readers.js'

const rowsOf = async (format: 'csv' | 'jsonl', text: string, mapping: Record<string, string>) => {
  const out: LeakRow[] = []
  for await (const r of await openLeak(format, Readable.from([Buffer.from(text)]), mapping)) out.push(r)
  return out
}

describe('leaked identifiers', () => {
  it('normalise the way accounts store them', () => {
    expect(leakedUsername('  ALICE ')).toBe('alice')
    expect(leakedUsername('no spaces allowed')).toBeNull()
    expect(leakedEmail(' Alice@Example.ORG ')).toBe('alice@example.org')
    expect(leakedEmail('not-an-address')).toBeNull()
    for (const raw of ['(0)20 7946 0958', '020 7946 0958', '+44 20 7946 0958', '+44 (0)20 7946 0958']) {
      expect(leakedPhone(raw, 'GB')).toBe('+442079460958')
    }
    expect(leakedPhone('020 7946 0958', undefined)).toBeNull()
    expect(leakedPhone('(415) 555-0123', 'US')).toBe('+14155550123')
    expect(leakedPhone('call me', 'GB')).toBeNull()
    expect(phoneRegion('gb')).toBe('GB')
    expect(phoneRegion('XX')).toBeNull()
  })
})

describe('leak readers', () => {
  it('read CSV with a BOM, quoted separators and line breaks, and report bad records by line', async () => {
    const rows = await rowsOf(
      'csv',
      '\uFEFFname,mail,town\n"a, b",a@example.org,"Oslo\nNorway"\nonly,two\n\nx,y,z\n',
      { username: 'name', email: 'mail' },
    )
    expect(rows.sort((a, b) => a.line - b.line)).toEqual([
      { line: 3, values: { username: 'a, b', email: 'a@example.org' } },
      { line: 4, error: 'wrong number of columns' },
      { line: 6, values: { username: 'x', email: 'y' } },
    ])
  })

  it('refuse a mapping that names a column the header lacks', async () => {
    await expect(rowsOf('csv', 'a,b\n1,2\n', { email: 'mail' })).rejects.toThrow(
      /"mail" is not in the CSV header/,
    )
  })

  it('bound a record: an overlong JSON line is unparseable; an overlong CSV record stops the import', async () => {
    const long = 'x'.repeat(MAX_RECORD_BYTES + 10)
    await expect(rowsOf('csv', `u\nann\n"${long}\nbob\n`, { username: 'u' })).rejects.toThrow(
      /record at line 3 is longer than/,
    )
    const jsonl = await rowsOf('jsonl', `{"u":"${long}"}\n{"u":"bob"}\n`, { username: 'u' })
    expect(jsonl).toEqual([
      { line: 1, error: 'record too long' },
      { line: 2, values: { username: 'bob' } },
    ])
  })

  it('split JSONL across chunks, with CRLF, a missing last newline and an endless line', async () => {
    const chunks = [
      '{"u":"an',
      'n"}\r\n{"u":',
      `"${'y'.repeat(MAX_RECORD_BYTES)}`,
      `${'y'.repeat(10)}"}\n\n{"u":"bob"}`,
    ]
    const out: LeakRow[] = []
    const input = Readable.from(chunks.map((c) => Buffer.from(c)))
    for await (const r of await openLeak('jsonl', input, { username: 'u' })) out.push(r)
    expect(out).toEqual([
      { line: 1, values: { username: 'ann' } },
      { line: 2, error: 'record too long' },
      { line: 4, values: { username: 'bob' } },
    ])
  })

  it('read JSONL numbers as text and ignore other types', async () => {
    const rows = await rowsOf('jsonl', '{"p":4402079460958,"u":true}\r\n', { phone: 'p', username: 'u' })
    expect(rows).toEqual([{ line: 1, values: { phone: '4402079460958' } }])
  })
})
