import { describe, expect, it } from 'vitest'
import { renderMail, renderSms } from './templates.js'

const ctx = { publicUrl: 'https://id.example.test/' }

describe('phone templates', () => {
  it('texts the code in the agreed words', () => {
    expect(renderSms('phone_code', { code: '042917', expiresInMinutes: 10 }, ctx)).toBe(
      'Gatehouse: your verification code is 042917. It expires in 10 minutes. Never share it.',
    )
    expect(renderSms('phone_code', { code: '123456' }, { ...ctx, productName: 'Acme ID' })).toBe(
      'Acme ID: your verification code is 123456. It expires in 10 minutes. Never share it.',
    )
  })

  it('refuses a code that is not exactly 6 ASCII digits', () => {
    for (const code of ['12345', '1234567', '12345a', '١٢٣٤٥٦', 123456, null]) {
      expect(() => renderSms('phone_code', { code }, ctx), String(code)).toThrow(/code/)
    }
    expect(() => renderSms('phone_code', {}, ctx)).toThrow(/code/)
  })

  it('tells the owner of a changed number with its last two digits only, and of a removed one', () => {
    const changed = renderMail('phone_changed', { username: 'alice', phoneLast2: '23' }, ctx)
    expect(changed.subject).toBe('The phone number of your Gatehouse account was changed')
    expect(changed.text.replace(/\s+/g, ' ')).toContain('changed to a number ending in 23.')
    expect(changed.text).toContain('https://id.example.test/security')
    const removed = renderMail('phone_changed', { username: 'alice', removed: true }, ctx)
    expect(removed.subject).toBe('The phone number of your Gatehouse account was removed')
    expect(removed.text).not.toMatch(/ending in/)
  })

  it('refuses more of the number than two digits', () => {
    for (const phoneLast2 of ['+14155550123', '0123', '3', 'ab']) {
      expect(() => renderMail('phone_changed', { username: 'alice', phoneLast2 }, ctx), phoneLast2).toThrow(
        /phoneLast2/,
      )
    }
  })
})
