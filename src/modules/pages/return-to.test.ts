import { describe, expect, it } from 'vitest'
import { returnToChecker } from './return-to.js'

const check = returnToChecker(['https://app.example.com/', 'https://shop.example.com/account'])

describe('return_to', () => {
  it('follows addresses under a configured prefix, in the resolved form', () => {
    expect(check('https://app.example.com/')).toBe('https://app.example.com/')
    expect(check('https://app.example.com/inbox?tab=2#top')).toBe('https://app.example.com/inbox?tab=2#top')
    expect(check('https://APP.example.com:443/x')).toBe('https://app.example.com/x')
    expect(check('https://shop.example.com/account')).toBe('https://shop.example.com/account')
    expect(check('https://shop.example.com/account/orders')).toBe('https://shop.example.com/account/orders')
  })

  it.each([
    ['another origin', 'https://evil.example/'],
    ['a look-alike host', 'https://app.example.com.evil.example/'],
    ['user information', 'https://app.example.com@evil.example/'],
    ['user information on the right host', 'https://user:pw@app.example.com/'],
    ['another scheme', 'http://app.example.com/'],
    ['another port', 'https://app.example.com:8443/'],
    ['javascript:', 'javascript:alert(1)'],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
    ['a scheme-relative address', '//evil.example/'],
    ['a path only', '/security'],
    ['a backslash', 'https://app.example.com\\@evil.example/'],
    ['a backslash path', '/\\evil.example'],
    ['a tab', 'https://app.example.com/\t'],
    ['a line break', 'https://app.example.com/\nLocation: https://evil.example/'],
    ['a NUL', 'https://app.example.com/\u0000'],
    ['a space', 'https://app.example.com/ x'],
    ['a sibling path', 'https://shop.example.com/accounting'],
    ['dot segments out of the prefix', 'https://shop.example.com/account/../admin'],
    ['encoded dot segments out of the prefix', 'https://shop.example.com/account/%2e%2e/admin'],
    ['the parent of the prefix', 'https://shop.example.com/'],
    ['empty', ''],
    ['too long', `https://app.example.com/${'a'.repeat(2100)}`],
    ['not a string', 42],
  ])('ignores %s', (_name, raw) => {
    expect(check(raw)).toBeNull()
  })

  it('follows nothing when no prefix is configured', () => {
    expect(returnToChecker([])('https://app.example.com/')).toBeNull()
  })
})
