import type { Config } from '../../config/index.js'

/** The protections the running configuration has on, in words, for the incident report. */
export const mitigationsInPlace = (
  c: Pick<Config, 'gate' | 'recovery' | 'http' | 'mfa' | 'guard' | 'devices'>,
): string[] => {
  const caps = c.gate.kinds.recovery
  const out = [
    `Recovery messages capped per account: ${caps.hour} an hour, ${caps.day} a day, however many addresses ask`,
    'Recovery, login, sign-up and verification answer alike whether or not an account exists (no account oracle, no contact data to the unauthenticated)',
    'Every administrative action is appended to the hash-chained audit log',
  ]
  if (!c.recovery.hints) out.push('Masked contact hints in recovery answers are off')
  if (c.http.minClientVersion) out.push(`Clients older than ${c.http.minClientVersion} are refused (426)`)
  if (c.mfa.requiredRoles.length > 0) {
    out.push(`A second factor is required for the roles ${c.mfa.requiredRoles.join(', ')}`)
  }
  if (c.guard.enabled) {
    out.push(
      'The guard challenges or slows enumeration, credential stuffing, brute force and recovery floods, and records detections',
    )
  }
  if (c.devices.stepUpNewDevice)
    out.push('Logins from a new device need a second step, and the holder is told of them')
  return out
}
