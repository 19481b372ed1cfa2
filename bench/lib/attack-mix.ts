import { performance } from 'node:perf_hooks'
import { solvePow } from '../../packages/client/src/challenge.js'
import { type Reply, request, sourceAgents, type Target } from './http.js'
import { prng } from './random.js'

/**
 * An attack mix against a running Gatehouse, with legitimate users interleaved: an enumeration
 * sweep, a recovery flood and credential stuffing, each from its own loopback addresses (every
 * address in a /24 of its own). Attackers never solve a challenge; legitimate users solve the ones
 * they get with the client package's solver (packages/client/src/challenge.ts). Used by the guard simulation test and
 * by `npm run bench -- guard`.
 */

export interface MixUser {
  username: string
  email: string
  password: string
  /** The device token from an earlier login, if the user has logged in before. */
  deviceToken?: string
}

export interface MixPlan {
  /** Log in from home (known), a third with a typo first; every fourth also asks for a reset of their own account. */
  regulars: Array<MixUser & { home: string }>
  /** Log in from a new address, with their device token. */
  travellers: Array<MixUser & { travel: string }>
  /** Log in for the first time ever, from their own address. */
  newcomers: Array<MixUser & { home: string }>
  /** The recovery flood's targets. */
  floodTargets: MixUser[]
  /** Accounts whose real passwords are in the stuffing list. */
  stuffingVictims: MixUser[]
  /** Identifiers of real accounts the sweep and the stuffing list may name (with wrong passwords). */
  knownIdentifiers: string[]
}

export interface MixSettings {
  sweepIdentifiers: number
  sweepSources: number
  floodRequests: number
  floodSources: number
  stuffingPairs: number
  stuffingSources: number
  /** Valid pairs are placed at or after this position of the stuffing list (see the test). */
  validPairsFrom: number
  /** Requests in flight at once, all streams together. */
  concurrency: number
  /** Legitimate users start within this many ms of the attack's start. */
  legitSpreadMs: number
  seed: number
}

export const defaultMix: MixSettings = {
  sweepIdentifiers: 10_000,
  sweepSources: 50,
  floodRequests: 1_000,
  floodSources: 100,
  stuffingPairs: 5_000,
  stuffingSources: 100,
  validPairsFrom: 500,
  concurrency: 32,
  legitSpreadMs: 4_000,
  seed: 20261123,
}

export interface SourceTrace {
  source: string
  endpoint: 'login' | 'recovery'
  requests: number
  /** 1-based index of the source's first challenge_required answer (0: none). */
  firstChallenge: number
  /** 1-based index of its first rate_limited answer (0: none). */
  firstRateLimited: number
  statuses: Record<string, number>
}

export interface ValidPairTrace {
  source: string
  /** 0-based place in the source's own list. */
  index: number
  /** The answer's code. */
  answer: string
  /** The codes of the source's earlier answers, in order. */
  before: string[]
}

export interface LegitTrace {
  username: string
  kind: 'regular' | 'traveller' | 'newcomer'
  challenges: number
  rateLimited: number
  loginOk: boolean
  recoveryOk: boolean | null
  errors: string[]
}

export interface MixReport {
  sweep: SourceTrace[]
  flood: { perTarget: Map<string, number[]>; traces: SourceTrace[] }
  stuffing: {
    traces: SourceTrace[]
    /** Position in the stuffing list (1-based, in the order answers came back) of the first challenge. */
    firstChallengeAt: number
    /** Pairs answered without a challenge or a refusal (the password was checked). */
    checked: number
    /** Valid pairs that got a session or a second-factor prompt: found without solving anything. */
    found: number
    validTried: number
    /** Each valid pair tried: its source, its place in the source's list and the answers before it. */
    valid: ValidPairTrace[]
  }
  legit: LegitTrace[]
  requests: number
  seconds: number
}

/** Limits how many requests are in flight across every stream. */
const semaphore = (limit: number) => {
  let active = 0
  const waiting: Array<() => void> = []
  return async <T>(run: () => Promise<T>): Promise<T> => {
    if (active >= limit) await new Promise<void>((r) => waiting.push(r))
    active++
    try {
      return await run()
    } finally {
      active--
      waiting.shift()?.()
    }
  }
}

const codeOf = (r: Reply): string => {
  try {
    return (JSON.parse(r.body) as { code?: string }).code ?? String(r.status)
  } catch {
    return String(r.status)
  }
}

