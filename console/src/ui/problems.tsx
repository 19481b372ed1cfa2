import { useEffect, useRef, useSyncExternalStore } from 'react'
import { gh, missingApi, Problem, powOf } from '../api'

/** A problem answer as the person reads it: its title and detail, in an alert region. */
export const ProblemMessage = ({ error, feature }: { error: unknown; feature?: string }) => {
  if (!error) return null
  const p =
    error instanceof Problem
      ? error
      : new Problem(
          0,
          undefined,
          'Something went wrong',
          error instanceof Error ? error.message : String(error),
        )
  const missing = missingApi(p) && feature
  return (
    <div className="problem" role="alert">
      <p className="problem-title">{missing ? `${feature} is not available on this server` : p.title}</p>
      <p className="problem-detail">
        {missing
          ? 'The admin API answered 404 for it: this Gatehouse version does not offer it yet.'
          : (p.detail ?? (p.status ? `HTTP ${p.status}` : ''))}
        {p.code && !missing ? <span className="problem-code"> ({p.code})</span> : null}
      </p>
    </div>
  )
}

const count = (n: number) => Math.round(n).toLocaleString('en')
const seconds = (s: number) =>
  s < 1 ? 'under a second' : s < 90 ? `${Math.round(s)} s` : `${Math.round(s / 60)} min`

/**
 * The guard's proof-of-work challenge being solved in this page (challenge.ts): a progress bar
 * against the attempts expected on average, the attempts made and their rate, and Cancel.
 * Renders nothing when no challenge is being solved.
 */
export const ChallengeProgress = () => {
  const s = useSyncExternalStore(gh.challenges.subscribe, gh.challenges.current)
  const cancel = useRef<HTMLButtonElement>(null)
  const solving = s !== null
  useEffect(() => {
    if (solving) cancel.current?.focus()
  }, [solving])
  if (!s) return null
  const elapsed = (s.updatedAt - s.startedAt) / 1000
  const rate = elapsed > 0.2 ? s.tried / elapsed : 0
  // A puzzle takes `expected` attempts on average, some fewer, some more: never show it done.
  const share = Math.min(0.99, s.tried / s.expected)
  const pct = Math.floor(share * 100)
  return (
    <section className="challenge" aria-labelledby="challenge-title" data-testid="challenge">
      <h2 id="challenge-title">
        Solving the guard's challenge <span className="spinner" aria-hidden="true" />
      </h2>
      <p aria-live="polite">
        The guard is challenging requests from your address. This browser is doing the proof of work it asks
        for and will then send the request again.
      </p>
      <div className="progress">
        <div
          className="progress-track"
          role="progressbar"
          aria-label="Proof of work"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={pct}
          aria-valuetext={`${count(s.tried)} attempts of about ${count(s.expected)} expected`}
        >
          <div className="progress-fill" style={{ width: `${pct}%` }} />
        </div>
        <p className="progress-text" data-testid="challenge-attempts">
          {count(s.tried)} attempts of about {count(s.expected)} expected (difficulty {s.difficulty} bits)
        </p>
        <p className="progress-text muted">
          {rate > 0
            ? `${count(rate)} a second on ${s.solvers} ${s.solvers === 1 ? 'core' : 'cores'}: about ${seconds(s.expected / rate)} on average${s.tried > s.expected ? ' (this one is taking longer than average)' : ''}`
            : `Starting on ${s.solvers} ${s.solvers === 1 ? 'core' : 'cores'}…`}
        </p>
      </div>
      <button type="button" ref={cancel} onClick={gh.challenges.cancel}>
        Cancel
      </button>
    </section>
  )
}

/**
 * What an operator can do when the guard stands between them and the console: a block or a delay
 * (429 rate_limited), a challenge the console cannot meet (a CAPTCHA only), or a cancelled one.
 */
export const GuardHint = ({ error }: { error: unknown }) => {
  if (!(error instanceof Problem)) return null
  const captchaOnly = error.code === 'challenge_required' && !powOf(error)
  const blocked = error.status === 429 && error.code === 'rate_limited'
  const cancelled = error.code === 'challenge_cancelled'
  if (!captchaOnly && !blocked && !cancelled) return null
  const retry = error.problem.retry_after
  return (
    <div className="guard-hint" data-testid="guard-hint">
      <p>
        {captchaOnly
          ? 'This server answers with a CAPTCHA, which the console cannot show.'
          : blocked
            ? `The guard is blocking or slowing down requests from your address${typeof retry === 'number' ? ` for another ${seconds(retry)}` : ''}.`
            : 'Sign in again to solve a new challenge.'}{' '}
        Someone with shell access to a Gatehouse server can end the guard's challenges, delays and blocks for
        your address at once (audited):
      </p>
      <pre>
        <code>gatehouse guard lift --ip &lt;your address&gt; --reason "console access"</code>
      </pre>
      <p className="muted">
        <code>--all</code> lifts them for every source. See the guard's documentation (docs/guard.md).
      </p>
    </div>
  )
}
