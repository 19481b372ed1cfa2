/* What a detection's figures mean, in words, from its kind and details. */
import { count, type Details, duration, join, num, text, words } from './format.js'

/**
 * What a detection's figures mean, from its kind and details: "25 recovery requests from 25
 * addresses in 15 min; 25 requests counted while open".
 */
export const explainDetection = (d: {
  kind: string
  scope: string
  count: number
  details: Details
}): string => {
  const x = d.details ?? {}
  const window = duration(x.window_seconds)
  const inWindow = window ? ` in ${window}` : ''
  let what: string | null = null
  switch (d.kind) {
    case 'recovery_flood':
      what = join(
        ' ',
        count(x.requests, 'recovery request'),
        count(x.sources, 'address', 'addresses') && `from ${count(x.sources, 'address', 'addresses')}`,
      )
      if (what) what += inWindow
      break
    case 'brute_force':
      what = count(x.failures, 'failed login')
      if (what)
        what += `${d.scope === 'account' ? ' on the account' : ' on the identifier'}${inWindow}${
          num(x.delay_seconds) !== null
            ? `; each source now waits ${duration(x.delay_seconds)} between tries`
            : ''
        }`
      break
    case 'credential_stuffing':
      what =
        d.scope === 'global'
          ? join(
              ', ',
              count(x.failed_logins, 'failed login') &&
                `${count(x.failed_logins, 'failed login')}${inWindow}`,
              num(x.failure_ratio) !== null && `${Math.round(Number(x.failure_ratio) * 100)} % of all logins`,
              num(x.baseline_ratio) !== null &&
                `against ${Math.round(Number(x.baseline_ratio) * 100)} % before`,
            )
          : count(x.failed_identifiers, 'identifier') &&
            `${count(x.failed_identifiers, 'identifier')} failed from this source`
      break
    case 'enumeration':
      what =
        count(x.distinct_identifiers, 'distinct identifier') &&
        `${count(x.distinct_identifiers, 'distinct identifier')} tried${text(x.endpoint) ? ` on ${words(x.endpoint)}` : ''}`
      break
    case 'signup_refusals':
      what =
        count(x.refusals, 'refused sign-up') &&
        `${count(x.refusals, 'refused sign-up')}${text(x.last_code) ? ` (last: ${words(x.last_code)})` : ''}`
      break
    case 'legacy_client':
      what =
        count(x.requests, 'request') &&
        `${count(x.requests, 'request')} from an outdated client${text(x.client_version) ? ` (version ${text(x.client_version)})` : ''}`
      break
  }
  const counted = `${count(d.count, 'request')} counted while open`
  return what ? `${what}; ${counted}` : counted
}