export const runAttackMix = async (
  target: Target,
  plan: MixPlan,
  settings: MixSettings = defaultMix,
): Promise<MixReport> => {
  const random = prng(settings.seed)
  const slot = semaphore(settings.concurrency)
  const agents = sourceAgents(5_000)
  let requests = 0
  const send = (ip: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
    slot(() => {
      requests++
      return request(target, {
        method: 'POST',
        path,
        body,
        agent: agents.agent(ip),
        localAddress: ip,
        headers,
      })
    })
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!

  /** Runs one source's requests in order, noting when the guard first answered. */
  const stream = async (
    source: string,
    endpoint: 'login' | 'recovery',
    bodies: unknown[],
    onReply?: (i: number, r: Reply) => void,
  ): Promise<SourceTrace> => {
    const trace: SourceTrace = {
      source,
      endpoint,
      requests: 0,
      firstChallenge: 0,
      firstRateLimited: 0,
      statuses: {},
    }
    const path = endpoint === 'login' ? '/v1/sessions' : '/v1/recovery'
    for (const [i, body] of bodies.entries()) {
      const r = await send(source, path, body)
      trace.requests++
      const code = codeOf(r)
      trace.statuses[code] = (trace.statuses[code] ?? 0) + 1
      if (code === 'challenge_required' && !trace.firstChallenge) trace.firstChallenge = i + 1
      if (code === 'rate_limited' && !trace.firstRateLimited) trace.firstRateLimited = i + 1
      onReply?.(i, r)
    }
    return trace
  }

  // ---- the enumeration sweep: half the sources on recovery, half on login ---------------------
  const perSweepSource = Math.ceil(settings.sweepIdentifiers / settings.sweepSources)
  const sweep = Array.from({ length: settings.sweepSources }, (_, s) => {
    const endpoint = s % 2 === 0 ? 'recovery' : 'login'
    const bodies = Array.from({ length: perSweepSource }, (_, k) => {
      // One in ten names a real account; the rest name nobody.
      const identifier =
        random() < 0.1
          ? pick(plan.knownIdentifiers)
          : `sweep-${s}-${k}-${Math.floor(random() * 1e9)}@example.net`
      return endpoint === 'login' ? { identifier, password: `guess ${k} ${s}` } : { identifier }
    })
    return { source: `127.70.${s}.1`, endpoint, bodies } as const
  })

  // ---- the recovery flood: many sources, 20 accounts ---------------------------------------------
  const perTarget = new Map<string, number[]>(plan.floodTargets.map((u) => [u.username, []]))
  const perFloodSource = Math.ceil(settings.floodRequests / settings.floodSources)
  const flood = Array.from({ length: settings.floodSources }, (_, s) => {
    const targets = Array.from(
      { length: perFloodSource },
      (_, k) => plan.floodTargets[(s + k) % plan.floodTargets.length]!,
    )
    return { source: `127.80.${s}.1`, targets }
  })

  // ---- credential stuffing: pairs from a leak, a few of them valid -------------------------------
  const pairs: Array<{ identifier: string; password: string; valid: boolean }> = Array.from(
    { length: settings.stuffingPairs },
    (_, j) => ({
      identifier: random() < 0.6 ? pick(plan.knownIdentifiers) : `leaked${j}@example.com`,
      password: `Summer${2000 + (j % 25)}!leak`,
      valid: false,
    }),
  )
  for (const victim of plan.stuffingVictims) {
    const at =
      settings.validPairsFrom + Math.floor(random() * (settings.stuffingPairs - settings.validPairsFrom))
    pairs[at] = {
      identifier: random() < 0.5 ? victim.username : victim.email,
      password: victim.password,
      valid: true,
    }
  }
  let stuffingAnswered = 0
  let firstChallengeAt = 0
  let checked = 0
  let found = 0
  let validTried = 0
  const valid: ValidPairTrace[] = []
  const stuffing = Array.from({ length: settings.stuffingSources }, (_, s) => ({
    source: `127.90.${s}.1`,
    pairs: pairs.filter((_, j) => j % settings.stuffingSources === s),
    codes: [] as string[],
  }))

  // ---- legitimate users ----------------------------------------------------------------------------
  const legit: LegitTrace[] = []
  /** A legitimate client: solves a challenge when asked (counted), never retries a refusal. */
  const legitCall = async (
    trace: LegitTrace,
    ip: string,
    path: string,
    body: unknown,
    deviceToken?: string,
  ): Promise<Reply> => {
    const headers: Record<string, string> = deviceToken ? { 'x-gatehouse-device': deviceToken } : {}
    let r = await send(ip, path, body, headers)
    if (codeOf(r) === 'challenge_required') {
      trace.challenges++
      const pow = (JSON.parse(r.body) as { challenge: { pow: { puzzle: string; difficulty: number } } })
        .challenge.pow
      r = await send(ip, path, body, { ...headers, 'gatehouse-pow': await solvePow(pow) })
    }
    if (codeOf(r) === 'rate_limited') trace.rateLimited++
    return r
  }
  const wait = (ms: number) => new Promise((r) => setTimeout(r, ms))
  const legitRuns: Array<() => Promise<void>> = []
  /** One legitimate user: a trace, and `act` run after `delay` ms. */
  const schedule = (
    u: MixUser,
    kind: LegitTrace['kind'],
    delay: number,
    act: (trace: LegitTrace) => Promise<void>,
  ) => {
    const trace: LegitTrace = {
      username: u.username,
      kind,
      challenges: 0,
      rateLimited: 0,
      loginOk: false,
      recoveryOk: null,
      errors: [],
    }
    legit.push(trace)
    legitRuns.push(async () => {
      await wait(delay)
      await act(trace)
    })
  }
  /** A login that must succeed; notes the outcome on the trace. */
  const login = async (trace: LegitTrace, ip: string, identifier: string, u: MixUser) => {
    const r = await legitCall(trace, ip, '/v1/sessions', { identifier, password: u.password }, u.deviceToken)
    trace.loginOk = r.status === 201
    if (!trace.loginOk) trace.errors.push(`login answered ${r.status} ${codeOf(r)}`)
  }
  for (const [i, u] of plan.regulars.entries()) {
    schedule(u, 'regular', random() * settings.legitSpreadMs, async (trace) => {
      if (i % 3 === 0) {
        const typo = await legitCall(
          trace,
          u.home,
          '/v1/sessions',
          { identifier: u.username, password: `${u.password}x` },
          u.deviceToken,
        )
        if (typo.status !== 401) trace.errors.push(`typo answered ${typo.status} ${codeOf(typo)}`)
      }
      await login(trace, u.home, u.username, u)
      if (i % 4 === 0) {
        const rec = await legitCall(trace, u.home, '/v1/recovery', { identifier: u.email })
        trace.recoveryOk = rec.status === 202
        if (!trace.recoveryOk) trace.errors.push(`recovery answered ${rec.status} ${codeOf(rec)}`)
      }
    })
  }
  for (const u of plan.travellers) {
    schedule(u, 'traveller', random() * settings.legitSpreadMs, (trace) => login(trace, u.travel, u.email, u))
  }
  for (const u of plan.newcomers) {
    // Newcomers come once the attack is under way (when a spike, if any, has been seen).
    const delay = settings.legitSpreadMs / 2 + random() * settings.legitSpreadMs
    schedule(u, 'newcomer', delay, (trace) => login(trace, u.home, u.username, u))
  }

  const started = performance.now()
  const [sweepTraces, floodTraces, stuffingTraces] = await Promise.all([
    Promise.all(sweep.map((s) => stream(s.source, s.endpoint, [...s.bodies]))),
    Promise.all(
      flood.map((s) =>
        stream(
          s.source,
          'recovery',
          s.targets.map((t, k) => ({ identifier: k % 2 === 0 ? t.username : t.email })),
          (k) => perTarget.get(s.targets[k]!.username)!.push(Date.now()),
        ),
      ),
    ),
    Promise.all(
      stuffing.map((s) =>
        stream(
          s.source,
          'login',
          s.pairs.map((p) => ({ identifier: p.identifier, password: p.password })),
          (k, r) => {
            stuffingAnswered++
            const code = codeOf(r)
            if (code === 'challenge_required' && !firstChallengeAt) firstChallengeAt = stuffingAnswered
            if (r.status === 401 || r.status === 201 || r.status === 200) checked++
            const pair = s.pairs[k]!
            if (pair.valid) {
              validTried++
              if (r.status === 201 || r.status === 200) found++
              valid.push({ source: s.source, index: k, answer: code, before: [...s.codes] })
            }
            s.codes.push(code)
          },
        ),
      ),
    ),
    Promise.all(legitRuns.map((run) => run())),
  ])
  const seconds = (performance.now() - started) / 1000
  agents.destroy()
  return {
    sweep: sweepTraces,
    flood: { perTarget, traces: floodTraces },
    stuffing: { traces: stuffingTraces, firstChallengeAt, checked, found, validTried, valid },
    legit,
    requests,
    seconds,
  }
}
