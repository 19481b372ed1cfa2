/** Strings of the sign-in screens, and the words of the problems any public screen can meet. */
export const signin = {
  'signin.title': 'Sign in',
  'signin.identifier': 'Username or email address',
  'signin.identifier.hint': 'A verified phone number works too.',
  'signin.password': 'Password',
  'signin.forgot': 'Forgot your password?',
  'signin.noAccount': 'New here?',
  'signin.passkey.or': 'Or sign in without a password:',
  'signin.passkey.button': 'Sign in with a passkey',
  'signin.resendVerification': 'Send the verification link again',
  'signin.stepUp.title': 'Confirm it is you',
  'signin.stepUp.body':
    'You are signing in on a device we do not know yet. We have emailed you a code to confirm it is you. The code is valid for 10 minutes.',
  'signin.totp.title': 'Enter a code from your app',
  'signin.totp.body': 'Open your authenticator app and enter the 6-digit code it shows for this account.',
  'signin.webauthn.title': 'Use your passkey',
  'signin.webauthn.body':
    'Your browser will ask you to use your passkey: your security key, phone or this device’s screen lock.',
  'signin.webauthn.button': 'Use passkey',
  'signin.email.title': 'Get a code by email',
  'signin.email.body':
    'We send a 6-digit code to the email address of your account. It is valid for 10 minutes.',
  'signin.email.send': 'Email me a code',
  'signin.email.sent': 'Code sent. Check your email, including the spam folder.',
  'signin.sms.title': 'Get a code by text message',
  'signin.sms.body':
    'We send a 6-digit code to the phone number of your account. It is valid for 10 minutes.',
  'signin.sms.send': 'Text me a code',
  'signin.sms.sent': 'Code sent. It can take a minute to arrive.',
  'signin.recovery.title': 'Use a recovery code',
  'signin.recovery.body':
    'Enter one of the recovery codes you saved when you set up two-step sign-in. Each code works once.',
  'signin.recovery.label': 'Recovery code',
  'signin.recovery.hint': 'For example: abcd-efgh-ijkl',
  'signin.code.label': 'Code',
  'signin.code.hint': '6 digits',
  'signin.remember': 'Remember this device for 30 days (do not use on shared computers)',
  'signin.resend': 'Send a new code',
  'signin.resendIn': 'Send a new code ({count} s)',
  'signin.sendCap':
    'A new code replaces the previous one. To protect your account we send only a few codes per hour; after that, no more codes arrive until later.',
  'signin.sendCap.other': 'If nothing arrives, use another way to sign in below.',
  'signin.sendCap.none': 'If nothing arrives, check your spam folder, or try again in an hour.',
  'signin.otherWays': 'Other ways to sign in',
  'signin.choose.totp': 'Use a code from your authenticator app',
  'signin.choose.webauthn': 'Use a passkey',
  'signin.choose.email': 'Get a code by email',
  'signin.choose.sms': 'Get a code by text message',
  'signin.choose.recovery_code': 'Use a recovery code',
  'signin.restart': 'Start over',
  'signin.wait.over': 'You can try again now.',
  'signin.challenge.percent': 'About {pct} percent',
  'signin.problem.invalid_credentials':
    'The username, email address or password is not right. Check them and try again.',
  'signin.problem.invalid_code': 'That code did not work. Check it, or get a new one, and try again.',
  'signin.problem.code_already_used': 'That code was used already. Wait for your app to show the next one.',
  'signin.problem.email_unverified':
    'Your email address is not verified yet. Open the link we emailed you, or have it sent again.',
  'signin.problem.password_reset_required':
    'For your safety, you need to choose a new password before you can sign in.',
  'signin.problem.webauthn_failed': 'The passkey could not be checked. Try again or use another way.',
  'signin.problem.passkey_cancelled': 'The passkey prompt was closed or timed out. You can try again.',
  'signin.problem.invalid_token':
    'This link is not valid any more. It may have expired or been used already.',
} as const
