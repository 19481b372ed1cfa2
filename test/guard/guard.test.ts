import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { verifyWebhookSignature } from '@gatehouse/server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LimiterStore } from '../../src/modules/guard/ports.js'
import { solvePuzzle } from '../../src/modules/guard/pow.js'
import {
  adminSession,
  call,
  createTestServer,
  freshUser,
  type JsonResponse,
  metricsText,
  signUpAndLogin,
  type TestServer,
} from '../helpers/server.js'
import { guardSetups } from './setups.js'

/** Answers a challenge_required response with a solved puzzle, as the client helper does. */
const solved = (res: JsonResponse): Record<string, string> => {
  const pow = res.json.challenge.pow as { puzzle: string; difficulty: number; header: string }
  return { [pow.header]: `${pow.puzzle}:${solvePuzzle(pow.puzzle, pow.difficulty)}` }
}

const login = (
  s: TestServer,
  identifier: string,
  password: string,
  ip: string,
  headers: Record<string, string> = {},
) => call(s, 'POST', '/v1/sessions', { body: { identifier, password }, ip, headers })

const recover = (s: TestServer, identifier: string, ip: string, headers: Record<string, string> = {}) =>
  call(s, 'POST', '/v1/recovery', { body: { identifier }, ip, headers })

const detections = async (s: TestServer, token: string, query = '') =>
  (await call(s, 'GET', `/v1/admin/detections${query}`, { token })).json.detections as Array<{
    id: number
    kind: string
    scope: string
    key: string
    action: string
    status: string
    count: number
    account_id: string | null
    details: Record<string, unknown>
  }>

