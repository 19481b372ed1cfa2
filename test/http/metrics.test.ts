import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../src/config/index.js'
import { listenMetrics, type MetricsListener } from '../../src/http/metrics-server.js'
import { call, createTestServer, metricsText, signUpAndLogin, type TestServer } from '../helpers/server.js'

/*
 * Metrics count what requests did to accounts (logins, messages, events by type): they live on a
 * listener of their own, loopback by default, never on the public API, and their labels do not
 * tell an unknown identifier from a wrong password, or a recovery request for a real account from
 * one for a missing account.
 */

const TOKEN = 'm'.repeat(40)

describe('the metrics listener', () => {
  let server: TestServer
  let listener: MetricsListener
  let base: string
  beforeAll(async () => {
    server = await createTestServer('sqlite')
    listener = await listenMetrics({ metrics: server.app.metrics, host: '127.0.0.1', port: 0, token: TOKEN })
    base = `http://127.0.0.1:${listener.address.port}`
  })
  afterAll(async () => {
    await listener?.close()
    await server?.close()
  })

  it('is not on the public API', async () => {
    const res = await call(server, 'GET', '/metrics')
    expect(res.status).toBe(404)
    expect(res.body).not.toContain('gatehouse_')
    const doc = await call(server, 'GET', '/openapi.json')
    expect(Object.keys(doc.json.paths)).not.toContain('/metrics')
  })

  it('answers GET /metrics with the bearer token only', async () => {
    expect((await fetch(`${base}/metrics`)).status).toBe(401)
    expect(
      (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${'x'.repeat(40)}` } })).status,
    ).toBe(401)
    const ok = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })
    expect(ok.status).toBe(200)
    expect(await ok.text()).toContain('gatehouse_logins_total')
    expect(
      (await fetch(`${base}/v1/sessions`, { headers: { authorization: `Bearer ${TOKEN}` } })).status,
    ).toBe(404)
  })

  it('names the process metrics gatehouse_process_… and gatehouse_nodejs_…, without a doubled prefix', async () => {
    const text = await metricsText(server)
    const names = new Set([...text.matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1]!))
    expect(names).toContain('gatehouse_process_cpu_seconds_total')
    expect(names).toContain('gatehouse_process_resident_memory_bytes')
    expect(names).toContain('gatehouse_nodejs_eventloop_lag_seconds')
    expect([...names].filter((n) => /process_process_|nodejs_nodejs_/.test(n))).toEqual([])
    expect([...names].filter((n) => !n.startsWith('gatehouse_'))).toEqual([])
  })

  it('refuses to start on an address other than loopback without a token', () => {
    expect(() => loadConfig({ GATEHOUSE_METRICS_HOST: '0.0.0.0' })).toThrow(ConfigError)
    expect(
      loadConfig({ GATEHOUSE_METRICS_HOST: '0.0.0.0', GATEHOUSE_METRICS_TOKEN: TOKEN }).metricsHost,
    ).toBe('0.0.0.0')
    expect(loadConfig({ GATEHOUSE_METRICS_PORT: 'off' }).metricsPort).toBeNull()
    expect(() => loadConfig({ GATEHOUSE_METRICS_TOKEN: 'short' })).toThrow(/at least 32/)
  })

  it('moves the same labels for a wrong password as for an unknown identifier, and for recovery of a real or a missing account', async () => {
    const { user } = await signUpAndLogin(server)
    const labels = async () =>
      (await metricsText(server))
        .split('\n')
        .filter((l) => /^gatehouse_(logins|recovery_requests)_total/.test(l))
        .join('\n')
    const delta = async (run: () => Promise<unknown>) => {
      const before = await labels()
      await run()
      await server.deliver()
      const after = await labels()
      return { before, after }
    }
    const wrong = await delta(() =>
      call(server, 'POST', '/v1/sessions', {
        body: { identifier: user.username, password: 'not it at all 1' },
      }),
    )
    const unknown = await delta(() =>
      call(server, 'POST', '/v1/sessions', {
        body: { identifier: 'nobody_here_at_all', password: 'not it at all 1' },
      }),
    )
    expect(wrong.after).toMatch(/gatehouse_logins_total\{outcome="invalid_credentials"\} \d+/)
    const count = (text: string, re: RegExp) => Number(text.match(re)?.[1] ?? 0)
    const failures = /gatehouse_logins_total\{outcome="invalid_credentials"\} (\d+)/
    expect(count(wrong.after, failures) - count(wrong.before, failures)).toBe(1)
    expect(count(unknown.after, failures) - count(unknown.before, failures)).toBe(1)
    expect(unknown.after.replace(failures, '')).toBe(unknown.before.replace(failures, ''))

    const real = await delta(() => call(server, 'POST', '/v1/recovery', { body: { identifier: user.email } }))
    const missing = await delta(() =>
      call(server, 'POST', '/v1/recovery', { body: { identifier: 'nobody@example.net' } }),
    )
    const handled = /gatehouse_recovery_requests_total (\d+)/
    expect(count(real.after, handled) - count(real.before, handled)).toBe(1)
    expect(count(missing.after, handled) - count(missing.before, handled)).toBe(1)
    expect(real.after).not.toMatch(/outcome="(sent|no_account)"/)
  })
})
