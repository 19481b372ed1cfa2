import { AppError } from '../../kernel/errors.js'
import type { RequestContext } from '../events/ports.js'
import type { EventRecorder } from '../events/recorder.js'
import { CAPTCHA_HEADER, type CaptchaVerifier } from './captcha.js'
import { POW_ALGORITHM, POW_HEADER, type ProofOfWork } from './pow.js'
import type { GuardedEndpoint, GuardMetrics, GuardSettings } from './settings.js'

export type RequestHeaders = Record<string, string | string[] | undefined>

const header = (h: RequestHeaders, name: string): string | null => {
  const v = h[name]
  const one = Array.isArray(v) ? v[0] : v
  return one && one.length <= 8192 ? one : null
}

/** The puzzle's difficulty at a challenge level: two bits more per level, up to the maximum. */
export const difficultyOf = (level: number, pow: GuardSettings['pow']): number =>
  Math.min(pow.maxDifficulty, pow.baseDifficulty + 2 * (level - 1))

/**
 * A challenge due: met by a solved proof-of-work puzzle (`Gatehouse-PoW`) of the difficulty, or a
 * CAPTCHA token the provider accepts (`Gatehouse-Captcha`, when one is configured); otherwise 429
 * `challenge_required` with a new puzzle. A failed answer is recorded as `guard_challenge_failed`.
 */
export class Challenges {
  constructor(
    private readonly deps: {
      pow: ProofOfWork
      captcha?: CaptchaVerifier | undefined
      events: EventRecorder
      metrics: Pick<GuardMetrics, 'challenge'>
    },
  ) {}

  async demand(
    endpoint: GuardedEndpoint,
    ctx: RequestContext,
    headers: RequestHeaders,
    difficulty: number,
  ): Promise<void> {
    if (await this.#captchaMet(ctx, headers)) return
    if (await this.#powMet(endpoint, ctx, headers, difficulty)) return
    throw this.#required(endpoint, ctx, difficulty)
  }

  async #captchaMet(ctx: RequestContext, headers: RequestHeaders): Promise<boolean> {
    const { captcha, metrics, events } = this.deps
    const token = captcha ? header(headers, CAPTCHA_HEADER) : null
    if (!captcha || !token) return false
    if (await captcha.verify(token, ctx.ip)) {
      metrics.challenge('captcha', 'solved')
      return true
    }
    metrics.challenge('captcha', 'failed')
    await events.record('guard_challenge_failed', null, ctx, { kind: 'captcha', reason: 'rejected' })
    return false
  }

  async #powMet(
    endpoint: GuardedEndpoint,
    ctx: RequestContext,
    headers: RequestHeaders,
    difficulty: number,
  ): Promise<boolean> {
    const { pow, metrics, events } = this.deps
    const solution = header(headers, POW_HEADER)
    if (!solution) return false
    const verdict = await pow.verify(solution, endpoint, ctx.ip, difficulty)
    if (verdict === 'ok') {
      metrics.challenge('pow', 'solved')
      return true
    }
    metrics.challenge('pow', 'failed')
    await events.record('guard_challenge_failed', null, ctx, { kind: 'pow', reason: verdict })
    return false
  }

  #required(endpoint: GuardedEndpoint, ctx: RequestContext, difficulty: number): AppError {
    const { pow, captcha, metrics } = this.deps
    const issued = pow.issue(endpoint, ctx.ip, difficulty)
    metrics.challenge('pow', 'issued')
    return new AppError('challenge_required', {
      detail: `Repeat the request with a solved puzzle in the ${POW_HEADER} header${captcha ? ' or a CAPTCHA token in gatehouse-captcha' : ''}`,
      extensions: {
        challenge: {
          pow: {
            algorithm: POW_ALGORITHM,
            puzzle: issued.puzzle,
            difficulty,
            header: 'Gatehouse-PoW',
            expires_at: new Date(issued.expiresAt).toISOString(),
          },
          ...(captcha
            ? {
                captcha: {
                  provider: captcha.provider,
                  site_key: captcha.siteKey,
                  header: 'Gatehouse-Captcha',
                },
              }
            : {}),
        },
      },
    })
  }
}
