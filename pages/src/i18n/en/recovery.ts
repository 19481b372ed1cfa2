/** Strings of password recovery (/forgot-password, /reset-password) and "this wasn't me" (/not-me, /lock-account). */
export const recovery = {
  'recovery.title': 'Reset your password',
  'recovery.intro':
    'Enter your username, email address or phone number. If it matches an account, we send a link to set a new password.',
  'recovery.channel': 'Send the link by',
  'recovery.channel.email': 'Email',
  'recovery.channel.sms': 'Text message',
  'recovery.lock.summary': 'Did you turn on reset protection?',
  'recovery.lock.body':
    'If you asked us to require your second factor for password resets, enter a current code from your authenticator app here.',
  'recovery.submit': 'Send reset link',
  'recovery.sent.title': 'Check your messages',
  'recovery.sent.body':
    'If an account matches what you entered, we have sent a link to reset its password to its email address. We say the same either way, so that nobody can find out who has an account.',
  'recovery.sent.bodySms':
    'If an account matches what you entered and has a verified phone number, we have sent a link to reset its password by text message. We say the same either way, so that nobody can find out who has an account.',
  'recovery.sent.hint': 'Sent to: {hint}',
  'recovery.sent.next':
    'The link is valid for a limited time and works once. Nothing arrived after a few minutes? Check your spam folder and what you entered. For your safety we send only a few links per hour.',
  'recovery.sent.again': 'Try something else',
  'recovery.problem.password_reused': 'Choose a password you have not used for this account before.',
  'recovery.problem.mfa_required':
    'Your account has two-step sign-in: enter a code from your app or a recovery code.',
  'reset.title': 'Choose a new password',
  'reset.password': 'New password',
  'reset.submit': 'Set new password',
  'reset.factor.title': 'Confirm with your second factor',
  'reset.factor.body':
    'Your account is protected by two-step sign-in. To reset the password, enter a code from your authenticator app, or one of your recovery codes.',
  'reset.factor.useRecovery': 'Use a recovery code instead',
  'reset.factor.useTotp': 'Use a code from your app instead',
  'reset.problem.invalid_code':
    'That code did not work. Check it and try again; your password was not changed.',
  'reset.invalid':
    'This reset link is not valid any more: it may have expired or been used already. Ask for a new one.',
  'reset.noToken': 'To set a new password, open the link from the message we sent you, or ask for a new one.',
  'reset.newLink': 'Ask for a new link',
  'reset.done.title': 'Your password has been changed',
  'reset.done.body':
    'Your new password is set. For your safety, you have been signed out everywhere: every session has ended.',
  'reset.done.notice':
    'We have sent a notice about this change to your email address and phone. Sign in with your new password.',
  'notme.title': 'A sign-in you do not recognise',
  'notme.body':
    'We told you about a new sign-in to your account. If it was not you, secure your account now.',
  'notme.lock.title': 'A password change you did not make',
  'notme.lock.body': 'We told you that your password was changed. If it was not you, lock your account now.',
  'notme.what':
    'This signs your account out on every device and blocks sign-in until you choose a new password. Nothing happens until you press the button.',
  'notme.confirm': 'Secure my account',
  'notme.wasMe': 'It was me: go to sign-in',
  'notme.done.title': 'Your account is secured',
  'notme.done.body': 'Every session has ended and nobody can sign in until the password is reset.',
  'notme.next.title': 'What now',
  'notme.next.notMe':
    'We have sent a link to set a new password to your email address. If your account has two-step sign-in, you will need it too. Choose a password you do not use anywhere else.',
  'notme.next.lock':
    'To use your account again, reset your password: ask for a link below. If your account has two-step sign-in, you will need it too.',
  'notme.next.reset': 'Reset my password',
  'notme.invalid':
    'This link is not valid any more: it may have expired or been used already. If you are worried about your account, reset your password.',
  'deletion.title': 'Keep your account',
  'deletion.body':
    'Your account is scheduled for deletion and closed until then. Press the button to cancel the deletion and keep it. Nothing happens until you do.',
  'deletion.confirm': 'Keep my account',
  'deletion.done.title': 'Your account is kept',
  'deletion.done.body':
    'The deletion is cancelled and you can sign in again. Every device was signed out when the deletion was requested.',
  'deletion.invalid':
    'This link is not valid any more: it may have been used already, or the deletion is due and the account is gone.',
} as const
