/** Strings of an application's sign-in through Gatehouse (OpenID Connect): the sign-in notes and the consent screen. */
export const oidc = {
  'oidc.reauth': 'Sign in again to continue.',
  'oidc.level.mfa':
    'The application you are signing in to requires a second step: after your password, confirm with your authenticator app, a passkey or a code.',
  'oidc.level.phr': 'The application you are signing in to requires a passkey.',
  'oidc.level.phr.password': 'Or sign in with your password, then use your passkey:',
  'oidc.consent.title': 'Allow access to your account?',
  'oidc.consent.wants': '{client} wants to:',
  'oidc.consent.as': 'You are signed in as {username}.',
  'oidc.consent.allow': 'Allow',
  'oidc.consent.deny': 'Deny',
  'oidc.consent.note': 'Allow only applications you trust. If you deny, nothing is shared.',
  'oidc.consent.expired.title': 'This request is no longer valid',
  'oidc.consent.expired':
    'The request of the application has expired or was answered already. Go back to the application and start again.',
  'oidc.consent.back': 'Go to your account',
  'oidc.scope.openid': 'Confirm who you are',
  'oidc.scope.profile': 'See your username and language',
  'oidc.scope.email': 'See your email address',
  'oidc.scope.phone': 'See your phone number',
  'oidc.scope.offline_access': 'Stay connected when you are not using it',
} as const
