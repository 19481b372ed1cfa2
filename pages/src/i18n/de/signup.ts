import type { signup as en } from '../en/signup'

export const signup: { [K in keyof typeof en]: string } = {
  'signup.title': 'Konto erstellen',
  'signup.username': 'Benutzername',
  'signup.username.hint': 'Damit können Sie sich anmelden. Andere können ihn sehen.',
  'signup.email': 'E-Mail-Adresse',
  'signup.email.hint': 'Wir senden einen Link, um sie zu bestätigen.',
  'signup.password': 'Passwort',
  'signup.phone': 'Telefonnummer (freiwillig)',
  'signup.phone.hint': 'Im internationalen Format, zum Beispiel +49 151 23456789.',
  'signup.terms': 'Mit dem Erstellen des Kontos akzeptieren Sie die',
  'signup.submit': 'Konto erstellen',
  'signup.haveAccount': 'Sie haben schon ein Konto?',
  'signup.sent.title': 'Sehen Sie in Ihr Postfach',
  'signup.sent.body':
    'Wir haben einen Link an {email} gesendet. Öffnen Sie ihn, um Ihre Adresse zu bestätigen und Ihr Konto fertig einzurichten.',
  'signup.sent.next':
    'Der Link gilt nur begrenzte Zeit. Falls Sie mit dieser Adresse schon ein Konto hatten, steht das stattdessen in der E-Mail.',
  'signup.sent.signIn': 'Schon bestätigt? Anmelden',
  'signup.problem.username_taken': 'Dieser Benutzername ist vergeben. Bitte wählen Sie einen anderen.',
  'signup.problem.invalid_username':
    'Dieser Benutzername ist nicht möglich. Verwenden Sie Buchstaben, Ziffern, Punkte, Bindestriche oder Unterstriche.',
  'signup.problem.invalid_email': 'Geben Sie eine E-Mail-Adresse wie name@example.com ein.',
  'signup.problem.invalid_phone':
    'Geben Sie die Telefonnummer im internationalen Format ein, beginnend mit +.',
  'signup.problem.phone_taken':
    'Diese Telefonnummer kann nicht verwendet werden. Lassen Sie das Feld leer oder nehmen Sie eine andere.',
  'signup.problem.password_too_short': 'Dieses Passwort ist zu kurz.',
  'signup.problem.password_too_long': 'Dieses Passwort ist zu lang.',
  'signup.problem.password_invalid_characters': 'Dieses Passwort enthält Zeichen, die nicht möglich sind.',
  'verify.title': 'E-Mail-Adresse bestätigen',
  'verify.working': 'Ihre E-Mail-Adresse wird bestätigt …',
  'verify.retry': 'Erneut versuchen',
  'verify.done.title': 'E-Mail-Adresse bestätigt',
  'verify.done.body':
    'Vielen Dank: Ihre E-Mail-Adresse ist bestätigt und Ihr Konto ist bereit. Sie können sich jetzt anmelden.',
  'verify.invalid':
    'Dieser Bestätigungslink ist nicht mehr gültig: Er ist vielleicht abgelaufen, durch einen neueren ersetzt oder schon verwendet worden. Wenn die Anmeldung klappt, ist nichts weiter zu tun.',
  'verify.noToken':
    'Öffnen Sie zum Bestätigen den Link aus der E-Mail, die wir Ihnen gesendet haben. Nicht mehr da? Wir senden gern einen neuen.',
  'verify.token.label': 'Token aus der E-Mail',
  'verify.token.hint': 'Die E-Mail nennt es auch einzeln, in der Zeile, die mit „Token:“ beginnt.',
  'verify.token.submit': 'Bestätigen',
  'verify.resend.title': 'Link erneut senden',
  'verify.resend.button': 'Neuen Link senden',
  'verify.resend.done':
    'Wenn diese Adresse zu einem noch nicht bestätigten Konto gehört, ist ein neuer Link unterwegs. Er ersetzt ältere Links.',
  'verify.change.title': 'Neue E-Mail-Adresse bestätigen',
  'verify.change.done.title': 'Neue E-Mail-Adresse bestätigt',
  'verify.change.done.body':
    'Ihr Konto verwendet jetzt Ihre neue E-Mail-Adresse. Anmeldung und Hinweise gehen ab sofort dorthin.',
  'verify.change.done.next': 'Zu den Sicherheitseinstellungen',
  'verify.change.invalid':
    'Dieser Bestätigungslink ist nicht mehr gültig: Er ist vielleicht abgelaufen oder wurde schon verwendet. Beginnen Sie die Änderung in Ihren Sicherheitseinstellungen erneut.',
  'verify.change.noToken':
    'Öffnen Sie zum Bestätigen Ihrer neuen Adresse den Link aus der E-Mail, die wir an diese Adresse gesendet haben.',
}
