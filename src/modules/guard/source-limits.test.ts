import { describe, expect, it } from 'vitest'
import { createMemoryLimiterStore } from '../../adapters/limits/memory.js'
import { toProblem } from '../../http/problem.js'
import { AppError } from '../../kernel/errors.js'
import type { SourceLimitRules } from './source-limits.js'
import { SourceLimits } from './source-limits.js'

const rules = (over: Partial<Record<keyof SourceLimitRules, number>> = {}): SourceLimitRules => ({
  perIp: { points: over.perIp ?? 100, seconds: 60 },
  perSubnet: { points: over.perSubnet ?? 100, seconds: 600 },
  global: { points: over.global ?? 100, seconds: 3600 },
})

const setup = (over: Partial<Record<keyof SourceLimitRules, number>> = {}) => {
  const limited: string[] = []
  const limits = new SourceLimits(createMemoryLimiterStore(), 'test', rules(over), (scope) =>
    limited.push(scope),
  )
  return { limits, limited }
}

/** The AppError a refused check throws (fails the test when the check passes). */
const refusal = async (check: Promise<void>): Promise<AppError> => {
  const e = await check.then(
    () => null,
    (err: unknown) => err,
  )
  expect(e).toBeInstanceOf(AppError)
  return e as AppError
}

describe('SourceLimits', () => {
  it('refuses an address past its limit with a generic 429 carrying Retry-After', async () => {
    const { limits, limited } = setup({ perIp: 2 })
    await limits.check('192.0.2.10')
    await limits.check('192.0.2.10')
    const e = await refusal(limits.check('192.0.2.10'))
    expect(e.code).toBe('rate_limited')
    expect(e.status).toBe(429)
    expect(e.message).toBe('Too many requests; try again later')
    const retryAfter = Number(e.headers['retry-after'])
    expect(Number.isInteger(retryAfter)).toBe(true)
    expect(retryAfter).toBeGreaterThanOrEqual(59)
    expect(retryAfter).toBeLessThanOrEqual(60)
    expect(e.extensions).toEqual({ retry_after: retryAfter })
    expect(limited).toEqual(['ip'])

    const problem = toProblem(e, 'req-1')
    expect(problem).toMatchObject({
      status: 429,
      code: 'rate_limited',
      detail: 'Too many requests; try again later',
      retry_after: retryAfter,
    })
  })

  it('refuses another address of the same /24 once the network limit is reached', async () => {
    const { limits, limited } = setup({ perIp: 2, perSubnet: 3 })
    await limits.check('198.51.100.1')
    await limits.check('198.51.100.1')
    await limits.check('198.51.100.2')
    const e = await refusal(limits.check('198.51.100.3'))
    // The Retry-After is the refusing counter's: the network's 600 s window.
    expect(Number(e.headers['retry-after'])).toBeGreaterThan(60)
    expect(limited).toEqual(['subnet'])
    // The next network is not affected.
    await limits.check('198.51.101.1')
  })

  it('refuses everyone once the global budget is spent', async () => {
    const { limits, limited } = setup({ global: 3 })
    await limits.check('192.0.2.1')
    await limits.check('198.51.100.1')
    await limits.check('2001:db8::1')
    for (const ip of ['203.0.113.7', '2001:db8:ffff::1', null]) {
      const e = await refusal(limits.check(ip))
      expect(Number(e.headers['retry-after'])).toBeGreaterThan(600)
    }
    expect(limited).toEqual(['global', 'global', 'global'])
  })

  it('stops at the first refusal, so a blocked source does not spend the global budget', async () => {
    const { limits, limited } = setup({ perIp: 1, global: 3 })
    await limits.check('192.0.2.1')
    for (let i = 0; i < 10; i++) await refusal(limits.check('192.0.2.1'))
    await limits.check('198.51.100.1')
    await limits.check('203.0.113.1')
    await refusal(limits.check('192.0.2.99'))
    expect(limited).toEqual([...Array(10).fill('ip'), 'global'])
  })

  it('counts an IPv6 source by its /64', async () => {
    const { limits, limited } = setup({ perIp: 5, perSubnet: 2 })
    await limits.check('2001:db8:1:2::1')
    await limits.check('2001:db8:1:2:ffff:ffff:ffff:fffe')
    await refusal(limits.check('2001:db8:1:2:abcd::9'))
    expect(limited).toEqual(['subnet'])
    // Another /64 of the same /48 has its own budget.
    await limits.check('2001:db8:1:3::1')
  })

  it('counts an IPv6 source by its /56 and its /48 too: spreading over /64s meets their budgets', async () => {
    const limits = new SourceLimits(createMemoryLimiterStore(), 'wide', {
      perIp: { points: 100, seconds: 60 },
      perSubnet: { points: 100, seconds: 60 },
      perSite: { points: 3, seconds: 60 },
      perNetwork: { points: 5, seconds: 60 },
      global: { points: 100, seconds: 60 },
    })
    // Three /64s of one /56: its budget of 3 is spent; a fourth /64 of it is refused.
    for (const ip of ['2001:db8:1:100::1', '2001:db8:1:101::1', '2001:db8:1:1ff::1']) await limits.check(ip)
    await refusal(limits.check('2001:db8:1:102::1'))
    // Another /56 of the same /48: two more, then the /48's budget of 5 is spent.
    await limits.check('2001:db8:1:200::1')
    await limits.check('2001:db8:1:300::1')
    await refusal(limits.check('2001:db8:1:400::1'))
    // Another /48 is not affected.
    await limits.check('2001:db8:2::1')
  })

  it('counts an IPv4 source by its /16 too, with four times the /24 budget by default', async () => {
    const { limits, limited } = setup({ perSubnet: 2 })
    for (let i = 0; i < 8; i++) await limits.check(`198.51.${i}.1`)
    await refusal(limits.check('198.51.200.1'))
    expect(limited).toEqual(['network'])
    await limits.check('198.52.0.1')
  })

  it('counts an IPv4-mapped IPv6 address as the IPv4 address', async () => {
    const { limits, limited } = setup({ perIp: 1 })
    await limits.check('::ffff:192.0.2.5')
    await refusal(limits.check('192.0.2.5'))
    expect(limited).toEqual(['ip'])
  })

  it('gives requests of unknown source one shared budget', async () => {
    const { limits, limited } = setup({ perIp: 2 })
    await limits.check(null)
    await limits.check(null)
    await refusal(limits.check(null))
    expect(limited).toEqual(['ip'])
    await limits.check('192.0.2.1')
  })

  it('keeps the counters of differently named limits apart on one store', async () => {
    const store = createMemoryLimiterStore()
    const a = new SourceLimits(store, 'a', rules({ perIp: 1 }))
    const b = new SourceLimits(store, 'b', rules({ perIp: 1 }))
    await a.check('192.0.2.1')
    await b.check('192.0.2.1')
    await refusal(a.check('192.0.2.1'))
  })
})
