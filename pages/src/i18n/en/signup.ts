/** Strings of sign-up and of the verification links (/verify-email, /confirm-email). */
export const signup = {
  'signup.title': 'Create an account',
  'signup.username': 'Username',
  'signup.username.hint': 'You can sign in with it. Others may see it.',
  'signup.email': 'Email address',
  'signup.email.hint': 'We send a link to verify it.',
  'signup.password': 'Password',
  'signup.phone': 'Phone number (optional)',
  'signup.phone.hint': 'In international format, for example +49 151 23456789.',
  'signup.terms': 'By creating an account you accept the',
  'signup.submit': 'Create account',
  'signup.haveAccount': 'Already have an account?',
  'signup.sent.title': 'Check your email',
  'signup.sent.body':
    'We sent a link to {email}. Open it to verify your address and finish creating your account.',
  'signup.sent.next':
    'The link is valid for a limited time. If you already had an account with this address, the mail tells you so instead.',
  'signup.sent.signIn': 'Verified already? Sign in',
  'signup.problem.username_taken': 'This username is taken. Please choose another one.',
  'signup.problem.invalid_username':
    'This username cannot be used. Use letters, digits, dots, dashes or underscores.',
  'signup.problem.invalid_email': 'Enter an email address like name@example.com.',
  'signup.problem.invalid_phone': 'Enter the phone number in international format, starting with +.',
  'signup.problem.phone_taken': 'This phone number cannot be used. Leave it empty or use another one.',
  'signup.problem.password_too_short': 'This password is too short.',
  'signup.problem.password_too_long': 'This password is too long.',
  'signup.problem.password_invalid_characters': 'This password contains characters that cannot be used.',
  'verify.title': 'Verify your email address',
  'verify.working': 'Verifying your email address…',
  'verify.retry': 'Try again',
  'verify.done.title': 'Email address verified',
  'verify.done.body':
    'Thank you: your email address is verified and your account is ready. You can sign in now.',
  'verify.invalid':
    'This verification link is not valid any more: it may have expired, been replaced by a newer one, or been used already. If you signed in fine, there is nothing to do.',
  'verify.noToken':
    'To verify your address, open the link from the mail we sent you. Lost it? We can send a new one.',
  'verify.token.label': 'Token from the mail',
  'verify.token.hint': 'The mail also gives it on its own, on the line that starts with “Token:”.',
  'verify.token.submit': 'Verify',
  'verify.resend.title': 'Send the link again',
  'verify.resend.button': 'Send a new link',
  'verify.resend.done':
    'If this address belongs to an account that is not verified yet, a new link is on its way. It replaces older links.',
  'verify.change.title': 'Confirm your new email address',
  'verify.change.done.title': 'New email address confirmed',
  'verify.change.done.body':
    'Your account now uses your new email address. Sign-in and notices use it from now on.',
  'verify.change.done.next': 'Go to security settings',
  'verify.change.invalid':
    'This confirmation link is not valid any more: it may have expired or been used already. Start the change again from your security settings.',
  'verify.change.noToken': 'To confirm your new address, open the link from the mail we sent to it.',
} as const
