import { createHash } from 'node:crypto'
import { solvePow } from '@gatehouse/client'
import { describe, expect, it } from 'vitest'
import { createMemoryLimiterStore } from '../../adapters/limits/memory.js'
import { leadingZeroBits, ProofOfWork, solvePuzzle } from './pow.js'

const setup = () => {
  let now = Date.UTC(2026, 10, 23, 12)
  const pow = new ProofOfWork({
    key: Buffer.alloc(32, 9),
    ttlMs: 120_000,
    now: () => now,
    used: createMemoryLimiterStore().counters('pow_used', 120),
  })
  return { pow, advance: (ms: number) => (now += ms) }
}

describe('leadingZeroBits', () => {
  it('counts zero bits from the first byte on', () => {
    expect(leadingZeroBits(Uint8Array.from([0x80]))).toBe(0)
    expect(leadingZeroBits(Uint8Array.from([0x01]))).toBe(7)
    expect(leadingZeroBits(Uint8Array.from([0x00, 0x00, 0x10]))).toBe(19)
    expect(leadingZeroBits(Uint8Array.from([0x00, 0x00]))).toBe(16)
  })
})

describe('proof of work', () => {
  it('accepts a solved puzzle once, for its endpoint and source only', async () => {
    const { pow } = setup()
    const { puzzle } = pow.issue('login', '203.0.113.7', 10)
    const nonce = solvePuzzle(puzzle, 10)
    const digest = createHash('sha256').update(`${puzzle}:${nonce}`).digest()
    expect(leadingZeroBits(digest)).toBeGreaterThanOrEqual(10)
    expect(await pow.verify(`${puzzle}:${nonce}`, 'recovery', '203.0.113.7', 10)).toBe('wrong_source')
    expect(await pow.verify(`${puzzle}:${nonce}`, 'login', '203.0.113.8', 10)).toBe('wrong_source')
    expect(await pow.verify(`${puzzle}:${nonce}`, 'login', '203.0.113.7', 12)).toBe('too_easy')
    expect(await pow.verify(`${puzzle}:${nonce}`, 'login', '203.0.113.7', 10)).toBe('ok')
    expect(await pow.verify(`${puzzle}:${nonce}`, 'login', '203.0.113.7', 10)).toBe('reused')
  })

  it('refuses unsolved, expired, forged and malformed answers', async () => {
    const { pow, advance } = setup()
    const { puzzle } = pow.issue('login', '203.0.113.7', 20)
    // A nonce that does not reach 20 bits (the first one almost never does).
    let bad = 0
    while (
      leadingZeroBits(
        createHash('sha256')
          .update(`${puzzle}:${bad.toString(36)}`)
          .digest(),
      ) >= 20
    )
      bad++
    expect(await pow.verify(`${puzzle}:${bad.toString(36)}`, 'login', '203.0.113.7', 20)).toBe('unsolved')

    const easy = pow.issue('login', '203.0.113.7', 4).puzzle
    const [payload, signature] = easy.split('.') as [string, string]
    const body = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { d: number }
    const lowered = Buffer.from(JSON.stringify({ ...body, d: 1 })).toString('base64url')
    expect(
      await pow.verify(
        `${lowered}.${signature}:${solvePuzzle(`${lowered}.${signature}`, 1)}`,
        'login',
        '203.0.113.7',
        1,
      ),
    ).toBe('bad_signature')
    for (const junk of [
      '',
      ':',
      'x',
      `${easy}`,
      `${easy}:`,
      `${easy}:${'a'.repeat(65)}`,
      `${easy}:n o`,
      'a.b:c',
      '💥',
    ]) {
      expect(await pow.verify(junk, 'login', '203.0.113.7', 1)).toBe('malformed')
    }
    const nonce = solvePuzzle(easy, 4)
    advance(120_001)
    expect(await pow.verify(`${easy}:${nonce}`, 'login', '203.0.113.7', 4)).toBe('expired')
  })

  it('is solved by the browser helper (WebCrypto) as well', async () => {
    const { pow } = setup()
    const { puzzle } = pow.issue('recovery', null, 12)
    const headerValue = await solvePow({ puzzle, difficulty: 12 })
    expect(await pow.verify(headerValue, 'recovery', null, 12)).toBe('ok')
  })
})
