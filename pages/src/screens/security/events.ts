/*
 * An entry of the account's security history as a sentence people understand: one per event type
 * in the settings catalogs (`settings.event.<type>`), the method or channel named in words; a type
 * without a sentence (one added to Gatehouse later) is told by a generic one.
 */
import { type Key, t } from '../../i18n'
import { en } from '../../i18n/en'
import type { SecurityEvent } from './context'

const METHODS = ['totp', 'webauthn', 'email', 'sms', 'recovery_code', 'password'] as const

/** A method or channel of the details, in words ("an authenticator app"). */
const methodWords = (v: unknown): string =>
  typeof v === 'string' && (METHODS as readonly string[]).includes(v)
    ? t(`settings.method.${v}` as Key)
    : t('settings.method.other')

const isKey = (k: string): k is Key => Object.hasOwn(en, k)

export const eventSentence = (e: SecurityEvent): string => {
  const d = e.details
  const key = `settings.event.${e.type}`
  if (!isKey(key)) return t('settings.event.unknown')
  // A few events say more with their details: which factor, whether it was turned on or off.
  if (e.type === 'recovery.reset_lock_changed')
    return t(d.enabled === true ? 'settings.event.resetLockOn' : 'settings.event.resetLockOff')
  return t(key, {
    method: methodWords(d.method ?? d.channel),
    remaining: typeof d.remaining === 'number' ? d.remaining : '?',
  })
}
