import type { Clock } from '../../kernel/clock.js'
import type { AccountRecord } from '../accounts/ports.js'
import type { DeviceRecord } from '../devices/ports.js'
import type { DevicesService } from '../devices/service.js'
import type { RequestContext } from '../events/ports.js'
import type { RecordsEvents } from '../events/recorder.js'
import type { LoginCodeService } from '../mfa/login-codes.js'
import type { MfaService } from '../mfa/service.js'
import type { FactorPolicy } from '../mfa/strength.js'

export interface SecondStepDeps {
  mfa: Pick<MfaService, 'methods' | 'startChallenge'>
  devices: Pick<DevicesService, 'recognise' | 'hasAny'>
  loginCodes: Pick<LoginCodeService, 'send'>
  events: RecordsEvents
  clock: Clock
  policyOf: (account: AccountRecord) => FactorPolicy
  /** GATEHOUSE_STEP_UP_NEW_DEVICE: an account without factors confirms a new device by a mailed code. */
  stepUpNewDevice: boolean
}

/**
 * After a right password: a challenge, or none needed (`pass`, with the account's device for the
 * presented token, which opening the session reuses).
 */
export type SecondStep =
  | { kind: 'challenge'; challengeId: string; methods: string[] }
  | {
      kind: 'pass'
      device: DeviceRecord | null
      /** Whether the account has any device, when the step has asked already (undefined: not asked). */
      hasDevices?: boolean
    }

/**
 * What a right password still needs. An account with factors answers a challenge, unless this
 * device was remembered by an earlier login that passed one — and not even then when the login
 * asked for the second factor (`requireSecondFactor`: an application requires one). An account
 * without factors logging in from a new device (not its first) confirms it with a code mailed to
 * its verified address.
 */
export const secondStep = async (
  deps: SecondStepDeps,
  account: AccountRecord,
  ctx: RequestContext,
  deviceToken: string | null,
  requireSecondFactor = false,
): Promise<SecondStep> => {
  const { mfa, devices, events } = deps
  const [methods, device] = await Promise.all([
    mfa.methods(account.id, deps.policyOf(account)),
    devices.recognise(account.id, deviceToken),
  ])
  const pass = { kind: 'pass' as const, device }
  if (methods.length > 0) {
    if (!requireSecondFactor && device?.rememberedUntil && device.rememberedUntil > deps.clock.now()) {
      await events.record('authn_mfa_skipped_remembered', account.id, ctx, { device_id: device.id })
      return pass
    }
    const challenge = await mfa.startChallenge(account, ctx, methods)
    return challenge ? { kind: 'challenge', ...challenge } : pass
  }
  return newDeviceStepUp(deps, account, ctx, device, pass)
}

/** No factor: a new device (not the account's first) confirms the login with a mailed code. */
const newDeviceStepUp = async (
  deps: SecondStepDeps,
  account: AccountRecord,
  ctx: RequestContext,
  device: DeviceRecord | null,
  pass: Extract<SecondStep, { kind: 'pass' }>,
): Promise<SecondStep> => {
  if (!deps.stepUpNewDevice || device || account.emailVerifiedAt === null) return pass
  if (!(await deps.devices.hasAny(account.id))) return { ...pass, hasDevices: false }
  const challenge = await deps.mfa.startChallenge(account, ctx, ['email'])
  if (!challenge) return pass
  await deps.loginCodes.send(challenge.challengeId, 'email', account, ctx)
  await deps.events.record('authn_step_up', account.id, ctx, { challenge_id: challenge.challengeId })
  return { kind: 'challenge', ...challenge }
}
