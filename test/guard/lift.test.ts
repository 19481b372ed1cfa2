import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { App } from '../../src/app.js'
import { parseSourceRange } from '../../src/modules/guard/lifts.js'
import type { LimiterStore } from '../../src/modules/guard/ports.js'
import { solvePuzzle } from '../../src/modules/guard/pow.js'
import { call, createTestServer, type JsonResponse, type TestServer } from '../helpers/server.js'
import { guardSetups } from './setups.js'

/*
 * What an operator's lift (`gatehouse guard lift`) ends on a server, applied as the server's lift
 * watcher applies it. The command line and the watcher themselves: test/blackbox/guard-lift.test.ts.
 */

const solved = (res: JsonResponse): Record<string, string> => {
  const pow = res.json.challenge.pow as { puzzle: string; difficulty: number; header: string }
  return { [pow.header]: `${pow.puzzle}:${solvePuzzle(pow.puzzle, pow.difficulty)}` }
}

/** Records the lift as the command line does, then applies it as each server's watcher does. */
const lift = async (app: App, sources: string | null) => {
  const range = sources === null ? null : parseSourceRange(sources)
  if (sources !== null && !range) throw new Error(`not a range: ${sources}`)
  const recorded = await app.guardLifts.lift(
    { range, reason: 'test', operator: 'tester@host', actor: 'cli' },
    { ip: null, userAgent: 'test', clientVersion: null, requestId: 'test' },
  )
  await app.guard.applyLift(range, recorded.createdAt)
}

describe.each(guardSetups())('an operator lift of the guard on $name', (setup) => {
  let server: TestServer
  let limiter: LimiterStore
  let n = 0
  const failedLogin = (ip: string, identifier = `nobody${n++}@example.net`) =>
    call(server, 'POST', '/v1/sessions', { body: { identifier, password: 'not it, not it' }, ip })
  const recover = (identifier: string, ip: string, headers: Record<string, string> = {}) =>
    call(server, 'POST', '/v1/recovery', { body: { identifier }, ip, headers })

  beforeAll(async () => {
    limiter = await setup.limiter()
    server = await createTestServer(
      setup.kind,
      {
        GATEHOUSE_GUARD: 'true',
        GATEHOUSE_POW_DIFFICULTY: '6',
        GATEHOUSE_POW_MAX_DIFFICULTY: '10',
        GATEHOUSE_GUARD_SPIKE_MIN_FAILURES: '100000',
        GATEHOUSE_GUARD_ENUMERATION_BLOCK: '15',
      },
      { limiter },
    )
  })
  afterAll(async () => {
    await server?.close()
    await limiter?.close()
  })

  it('ends a block on an address in a lifted network', async () => {
    const ip = '198.51.110.50'
    for (let i = 0; i < 16; i++) {
      const r = await recover(`sweep${i}@example.net`, ip)
      if (r.json?.code === 'challenge_required') await recover(`sweep${i}@example.net`, ip, solved(r))
    }
    expect((await recover('sweep-more@example.net', ip)).json.code).toBe('rate_limited')
    await lift(server.app, '198.51.110.0/24')
    expect((await recover('sweep-after@example.net', ip)).status).toBe(202)
  })

  it("lets a lifted address past its network's mark; the network's other addresses stay challenged until it is lifted too", async () => {
    // Stuffing spread over a /24: no address stands out, the network does (5 identifiers × factor 4).
    for (let i = 0; i < 20; i++) await failedLogin(`203.0.120.${i + 1}`)
    const operator = '203.0.120.200'
    const neighbour = '203.0.120.201'
    expect((await failedLogin(operator)).json.code).toBe('challenge_required')
    expect((await failedLogin(neighbour)).json.code).toBe('challenge_required')

    await lift(server.app, operator)
    expect((await failedLogin(operator)).status).toBe(401)
    expect((await failedLogin(neighbour)).json.code).toBe('challenge_required')

    await lift(server.app, '203.0.120.0/24')
    expect((await failedLogin(neighbour)).status).toBe(401)
  })

  it("--all ends an identifier's brute-force challenge and delays, and new sources are judged as before", async () => {
    const target = `target${n++}`
    // Ten failures on one identifier from ten addresses: each new source must solve a challenge on it.
    for (let i = 0; i < 10; i++) await failedLogin(`192.0.2.${i + 1}`, target)
    expect((await failedLogin('192.0.2.100', target)).json.code).toBe('challenge_required')
    // The last address that failed must wait before its next try.
    expect((await failedLogin('192.0.2.10', target)).json.code).toBe('rate_limited')

    await lift(server.app, null)
    expect((await failedLogin('192.0.2.100', target)).status).toBe(401)
    expect((await failedLogin('192.0.2.10', target)).status).toBe(401)

    // A stuffing run from a new address after the lift is challenged again.
    for (let i = 0; i < 5; i++) expect((await failedLogin('198.18.7.7')).status).toBe(401)
    expect((await failedLogin('198.18.7.7')).json.code).toBe('challenge_required')
    // Detections stay on record.
    const open = await server.app.detections.list({ status: 'open', kind: 'brute_force' }, 50)
    expect(open.some((d) => d.scope === 'identifier')).toBe(true)
  })
})

describe('the sources a lift names', () => {
  it('reads addresses and networks one way, IPv4-mapped IPv6 as IPv4, and refuses the rest', () => {
    expect(parseSourceRange('203.0.113.7')?.text).toBe('203.0.113.7')
    expect(parseSourceRange('::ffff:203.0.113.7')?.text).toBe('203.0.113.7')
    expect(parseSourceRange('203.0.113.77/24')?.text).toBe('203.0.113.0/24')
    expect(parseSourceRange('::ffff:10.1.0.0/112')?.text).toBe('10.1.0.0/16')
    expect(parseSourceRange('2001:DB8:0:0::1')?.text).toBe('2001:db8:0:0:0:0:0:1')
    expect(parseSourceRange('2001:db8:1:2ff::/56')?.text).toBe('2001:db8:1:200::/56')
    for (const bad of ['203.0.113.256', '203.0.113.0/33', 'example.org', '', '2001:db8::/129'])
      expect(parseSourceRange(bad)).toBeNull()
  })
})