describe.each(guardSetups())('the guard on $name', (setup) => {
  let server: TestServer
  let limiter: LimiterStore
  let admin: string
  beforeAll(async () => {
    limiter = await setup.limiter()
    server = await createTestServer(
      setup.kind,
      {
        GATEHOUSE_GUARD: 'true',
        GATEHOUSE_POW_DIFFICULTY: '8',
        GATEHOUSE_POW_MAX_DIFFICULTY: '12',
        GATEHOUSE_MIN_CLIENT_VERSION: '2.0.0',
        GATEHOUSE_GUARD_LEGACY_CLIENTS: '5',
        // The global spike has a suite of its own below.
        GATEHOUSE_GUARD_SPIKE_MIN_FAILURES: '100000',
        // The webhook receiver below listens on loopback.
        GATEHOUSE_WEBHOOK_ALLOW_PRIVATE: 'true',
      },
      { limiter },
    )
    admin = await adminSession(server)
  })
  afterAll(async () => {
    await server?.close()
    await limiter?.close()
  })

  it('challenges a source that asks recovery about many unknown identifiers, and a solved puzzle lets one request through', async () => {
    const ip = '198.51.100.10'
    for (let i = 0; i < 10; i++) {
      expect((await recover(server, `nobody${i}-${setup.kind}@example.net`, ip)).status).toBe(202)
    }
    // The identifiers are looked up for the guard after each answer has gone out.
    await server.deliver()
    const challenged = await recover(server, `nobody-x-${setup.kind}@example.net`, ip)
    expect(challenged.status).toBe(429)
    expect(challenged.json).toMatchObject({
      code: 'challenge_required',
      challenge: { pow: { algorithm: 'sha256-leading-zero-bits', difficulty: 8, header: 'Gatehouse-PoW' } },
    })
    expect(challenged.headers['retry-after']).toBeUndefined()
    const headers = solved(challenged)
    expect((await recover(server, `nobody-y-${setup.kind}@example.net`, ip, headers)).status).toBe(202)
    // A puzzle is good for one request.
    expect((await recover(server, `nobody-z-${setup.kind}@example.net`, ip, headers)).json.code).toBe(
      'challenge_required',
    )
    // Another source, another network: untouched.
    expect((await recover(server, `someone-${setup.kind}@example.net`, '192.0.2.77')).status).toBe(202)

    const found = (await detections(server, admin, '?kind=enumeration')).find((d) => d.key === `ip:${ip}`)
    expect(found).toMatchObject({ scope: 'ip', action: 'challenge', status: 'open', account_id: null })
    expect(found!.details).toMatchObject({ endpoint: 'recovery', network: '198.51.100.0/24' })
    expect(found!.details.distinct_identifiers).toBeGreaterThanOrEqual(10)
    // Whether the names exist plays no part in the response, nor in what is recorded of it.
    expect(found!.details).not.toHaveProperty('misses')
    const metrics = await metricsText(server)
    expect(metrics).toMatch(/gatehouse_guard_challenges_total\{kind="pow",outcome="issued"\} [1-9]/)
    expect(metrics).toMatch(/gatehouse_guard_challenges_total\{kind="pow",outcome="solved"\} [1-9]/)
    expect(metrics).toMatch(/gatehouse_guard_detections_total\{kind="enumeration",action="challenge"\} [1-9]/)
  })

  it('challenges credential stuffing from one source, and the puzzle gets harder as it goes on', async () => {
    const ip = '198.51.101.20'
    const victims = []
    for (let i = 0; i < 5; i++) victims.push((await signUpAndLogin(server)).user)
    for (const v of victims)
      expect((await login(server, v.username, 'leaked password 1', ip)).status).toBe(401)
    const next = await login(server, victims[0]!.username, victims[0]!.password, ip)
    // The right password from a challenged source gets the challenge, like every other pair.
    expect(next.status).toBe(429)
    expect(next.json.code).toBe('challenge_required')
    const first = next.json.challenge.pow.difficulty as number
    for (let i = 0; i < 20; i++) {
      const probe = await login(server, `stuffed${i}${setup.kind}`, 'leaked password 1', ip)
      if (probe.status === 429) {
        expect(
          (await login(server, `stuffed${i}${setup.kind}`, 'leaked password 1', ip, solved(probe))).status,
        ).toBe(401)
      }
    }
    const later = await login(server, victims[0]!.username, victims[0]!.password, ip)
    expect(later.json.challenge.pow.difficulty).toBeGreaterThan(first)
    const ok = await login(server, victims[0]!.username, victims[0]!.password, ip, solved(later))
    expect(ok.status).toBe(201)
    const found = (await detections(server, admin, '?kind=credential_stuffing')).find(
      (d) => d.key === `ip:${ip}`,
    )
    expect(found).toMatchObject({ scope: 'ip', action: 'challenge', status: 'open' })
    expect(found!.details.failed_identifiers).toBeGreaterThanOrEqual(5)
  })

  it('slows down guessing on one identifier with growing delays and challenges, but never locks the owner out — alike for unknown identifiers', async () => {
    const { user } = await signUpAndLogin(server)
    // The owner logs in from home once: that device is known on this account from now on.
    const home = '192.0.2.200'
    const first = await login(server, user.username, user.password, home)
    expect(first.status).toBe(201)
    const device = { 'x-gatehouse-device': first.json.device_token as string }
    const ghost = `ghost${setup.kind}${Date.now().toString(36)}`

    /** Guesses from addresses in networks of their own, as a botnet would; returns what each got. */
    const guess = async (identifier: string, base: number) => {
      const seen: string[] = []
      for (let i = 0; i < 12; i++) {
        const ip = `10.${base}.${i}.9`
        const first = await login(server, identifier, `wrong guess ${i}`, ip)
        const again = await login(server, identifier, `wrong guess ${i} again`, ip)
        seen.push(`${first.status}:${first.json?.code}|${again.status}:${again.json?.code}`)
        if (again.status === 429 && again.json.code === 'rate_limited') {
          expect(Number(again.headers['retry-after'])).toBeGreaterThanOrEqual(1)
        }
      }
      return seen
    }
    const forAccount = await guess(user.username, 60)
    const forNobody = await guess(ghost, 61)
    // The same answers whether or not the identifier names an account.
    expect(forNobody).toEqual(forAccount)
    // First plain failures, then the source must wait after its failure, then new sources are challenged.
    expect(forAccount[0]).toBe('401:invalid_credentials|401:invalid_credentials')
    expect(forAccount).toContain('401:invalid_credentials|429:rate_limited')
    expect(forAccount.at(-1)).toMatch(/^429:challenge_required/)

    // The owner, on the known device, with the right password: straight in.
    expect((await login(server, user.username, user.password, home, device)).status).toBe(201)
    // The known address alone exempts nobody: whoever shares it is answered as any new source.
    expect((await login(server, user.username, 'a guess from home', home)).json.code).toBe(
      'challenge_required',
    )
    // The owner on a new device and network solves one puzzle, no more.
    const away = await login(server, user.username, user.password, '192.0.2.201')
    expect(away.json.code).toBe('challenge_required')
    expect((await login(server, user.username, user.password, '192.0.2.201', solved(away))).status).toBe(201)

    const account = await server.app.store.accounts.findByUsername(user.username)
    await server.app.guard.flush()
    const bruteForce = await detections(server, admin, '?kind=brute_force')
    // The responses are keyed by the identifier as typed, alike for the username and the ghost …
    const responding = bruteForce.filter((d) => d.scope === 'identifier' && d.action === 'challenge')
    expect(responding.length).toBeGreaterThanOrEqual(2)
    for (const d of responding) {
      expect(d.account_id).toBeNull()
      expect(d.details.failures).toBeGreaterThanOrEqual(10)
    }
    // … and the account's own count is a detection for the administrators, with no response.
    const found = bruteForce.find((d) => d.account_id === account!.id)
    expect(found).toMatchObject({
      scope: 'account',
      key: `account:${account!.id}`,
      action: 'none',
      status: 'open',
    })
    expect(found!.details.failures).toBeGreaterThanOrEqual(10)
  })

  it('challenges a source whose sign-ups keep being refused, whatever the reason', async () => {
    const ip = '198.51.107.80'
    const answers: string[] = []
    for (let i = 0; i < 12; i++) {
      // The same name each time, and passwords the policy refuses: one distinct name, many refusals.
      const body = {
        ...freshUser('weak'),
        username: `weakling${setup.kind}`,
        password: i % 2 ? 'password' : 'short',
      }
      const res = await call(server, 'POST', '/v1/accounts', { body, ip })
      answers.push(`${res.status}:${res.json.code === 'challenge_required' ? 'challenge' : 'refused'}`)
    }
    expect(answers.slice(0, 10)).toEqual(Array(10).fill('400:refused'))
    expect(answers.slice(10)).toEqual(['429:challenge', '429:challenge'])
    const found = (await detections(server, admin, '?kind=signup_refusals')).find((d) => d.key === `ip:${ip}`)
    expect(found).toMatchObject({ scope: 'ip', action: 'challenge', status: 'open' })
    expect(found!.details.refusals).toBeGreaterThanOrEqual(10)
    // Another address is answered as usual.
    const other = await call(server, 'POST', '/v1/accounts', {
      body: { ...freshUser('weak'), password: 'short' },
      ip: '192.0.2.81',
    })
    expect(other.status).toBe(400)
  })

  it('records a recovery flood on one account from many sources; the caps keep holding', async () => {
    const { user } = await signUpAndLogin(server)
    for (let i = 0; i < 12; i++) {
      expect((await recover(server, user.email, `172.16.${i}.5`)).status).toBe(202)
    }
    await server.deliver()
    const account = await server.app.store.accounts.findByUsername(user.username)
    const found = (await detections(server, admin, '?kind=recovery_flood')).find(
      (d) => d.account_id === account!.id,
    )
    expect(found).toMatchObject({
      scope: 'account',
      key: `account:${account!.id}`,
      action: 'none',
      status: 'open',
    })
    expect(found!.details.requests).toBeGreaterThanOrEqual(10)
    expect(found!.details.sources).toBeGreaterThanOrEqual(10)
    const mails = server.smtp.messages.filter(
      (m) => m.to.includes(user.email) && /reset|recover/i.test(m.subject),
    )
    expect(mails.length).toBeLessThanOrEqual(3)
  })

  it('records clients below the minimum version that keep coming', async () => {
    const ip = '198.51.102.30'
    for (let i = 0; i < 6; i++) {
      const res = await call(server, 'POST', '/v1/recovery', {
        body: { identifier: 'someone@example.org' },
        headers: { 'x-client-version': '1.4.0' },
        ip,
      })
      expect(res.status).toBe(426)
    }
    await new Promise((r) => setTimeout(r, 50))
    const found = (await detections(server, admin, '?kind=legacy_client')).find((d) => d.key === `ip:${ip}`)
    expect(found).toMatchObject({ action: 'none', status: 'open' })
    expect(found!.details.client_version).toBe('1.4.0')
  })

  it('delivers detections to a webhook subscribed to guard_detection, signed', async () => {
    const received: Array<{ headers: Record<string, string | string[] | undefined>; body: string }> = []
    const receiver = createServer((req, res) => {
      let body = ''
      req.on('data', (c) => {
        body += c
      })
      req.on('end', () => {
        received.push({ headers: req.headers, body })
        res.end('ok')
      })
    })
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r))
    try {
      const hook = await call(server, 'POST', '/v1/admin/webhooks', {
        token: admin,
        body: {
          url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/gatehouse`,
          event_types: ['guard_detection'],
        },
      })
      expect(hook.status).toBe(201)
      // Past the 5-second cache of the webhook list (the clock of the test server is manual).
      server.clock.advance(6_000)
      const ip = '198.51.106.70'
      for (let i = 0; i < 6; i++) await login(server, `hooked${i}${setup.kind}`, 'nope nope nope', ip)
      await server.deliver()
      const detection = received
        .map((r) => ({ ...r, json: JSON.parse(r.body) }))
        .find((r) => r.json.details.key === `ip:${ip}`)
      expect(detection?.json).toMatchObject({
        type: 'guard_detection',
        details: { kind: 'credential_stuffing', scope: 'ip', action: 'challenge' },
      })
      expect(
        verifyWebhookSignature(hook.json.secret, detection!.headers, detection!.body, {
          now: server.clock.now(),
        }),
      ).toBe(true)
      await call(server, 'DELETE', `/v1/admin/webhooks/${hook.json.id}`, { token: admin })
    } finally {
      await new Promise((r) => receiver.close(r))
    }
  })

  it('lets an administrator list, read, resolve and lift detections; others get 403', async () => {
    const { token: userToken } = await signUpAndLogin(server)
    expect((await call(server, 'GET', '/v1/admin/detections', { token: userToken })).json.code).toBe(
      'admin_required',
    )
    expect((await call(server, 'GET', '/v1/admin/detections')).status).toBe(401)
    expect((await call(server, 'GET', '/v1/admin/detections?status=sideways', { token: admin })).status).toBe(
      400,
    )
    expect((await call(server, 'GET', '/v1/admin/detections/999999', { token: admin })).json.code).toBe(
      'not_found',
    )
    expect((await call(server, 'GET', '/v1/admin/detections/abc', { token: admin })).status).toBe(400)

    const ip = '198.51.103.40'
    for (let i = 0; i < 6; i++) await login(server, `lift${i}${setup.kind}`, 'nope nope nope', ip)
    expect((await login(server, 'lift-next', 'nope nope nope', ip)).json.code).toBe('challenge_required')
    const open = (await detections(server, admin, '?status=open')).find((d) => d.key === `ip:${ip}`)!
    const one = await call(server, 'GET', `/v1/admin/detections/${open.id}`, { token: admin })
    expect(one.json).toMatchObject({ id: open.id, status: 'open' })
    const lifted = await call(server, 'POST', `/v1/admin/detections/${open.id}/lift`, { token: admin })
    expect(lifted.json).toMatchObject({ status: 'lifted' })
    expect(lifted.json.closed_by).toBeTruthy()
    // The source is answered normally again, and its detector leaves it alone for a window.
    expect((await login(server, 'lift-after', 'nope nope nope', ip)).status).toBe(401)
    expect((await login(server, 'lift-after2', 'nope nope nope', ip)).status).toBe(401)
    expect(
      (await call(server, 'POST', `/v1/admin/detections/${open.id}/lift`, { token: admin })).status,
    ).toBe(404)

    const other = (await detections(server, admin, '?status=open'))[0]!
    const resolved = await call(server, 'POST', `/v1/admin/detections/${other.id}/resolve`, {
      token: admin,
      body: {},
    })
    expect(resolved.json).toMatchObject({ id: other.id, status: 'resolved' })
    expect((await detections(server, admin, '?status=resolved')).map((d) => d.id)).toContain(other.id)
    const events = await call(server, 'GET', '/v1/admin/events?type=guard_block_lifted', { token: admin })
    expect(events.json.events[0].details).toMatchObject({ detection_id: open.id })
    const page = await call(server, 'GET', '/v1/admin/detections?limit=1', { token: admin })
    expect(page.json.detections).toHaveLength(1)
    expect(page.json.next_before).toBe(page.json.detections[0].id)
  })
})

describe.each(guardSetups())('blocks, CAPTCHAs and the global spike on $name', (setup) => {
  let server: TestServer
  let limiter: LimiterStore
  let admin: string
  let captcha: Server
  const captchaRequests: URLSearchParams[] = []
  beforeAll(async () => {
    // A CAPTCHA provider's verify endpoint (Turnstile's shape) on loopback.
    captcha = createServer((req, res) => {
      let body = ''
      req.on('data', (c) => {
        body += c
      })
      req.on('end', () => {
        const form = new URLSearchParams(body)
        captchaRequests.push(form)
        res.setHeader('content-type', 'application/json')
        res.end(
          JSON.stringify({
            success: form.get('secret') === 'captcha-secret' && form.get('response') === 'human',
          }),
        )
      })
    })
    await new Promise<void>((r) => captcha.listen(0, '127.0.0.1', r))
    limiter = await setup.limiter()
    server = await createTestServer(
      setup.kind,
      {
        GATEHOUSE_GUARD: 'true',
        GATEHOUSE_POW_DIFFICULTY: '8',
        GATEHOUSE_GUARD_ENUMERATION_BLOCK: '15',
        GATEHOUSE_GUARD_SPIKE_MIN_FAILURES: '12',
        GATEHOUSE_GUARD_STUFFING_IDENTIFIERS: '50',
        GATEHOUSE_GUARD_ENUMERATION_CHALLENGE: '50',
        GATEHOUSE_CAPTCHA_PROVIDER: 'turnstile',
        GATEHOUSE_CAPTCHA_SECRET: 'captcha-secret',
        GATEHOUSE_CAPTCHA_SITE_KEY: 'site-key-1',
        GATEHOUSE_CAPTCHA_VERIFY_URL: `http://127.0.0.1:${(captcha.address() as AddressInfo).port}/siteverify`,
      },
      { limiter },
    )
    admin = await adminSession(server)
  })
  afterAll(async () => {
    await server?.close()
    await limiter?.close()
    await new Promise((r) => captcha?.close(r))
  })

  it('blocks a source past the block threshold with Retry-After, whatever it solves, until lifted', async () => {
    const ip = '198.51.104.50'
    let last: JsonResponse | undefined
    for (let i = 0; i < 16; i++) {
      last = await recover(server, `sweep${i}@example.net`, ip)
      if (last.json?.code === 'challenge_required')
        last = await recover(server, `sweep${i}@example.net`, ip, solved(last))
    }
    const blocked = await recover(server, 'sweep-more@example.net', ip)
    expect(blocked.status).toBe(429)
    expect(blocked.json.code).toBe('rate_limited')
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(800)
    expect((await login(server, 'anyone', 'any password', ip)).json.code).toBe('rate_limited')
    const found = (await detections(server, admin, '?kind=enumeration')).find((d) => d.key === `ip:${ip}`)!
    expect(found.action).toBe('block')
    await call(server, 'POST', `/v1/admin/detections/${found.id}/lift`, { token: admin })
    expect((await recover(server, 'sweep-after@example.net', ip)).status).toBe(202)
    expect(await metricsText(server)).toMatch(/gatehouse_guard_blocks_total\{scope="ip"\} [1-9]/)
  })

  it('under a global spike of failed logins challenges new sources that failed or come from failing networks, not the known ones nor newcomers from quiet networks; a CAPTCHA also answers', async () => {
    const { user } = await signUpAndLogin(server)
    const known = '192.0.2.10'
    expect((await login(server, user.username, user.password, known)).status).toBe(201)
    const other = await signUpAndLogin(server)
    const typist = await signUpAndLogin(server)
    const newcomer = await signUpAndLogin(server)
    // Failures from many addresses of one /16, one each: no single address stands out, the network
    // (16 failed identifiers: its factor) does.
    for (let i = 0; i < 20; i++) await login(server, `spike${i}`, 'wrong wrong wrong', `10.100.${i}.1`)
    const fresh = await login(server, other.user.username, other.user.password, '10.100.200.1')
    expect(fresh.status).toBe(429)
    expect(fresh.json.challenge.captcha).toEqual({
      provider: 'turnstile',
      site_key: 'site-key-1',
      header: 'Gatehouse-Captcha',
    })
    expect((await login(server, user.username, user.password, known)).status).toBe(201)
    // A new address elsewhere that has failed itself is challenged; a newcomer from a quiet network is not.
    expect((await login(server, typist.user.username, 'a typo, sorry', '10.210.0.1')).status).toBe(401)
    expect((await login(server, typist.user.username, typist.user.password, '10.210.0.1')).json.code).toBe(
      'challenge_required',
    )
    expect((await login(server, newcomer.user.username, newcomer.user.password, '10.220.0.1')).status).toBe(
      201,
    )
    // A CAPTCHA token the provider rejects is no answer; one it accepts is.
    const rejected = await login(server, other.user.username, other.user.password, '10.100.200.1', {
      'gatehouse-captcha': 'robot',
    })
    expect(rejected.json.code).toBe('challenge_required')
    const passed = await login(server, other.user.username, other.user.password, '10.100.200.1', {
      'gatehouse-captcha': 'human',
    })
    expect(passed.status).toBe(201)
    expect(captchaRequests.at(-1)?.get('remoteip')).toBe('10.100.200.1')
    const spike = (await detections(server, admin, '?kind=credential_stuffing')).find(
      (d) => d.scope === 'global',
    )
    expect(spike).toMatchObject({ key: 'global:login', action: 'challenge', status: 'open' })
    const failed = await call(server, 'GET', '/v1/admin/events?type=guard_challenge_failed', { token: admin })
    expect(failed.json.events[0].details).toEqual({ kind: 'captcha', reason: 'rejected' })
    // Lifting the spike stops the challenges for new sources of the failing network.
    await call(server, 'POST', `/v1/admin/detections/${spike!.id}/lift`, { token: admin })
    const third = await signUpAndLogin(server)
    expect((await login(server, third.user.username, third.user.password, '10.100.201.1')).status).toBe(201)
  })

  it('answers sign-up probes for taken names with challenges, then a block, once a source has tried too many', async () => {
    // Taken names, each signed up from an address of its own.
    const taken: string[] = []
    for (let i = 0; i < 16; i++) {
      const user = freshUser('taken')
      expect((await call(server, 'POST', '/v1/accounts', { body: user, ip: `10.50.${i}.1` })).status).toBe(
        202,
      )
      taken.push(user.username)
    }
    const ip = '198.51.105.60'
    const answers: string[] = []
    for (const username of taken) {
      const body = { ...freshUser('probe'), username }
      let res = await call(server, 'POST', '/v1/accounts', { body, ip })
      let answer = `${res.status}:${res.json.code}`
      if (res.json.code === 'challenge_required') {
        res = await call(server, 'POST', '/v1/accounts', { body, ip, headers: solved(res) })
        answer += ` then ${res.status}:${res.json.code}`
      }
      answers.push(answer)
    }
    // Ten refusals are answered as such; then each costs a puzzle (refused sign-ups); past 15
    // distinct names (this suite's enumeration block) the source is blocked, puzzles or not.
    expect(answers.slice(0, 10)).toEqual(Array(10).fill('409:username_taken'))
    expect(answers.slice(10, 15)).toEqual(Array(5).fill('429:challenge_required then 409:username_taken'))
    expect(answers[15]).toBe('429:rate_limited')
  })
})

