import type { signin as en } from '../en/signin'

export const signin: { [K in keyof typeof en]: string } = {
  'signin.title': 'Anmelden',
  'signin.identifier': 'Benutzername oder E-Mail-Adresse',
  'signin.identifier.hint': 'Eine bestätigte Telefonnummer geht auch.',
  'signin.password': 'Passwort',
  'signin.forgot': 'Passwort vergessen?',
  'signin.noAccount': 'Neu hier?',
  'signin.passkey.or': 'Oder ohne Passwort anmelden:',
  'signin.passkey.button': 'Mit Passkey anmelden',
  'signin.resendVerification': 'Bestätigungslink erneut senden',
  'signin.stepUp.title': 'Bestätigen Sie, dass Sie es sind',
  'signin.stepUp.body':
    'Sie melden sich auf einem Gerät an, das wir noch nicht kennen. Wir haben Ihnen einen Code per E-Mail geschickt, mit dem Sie bestätigen, dass Sie es sind. Der Code gilt 10 Minuten.',
  'signin.totp.title': 'Code aus Ihrer App eingeben',
  'signin.totp.body':
    'Öffnen Sie Ihre Authenticator-App und geben Sie den 6-stelligen Code ein, den sie für dieses Konto anzeigt.',
  'signin.webauthn.title': 'Passkey verwenden',
  'signin.webauthn.body':
    'Ihr Browser bittet Sie, Ihren Passkey zu verwenden: Ihren Sicherheitsschlüssel, Ihr Telefon oder die Displaysperre dieses Geräts.',
  'signin.webauthn.button': 'Passkey verwenden',
  'signin.email.title': 'Code per E-Mail erhalten',
  'signin.email.body':
    'Wir senden einen 6-stelligen Code an die E-Mail-Adresse Ihres Kontos. Er gilt 10 Minuten.',
  'signin.email.send': 'Code per E-Mail senden',
  'signin.email.sent': 'Code gesendet. Sehen Sie in Ihr Postfach, auch in den Spam-Ordner.',
  'signin.sms.title': 'Code per SMS erhalten',
  'signin.sms.body':
    'Wir senden einen 6-stelligen Code an die Telefonnummer Ihres Kontos. Er gilt 10 Minuten.',
  'signin.sms.send': 'Code per SMS senden',
  'signin.sms.sent': 'Code gesendet. Es kann eine Minute dauern, bis er ankommt.',
  'signin.recovery.title': 'Wiederherstellungscode verwenden',
  'signin.recovery.body':
    'Geben Sie einen der Wiederherstellungscodes ein, die Sie beim Einrichten der Anmeldung in zwei Schritten gespeichert haben. Jeder Code gilt einmal.',
  'signin.recovery.label': 'Wiederherstellungscode',
  'signin.recovery.hint': 'Zum Beispiel: abcd-efgh-ijkl',
  'signin.code.label': 'Code',
  'signin.code.hint': '6 Ziffern',
  'signin.remember': 'Dieses Gerät 30 Tage lang merken (nicht auf gemeinsam genutzten Computern)',
  'signin.resend': 'Neuen Code senden',
  'signin.resendIn': 'Neuen Code senden ({count} s)',
  'signin.sendCap':
    'Ein neuer Code ersetzt den vorigen. Zum Schutz Ihres Kontos senden wir nur wenige Codes pro Stunde; danach kommen vorerst keine weiteren an.',
  'signin.sendCap.other': 'Wenn nichts ankommt, melden Sie sich unten auf einem anderen Weg an.',
  'signin.sendCap.none':
    'Wenn nichts ankommt, sehen Sie im Spam-Ordner nach oder versuchen Sie es in einer Stunde erneut.',
  'signin.otherWays': 'Andere Wege zur Anmeldung',
  'signin.choose.totp': 'Code aus der Authenticator-App verwenden',
  'signin.choose.webauthn': 'Passkey verwenden',
  'signin.choose.email': 'Code per E-Mail erhalten',
  'signin.choose.sms': 'Code per SMS erhalten',
  'signin.choose.recovery_code': 'Wiederherstellungscode verwenden',
  'signin.restart': 'Von vorn beginnen',
  'signin.wait.over': 'Sie können es jetzt erneut versuchen.',
  'signin.challenge.percent': 'Etwa {pct} Prozent',
  'signin.problem.invalid_credentials':
    'Benutzername, E-Mail-Adresse oder Passwort stimmen nicht. Bitte prüfen Sie Ihre Eingaben und versuchen Sie es erneut.',
  'signin.problem.invalid_code':
    'Dieser Code hat nicht funktioniert. Prüfen Sie ihn oder fordern Sie einen neuen an und versuchen Sie es erneut.',
  'signin.problem.code_already_used':
    'Dieser Code wurde bereits verwendet. Warten Sie, bis Ihre App den nächsten anzeigt.',
  'signin.problem.email_unverified':
    'Ihre E-Mail-Adresse ist noch nicht bestätigt. Öffnen Sie den Link aus unserer E-Mail oder lassen Sie ihn erneut senden.',
  'signin.problem.password_reset_required':
    'Zu Ihrer Sicherheit müssen Sie ein neues Passwort wählen, bevor Sie sich anmelden können.',
  'signin.problem.webauthn_failed':
    'Der Passkey konnte nicht geprüft werden. Versuchen Sie es erneut oder wählen Sie einen anderen Weg.',
  'signin.problem.passkey_cancelled':
    'Die Passkey-Abfrage wurde geschlossen oder ist abgelaufen. Sie können es erneut versuchen.',
  'signin.problem.invalid_token':
    'Dieser Link ist nicht mehr gültig. Er ist vielleicht abgelaufen oder wurde schon verwendet.',
}
