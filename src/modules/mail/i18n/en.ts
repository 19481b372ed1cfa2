/**
 * The English catalog of every mail and SMS sentence. The other languages are typed to have
 * exactly these keys (catalog.ts). A `{name}` is filled from the template; a message with a
 * `{count}` may have a form per plural category (`one`, `other`).
 */
import type { Message } from './message.js'

export const en = {
  // Shared
  greeting: 'Hi {username},',
  'greeting.plain': 'Hi,',
  'token.intro': 'Or, if you are asked for a token, use this one:',
  ifYouDid: 'If you did this, there is nothing else to do.',
  'footer.support': 'Help and support:',
  'footer.privacy': 'How we handle your data:',

  // verify_email
  'verifyEmail.subject': 'Verify your email address for {product}',
  'verifyEmail.intro':
    'Please confirm that this is your email address for your {product} account by opening this link:',
  'verifyEmail.expiresIn': {
    one: 'The link and the token expire in {count} hour.',
    other: 'The link and the token expire in {count} hours.',
  },
  'verifyEmail.expiresSoon': 'The link and the token expire soon.',
  'verifyEmail.notYou': 'If you did not create this account, you can ignore this email.',

  // signup_existing_email
  'signupExisting.subject': 'Someone tried to sign up for {product} with your email address',
  'signupExisting.attempt': 'Someone tried to create a {product} account with your email address.',
  'signupExisting.ifYou':
    'If it was you: you already have an account (username {username}). Sign in with it, or reset your password if you forgot it.',
  'signupExisting.notYou': 'If it was not you, you can ignore this email. Nobody got access to your account.',

  // verify_new_email
  'verifyNewEmail.subject': 'Confirm your new email address for {product}',
  'verifyNewEmail.intro':
    'You asked to use this address for your {product} account. Confirm it by opening this link:',
  'verifyNewEmail.until':
    'Until you do, your old address stays in use. If you did not ask for this, ignore this email.',

  // email_change_address_in_use
  'addressInUse.subject': 'Someone tried to use your address for a {product} account',
  'addressInUse.attempt':
    'Someone signed in to a {product} account asked to move it to this email address. This address already belongs to an account, so nothing was changed.',
  'addressInUse.advice':
    'If that was you, sign in to the account that has this address instead. Otherwise you can ignore this email.',

  // account_deletion_scheduled
  'deletion.subject': 'Your {product} account will be deleted on {date}',
  'deletion.intro':
    'Your {product} account is scheduled for deletion on {date}. It is closed until then: nobody can sign in to it, and every device was signed out.',
  'deletion.then': 'On that date the account and everything held about it will be deleted for good.',
  'deletion.cancel': 'Changed your mind? Keep the account by opening this link before then:',
  'deletion.notYou':
    'If you did not ask for this, open the link now to keep the account, then change your password: someone else may know it.',

  // phone_code (SMS)
  'phoneCode.sms': {
    one: '{product}: your verification code is {code}. It expires in {count} minute. Never share it.',
    other: '{product}: your verification code is {code}. It expires in {count} minutes. Never share it.',
  },

  // campaign_notice: the operator writes the text; only the fallback subject is Gatehouse's
  'campaign.subject': 'A security notice about your {product} account',

  // login_code
  'loginCode.subject': 'Your {product} sign-in code',
  'loginCode.body': {
    one: 'Your code to finish signing in to {product} is {code}. It expires in {count} minute and works once.',
    other:
      'Your code to finish signing in to {product} is {code}. It expires in {count} minutes and works once.',
  },
  'loginCode.warning':
    'Never give this code to anyone. If you are not signing in right now, someone has your password: change it now.',
  'loginCode.sms':
    '{product}: your sign-in code is {code}. It expires in 10 minutes. Never share it. Not you signing in? Change your password.',

  // new_login
  'newLogin.subject': 'New sign-in to your {product} account',
  'newLogin.body':
    'Your {product} account was signed in to from a device it had not used before: {device}, on {time}, from the address {ip}.',
  'newLogin.bodyWithPlace':
    'Your {product} account was signed in to from a device it had not used before: {device}, on {time}, from the address {ip} (approximately {place}).',
  'newLogin.ifYou': 'If this was you, there is nothing to do.',
  'newLogin.notYou':
    'If it was not you, open this link: it signs that device out, blocks sign-in and sends you a link to choose a new password.',

  // recovery_email
  'recovery.subject': 'Reset your {product} password',
  'recovery.intro':
    'Someone asked to reset the password of your {product} account. To choose a new one, open:',
  'recovery.expiresIn': {
    one: 'The link expires in {count} minute and works once.',
    other: 'The link expires in {count} minutes and works once.',
  },
  'recovery.expiresSoon': 'The link expires soon.',
  'recovery.notYou':
    'If you did not ask for this, ignore this email: your password stays as it is and nobody can use this link without access to your mailbox. We will never ask you for this token by phone or chat.',
  'recovery.sms':
    '{product}: reset your password at {url} (expires soon, works once). Not you? Ignore this. Token: {token}',

  // recovery_digest
  'digest.subject': {
    one: '{count} password-reset request for your {product} account was blocked',
    other: '{count} password-reset requests for your {product} account were blocked',
  },
  'digest.body': {
    one: '{count} password-reset request for your {product} account was blocked today, because requests came too often. We sent no reset link for it.',
    other:
      '{count} password-reset requests for your {product} account were blocked today, because they came too often. We sent no reset link for them.',
  },
  'digest.nothingToDo': "You don't need to do anything: your password has not changed.",
  'digest.advice':
    'To make your account safer, turn on two-factor authentication in your {product} account settings. With it, you can also require your second factor before any reset message is sent.',

  // security_change: one subject, sentence and SMS phrase per change
  'change.factor_added.subject': 'A second factor was added to your {product} account',
  'change.factor_added.body': 'A second factor was added to your {product} account just now.',
  'change.factor_added.short': 'A second factor was added to your account.',
  'change.factor_removed.subject': 'A second factor was removed from your {product} account',
  'change.factor_removed.body': 'A second factor was removed from your {product} account just now.',
  'change.factor_removed.short': 'A second factor was removed from your account.',
  'change.recovery_codes_regenerated.subject': 'New recovery codes were created for your {product} account',
  'change.recovery_codes_regenerated.body':
    'New recovery codes were created for your {product} account just now.',
  'change.recovery_codes_regenerated.short': 'New recovery codes were created for your account.',
  'change.email_change_requested.subject':
    'A change of the email address was requested for your {product} account',
  'change.email_change_requested.body':
    'A change of the email address was requested for your {product} account just now.',
  'change.email_change_requested.short': 'A change of the email address was requested for your account.',
  'change.email_changed.subject': 'The email address was changed for your {product} account',
  'change.email_changed.body': 'The email address was changed for your {product} account just now.',
  'change.email_changed.short': 'The email address was changed for your account.',
  'change.phone_changed.subject': 'The phone number was changed or removed for your {product} account',
  'change.phone_changed.body': 'The phone number was changed or removed for your {product} account just now.',
  'change.phone_changed.short': 'The phone number was changed or removed for your account.',
  'securityChange.ifNot':
    'If you did not, someone is signed in to your account: change your password now (that signs out every other device), or start account recovery.',
  'securityChange.sms': '{product}: {change} Not you? Change your password now: {url}',

  // password_changed
  'passwordChanged.subject': 'Your {product} password was changed',
  'passwordChanged.body': 'The password of your {product} account was just changed.',
  'passwordChanged.lockAdvice':
    'If you did not, lock your account now: this signs out every device and blocks sign-in until you recover the account (with your second factor, if you have one).',
  'passwordChanged.recoverAdvice':
    'If you did not, someone else may know your password: start account recovery right away.',
  'passwordChanged.smsLock': '{product}: your password was changed. Not you? Lock your account: {url}',
  'passwordChanged.smsRecover':
    '{product}: your password was changed. If this was not you, start account recovery at {url}',

  // phone_changed
  'phoneChanged.subjectRemoved': 'The phone number of your {product} account was removed',
  'phoneChanged.subjectChanged': 'The phone number of your {product} account was changed',
  'phoneChanged.bodyRemoved':
    'The phone number of your {product} account was just removed. It can no longer be used to sign in or to recover the account.',
  'phoneChanged.bodyChanged':
    'The phone number of your {product} account was just changed. It can be used to sign in and to recover the account once it is verified with the code we sent to it.',
  'phoneChanged.bodyChangedTo':
    'The phone number of your {product} account was just changed to a number ending in {last2}. It can be used to sign in and to recover the account once it is verified with the code we sent to it.',
  'phoneChanged.ifNot':
    'If you did not, someone is signed in to your account and knows your password: change your password now (that signs out every other device), or start account recovery.',
} as const satisfies Record<string, Message>