describe.each(guardSetups())('the global spike against a baseline on $name', (setup) => {
  let server: TestServer
  let limiter: LimiterStore
  beforeAll(async () => {
    limiter = await setup.limiter()
    server = await createTestServer(
      setup.kind,
      {
        GATEHOUSE_GUARD: 'true',
        GATEHOUSE_POW_DIFFICULTY: '8',
        GATEHOUSE_GUARD_SPIKE_MIN_FAILURES: '12',
        GATEHOUSE_GUARD_SPIKE_BASELINE_LOGINS: '20',
        GATEHOUSE_GUARD_STUFFING_IDENTIFIERS: '50',
        GATEHOUSE_GUARD_ENUMERATION_CHALLENGE: '50',
      },
      { limiter },
    )
  })
  afterAll(async () => {
    await server?.close()
    await limiter?.close()
  })

  it('on a busy service, a jump from no failures to a fifth failing is a spike, though far below half', async () => {
    const { user } = await signUpAndLogin(server)
    // The hour before: 30 logins, none failing.
    for (let i = 0; i < 30; i++) {
      expect((await login(server, user.username, user.password, `10.150.${i}.1`)).status).toBe(201)
    }
    server.clock.advance(5 * 60_000)
    // Now: 40 good logins and 12 failures in the last minute — 23 % failing.
    for (let i = 0; i < 40; i++) await login(server, user.username, user.password, `10.150.${i}.1`)
    for (let i = 0; i < 11; i++) await login(server, `nobody${i}`, 'wrong wrong wrong', `10.160.${i}.1`)
    const other = await signUpAndLogin(server)
    // 11 failures: not yet.
    expect((await login(server, other.user.username, other.user.password, '10.170.0.1')).status).toBe(201)
    await login(server, 'nobody-12', 'wrong wrong wrong', '10.160.12.1')
    // A new source that fails once during the spike must solve a challenge for its next try.
    expect((await login(server, other.user.username, 'a typo, sorry', '10.170.1.1')).status).toBe(401)
    const fresh = await login(server, other.user.username, other.user.password, '10.170.1.1')
    expect(fresh.json.code).toBe('challenge_required')
    const spike = (await server.app.detections.list({ kind: 'credential_stuffing' }, 10)).find(
      (d) => d.scope === 'global',
    )
    expect(spike?.details).toMatchObject({ baseline_ratio: 0 })
    expect(Number(spike?.details.failure_ratio)).toBeLessThan(0.5)
  })
})

