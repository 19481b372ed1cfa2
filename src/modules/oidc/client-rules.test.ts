import { describe, expect, it } from 'vitest'
import { isAppError } from '../../kernel/errors.js'
import {
  checkBackchannelUri,
  checkRedirectUri,
  checkSettings,
  type OidcClientSettings,
} from './client-rules.js'

const codeOf = (f: () => void): string | null => {
  try {
    f()
    return null
  } catch (e) {
    if (isAppError(e)) return e.code
    throw e
  }
}

const web: OidcClientSettings = {
  public: false,
  tokenEndpointAuthMethod: 'client_secret_basic',
  redirectUris: ['https://app.example.com/cb'],
  postLogoutRedirectUris: [],
  scopes: ['openid'],
  grantTypes: ['authorization_code'],
  requireAcr: null,
  backchannelLogoutUri: null,
}

describe('redirect URIs', () => {
  it.each([
    'https://app.example.com/cb',
    'https://app.example.com:8443/cb?x=1',
    'http://127.0.0.1:8080/cb',
    'http://[::1]/cb',
    'http://localhost:3000/cb',
  ])('takes %s', (uri) => {
    expect(codeOf(() => checkRedirectUri('redirect_uris', uri, false))).toBeNull()
  })

  it.each([
    'http://app.example.com/cb',
    'http://localhost.evil.example/cb',
    'http://127.0.0.2/cb',
    'https://app.example.com/cb#',
    'https://@app.example.com/cb',
    'https://u@app.example.com/cb',
    'https://app.example.com/*',
    'cb',
    '',
    'ftp://app.example.com/cb',
    'data:text/html,hi',
    'https://app.example.com/\u0000',
    `https://app.example.com/${'x'.repeat(2000)}`,
  ])('refuses %j', (uri) => {
    expect(codeOf(() => checkRedirectUri('redirect_uris', uri, true))).toBe('invalid_redirect_uri')
  })

  it('takes a reverse-DNS private-use scheme only for a public client, and without a host', () => {
    expect(codeOf(() => checkRedirectUri('r', 'com.example.app:/cb', true))).toBeNull()
    expect(codeOf(() => checkRedirectUri('r', 'com.example.app:/cb', false))).toBe('invalid_redirect_uri')
    expect(codeOf(() => checkRedirectUri('r', 'com.example.app://evil.example/cb', true))).toBe(
      'invalid_redirect_uri',
    )
    expect(codeOf(() => checkRedirectUri('r', 'myapp:/cb', true))).toBe('invalid_redirect_uri')
  })
})

describe('back-channel logout URIs', () => {
  it('refuses non-public literal addresses and loopback names unless private ones are allowed', () => {
    for (const uri of [
      'https://10.0.0.1/l',
      'https://169.254.169.254/l',
      'https://[fd00::1]/l',
      'https://localhost/l',
    ])
      expect(
        codeOf(() => checkBackchannelUri(uri, false)),
        uri,
      ).toBe('invalid_client_metadata')
    expect(codeOf(() => checkBackchannelUri('http://127.0.0.1/l', true))).toBeNull()
    expect(codeOf(() => checkBackchannelUri('https://8.8.8.8/l', false))).toBeNull()
    expect(codeOf(() => checkBackchannelUri('com.example.app:/l', true))).toBe('invalid_redirect_uri')
  })
})

describe('settings together', () => {
  it.each<[string, Partial<OidcClientSettings>]>([
    ['no openid', { scopes: ['profile'] }],
    ['offline_access without refresh_token', { scopes: ['openid', 'offline_access'] }],
    ['refresh_token alone', { grantTypes: ['refresh_token'] }],
    ['no grant type', { grantTypes: [] }],
    ['authorization_code without a redirect URI', { redirectUris: [] }],
    ['a public client with a secret method', { public: true }],
    [
      'a public client with client_credentials',
      { public: true, tokenEndpointAuthMethod: 'none', grantTypes: ['client_credentials'] },
    ],
    ['a confidential client without a secret method', { tokenEndpointAuthMethod: 'none' }],
    ['too many URIs', { redirectUris: Array.from({ length: 21 }, (_, i) => `https://a.example.com/${i}`) }],
  ])('refuses %s', (_what, change) => {
    expect(codeOf(() => checkSettings({ ...web, ...change }, false))).toMatch(
      /^invalid_(client_metadata|redirect_uri)$/,
    )
  })

  it('takes a machine client with client_credentials and no redirect URI', () => {
    expect(
      codeOf(() => checkSettings({ ...web, redirectUris: [], grantTypes: ['client_credentials'] }, false)),
    ).toBeNull()
  })
})
