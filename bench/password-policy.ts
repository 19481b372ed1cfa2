/**
 * password-policy: synchronous time of one `PasswordPolicy.check` (the strength estimate is most of it)
 * for passwords of 64, 256 and 1024 code points, with the estimator seeing the first 64 code points
 * (now), the first 100 (before) and the first 256 (no bound below the default maximum length).
 *
 *   npm run bench -- password-policy [--runs 9]
 *
 * Three kinds of input, the slowest for zxcvbn found: random base64url, l33t-like symbols, and common
 * words run together. The 1024-code-point input is refused as too long by the default maximum (256)
 * and accepted by the largest one allowed (GATEHOUSE_PASSWORD_MAX_LENGTH=1024). Runs in this process;
 * no server. Ok always: the bound on work is asserted by the unit tests, not by a clock.
 */
import { randomBytes, randomInt } from 'node:crypto'
import { PasswordPolicy, warmPasswordLists } from '../src/modules/accounts/password-policy.js'
import { median, ms } from './lib/stats.js'
import { type BenchOptions, type BenchResult, numberOption } from './lib/types.js'

export const description =
  'password policy: ms per check at 64/256/1024 code points, estimator sample 64 vs 100 vs 256'

const log = (line: string) => console.log(`[password-policy] ${line}`)

const L33T = '4@8({[<3!1|0$5+7%2'
const INPUTS: Record<string, (n: number) => string> = {
  random: (n) => randomBytes(n).toString('base64url').slice(0, n),
  l33t: (n) => Array.from({ length: n }, () => L33T[randomInt(L33T.length)]).join(''),
  words: (n) => {
    const words = ['the', 'and', 'you', 'that', 'was', 'for', 'are', 'with', 'his', 'they', 'love', 'dragon']
    let s = ''
    while (s.length < n) s += words[randomInt(words.length)]
    return s.slice(0, n)
  },
}

export const run = async (options: BenchOptions): Promise<BenchResult> => {
  const runs = numberOption(options, 'runs', 9)
  warmPasswordLists()
  const context = { username: 'alice.smith', email: 'alice.smith@example.com' }
  const cases: Array<{
    maxLength: number
    sample: number
    length: number
    kind: string
    times: number[]
    verdict: string
  }> = []
  for (const [maxLength, lengths] of [
    [256, [64, 256, 1024]],
    [1024, [1024]],
  ] as const) {
    for (const sample of [64, 100, 256])
      for (const length of lengths)
        for (const kind of Object.keys(INPUTS))
          cases.push({ maxLength, sample, length, kind, times: [], verdict: '' })
  }
  const policies = new Map<string, PasswordPolicy>()
  const policyFor = (maxLength: number, sample: number) => {
    const key = `${maxLength}/${sample}`
    let p = policies.get(key)
    if (!p) {
      p = new PasswordPolicy({ minLength: 8, maxLength, minScore: 2, strengthSample: sample })
      policies.set(key, p)
    }
    return p
  }
  // Warm-up (JIT, dictionaries), then rounds that visit every case once each, so that the shared
  // machine's drift spreads over all of them alike.
  for (const c of cases)
    policyFor(c.maxLength, c.sample).check(INPUTS[c.kind]!(Math.min(c.length, 64)), context)
  for (let round = 0; round < runs; round++) {
    for (const c of cases) {
      const password = INPUTS[c.kind]!(c.length)
      const policy = policyFor(c.maxLength, c.sample)
      const start = performance.now()
      const v = policy.check(password, context)
      c.times.push(performance.now() - start)
      c.verdict = v.ok ? 'ok' : v.code
    }
  }
  const rows: Array<readonly [string, string]> = []
  const lines = cases.map((c) => {
    const med = median(c.times)
    const max = Math.max(...c.times)
    if (c.sample !== 256 && c.verdict === 'ok')
      rows.push([
        `max ${c.maxLength}, sample ${c.sample}, ${c.length} cp ${c.kind}: median / max`,
        `${ms(med)} / ${ms(max)}`,
      ])
    return [String(c.maxLength), String(c.sample), String(c.length), c.kind, ms(med), ms(max), c.verdict]
  })
  log(`${runs} rounds, Node ${process.version}`)
  const head = ['max length', 'sample', 'code points', 'input', 'median', 'max', 'verdict']
  console.log([head, head.map(() => '---'), ...lines].map((l) => `| ${l.join(' | ')} |`).join('\n'))
  return { name: 'password-policy', ok: true, rows }
}