describe.each(guardSetups())('networks wider than a /24 or /64 on $name', (setup) => {
  let server: TestServer
  let limiter: LimiterStore
  let admin: string
  beforeAll(async () => {
    limiter = await setup.limiter()
    server = await createTestServer(
      setup.kind,
      {
        GATEHOUSE_GUARD: 'true',
        GATEHOUSE_POW_DIFFICULTY: '8',
        // 3 distinct identifiers for an address; 6 for a /24 or /64, 9 for a /56, 12 for a /16 or /48.
        GATEHOUSE_GUARD_ENUMERATION_CHALLENGE: '3',
        GATEHOUSE_GUARD_SUBNET_FACTOR: '2',
        GATEHOUSE_GUARD_SITE_FACTOR: '3',
        GATEHOUSE_GUARD_NETWORK_FACTOR: '4',
      },
      { limiter },
    )
    admin = await adminSession(server)
  })
  afterAll(async () => {
    await server?.close()
    await limiter?.close()
  })

  /** One recovery request from each address, each for a name of its own; the statuses. */
  const spread = async (ips: string[], tag: string) => {
    const statuses: number[] = []
    for (const [i, ip] of ips.entries()) {
      statuses.push((await recover(server, `${tag}${i}-${setup.kind}@example.net`, ip)).status)
    }
    return statuses
  }

  it('meets the budget of a /48 when spread over its /56s and /64s', async () => {
    const ips = Array.from({ length: 12 }, (_, i) => `2001:db8:7:${(i * 256).toString(16)}::1`)
    expect(await spread(ips, 'v6wide')).toEqual(Array(12).fill(202))
    // One more /56 of that /48 is challenged; another /48 is not.
    expect((await recover(server, 'v6wide-more@example.net', '2001:db8:7:ff00::1')).json.code).toBe(
      'challenge_required',
    )
    expect((await recover(server, 'v6wide-else@example.net', '2001:db8:8::1')).status).toBe(202)
    const found = (await detections(server, admin, '?kind=enumeration')).find(
      (d) => d.key === 'subnet:2001:db8:7::/48',
    )
    expect(found).toMatchObject({ scope: 'subnet', action: 'challenge' })
  })

  it('meets the budget of a /56 when spread over its /64s', async () => {
    const ips = Array.from({ length: 9 }, (_, i) => `2001:db8:9:1${i.toString(16).padStart(2, '0')}::1`)
    expect(await spread(ips, 'v6site')).toEqual(Array(9).fill(202))
    expect((await recover(server, 'v6site-more@example.net', '2001:db8:9:1ff::1')).json.code).toBe(
      'challenge_required',
    )
    // Another /56 of the same /48 (9 of its 12) is not.
    expect((await recover(server, 'v6site-else@example.net', '2001:db8:9:200::1')).status).toBe(202)
  })

  it('meets the budget of a /16 when spread over its /24s, IPv4-mapped addresses included', async () => {
    const ips = Array.from({ length: 12 }, (_, i) => (i % 2 ? `::ffff:10.77.${i}.1` : `10.77.${i}.1`))
    expect(await spread(ips, 'v4wide')).toEqual(Array(12).fill(202))
    expect((await recover(server, 'v4wide-more@example.net', '10.77.200.1')).json.code).toBe(
      'challenge_required',
    )
    expect((await recover(server, 'v4wide-else@example.net', '10.78.0.1')).status).toBe(202)
    const found = (await detections(server, admin, '?kind=enumeration')).find(
      (d) => d.key === 'subnet:10.77.0.0/16',
    )
    expect(found).toMatchObject({ scope: 'subnet', action: 'challenge' })
  })
})
