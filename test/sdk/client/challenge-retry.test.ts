import {
  completeRecovery,
  GatehouseError,
  getCurrentSession,
  requestRecovery,
  signIn,
} from '@gatehouse/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { clientOf, type ListeningServer, recordingFetch, signUp, startGatehouse } from './harness.js'

/*
 * What the client does by itself: it solves the guard's proof of work when an address is
 * challenged and sends the request again (on the main thread in Node.js), and it waits out a short
 * `Retry-After` but throws a long one at once, with the wait on the error.
 */
describe('@gatehouse/client meets the guard’s challenge and solves it on its own', () => {
  let server: ListeningServer
  beforeAll(async () => {
    server = await startGatehouse({
      GATEHOUSE_GUARD: 'true',
      // A small puzzle: a few hundred hashes.
      GATEHOUSE_POW_DIFFICULTY: '8',
      GATEHOUSE_GUARD_ENUMERATION_BLOCK: '15',
    })
  })
  afterAll(async () => {
    await server?.close()
  })

  it('signs in through a challenge_required answer', async () => {
    const gh = clientOf(server)
    const user = await signUp(server, gh)
    // Failed sign-ins on five identifiers from this address: a credential-stuffing pattern.
    for (let i = 0; i < 5; i++) {
      const e = await signIn(gh, {
        identifier: `stuffed${i}@example.net`,
        password: 'hunter2 hunter2 hunter2',
      })
        .then(() => null)
        .catch((err: unknown) => err)
      expect(e).toBeInstanceOf(GatehouseError)
    }
    const recorder = recordingFetch()
    const progress: number[] = []
    const challenged = clientOf(server, { fetch: recorder.fetch })
    challenged.challenges.subscribe((s) => {
      if (s) progress.push(s.tried)
    })
    const result = await signIn(challenged, { identifier: user.username, password: user.password })
    expect(result.status).toBe('signed_in')
    expect(recorder.seen.map((r) => r.status)).toEqual([429, 201])
    expect(recorder.seen[1]?.headers.get('gatehouse-pow')).toMatch(/:/)
    expect(progress.length).toBeGreaterThan(0)
    expect(challenged.challenges.current()).toBeNull()
    expect((await getCurrentSession(challenged)).account.username).toBe(user.username)
    const metrics = await server.app.metrics.registry.metrics()
    expect(metrics).toMatch(/gatehouse_guard_challenges_total\{kind="pow",outcome="solved"\} [1-9]/)
  })

  it('gives up when the person cancels the puzzle (challenge_cancelled)', async () => {
    const gh = clientOf(server, { pow: { workerUrl: false } })
    const states: (number | null)[] = []
    const unsubscribe = gh.challenges.subscribe((s) => {
      states.push(s ? s.tried : null)
      // Cancelled as soon as it shows: nothing is tried.
      if (s) gh.challenges.cancel()
    })
    const e = await signIn(gh, {
      identifier: 'stuffed9@example.net',
      password: 'hunter2 hunter2 hunter2',
    }).catch((err: unknown) => err)
    unsubscribe()
    expect(e).toMatchObject({ code: 'challenge_cancelled', status: 0 })
    expect(states).toEqual([0, null])
    expect(gh.challenges.current()).toBeNull()
  })
})

describe('@gatehouse/client and Retry-After', () => {
  let server: ListeningServer
  beforeAll(async () => {
    server = await startGatehouse({
      // One request every two seconds per address: a short wait.
      GATEHOUSE_RECOVERY_LIMIT_IP: '1/2',
      // One an hour: a long one.
      GATEHOUSE_RECOVERY_COMPLETE_LIMIT_IP: '1/3600',
    })
  })
  afterAll(async () => {
    await server?.close()
  })

  it('waits out a short Retry-After and sends the request again', async () => {
    const recorder = recordingFetch()
    const gh = clientOf(server, { fetch: recorder.fetch })
    await requestRecovery(gh, { body: { identifier: 'nobody@example.net' } })
    const started = Date.now()
    const second = await requestRecovery(gh, { body: { identifier: 'nobody@example.net' } })
    expect(second.status).toBe('accepted')
    expect(recorder.seen.map((r) => r.status)).toEqual([202, 429, 202])
    expect(Date.now() - started).toBeGreaterThanOrEqual(500)
  })

  it('throws a long Retry-After at once, with the wait on the error', async () => {
    const gh = clientOf(server)
    const body = { token: 'x'.repeat(43), password: 'granite harbour 77 lantern' }
    await completeRecovery(gh, { body }).catch(() => undefined)
    const started = Date.now()
    const e = await completeRecovery(gh, { body }).catch((err: unknown) => err)
    expect(Date.now() - started).toBeLessThan(2000)
    expect(e).toBeInstanceOf(GatehouseError)
    expect(e).toMatchObject({ status: 429, code: 'rate_limited' })
    expect((e as GatehouseError).retryAfter).toBeGreaterThan(60)
  })

  it('never waits when told not to', async () => {
    const gh = clientOf(server, { retry: { maxWaitSeconds: 0 } })
    await requestRecovery(gh, { body: { identifier: 'someone@example.net' } }).catch(() => undefined)
    const e = await requestRecovery(gh, { body: { identifier: 'someone@example.net' } }).catch(
      (err: unknown) => err,
    )
    expect(e).toMatchObject({ status: 429, code: 'rate_limited' })
    expect((e as GatehouseError).retryAfter).toBeLessThanOrEqual(2)
  })
})
